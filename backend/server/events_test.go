package server

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// eventStream is an open /api/events response.
type eventStream struct {
	t    *testing.T
	resp *http.Response
	r    *bufio.Reader
}

// openEvents connects to /api/events with the bearer token and reads the preamble; the
// connection is registered with the hub once this returns.
func (f *fixture) openEvents(ctx context.Context) *eventStream {
	f.t.Helper()
	r := f.req(http.MethodGet, "/api/events", "", bearer...).WithContext(ctx)
	resp, err := (&http.Client{}).Do(r)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		f.t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &eventStream{t: f.t, resp: resp, r: bufio.NewReader(resp.Body)}
	if got := s.next(); !strings.HasPrefix(got, "retry: 1000\n") {
		f.t.Fatalf("preamble %q, want retry: 1000 first", got)
	}
	return s
}

// next reads one block (up to and including the blank line that ends it).
func (s *eventStream) next() string {
	s.t.Helper()
	var b strings.Builder
	for {
		line, err := s.r.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			s.t.Fatalf("reading event stream: %v (got %q)", err, b.String())
		}
		if line == "\n" {
			return b.String()
		}
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestEventsInOrder(t *testing.T) {
	f := start(t, Options{})
	s := f.openEvents(testContext(t))
	f.srv.Emit("run.started", runInfo{ID: 1, Status: "running"})
	f.srv.Emit("log.appended", map[string]int{"runId": 1, "stepId": 2, "seq": 3})
	f.srv.Emit("run.finished", nil)
	for _, want := range []string{
		"event: run.started\ndata: {\"id\":1,\"status\":\"running\"}\n\n",
		"event: log.appended\ndata: {\"runId\":1,\"seq\":3,\"stepId\":2}\n\n",
		"event: run.finished\ndata: null\n\n",
	} {
		if got := s.next(); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if cc := s.resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
}

func TestEventsFanOut(t *testing.T) {
	f := start(t, Options{})
	ctx := testContext(t)
	a, b := f.openEvents(ctx), f.openEvents(ctx)
	f.srv.Emit("project.changed", "x")
	want := "event: project.changed\ndata: \"x\"\n\n"
	if got := a.next(); got != want {
		t.Errorf("client a: %q", got)
	}
	if got := b.next(); got != want {
		t.Errorf("client b: %q", got)
	}
}

func TestEventsHeartbeat(t *testing.T) {
	f := start(t, Options{}, func(s *Server) { s.heartbeat = 20 * time.Millisecond })
	s := f.openEvents(testContext(t))
	if got := s.next(); got != ": heartbeat\n\n" {
		t.Errorf("got %q, want a heartbeat comment", got)
	}
}

func TestSlowClientDoesNotBlockEmit(t *testing.T) {
	f := start(t, Options{})
	ctx := testContext(t)
	slow := f.openEvents(ctx) // never read again until the end
	payload := strings.Repeat("x", 2048)
	const n = 20000 // ~40 MB: more than the socket buffers and the client queue hold
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range n {
			f.srv.Emit("log.appended", payload)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Emit blocked on a slow client")
	}
	if c := f.srv.hub.count(); c != 0 {
		t.Fatalf("%d clients still connected, want the slow one dropped", c)
	}
	if !strings.Contains(f.log.String(), "event stream client dropped") {
		t.Errorf("drop not logged")
	}
	// The dropped client's stream ends; what it received is whole events, in order.
	data, err := io.ReadAll(slow.r)
	if err != nil {
		t.Fatalf("reading the dropped stream: %v", err)
	}
	if len(data) > 0 && !strings.HasSuffix(string(data), "\n\n") {
		t.Errorf("dropped stream ends mid-event: ...%q", data[max(0, len(data)-40):])
	}
	// A new client works.
	fresh := f.openEvents(ctx)
	f.srv.Emit("after", 1)
	if got := fresh.next(); got != "event: after\ndata: 1\n\n" {
		t.Errorf("after the drop: %q", got)
	}
}

func TestEmitWithoutClientsAndAfterShutdown(t *testing.T) {
	s, err := New(Options{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	s.Emit("nobody.listens", 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Serve(ctx); err != nil {
		t.Fatalf("Serve with a done context: %v", err)
	}
	s.Emit("after.shutdown", 1)
	if s.hub.add() != nil {
		t.Error("hub accepts clients after shutdown")
	}
}

func TestEmitUnencodablePayload(t *testing.T) {
	f := start(t, Options{})
	s := f.openEvents(testContext(t))
	f.srv.Emit("bad", make(chan int))
	f.srv.Emit("good", 1)
	if got := s.next(); got != "event: good\ndata: 1\n\n" {
		t.Errorf("got %q", got)
	}
	if !strings.Contains(f.log.String(), `event "bad" not sent`) {
		t.Errorf("encoding failure not logged: %q", f.log.String())
	}
}

func TestFormatEvent(t *testing.T) {
	for _, tc := range []struct{ topic, data, want string }{
		{"run.updated", `{"id":1}`, "event: run.updated\ndata: {\"id\":1}\n\n"},
		{"evil\ndata: x\r\n", `1`, "event: evil data: x  \ndata: 1\n\n"},
	} {
		if got := string(formatEvent(tc.topic, []byte(tc.data))); got != tc.want {
			t.Errorf("formatEvent(%q) = %q, want %q", tc.topic, got, tc.want)
		}
	}
}

func TestDrainDoesNotTouchSharedFrames(t *testing.T) {
	first := make([]byte, 3, 64)
	copy(first, "a\n\n")
	frames := make(chan []byte, 2)
	frames <- []byte("b\n\n")
	frames <- []byte("c\n\n")
	got := drain(first, frames)
	if string(got) != "a\n\nb\n\nc\n\n" {
		t.Errorf("drain = %q", got)
	}
	if string(first[:cap(first)][3:6]) == "b\n\n" {
		t.Error("drain appended into the shared frame's spare capacity")
	}
}

func TestEventsHeadNotAllowed(t *testing.T) {
	f := start(t, Options{})
	resp, _ := f.do(f.req(http.MethodHead, "/api/events", "", bearer...))
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("HEAD /api/events: status %d, want 405", resp.StatusCode)
	}
}
