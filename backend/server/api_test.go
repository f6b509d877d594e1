package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// codedError is an error with an API code, as the core's errors carry.
type codedError struct{ code, msg string }

func (e codedError) Error() string { return e.msg }
func (e codedError) Code() string  { return e.code }

// runInfo is a struct result with json tags.
type runInfo struct {
	ID     int    `json:"id"`
	Status string `json:"status"`
}

// filter is a struct argument.
type filter struct {
	Status string `json:"status"`
	Limit  int    `json:"limit"`
}

// testAPI has methods of every supported shape, plus some that must not be served.
type testAPI struct{ touched atomic.Int32 }

func (a *testAPI) Ping() string              { return "pong" }
func (a *testAPI) Touch()                    { a.touched.Add(1) }
func (a *testAPI) Check() error              { return nil }
func (a *testAPI) Double(n int) int          { return 2 * n }
func (a *testAPI) Add(x, y int) (int, error) { return x + y, nil }
func (a *testAPI) Find(f filter) []runInfo   { return []runInfo{{ID: f.Limit, Status: f.Status}} }
func (a *testAPI) GetRun(id int64) (runInfo, error) {
	if id == 7 {
		return runInfo{ID: 7, Status: "passed"}, nil
	}
	return runInfo{}, fmt.Errorf("get run: %w", codedError{"not_found", fmt.Sprintf("no run %d", id)})
}
func (a *testAPI) StartRun() (*runInfo, error) {
	return nil, codedError{"conflict", "a run is already going"}
}
func (a *testAPI) Board() (int, error) {
	return 0, codedError{"no_project", "no project is open: open a folder from the start screen"}
}
func (a *testAPI) Validate(string) error   { return codedError{"bad_request", "bad name"} }
func (a *testAPI) Broken() (int, error)    { return 0, errors.New("disk on fire") }
func (a *testAPI) Panic() int              { panic("boom") }
func (a *testAPI) Optional(p *filter) bool { return p == nil }
func (a *testAPI) Unencodable() any        { return func() {} }

// Not servable: context parameter, channel parameter, odd results, variadic.
func (a *testAPI) Startup(ctx context.Context) {}
func (a *testAPI) Feed(ch chan int)            {}
func (a *testAPI) Pair() (int, int)            { return 1, 2 }
func (a *testAPI) Many(xs ...int) int          { return len(xs) }

func TestMethodTableSkipsUnservable(t *testing.T) {
	f := start(t, Options{})
	for _, name := range []string{"Startup", "Feed", "Pair", "Many"} {
		resp, _ := f.call(name, "[]")
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", name, resp.StatusCode)
		}
		if !strings.Contains(f.log.String(), "API method "+name+" is not served") {
			t.Errorf("%s: skip not logged", name)
		}
	}
}

func TestDispatch(t *testing.T) {
	f := start(t, Options{})
	for _, tc := range []struct {
		method, body string
		status       int
		want         string // exact JSON body, or the code for errors
	}{
		{"Ping", "[]", 200, `"pong"`},
		{"Ping", "", 200, `"pong"`},
		{"Ping", " null ", 200, `"pong"`},
		{"Touch", "[]", 200, `null`},
		{"Check", "[]", 200, `null`},
		{"Double", "[21]", 200, `42`},
		{"Add", "[2, 3]", 200, `5`},
		{"Find", `[{"status":"passed","limit":3}]`, 200, `[{"id":3,"status":"passed"}]`},
		{"GetRun", "[7]", 200, `{"id":7,"status":"passed"}`},
		{"Optional", "[null]", 200, `true`},
		{"GetRun", "[8]", 404, "not_found"},
		{"StartRun", "[]", 409, "conflict"},
		{"Board", "[]", 409, "no_project"},
		{"Validate", `["x"]`, 400, "bad_request"},
		{"Broken", "[]", 500, "internal"},
		{"Panic", "[]", 500, "internal"},
		{"Unencodable", "[]", 500, "internal"},
		{"Double", "[]", 400, "bad_request"},
		{"Double", `["x"]`, 400, "bad_request"},
		{"Double", `{"n":1}`, 400, "bad_request"},
		{"Double", `[1`, 400, "bad_request"},
		{"Nope", "[]", 404, "not_found"},
		{"", "[]", 404, "not_found"},
		{"Ping/extra", "[]", 404, "not_found"},
	} {
		t.Run(tc.method+" "+tc.body, func(t *testing.T) {
			resp, body := f.call(tc.method, tc.body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if tc.status == 200 {
				if strings.TrimSpace(body) != tc.want {
					t.Errorf("body %s, want %s", body, tc.want)
				}
				return
			}
			var e apiError
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code != tc.want || e.Message == "" {
				t.Errorf("error body %s (%v), want code %q and a message", body, err, tc.want)
			}
		})
	}
}

func TestDispatchMessages(t *testing.T) {
	f := start(t, Options{})
	for _, tc := range []struct{ method, body, want string }{
		{"Double", "[]", "Double expects 1 argument (int), got 0"},
		{"Add", "[1]", "Add expects 2 arguments (int, int), got 1"},
		{"Ping", "[1]", "Ping expects no arguments, got 1"},
		{"GetRun", "[8]", "get run: no run 8"},
		{"Broken", "[]", "disk on fire"},
		{"Panic", "[]", "Panic failed unexpectedly (panic: boom)"},
	} {
		t.Run(tc.method, func(t *testing.T) {
			_, body := f.call(tc.method, tc.body)
			var e apiError
			json.Unmarshal([]byte(body), &e)
			if e.Message != tc.want {
				t.Errorf("message %q, want %q", e.Message, tc.want)
			}
		})
	}
}

func TestPanicIsLoggedAndServerSurvives(t *testing.T) {
	f := start(t, Options{})
	f.call("Panic", "[]")
	if !strings.Contains(f.log.String(), "panic in API method Panic: boom") {
		t.Errorf("panic not logged: %q", f.log.String())
	}
	if resp, _ := f.call("Ping", "[]"); resp.StatusCode != 200 {
		t.Errorf("after a panic: status %d", resp.StatusCode)
	}
}

func TestMethodSideEffect(t *testing.T) {
	api := &testAPI{}
	f := start(t, Options{API: api})
	f.call("Touch", "[]")
	if api.touched.Load() != 1 {
		t.Errorf("Touch ran %d times, want 1", api.touched.Load())
	}
}

func TestAPIMethodNotAllowed(t *testing.T) {
	f := start(t, Options{})
	resp, _ := f.do(f.req(http.MethodGet, "/api/Ping", "", bearer...))
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET /api/Ping: status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	resp, _ = f.do(f.req(http.MethodPost, "/api/events", "", bearer...))
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /api/events: status %d", resp.StatusCode)
	}
}

func TestBodyTooLarge(t *testing.T) {
	f := start(t, Options{})
	resp, _ := f.call("Find", "["+strings.Repeat(" ", maxBodyBytes)+"]")
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", resp.StatusCode)
	}
}

func TestListMethods(t *testing.T) {
	f := start(t, Options{})
	resp, body := f.do(f.req(http.MethodGet, "/api/methods", "", bearer...))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var got []methodInfo
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	byName := map[string]methodInfo{}
	for _, m := range got {
		byName[m.Name] = m
	}
	add := byName["Add"]
	if strings.Join(add.Params, ",") != "int,int" || add.Result != "int" || !add.Error {
		t.Errorf("Add described as %+v", add)
	}
	if _, ok := byName["Startup"]; ok {
		t.Error("Startup listed")
	}
	if resp, _ := f.do(f.req(http.MethodGet, "/api/methods", "")); resp.StatusCode != 401 {
		t.Errorf("unauthenticated /api/methods: status %d", resp.StatusCode)
	}
}

func TestNilAPI(t *testing.T) {
	s, err := New(Options{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	s.ln.Close()
	if len(s.methods.describe()) != 0 {
		t.Error("methods without an API")
	}
}
