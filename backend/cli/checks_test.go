package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestChecksCommand(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/down" {
			http.Error(w, "no", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	dir := repo(t, map[string]string{"eightfold.yaml": "steps: [{name: a, run: 'true'}]\nchecks:\n  api: {url: \"" + srv.URL + "/\"}\n  admin: {url: \"" + srv.URL + "/down\"}\n"})
	run := runIn(t, t.TempDir(), dir)
	out := run(0, "checks")
	for _, want := range []string{"CHECK", "check:api", "ok", "check:admin", "failing: status 503, want 200", "-\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("checks lacks %q:\n%s", want, out)
		}
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(run(0, "checks", "--json")), &rows); err != nil || len(rows) != 2 {
		t.Fatalf("%v %v", rows, err)
	}
	if now := rows[0]["now"].(map[string]any); now["ok"] != true {
		t.Errorf("check:api now: %v", now)
	}
}
