package health

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// serve starts a real HTTP server on loopback answering with status and body.
func serve(t *testing.T, status int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// silent starts a server that accepts requests and never answers them (until the client gives up).
func silent(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv
}

func TestProbeConditions(t *testing.T) {
	const doc = `{"status": "ok", "build": {"version": "1.4.2", "commit": null}, "items": [{"id": 7}, {"id": "x"}],
		"count": 3, "ratio": 1.50, "big": 1e3, "ready": true, "down": false, "tags": ["a", "b"]}`
	tests := []struct {
		name       string
		status     int
		body       string
		check      Check
		wantReason string // "" → OK
	}{
		{"status ok, default 200", 200, "fine", Check{}, ""},
		{"status ok, explicit", 204, "", Check{Status: 204}, ""},
		{"status mismatch", 503, "starting", Check{}, "status 503, want 200"},
		{"status mismatch, explicit", 200, "", Check{Status: 204}, "status 200, want 204"},
		{"body contains", 200, "service is ok today", Check{Body: "is ok"}, ""},
		{"body lacks", 200, "starting", Check{Body: "ok"}, `body lacks "ok"`},
		{"status checked before body", 500, "ok", Check{Body: "ok"}, "status 500, want 200"},
		{"json top-level string", 200, doc, Check{JSONField: "status", JSONEquals: "ok"}, ""},
		{"json string mismatch", 200, `{"status": "starting"}`, Check{JSONField: "status", JSONEquals: "ok"}, `json status = "starting", want "ok"`},
		{"json nested", 200, doc, Check{JSONField: "build.version", JSONEquals: "1.4.2"}, ""},
		{"json nested mismatch", 200, doc, Check{JSONField: "build.version", JSONEquals: "1.5.0"}, `json build.version = "1.4.2", want "1.5.0"`},
		{"json array index", 200, doc, Check{JSONField: "items.0.id", JSONEquals: "7"}, ""},
		{"json second array item", 200, doc, Check{JSONField: "items.1.id", JSONEquals: "x"}, ""},
		{"json array out of range", 200, doc, Check{JSONField: "items.2.id", JSONEquals: "7"}, "json items.2.id is missing"},
		{"json array by name", 200, doc, Check{JSONField: "items.id", JSONEquals: "7"}, "json items.id is missing"},
		{"json integer", 200, doc, Check{JSONField: "count", JSONEquals: "3"}, ""},
		{"json integer mismatch", 200, doc, Check{JSONField: "count", JSONEquals: "4"}, `json count = 3, want "4"`},
		{"json decimal as written", 200, doc, Check{JSONField: "ratio", JSONEquals: "1.50"}, ""},
		{"json decimal as a number", 200, doc, Check{JSONField: "ratio", JSONEquals: "1.5"}, ""},
		{"json exponent as a number", 200, doc, Check{JSONField: "big", JSONEquals: "1000"}, ""},
		{"json true", 200, doc, Check{JSONField: "ready", JSONEquals: "true"}, ""},
		{"json false", 200, doc, Check{JSONField: "down", JSONEquals: "false"}, ""},
		{"json bool mismatch", 200, doc, Check{JSONField: "down", JSONEquals: "true"}, `json down = false, want "true"`},
		{"json bool is not a string", 200, `{"ready": "True"}`, Check{JSONField: "ready", JSONEquals: "true"}, `json ready = "True", want "true"`},
		{"json null", 200, doc, Check{JSONField: "build.commit", JSONEquals: "null"}, ""},
		{"json array value", 200, doc, Check{JSONField: "tags", JSONEquals: `["a","b"]`}, ""},
		{"json missing field", 200, doc, Check{JSONField: "uptime", JSONEquals: "1"}, "json uptime is missing"},
		{"json missing nested field", 200, doc, Check{JSONField: "build.date", JSONEquals: "x"}, "json build.date is missing"},
		{"json through a string", 200, doc, Check{JSONField: "status.code", JSONEquals: "x"}, "json status.code is missing"},
		{"json body is not JSON", 200, "<html>ok</html>", Check{JSONField: "status", JSONEquals: "ok"},
			"json: the body is not JSON (invalid character '<' looking for beginning of value)"},
		{"json body is two values", 200, `{"status": "ok"} {}`, Check{JSONField: "status", JSONEquals: "ok"}, "json: the body is not JSON (more than one value)"},
		{"json empty body", 200, "", Check{JSONField: "status", JSONEquals: "ok"}, "json: the body is not JSON (EOF)"},
		{"body and json together", 200, doc, Check{Body: `"ready"`, JSONField: "status", JSONEquals: "ok"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, tc.status, tc.body)
			c := tc.check
			c.URL = srv.URL + "/healthz"
			r := Probe(context.Background(), c)
			if r.Reason != tc.wantReason || r.OK != (tc.wantReason == "") {
				t.Errorf("Probe: OK %v, reason %q; want reason %q", r.OK, r.Reason, tc.wantReason)
			}
			if r.Status != tc.status || r.Body != tc.body || !r.CertExpires.IsZero() {
				t.Errorf("Probe: status %d, body %q, cert %v; want %d, %q, none", r.Status, r.Body, r.CertExpires, tc.status, tc.body)
			}
		})
	}
}

func TestProbeResponseTime(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(150 * time.Millisecond)
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(srv.Close)

	r := Probe(context.Background(), Check{URL: srv.URL, MaxTime: 20 * time.Millisecond})
	if r.OK || !regexp.MustCompile(`^took [0-9.]+m?s, over 20ms$`).MatchString(r.Reason) || r.Status != 200 {
		t.Errorf("Probe of a slow server: OK %v, status %d, reason %q; want `took …, over 20ms`", r.OK, r.Status, r.Reason)
	}
	// Without MaxTime, slow is fine.
	if r := Probe(context.Background(), Check{URL: srv.URL}); !r.OK {
		t.Errorf("Probe without MaxTime: %q", r.Reason)
	}
}

func TestProbeTimeout(t *testing.T) {
	srv := silent(t)

	r := Probe(context.Background(), Check{URL: srv.URL, Timeout: 50 * time.Millisecond})
	if r.OK || r.Reason != "no response within 50ms (timeout)" || r.Status != 0 {
		t.Errorf("Probe of a server that never answers: OK %v, status %d, reason %q", r.OK, r.Status, r.Reason)
	}
}

func TestProbeConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := Probe(context.Background(), Check{URL: "http://" + addr + "/healthz"})
	if r.OK || r.Reason != "connection refused" || r.Status != 0 {
		t.Errorf("Probe of a closed port: OK %v, status %d, reason %q", r.OK, r.Status, r.Reason)
	}
}

func TestProbeBadURL(t *testing.T) {
	for _, u := range []string{"", "localhost:8080/healthz", "ftp://example.com/", "http:///healthz", "http://%zz"} {
		r := Probe(context.Background(), Check{URL: u})
		if want := fmt.Sprintf("%q is not an http(s) URL with a host", u); r.OK || r.Reason != want {
			t.Errorf("Probe(%q): OK %v, reason %q; want %q", u, r.OK, r.Reason, want)
		}
	}
}

func TestProbeCanceled(t *testing.T) {
	srv := serve(t, 200, "ok")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r := Probe(ctx, Check{URL: srv.URL}); r.OK || r.Reason != "canceled" {
		t.Errorf("Probe with a canceled context: OK %v, reason %q", r.OK, r.Reason)
	}
}

func TestProbeRedirectNotFollowed(t *testing.T) {
	target := serve(t, 200, "login page")
	srv := httptest.NewServer(http.RedirectHandler(target.URL+"/login", http.StatusFound))
	t.Cleanup(srv.Close)

	if r := Probe(context.Background(), Check{URL: srv.URL}); r.OK || r.Reason != "status 302, want 200" {
		t.Errorf("a redirect was followed or misread: OK %v, reason %q", r.OK, r.Reason)
	}
	if r := Probe(context.Background(), Check{URL: srv.URL, Status: 302}); !r.OK {
		t.Errorf("status: 302 expected and got: %q", r.Reason)
	}
}

// Every probe opens its own connection and closes it: nothing is kept alive between probes.
func TestProbeNewConnectionEachTime(t *testing.T) {
	var mu sync.Mutex
	conns, closed := map[net.Conn]bool{}, 0
	var closeRequested atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Close {
			closeRequested.Add(1)
		}
		fmt.Fprint(w, "ok")
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		switch s {
		case http.StateNew:
			conns[c] = true
		case http.StateClosed:
			closed++
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)

	for range 3 {
		if r := Probe(context.Background(), Check{URL: srv.URL}); !r.OK {
			t.Fatal(r.Reason)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(conns) != 3 || closeRequested.Load() != 3 {
		t.Errorf("3 probes opened %d connections and asked to close %d; want 3 and 3", len(conns), closeRequested.Load())
	}
}

func TestProbeBodyLimits(t *testing.T) {
	big := strings.Repeat("é", MaxBody) + "needle" // 2 MiB of two-byte characters, then the needle
	srv := serve(t, 200, big)

	r := Probe(context.Background(), Check{URL: srv.URL, Body: "needle"})
	if r.OK || r.Reason != `body lacks "needle" in its first 1 MiB` {
		t.Errorf("needle past the read limit: OK %v, reason %q", r.OK, r.Reason)
	}
	if len(r.Body) != LogBody || r.Body != strings.Repeat("é", LogBody/2) {
		t.Errorf("Result.Body has %d bytes; want the first %d, cut at a character boundary", len(r.Body), LogBody)
	}
	r = Probe(context.Background(), Check{URL: srv.URL, JSONField: "a", JSONEquals: "b"})
	if r.Reason != "json: the body is over 1 MiB; not read as JSON" {
		t.Errorf("JSON over the limit: %q", r.Reason)
	}

	odd := strings.Repeat("a", LogBody-1) + "é" // the second byte of é is past the limit
	srv = serve(t, 200, odd)
	if r := Probe(context.Background(), Check{URL: srv.URL}); r.Body != strings.Repeat("a", LogBody-1) {
		t.Errorf("Result.Body ends %q; want the character left out whole", r.Body[len(r.Body)-3:])
	}
}

func TestProbeHTTPS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status": "ok"}`)
	}))
	t.Cleanup(srv.Close)
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	r := Probe(context.Background(), Check{URL: srv.URL + "/healthz", RootCAs: roots, JSONField: "status", JSONEquals: "ok"})
	if !r.OK {
		t.Fatalf("https probe: %q", r.Reason)
	}
	if want := srv.Certificate().NotAfter; !r.CertExpires.Equal(want) {
		t.Errorf("CertExpires = %v, want the certificate's NotAfter %v", r.CertExpires, want)
	}

	// Not trusted: the check fails and says why.
	r = Probe(context.Background(), Check{URL: srv.URL})
	if r.OK || !strings.HasPrefix(r.Reason, "TLS certificate: ") || !strings.Contains(r.Reason, "unknown authority") {
		t.Errorf("untrusted certificate: OK %v, reason %q", r.OK, r.Reason)
	}
}

// flaky answers 503 to its first n requests, then 200.
func flaky(t *testing.T, n int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var count atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= n {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "starting")
			return
		}
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &count
}

func TestGateBecomesHealthy(t *testing.T) {
	srv, count := flaky(t, 3)
	var seen []Result
	r, err := Gate(context.Background(), Check{URL: srv.URL, Body: "ok"}, 10*time.Millisecond, 10*time.Second, func(r Result) { seen = append(seen, r) })
	if err != nil || !r.OK {
		t.Fatalf("Gate: %v, %+v", err, r)
	}
	if len(seen) != 4 || count.Load() != 4 {
		t.Fatalf("%d attempts reported, %d requests; want 4 and 4", len(seen), count.Load())
	}
	for i, a := range seen[:3] {
		if a.OK || a.Reason != "status 503, want 200" || a.Body != "starting" {
			t.Errorf("attempt %d: %+v", i+1, a)
		}
	}
	if !seen[3].OK || seen[3].Reason != "" {
		t.Errorf("last attempt: %+v", seen[3])
	}
}

func TestGateDeadline(t *testing.T) {
	srv, _ := flaky(t, 1<<30)
	attempts := 0
	r, err := Gate(context.Background(), Check{URL: srv.URL}, 20*time.Millisecond, 200*time.Millisecond, func(Result) { attempts++ })
	if err == nil || r.OK {
		t.Fatalf("Gate of a server that never gets healthy: %v, %+v", err, r)
	}
	want := fmt.Sprintf("%s not healthy within 200ms: %d attempts, last: status 503, want 200", srv.URL, attempts)
	if err.Error() != want || attempts < 2 {
		t.Errorf("error %q\nwant  %q (attempts %d)", err, want, attempts)
	}
	if r.Reason != "status 503, want 200" {
		t.Errorf("last result: %+v", r)
	}
}

// An attempt that the deadline cuts short is not counted when there were others; when it is
// the only one, its reason says the deadline passed.
func TestGateDeadlineCutsTheOnlyAttempt(t *testing.T) {
	srv := silent(t)

	_, err := Gate(context.Background(), Check{URL: srv.URL, Timeout: time.Minute}, time.Second, 100*time.Millisecond, nil)
	if want := srv.URL + " not healthy within 100ms: 1 attempt, last: no answer within the 100ms deadline"; err == nil || err.Error() != want {
		t.Errorf("error %v\nwant  %s", err, want)
	}
}

func TestGateCanceled(t *testing.T) {
	srv, _ := flaky(t, 1<<30)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	attempts := 0
	_, err := Gate(ctx, Check{URL: srv.URL}, time.Hour, time.Hour, func(Result) { attempts++; cancel() })
	if !errors.Is(err, context.Canceled) || attempts != 1 {
		t.Fatalf("Gate canceled after its first attempt: %v (%d attempts)", err, attempts)
	}
	if !regexp.MustCompile(`^health check of http://\S+ stopped after \S+, 1 attempt; last: status 503, want 200: context canceled$`).MatchString(err.Error()) {
		t.Errorf("error text %q", err)
	}
}

// A custom Dial (such as one through an SSH connection) makes every probe's connection: the
// URL's host is whatever the far side calls it.
func TestProbeThroughDial(t *testing.T) {
	srv := serve(t, 200, `{"status": "ok"}`)
	var dialed []string
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		dialed = append(dialed, addr)
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Listener.Addr().String())
	}
	c := Check{URL: "http://app.internal:8080/healthz", JSONField: "status", JSONEquals: "ok", Dial: dial}
	for range 2 {
		if r := Probe(context.Background(), c); !r.OK {
			t.Fatalf("probe through Dial: %q", r.Reason)
		}
	}
	if want := []string{"app.internal:8080", "app.internal:8080"}; !slices.Equal(dialed, want) {
		t.Errorf("dialed %q, want %q (one new connection per probe)", dialed, want)
	}
}
