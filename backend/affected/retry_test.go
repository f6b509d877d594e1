package affected

import (
	"slices"
	"strings"
	"testing"
)

func TestRetryCommand(t *testing.T) {
	got, ok := RetryCommand("CGO_ENABLED=0 go test -json -race ./...", map[string][]string{
		"example.com/m/b": {"TestB/case_1", "TestB"},
		"example.com/m/a": {"TestA.Odd(name)"},
	})
	want := `CGO_ENABLED=0 go test -json -race example.com/m/a example.com/m/b -count=1 -run '^(TestA\.Odd\(name\)|TestB)$'`
	if !ok || got != want {
		t.Errorf("got %q, %v\nwant %q", got, ok, want)
	}
	for _, refused := range []string{"make test", "go test -json ./pkg/...", "go test -json ./... | tee log"} {
		if _, ok := RetryCommand(refused, map[string][]string{"p": {"TestX"}}); ok {
			t.Errorf("RetryCommand accepted %q", refused)
		}
	}
	if _, ok := RetryCommand("go test -json ./...", nil); ok {
		t.Error("nothing failed, yet a retry command")
	}
}

// The rewritten command really reruns only the failing test of the fixture module.
func TestRetryCommandRuns(t *testing.T) {
	t.Parallel()
	dir, _ := loadModule(t, baseModule)
	command, ok := RetryCommand("go test -json ./...", map[string][]string{pkgs("c")[0]: {"TestC"}})
	if !ok {
		t.Fatal("refused")
	}
	ran, passed := runGoTestJSON(t, dir, command)
	if !slices.Equal(ran, pkgs("c")) || !slices.Equal(passed, pkgs("c")) || !strings.Contains(command, "-run '^(TestC)$'") {
		t.Errorf("%s ran %v, passed %v", command, ran, passed)
	}
}
