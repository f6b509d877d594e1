package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestNoTokenIsUnauthorized(t *testing.T) {
	f := start(t, Options{})
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/"},
		{http.MethodGet, "/assets/app.css"},
		{http.MethodGet, "/some/route"},
		{http.MethodPost, "/api/Ping"},
		{http.MethodPost, "/api/X"},
		{http.MethodGet, "/api/events"},
		{http.MethodGet, "/api/methods"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp, body := f.do(f.req(tc.method, tc.path, "[]"))
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", resp.StatusCode)
			}
			if !strings.Contains(body, "eightfold serve") {
				t.Errorf("body %q does not say to open the printed URL", body)
			}
		})
	}
}

func TestWrongTokenIsUnauthorized(t *testing.T) {
	f := start(t, Options{})
	wrong := "wrong-token-0123456789abcdef"
	for _, tc := range []struct {
		name    string
		path    string
		headers []string
	}{
		{"bearer", "/", []string{"Authorization", "Bearer " + wrong}},
		{"bearer prefix", "/", []string{"Authorization", "Bearer " + testToken[:10]}},
		{"bearer longer", "/", []string{"Authorization", "Bearer " + testToken + "x"}},
		{"basic scheme", "/", []string{"Authorization", "Basic " + testToken}},
		{"wrong bearer beats good cookie", "/", []string{"Authorization", "Bearer " + wrong, "Cookie", f.srv.CookieName() + "=" + testToken}},
		{"cookie", "/", []string{"Cookie", f.srv.CookieName() + "=" + wrong}},
		{"other cookie name", "/", []string{"Cookie", "token=" + testToken}},
		{"query", "/?token=" + wrong, nil},
		{"empty query", "/?token=", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := f.do(f.req(http.MethodGet, tc.path, "", tc.headers...))
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", resp.StatusCode)
			}
			if len(resp.Cookies()) != 0 {
				t.Errorf("cookie set for a wrong token")
			}
		})
	}
}

func TestGoodTokenForms(t *testing.T) {
	f := start(t, Options{})
	for _, tc := range []struct {
		name    string
		headers []string
	}{
		{"bearer", bearer},
		{"bearer lowercase scheme", []string{"Authorization", "bearer " + testToken}},
		{"cookie", []string{"Cookie", f.srv.CookieName() + "=" + testToken}},
		{"cookie among others", []string{"Cookie", "a=b; " + f.srv.CookieName() + "=" + testToken + "; c=d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.do(f.req(http.MethodGet, "/", "", tc.headers...))
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<title>Eightfold</title>") {
				t.Fatalf("status %d body %q", resp.StatusCode, body)
			}
		})
	}
}

func TestQueryTokenSetsCookieAndRedirects(t *testing.T) {
	f := start(t, Options{})
	for _, tc := range []struct{ path, location string }{
		{"/?token=" + testToken, "/"},
		{"/runs/3?token=" + testToken + "&tab=log", "/runs/3?tab=log"},
		{"//evil.example/?token=" + testToken, "/evil.example/"},
		{"/api/methods?token=" + testToken, "/api/methods"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, _ := f.do(f.req(http.MethodGet, tc.path, ""))
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d, want 303", resp.StatusCode)
			}
			if loc := resp.Header.Get("Location"); loc != tc.location {
				t.Errorf("Location %q, want %q", loc, tc.location)
			}
			c := findCookie(resp, f.srv.CookieName())
			if c == nil {
				t.Fatal("no token cookie")
			}
			if c.Value != testToken || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
				t.Errorf("cookie %+v: want the token, HttpOnly, SameSite=Strict, Path=/", c)
			}
			raw := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
			if !strings.Contains(raw, "HttpOnly") || !strings.Contains(raw, "SameSite=Strict") {
				t.Errorf("Set-Cookie %q", raw)
			}
			// The cookie alone now opens the page.
			resp, _ = f.do(f.req(http.MethodGet, tc.location, "", "Cookie", c.String()))
			if resp.StatusCode == http.StatusUnauthorized {
				t.Errorf("the cookie from the redirect is not accepted")
			}
		})
	}
}

func TestQueryTokenOnPostIsNotAccepted(t *testing.T) {
	f := start(t, Options{})
	resp, _ := f.do(f.req(http.MethodPost, "/api/Ping?token="+testToken, "[]"))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", resp.StatusCode)
	}
}

func findCookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestHostCheck(t *testing.T) {
	f := start(t, Options{})
	for _, tc := range []struct {
		host   string
		status int
	}{
		{"127.0.0.1:" + f.port, 200},
		{"localhost:" + f.port, 200},
		{"LOCALHOST:" + f.port, 200},
		{"[::1]:" + f.port, 200},
		{"evil.example:" + f.port, 403},
		{"evil.example", 403},
		{"127.0.0.1", 403},
		{"localhost:1", 403},
		{"127.0.0.2:" + f.port, 403},
		{"localhost.:" + f.port, 403},
	} {
		t.Run(tc.host, func(t *testing.T) {
			resp, _ := f.do(f.req(http.MethodGet, "/", "", append(bearer, "Host", tc.host)...))
			if resp.StatusCode != tc.status {
				t.Errorf("with token: status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status == 403 {
				// The Host check comes before the token check.
				resp, _ = f.do(f.req(http.MethodGet, "/", "", "Host", tc.host))
				if resp.StatusCode != 403 {
					t.Errorf("without token: status %d, want 403", resp.StatusCode)
				}
				resp, _ = f.do(f.req(http.MethodGet, "/?token="+testToken, "", "Host", tc.host))
				if resp.StatusCode != 403 || len(resp.Cookies()) != 0 {
					t.Errorf("query token: status %d, want 403 and no cookie", resp.StatusCode)
				}
			}
		})
	}
}

func TestOriginCheck(t *testing.T) {
	f := start(t, Options{})
	self := "http://127.0.0.1:" + f.port
	for _, tc := range []struct {
		name    string
		method  string
		headers []string
		status  int
	}{
		{"no origin", http.MethodPost, nil, 200},
		{"same origin", http.MethodPost, []string{"Origin", self}, 200},
		{"localhost origin", http.MethodPost, []string{"Origin", "http://localhost:" + f.port}, 200},
		{"same origin fetch metadata", http.MethodPost, []string{"Origin", self, "Sec-Fetch-Site", "same-origin"}, 200},
		{"evil origin", http.MethodPost, []string{"Origin", "http://evil.example"}, 403},
		{"other local port", http.MethodPost, []string{"Origin", "http://127.0.0.1:1"}, 403},
		{"https origin", http.MethodPost, []string{"Origin", "https://127.0.0.1:" + f.port}, 403},
		{"null origin", http.MethodPost, []string{"Origin", "null"}, 403},
		{"empty origin", http.MethodPost, []string{"Origin", ""}, 403},
		{"cross-site", http.MethodPost, []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"cross-site with good origin", http.MethodPost, []string{"Origin", self, "Sec-Fetch-Site", "cross-site"}, 403},
		{"same-site", http.MethodPost, []string{"Sec-Fetch-Site", "same-site"}, 403},
		{"evil origin PUT", http.MethodPut, []string{"Origin", "http://evil.example"}, 403},
		{"evil origin DELETE", http.MethodDelete, []string{"Origin", "http://evil.example"}, 403},
		{"evil origin PATCH", http.MethodPatch, []string{"Origin", "http://evil.example"}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := append(append([]string{}, bearer...), tc.headers...)
			r := f.req(tc.method, "/api/Ping", "[]", headers...)
			if tc.name == "empty origin" {
				r.Header["Origin"] = []string{""}
			}
			resp, body := f.do(r)
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d; body %s", resp.StatusCode, tc.status, body)
			}
		})
	}
}

func TestCrossOriginGetIsAllowedWithToken(t *testing.T) {
	// GETs change nothing; a cross-site page cannot read the answer (no CORS) nor send the
	// SameSite=Strict cookie, so the Origin check is only for mutating requests.
	f := start(t, Options{})
	resp, _ := f.do(f.req(http.MethodGet, "/", "", append(bearer, "Origin", "http://evil.example")...))
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

func TestAPIDenialsAreJSON(t *testing.T) {
	f := start(t, Options{})
	resp, body := f.do(f.req(http.MethodPost, "/api/Ping", "[]"))
	if resp.Header.Get("Content-Type") != "application/json; charset=utf-8" || !strings.Contains(body, `"code":"unauthorized"`) {
		t.Errorf("API 401: %s %q", resp.Header.Get("Content-Type"), body)
	}
	resp, body = f.do(f.req(http.MethodPost, "/api/Ping", "[]", append(bearer, "Origin", "http://evil.example")...))
	if !strings.Contains(body, `"code":"forbidden"`) {
		t.Errorf("API 403: %q", body)
	}
	resp, _ = f.do(f.req(http.MethodGet, "/", ""))
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("page 401 Content-Type %q", resp.Header.Get("Content-Type"))
	}
}
