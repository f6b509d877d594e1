package config

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// Defaults and limits of the watch: section.
const (
	DefaultDebounce = 25 * time.Millisecond  // trailing quiet window before a run starts
	DefaultMaxWait  = 5 * time.Second        // a steady stream of changes still runs after this
	MinDebounce     = 5 * time.Millisecond   // shorter windows split one editor save into several runs
	MinPoll         = 100 * time.Millisecond // shortest polling interval
)

// Values of Watch.OnChange.
const (
	OnChangeRestart = "restart" // cancel the running run and start again (the default)
	OnChangeQueue   = "queue"   // let the running run finish, then run once
)

// onChangeValues are the values on_change_while_running accepts, in the order messages list them.
var onChangeValues = []string{OnChangeRestart, OnChangeQueue}

// Watch is how the pipeline reruns when files change (the top-level watch:
// section). Use DefaultWatch, not the zero value, for the defaults: Affected
// and Auto default to true.
type Watch struct {
	Ignore   []string      // gitignore-syntax patterns relative to the repository root, on top of .gitignore files, .git/info/exclude, global excludes and built-ins
	Debounce time.Duration // trailing quiet window; ≥ MinDebounce; DefaultDebounce unless set
	MaxWait  time.Duration // longest wait from the first change of a burst; ≥ Debounce; DefaultMaxWait unless set
	OnChange string        // OnChangeRestart or OnChangeQueue: what a change during a run does
	Affected bool          // Go: run only the tests of changed packages and their dependants
	Poll     time.Duration // poll on this interval instead of using inotify; 0: off; else ≥ MinPoll
	Auto     bool          // start runs on change at all (the initial state of the UI's toggle)

	set map[string]bool // keys written in the file (for Describe), by YAML name
}

// DefaultWatch is the watch: section of a file that has none, and of a
// detected pipeline.
func DefaultWatch() Watch {
	return Watch{Debounce: DefaultDebounce, MaxWait: DefaultMaxWait, OnChange: OnChangeRestart, Affected: true, Auto: true}
}

// Patterns an ignore pattern must not match; shared with eightfold.schema.json.
const (
	ignoreEmptyPattern   = `^!?[\t\n\v\f\r ]*$` // nothing to match (gitignore drops blank lines)
	ignoreCommentPattern = `^#`                 // a comment in gitignore syntax, so it would do nothing
	ignoreEscapePattern  = `^!?(.*/)?\.\.(/|$)` // leaves the repository
	wantIgnore           = "a gitignore pattern relative to the repository root, such as tmp/ or *.log"
)

// Durations the schema rejects as below the minimum. They cover the usual
// ways of writing too short a value (one ms, us or ns term), not all of
// them: the loader checks the sum. A test checks that they never reject a
// duration the loader accepts.
const (
	belowMinDebouncePattern = `^(([0-4](\.[0-9]*)?|\.[0-9]+)ms|([0-9]{1,3}(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs))$`
	belowMinPollPattern     = `^(([0-9]{1,2}(\.[0-9]*)?|\.[0-9]+)ms|([0-9]{1,3}(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs))$`
)

var (
	ignoreEmptyRE   = regexp.MustCompile(ignoreEmptyPattern)
	ignoreCommentRE = regexp.MustCompile(ignoreCommentPattern)
	ignoreEscapeRE  = regexp.MustCompile(ignoreEscapePattern)
)

var (
	debounceRule = durationRule{examples: "25ms, 50ms or 1s", units: [2]string{"ms", "s"}, min: MinDebounce,
		why: "a shorter quiet window splits one editor save into several runs; expected at least 5ms, such as 25ms (the default)"}
	maxWaitRule = durationRule{examples: "5s, 10s or 1m", units: [2]string{"s", "ms"}}
	pollRule    = durationRule{examples: "500ms, 1s or 2s", units: [2]string{"s", "ms"}, min: MinPoll,
		why:      "polling more often costs CPU on large trees; expected at least 100ms, such as 1s",
		boolHint: " (poll takes the interval: write poll: 1s to poll, or leave it out to use inotify)"}
)

// watch decodes the watch: section.
func (d *decoder) watch(e entry, path string) Watch {
	w := DefaultWatch()
	fields, ok := d.fields(e, path, "a mapping of watch settings (keys: "+strings.Join(watchKeys, ", ")+")", watchKeys)
	if !ok {
		return w
	}
	w.set = map[string]bool{}
	var maxWaitAt *entry
	debounceOK := true
	for _, f := range fields {
		p := path + "." + f.key
		ok := false
		switch f.key {
		case "ignore":
			w.Ignore, ok = d.ignores(f, p), true
		case "debounce":
			w.Debounce, ok = d.duration(f, p, debounceRule)
			debounceOK = ok
		case "max_wait":
			w.MaxWait, ok = d.duration(f, p, maxWaitRule)
			if ok {
				maxWaitAt = &f
			}
		case "on_change_while_running":
			w.OnChange, ok = d.onChange(f, p)
		case "affected":
			w.Affected, ok = d.boolean(f, p)
		case "poll":
			w.Poll, ok = d.duration(f, p, pollRule)
		case "auto":
			w.Auto, ok = d.boolean(f, p)
		}
		w.set[f.key] = ok
	}
	if maxWaitAt != nil && debounceOK && w.MaxWait < w.Debounce {
		v := d.resolve(maxWaitAt.value)
		debounce := durationText(w.Debounce)
		if !w.set["debounce"] {
			debounce += ", the default"
		}
		d.failf(maxWaitAt.at, path+".max_wait", "%s is shorter than %s.debounce (%s); expected at least the debounce window, such as 5s (the default)",
			v.quoted(), path, debounce)
	}
	return w
}

// ignores decodes the list of extra ignore patterns.
func (d *decoder) ignores(e entry, path string) []string {
	return d.stringList(e, path, "a list of gitignore patterns relative to the repository root, such as [tmp/, \"*.log\"]", wantIgnore, badIgnore)
}

// badIgnore says what is wrong with a gitignore pattern, or "".
func badIgnore(p string) string {
	_, globErr := path.Match(strings.TrimPrefix(p, "!"), "")
	switch {
	case ignoreEmptyRE.MatchString(p):
		return "is empty; expected " + wantIgnore
	case ignoreCommentRE.MatchString(p):
		return `is a comment in gitignore syntax and would ignore nothing; to match names starting with #, write \#` + p[1:]
	case ignoreEscapeRE.MatchString(p):
		return "leaves the repository (..); expected " + wantIgnore
	case globErr != nil:
		return "is not a valid pattern (" + globErr.Error() + "); expected " + wantIgnore
	}
	return ""
}

// onChange decodes on_change_while_running.
func (d *decoder) onChange(e entry, path string) (string, bool) {
	const want = "restart (cancel the run and start again) or queue (let it finish, then run once)"
	s, ok := d.text(e, path, want)
	switch {
	case !ok:
	case slices.Contains(onChangeValues, s):
		return s, true
	default:
		hint := ""
		if guess := valueHabits[strings.ToLower(s)]; guess != "" {
			hint = " (did you mean " + guess + "?)"
		} else if guess := suggest(s, onChangeValues); guess != "" {
			hint = " (did you mean " + guess + "?)"
		}
		d.failf(e.at, path, "%q is not allowed%s; expected %s", s, hint, want)
	}
	return OnChangeRestart, false
}

// valueHabits maps words other tools use to the on_change_while_running value meaning the same.
var valueHabits = map[string]string{
	"cancel": OnChangeRestart, "interrupt": OnChangeRestart, "kill": OnChangeRestart, "stop": OnChangeRestart,
	"wait": OnChangeQueue, "queued": OnChangeQueue, "serial": OnChangeQueue, "enqueue": OnChangeQueue,
}

// boolean decodes true or false.
func (d *decoder) boolean(e entry, path string) (bool, bool) {
	v := d.resolve(e.value)
	if b, isBool := v.node.(*ast.BoolNode); isBool && !v.isText {
		return b.Value, true
	}
	hint := ""
	switch strings.ToLower(v.text) {
	case "true", "false":
		if v.isText {
			hint = "; write it without quotes"
		}
	case "yes", "on", "y":
		hint = "; write true (yes and on are text in YAML 1.2)"
	case "no", "off", "n":
		hint = "; write false (no and off are text in YAML 1.2)"
	}
	d.failf(e.at, path, "expected true or false, got %s%s", v.kind, hint)
	return true, false
}
