package affected

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestNarrow(t *testing.T) {
	sel := Selection{Packages: pkgs("a", "b")}
	ab := "example.com/m/a example.com/m/b"
	for _, tc := range []struct {
		command string
		want    string // "" with ok false: unchanged
		ok      bool
	}{
		{"go test -json ./...", "go test -json " + ab, true},
		{"go test -json -race ./...", "go test -json -race " + ab, true},
		{"go test ./... -run 'Test A|B' -count=1", "go test " + ab + " -run 'Test A|B' -count=1", true},
		{"go test -run TestX -timeout 10m ./...", "go test -run TestX -timeout 10m " + ab, true},
		{"CGO_ENABLED=0 GOFLAGS='-mod=mod' go test -json ./...", "CGO_ENABLED=0 GOFLAGS='-mod=mod' go test -json " + ab, true},
		{"/usr/local/go/bin/go test ./...", "/usr/local/go/bin/go test " + ab, true},
		{"go test -coverpkg ./... ./...", "go test -coverpkg ./... " + ab, true},
		{"go test -coverpkg=./... -tags integration ./...", "go test -coverpkg=./... -tags integration " + ab, true},
		{"go test -json ./... -args -update x", "go test -json " + ab + " -args -update x", true},
		{"  go   test\t./...  ", "  go   test\t" + ab + "  ", true},
		{"go test -v -test.short './...'", "go test -v -test.short " + ab, true},
		{"make test", "", false},
		{"go test ./pkg/...", "", false},
		{"go test ./... ./cmd/...", "", false},
		{"go test ./... ./...", "", false},
		{"go test", "", false},
		{"go test .", "", false},
		{"go vet ./...", "", false},
		{"go build ./... && go test ./...", "", false},
		{"go test -json ./... | tee out.json", "", false},
		{"go test -json ./... 2>&1", "", false},
		{"go test -json ./... > out.json", "", false},
		{"cd backend; go test ./...", "", false},
		{"go test $FLAGS ./...", "", false},
		{`go test -ldflags "-X main.v=$(git describe)" ./...`, "", false},
		{"go test -C sub ./...", "", false},
		{"go test -short example ./...", "", false},
		{"go test ./... -args ./...", "go test " + ab + " -args ./...", true},
		{"go test 'unterminated ./...", "", false},
		{"go test ./... # all", "", false},
		{"gotestsum -- ./...", "", false},
		{"go test -run=X ./...\ngo vet ./...", "", false},
	} {
		got, ok := Narrow(tc.command, sel)
		want := tc.want
		if !tc.ok {
			want = tc.command
		}
		if ok != tc.ok || got != want {
			t.Errorf("Narrow(%q) = %q, %v; want %q, %v", tc.command, got, ok, want, tc.ok)
		}
	}
}

func TestNarrowAllAndNothing(t *testing.T) {
	if got, ok := Narrow("go test -json ./...", Everything("go.mod changed")); !ok || got != "go test -json ./..." {
		t.Errorf("All: %q, %v; want the command unchanged", got, ok)
	}
	if got, ok := Narrow("go test -json ./...", Selection{Reason: "no Go package is affected"}); !ok || got != "" {
		t.Errorf("nothing selected: %q, %v; want \"\", true", got, ok)
	}
	if got, ok := Narrow("make test", Selection{}); ok || got != "make test" {
		t.Errorf("nothing selected, other command: %q, %v", got, ok)
	}
}

func TestNarrowQuotesOddPaths(t *testing.T) {
	got, ok := Narrow("go test ./...", Selection{Packages: []string{"example.com/m/a", "example.com/it's"}})
	if want := `go test example.com/m/a 'example.com/it'\''s'`; !ok || got != want {
		t.Fatalf("Narrow = %q, %v; want %q", got, ok, want)
	}
	words, ok := shellWords(got)
	if !ok || len(words) != 4 || words[3].value != "example.com/it's" {
		t.Fatalf("the narrowed command does not split back: %+v", words)
	}
}

func FuzzNarrow(f *testing.F) {
	for _, s := range []string{"go test -json ./...", "CGO_ENABLED=0 go test -run 'A|B' ./... -count=1",
		`go test -ldflags "-s -w" ./...`, "go test -coverpkg ./... ./...", "go test \\./... x", "make test",
		"go test ./... -args ./..."} {
		f.Add(s)
	}
	sel := Selection{Packages: []string{"example.com/m/a", "example.com/m/b"}}
	f.Fuzz(func(t *testing.T, command string) {
		got, ok := Narrow(command, sel)
		if !ok {
			if got != command {
				t.Fatalf("not ok but changed: %q → %q", command, got)
			}
			return
		}
		words, wok := shellWords(got)
		if !wok {
			t.Fatalf("%q narrowed to %q, which does not split", command, got)
		}
		var values []string
		for _, w := range words {
			values = append(values, w.value)
		}
		if !slices.Contains(values, "example.com/m/a") || !slices.Contains(values, "example.com/m/b") {
			t.Fatalf("%q narrowed to %q, without the packages", command, got)
		}
		if again, ok := Narrow(got, sel); ok {
			t.Fatalf("%q narrowed to %q, which narrows again to %q", command, got, again)
		}
	})
}

// TestNarrowedCommandRuns selects for a change to the leaf, narrows `go test -json ./...`
// and runs it on the fixture: exactly the selected packages' tests run, and they pass.
func TestNarrowedCommandRuns(t *testing.T) {
	t.Parallel()
	dir, g := loadModule(t, baseModule)
	writeFile(t, dir, "a/a.go", strings.Replace(baseModule["a/a.go"], "s := 0", "s := 0 // changed", 1))
	if g.Stale([]string{"a/a.go"}) {
		t.Fatal("a body change made the graph stale")
	}
	sel := g.Select([]string{"a/a.go"})
	command, ok := Narrow("go test -json -count=1 ./...", sel)
	if !ok {
		t.Fatalf("Narrow refused %+v", sel)
	}
	ran, passed := runGoTestJSON(t, dir, command)
	if want := pkgs("a", "b", "c", "e", "f"); !slices.Equal(ran, want) || !slices.Equal(passed, want) {
		t.Fatalf("%s ran tests of %v (passed %v), want %v", command, ran, passed, want)
	}

	// The whole module, for contrast: every package's tests run.
	ran, _ = runGoTestJSON(t, dir, "go test -json -count=1 ./...")
	if want := pkgs("a", "b", "c", "d", "e", "f", "g", "h"); !slices.Equal(ran, want) {
		t.Fatalf("go test ./... ran %v, want %v", ran, want)
	}
}

// runGoTestJSON runs a go test -json command in dir with sh and returns the packages in
// which a test ran and the packages that passed, sorted.
func runGoTestJSON(t *testing.T, dir, command string) (ran, passed []string) {
	t.Helper()
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s\n%s", command, err, out, stderr.Bytes())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var ev struct{ Action, Package, Test string }
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatalf("not go test -json output: %q", sc.Text())
		}
		switch {
		case ev.Action == "run" && ev.Test != "" && !slices.Contains(ran, ev.Package):
			ran = append(ran, ev.Package)
		case ev.Action == "pass" && ev.Test == "":
			passed = append(passed, ev.Package)
		}
	}
	slices.Sort(ran)
	slices.Sort(passed)
	return ran, passed
}
