package affected

import (
	"maps"
	"regexp"
	"slices"
	"strings"
)

// RetryCommand rewrites a `go test ./...` command (the forms Narrow accepts) to rerun only
// failed tests: the packages that hold them, `-count=1` so that nothing comes from the test
// cache, and `-run` matching their top-level names (a failed subtest reruns its whole
// parent test, as Go can only select subtests level by level). failed maps an import path
// to its failed test names, subtests written as Go writes them ("TestA/case_1").
//
// ok is false when the command is not one Narrow can rewrite, or nothing is to be rerun.
// The `-run` flag comes last, so it wins over one the command already has.
func RetryCommand(command string, failed map[string][]string) (string, bool) {
	pkgs := slices.Sorted(maps.Keys(failed))
	top := map[string]bool{}
	for _, names := range failed {
		for _, n := range names {
			name, _, _ := strings.Cut(n, "/")
			if name != "" {
				top[name] = true
			}
		}
	}
	if len(pkgs) == 0 || len(top) == 0 {
		return command, false
	}
	narrowed, ok := Narrow(command, Selection{Packages: pkgs})
	if !ok || narrowed == "" {
		return command, false
	}
	quoted := make([]string, 0, len(top))
	for _, name := range slices.Sorted(maps.Keys(top)) {
		quoted = append(quoted, regexp.QuoteMeta(name))
	}
	pattern := "^(" + strings.Join(quoted, "|") + ")$"
	return narrowed + " -count=1 -run " + shellQuote(pattern), true
}
