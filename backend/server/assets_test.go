package server

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

func TestAssets(t *testing.T) {
	f := start(t, Options{})
	index := string(testAssets["index.html"].Data)
	for _, tc := range []struct {
		path, status, ctype, body string
	}{
		{"/", "200", "text/html; charset=utf-8", index},
		{"/index.html", "200", "text/html; charset=utf-8", index},
		{"/assets/app-1a2b.js", "200", "text/javascript; charset=utf-8", "console.log('hi')"},
		{"/assets/app.css", "200", "text/css; charset=utf-8", "body{margin:0}"},
		{"/favicon.svg", "200", "image/svg+xml", "<svg"},
		{"/docs/", "200", "text/html; charset=utf-8", "<p>docs</p>"},
		{"/runs/12", "200", "text/html; charset=utf-8", index},
		{"/plan/board/", "200", "text/html; charset=utf-8", index},
		{"/../../server.go", "404", "", ""},
		{"/../../etc/passwd", "200", "text/html; charset=utf-8", index},
		{"/assets/missing.js", "404", "", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := f.do(f.req(http.MethodGet, tc.path, "", bearer...))
			if got := resp.Status[:3]; got != tc.status {
				t.Fatalf("status %s, want %s", resp.Status, tc.status)
			}
			if tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tc.ctype)
			}
			if !strings.Contains(body, tc.body) {
				t.Errorf("body %q, want it to contain %q", body, tc.body)
			}
		})
	}
}

func TestAssetsMethodNotAllowed(t *testing.T) {
	f := start(t, Options{})
	resp, _ := f.do(f.req(http.MethodPost, "/", "", bearer...))
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d, want 405", resp.StatusCode)
	}
}

func TestAssetsHead(t *testing.T) {
	f := start(t, Options{})
	resp, body := f.do(f.req(http.MethodHead, "/assets/app.css", "", bearer...))
	if resp.StatusCode != 200 || body != "" {
		t.Errorf("HEAD: status %d body %q", resp.StatusCode, body)
	}
}

func TestNoIndex(t *testing.T) {
	f := start(t, Options{Assets: fstest.MapFS{"app.js": {Data: []byte("x")}}})
	resp, _ := f.do(f.req(http.MethodGet, "/route", "", bearer...))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status %d, want 404", resp.StatusCode)
	}
}

func TestNoAssetsServesPlaceholder(t *testing.T) {
	s, err := New(Options{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	s.ln.Close()
	if s.assets != nil {
		t.Fatal("assets without Assets")
	}
}
