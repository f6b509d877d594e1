package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a config file, located at a line and column.
//
// Its Error method gives "file:line:col: path: message", for example
//
//	eightfold.yaml:3:14: steps[0].timeout: "10x" is not a duration; expected a Go duration such as 90s, 10m or 1h30m
type Error struct {
	File string // file name as shown to the user, e.g. "eightfold.yaml"
	Line int    // 1-based line of the offending value (or key, for unknown keys)
	Col  int    // 1-based column
	Path string // where in the document, e.g. "steps[0].timeout"; "" for syntax errors
	Msg  string // what is wrong and what was expected
}

// Error formats the problem as "file:line:col: path: message".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Col)
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList holds every problem found in one config file, in file order.
// Parse and Load return it (never empty) when a file is invalid; use
// errors.As with a *Error to get the first problem alone.
type ErrorList []*Error

// Error gives one problem per line.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes the individual problems to errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// sort orders the problems by position so that they read top to bottom.
func (l ErrorList) sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
}

// ErrNotDetected is wrapped by the error Detect (and Load without a config
// file) returns when the directory holds nothing it recognises.
var ErrNotDetected = errors.New("no pipeline detected")

// suggest returns the candidate closest to word, or "" when none is close
// enough to be a plausible typo.
func suggest(word string, candidates []string) string {
	best, bestDist := "", len(word)/2+2
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(word), c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
