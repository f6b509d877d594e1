package server

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

const testToken = "test-token-0123456789abcdef"

// testAssets is a tiny built frontend.
var testAssets = fstest.MapFS{
	"index.html":         {Data: []byte("<!doctype html><title>Eightfold</title><div id=app></div>")},
	"assets/app-1a2b.js": {Data: []byte("console.log('hi')")},
	"assets/app.css":     {Data: []byte("body{margin:0}")},
	"favicon.svg":        {Data: []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")},
	"docs/index.html":    {Data: []byte("<p>docs</p>")},
}

// syncBuffer is a log sink safe for concurrent writes and reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixture is a running server and a client that does not follow redirects.
type fixture struct {
	t      *testing.T
	srv    *Server
	base   string // http://127.0.0.1:PORT
	port   string
	client *http.Client
	log    *syncBuffer
}

// start runs a server for opts (defaults: test API, test assets, test token) until the test ends.
func start(t *testing.T, opts Options, tweak ...func(*Server)) *fixture {
	t.Helper()
	if opts.API == nil {
		opts.API = &testAPI{}
	}
	if opts.Assets == nil {
		opts.Assets = testAssets
	}
	if opts.Token == "" {
		opts.Token = testToken
	}
	logs := &syncBuffer{}
	opts.Log = logs
	srv, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	for _, f := range tweak {
		f(srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("Serve did not return after cancel")
		}
	})
	_, port, _ := net.SplitHostPort(srv.Addr().String())
	return &fixture{
		t: t, srv: srv, port: port, log: logs,
		base: "http://" + srv.Addr().String(),
		client: &http.Client{
			Timeout:       10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// req builds a request to path; headers come as name, value pairs.
func (f *fixture) req(method, path, body string, headers ...string) *http.Request {
	f.t.Helper()
	r, err := http.NewRequest(method, f.base+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			r.Host = headers[i+1]
			continue
		}
		r.Header.Set(headers[i], headers[i+1])
	}
	return r
}

// do sends r and returns the response with its body read.
func (f *fixture) do(r *http.Request) (*http.Response, string) {
	f.t.Helper()
	resp, err := f.client.Do(r)
	if err != nil {
		f.t.Fatalf("%s %s: %v", r.Method, r.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("reading body: %v", err)
	}
	return resp, string(body)
}

// bearer is the Authorization header pair for the test token.
var bearer = []string{"Authorization", "Bearer " + testToken}

// call POSTs body to /api/<method> with the bearer token.
func (f *fixture) call(method, body string) (*http.Response, string) {
	f.t.Helper()
	return f.do(f.req(http.MethodPost, "/api/"+method, body, bearer...))
}

func TestNewRefusesNonLoopbackWithoutPublic(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:0"} {
		t.Run(addr, func(t *testing.T) {
			_, err := New(Options{Addr: addr})
			if err == nil || !strings.Contains(err.Error(), "--public") {
				t.Fatalf("New(%q) error = %v, want one that mentions --public", addr, err)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	for _, tc := range []struct{ name, addr, token, want string }{
		{"no port", "127.0.0.1", "", "host:port"},
		{"short token", "", "abc", "too short"},
		{"bad token char", "", "0123456789abcdef;x", "contains"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(Options{Addr: tc.addr, Token: tc.token})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.ln.Close()
	if len(s.Token()) != 64 {
		t.Errorf("generated token %q: want 64 hex characters", s.Token())
	}
	want := "http://" + s.Addr().String() + "/?token=" + s.Token()
	if s.URL() != want || !strings.HasPrefix(want, "http://127.0.0.1:") {
		t.Errorf("URL() = %q, want %q", s.URL(), want)
	}
}

func TestLocalhostAddr(t *testing.T) {
	f := start(t, Options{Addr: "localhost:0"})
	resp, _ := f.call("Ping", "[]")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestPublicBind(t *testing.T) {
	f := start(t, Options{Addr: "0.0.0.0:0", Public: true})
	if !strings.Contains(f.log.String(), "WARNING") {
		t.Errorf("no warning logged for a public bind; log: %q", f.log.String())
	}
	if !strings.HasPrefix(f.srv.URL(), "http://127.0.0.1:"+f.port+"/?token=") {
		t.Errorf("URL() = %q, want the loopback form", f.srv.URL())
	}
	// Any Host is accepted; the token still guards.
	resp, _ := f.do(f.req(http.MethodGet, "/", "", "Host", "workbench.lan:"+f.port))
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("public, no token: status %d, want 401", resp.StatusCode)
	}
	resp, _ = f.do(f.req(http.MethodPost, "/api/Ping", "[]", append(bearer,
		"Host", "workbench.lan:"+f.port, "Origin", "http://workbench.lan:"+f.port)...))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("public, same-origin POST: status %d, want 200", resp.StatusCode)
	}
	resp, _ = f.do(f.req(http.MethodPost, "/api/Ping", "[]", append(bearer,
		"Host", "workbench.lan:"+f.port, "Origin", "http://evil.example")...))
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("public, cross-origin POST: status %d, want 403", resp.StatusCode)
	}
}

func TestServeTwice(t *testing.T) {
	s, err := New(Options{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Serve(ctx); err != nil {
		t.Fatalf("first Serve: %v", err)
	}
	if err := s.Serve(ctx); err == nil {
		t.Fatal("second Serve returned nil")
	}
}

func TestShutdownWithOpenStream(t *testing.T) {
	s, err := New(Options{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	r, _ := http.NewRequest(http.MethodGet, "http://"+s.Addr().String()+"/api/events", nil)
	r.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Serve did not return promptly with an open event stream")
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		t.Logf("stream ended with %v", err)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := start(t, Options{})
	for _, tc := range []struct {
		name    string
		req     *http.Request
		noStore bool
	}{
		{"asset", f.req(http.MethodGet, "/", "", bearer...), false},
		{"api", f.req(http.MethodPost, "/api/Ping", "[]", bearer...), true},
		{"api error", f.req(http.MethodPost, "/api/Nope", "[]", bearer...), true},
		{"unauthorized", f.req(http.MethodGet, "/", ""), true},
		{"forbidden host", f.req(http.MethodGet, "/", "", "Host", "evil.example:"+strconv.Itoa(80)), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := f.do(tc.req)
			h := resp.Header
			checks := map[string]string{
				"X-Content-Type-Options": "nosniff",
				"Referrer-Policy":        "no-referrer",
				"X-Frame-Options":        "DENY",
			}
			for k, v := range checks {
				if h.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, h.Get(k), v)
				}
			}
			csp := h.Get("Content-Security-Policy")
			for _, part := range []string{"default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'"} {
				if !strings.Contains(csp, part) {
					t.Errorf("CSP %q lacks %q", csp, part)
				}
			}
			if tc.noStore && h.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", h.Get("Cache-Control"))
			}
		})
	}
}
