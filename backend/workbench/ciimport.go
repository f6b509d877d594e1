package workbench

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"eightfold/backend/store"
	"eightfold/backend/testreport"
	"eightfold/backend/vcs"
)

// TriggerCI is the trigger of a run imported from a CI engine's test reports.
const TriggerCI = store.TriggerCI

// The report formats ImportCI reads.
const (
	CIJUnit      = "junit"
	CIGoTestJSON = "go-test-json"
)

// CIImport is a run that a CI engine made, as `eightfold import` records it: its test reports
// and the commit it tested.
type CIImport struct {
	Format string   // CIJUnit or CIGoTestJSON
	Files  []string // the reports; several make one run
	Name   string   // the run's name; "" names it after the format and the files
	Commit string   // what the CI run tested: a SHA (short or full) or a ref; "" for HEAD
	Again  bool     // record a run even when the same reports of the same commit were imported already
}

// DuplicateImportError refuses reports imported already: the same format, commit and file
// contents as the run Earlier. Recording them again would count their tests twice.
type DuplicateImportError struct {
	Files   []string
	Earlier RunInfo
}

// Error names the earlier run.
func (e *DuplicateImportError) Error() string {
	what := fmt.Sprintf("%d reports", len(e.Files))
	if len(e.Files) == 1 {
		what = e.Files[0]
	}
	return fmt.Sprintf("%s of %s was imported already as run #%d (%q): importing it again would count its tests twice",
		what, short(e.Earlier.Commit), e.Earlier.ID, e.Earlier.Name)
}

// Code is CodeConflict.
func (e *DuplicateImportError) Code() string { return CodeConflict }

// ciStepName is the one step of an imported run.
const ciStepName = "import"

// ImportCI records a CI run from its test reports, in one transaction: a run with trigger
// "ci" of the commit it tested, that passed unless a test failed or errored, whose results
// every test view, flaky detection and the board see as they see a local run's. It reads
// nothing but the reports and git, and writes nothing in the repository.
func (p *Project) ImportCI(in CIImport) (RunInfo, error) {
	format, ok := ciFormats[in.Format]
	if !ok {
		return RunInfo{}, fmt.Errorf("unknown report format %q: import reads %s or %s", in.Format, CIJUnit, CIGoTestJSON)
	}
	if len(in.Files) == 0 {
		return RunInfo{}, fmt.Errorf("import %s needs the report files a CI job wrote", in.Format)
	}
	git, committed, err := p.ciCommit(in.Commit)
	if err != nil {
		return RunInfo{}, err
	}
	rep, err := format.readAll(in.Files)
	if err != nil {
		return RunInfo{}, err
	}
	now := p.now()
	start, end := rep.times(now)
	status, exit := store.StatusPassed, 0
	if rep.counts.Failed > 0 {
		status, exit = store.StatusFailed, 1
	}
	rec, err := p.store.RecordFinishedRun(context.Background(), store.FinishedRun{
		ProjectID: p.id, Trigger: TriggerCI, Name: cmp.Or(in.Name, ciRunName(in)), Git: git, Status: status,
		StartedMs: start.UnixMilli(), FinishedMs: end.UnixMilli(), ExitCode: exit,
		Step: store.NewStep{Name: ciStepName, Command: "eightfold import " + in.Format + " " + strings.Join(in.Files, " ")},
		Log:  rep.summary(format, in.Files, git), Results: rep.results, ImportHash: rep.hash(in.Format, git.Commit), Again: in.Again,
	})
	if imported := (*store.ImportedError)(nil); errors.As(err, &imported) {
		return RunInfo{}, &DuplicateImportError{Files: in.Files, Earlier: runInfo(imported.Earlier, now)}
	}
	if err != nil {
		return RunInfo{}, fmt.Errorf("record the CI run: %w", err)
	}
	ri := runInfo(rec, now)
	p.emit.Emit(TopicRunFinished, ri)
	p.afterRun(rep.onCards(ri, committed))
	p.announceProject()
	return ri, nil
}

// onCards is the run as the cards order it. Runs count on a card in the order they started,
// and reports without times do not say when the run was: dated at the import, the run of an
// older commit, imported late, would override the local runs of the commits after it. So on
// the cards it starts at its commit's committer time, the earliest a CI could have run it.
// (Its record keeps the import's time: the newest run and the release's CI check see it as
// the run that ended last, which it is as far as anyone knows.)
func (r *ciReport) onCards(ri RunInfo, committed time.Time) RunInfo {
	if r.first.IsZero() && !committed.IsZero() {
		ri.StartedAt = rfc3339(committed.UnixMilli())
	}
	return ri
}

// LastRun is the project's newest run by time, nil before the first: the run going, else
// the one that finished last, an imported CI run included (of whatever commit, imported
// whenever).
func (p *Project) LastRun() (*RunInfo, error) {
	r, ok, err := p.store.LatestRun(context.Background(), p.id)
	if err != nil || !ok {
		return nil, err
	}
	ri := runInfo(r, p.now())
	return &ri, nil
}

// ReportPaths are the report files a face named, for ImportCI: blank entries dropped, "~/…"
// under the home directory, a relative path in the project's folder (the face's working
// directory means nothing to the person asking).
func (p *Project) ReportPaths(paths []string) ([]string, error) {
	var out []string
	for _, path := range paths {
		path = strings.TrimSpace(path)
		switch {
		case path == "":
			continue
		case path == "~" || strings.HasPrefix(path, "~/"):
			abs, err := FolderPath(path)
			if err != nil {
				return nil, err
			}
			path = abs
		case !filepath.IsAbs(path):
			path = filepath.Join(p.dir, path)
		}
		out = append(out, path)
	}
	return out, nil
}

// ciRunName is an imported run's default name: "CI: junit (3 files)", or the file's name.
func ciRunName(in CIImport) string {
	if len(in.Files) == 1 {
		return fmt.Sprintf("CI: %s (%s)", in.Format, filepath.Base(in.Files[0]))
	}
	return fmt.Sprintf("CI: %s (%d files)", in.Format, len(in.Files))
}

// ciCommit finds the commit a CI run tested (rev; "" for HEAD), its branch (HEAD's when
// HEAD is that commit, else the first local branch whose tip it is, else none) and its
// committer time.
func (p *Project) ciCommit(rev string) (store.GitState, time.Time, error) {
	st, err := vcs.Read(p.dir)
	if err != nil {
		return store.GitState{}, time.Time{}, err
	}
	if !st.IsGit {
		return store.GitState{}, time.Time{}, fmt.Errorf("%s is not in a git repository: a CI run is recorded against the commit it tested; import in a clone of the repository, or pass --dir", p.dir)
	}
	if rev == "" {
		if st.Commit == "" {
			return store.GitState{}, time.Time{}, fmt.Errorf("the repository at %s has no commit yet: commit first, or pass --commit with the commit the CI run tested", p.dir)
		}
		rev = "HEAD"
	}
	c, err := vcs.ResolveCommit(p.dir, rev)
	if errors.Is(err, vcs.ErrNoCommit) {
		return store.GitState{}, time.Time{}, fmt.Errorf("commit %q is not in the repository at %s: fetch it first (git fetch), or pass --commit with a commit of this repository", rev, p.dir)
	}
	if err != nil {
		return store.GitState{}, time.Time{}, err
	}
	g := store.GitState{Commit: c.SHA, Tree: c.Tree}
	if c.SHA == st.Commit {
		g.Branch = st.Branch
	}
	if g.Branch == "" {
		g.Branch = branchAt(p.dir, c.SHA)
	}
	return g, c.When, nil
}

// branchAt is the first local branch, by name, whose tip is sha; "" when there is none.
func branchAt(dir, sha string) string {
	repo, err := vcs.OpenRepo(dir)
	if err != nil {
		return ""
	}
	defer repo.Close()
	heads, _ := repo.Heads()
	for _, h := range heads {
		if h.SHA == sha && h.Branch != "" {
			return h.Branch
		}
	}
	return ""
}

// ciFormat reads the report files of one format.
type ciFormat struct {
	name   string // in messages: "JUnit XML report"
	expect string // what such a file holds, for the error about one that holds no test
	// parse hands on the cases in data and returns the parser's warnings.
	parse func(data []byte, onCase func(testreport.Case)) ([]testreport.Warning, error)
	// span adds the times the report says its tests ran at: a start and how long from it.
	span func(data []byte, add func(start time.Time, d time.Duration))
}

var ciFormats = map[string]ciFormat{
	CIJUnit: {name: "JUnit XML report", expect: "<testsuites>, <testsuite> and <testcase> elements",
		parse: func(data []byte, onCase func(testreport.Case)) ([]testreport.Warning, error) {
			return testreport.ParseJUnit(bytes.NewReader(data), onCase)
		},
		span: junitSpan},
	CIGoTestJSON: {name: "go test -json report", expect: "one JSON event a line, as `go test -json` prints them",
		parse: func(data []byte, onCase func(testreport.Case)) ([]testreport.Warning, error) {
			p := testreport.NewGoTest(onCase, nil)
			p.Write(data)
			return p.Close(), nil
		},
		span: goTestSpan},
}

// ciReport is what the reports of one import hold.
type ciReport struct {
	results     []store.TestResult
	counts      TestCounts
	notes       []string      // the parsers' warnings, each naming its file
	first, last time.Time     // when the tests ran, as far as the reports say (zero: they do not)
	total       time.Duration // the cases' durations summed
	sums        []string      // each file's SHA-256
}

// hash is what the import is made of: the format, the commit and the files' contents, in
// whatever order the files were named. The same reports of the same commit hash the same.
func (r *ciReport) hash(format, commit string) string {
	sums := slices.Sorted(slices.Values(r.sums))
	h := sha256.Sum256([]byte(format + "\n" + commit + "\n" + strings.Join(sums, "\n")))
	return hex.EncodeToString(h[:])
}

// readAll reads every file; a file that cannot be read, or that holds no test, is an error
// that names it and the format expected.
func (f ciFormat) readAll(files []string) (*ciReport, error) {
	rep := &ciReport{}
	for _, file := range files {
		if err := f.read(rep, file); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func (f ciFormat) read(rep *ciReport, file string) error {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s does not exist: pass the %s files the CI job wrote (download them first, for example with `gh run download`)", file, f.name)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%s is empty: expected a %s (%s)", file, f.name, f.expect)
	}
	cases := 0
	warnings, err := f.parse(data, func(c testreport.Case) {
		cases++
		rep.add(resultOf(c, 1))
	})
	if err != nil {
		return fmt.Errorf("read %s as a %s: %w", file, f.name, err)
	}
	if cases == 0 {
		why := ""
		if len(warnings) > 0 {
			why = " (" + warnings[len(warnings)-1].String() + ")"
		}
		return fmt.Errorf("%s holds no test result%s: expected a %s (%s)", file, why, f.name, f.expect)
	}
	for _, w := range warnings {
		rep.notes = append(rep.notes, "test report: "+file+": "+w.String())
	}
	f.span(data, rep.addSpan)
	sum := sha256.Sum256(data)
	rep.sums = append(rep.sums, hex.EncodeToString(sum[:]))
	return nil
}

func (r *ciReport) add(res store.TestResult) {
	r.results = append(r.results, res)
	r.total += time.Duration(res.DurationMs) * time.Millisecond
	r.counts.Total++
	switch res.Status {
	case store.TestPassed:
		r.counts.Passed++
	case store.TestFailed, store.TestErrored:
		r.counts.Failed++
	case store.TestSkipped:
		r.counts.Skipped++
	}
}

// addSpan widens the time the tests ran to cover start and start+d.
func (r *ciReport) addSpan(start time.Time, d time.Duration) {
	if r.first.IsZero() || start.Before(r.first) {
		r.first = start
	}
	if end := start.Add(d); end.After(r.last) {
		r.last = end
	}
}

// times is when the CI run started and finished: from the reports' timestamps when they
// have them (a span of a single instant lasts as long as the cases' durations add up to);
// reports without them end the run now, lasting as long as the cases' durations add up to
// (see onCards for how the cards order such a run).
func (r *ciReport) times(now time.Time) (start, end time.Time) {
	if r.first.IsZero() {
		return now.Add(-r.total), now
	}
	if !r.last.After(r.first) {
		return r.first, r.first.Add(r.total)
	}
	return r.first, r.last
}

// summary is the imported run's log: what was imported from where, and the parsers'
// warnings (at most maxWarnings of them).
func (r *ciReport) summary(f ciFormat, files []string, git store.GitState) string {
	var b strings.Builder
	c := r.counts
	fmt.Fprintf(&b, "Imported %d %s (%d passed, %d failed, %d skipped) of %s", c.Total, plural(c.Total, "test result"), c.Passed, c.Failed, c.Skipped, short(git.Commit))
	if git.Branch != "" {
		fmt.Fprintf(&b, " on %s", git.Branch)
	}
	fmt.Fprintf(&b, " from %d %s: %s\n", len(files), plural(len(files), f.name), strings.Join(files, ", "))
	if r.first.IsZero() {
		b.WriteString("The reports do not say when their tests ran: the run is dated at the import, and counts on the cards as run at its commit's time, the earliest a CI could have run it.\n")
	}
	for i, n := range r.notes {
		if i == maxWarnings {
			fmt.Fprintf(&b, "… and %d more test report warnings\n", len(r.notes)-maxWarnings)
			break
		}
		b.WriteString(n + "\n")
	}
	return b.String()
}

// junitSpan adds each testsuite's (and testsuites') timestamp and time. A timestamp without
// a zone is taken as UTC, which CI machines keep.
func junitSpan(data []byte, add func(time.Time, time.Duration)) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return
		}
		el, ok := tok.(xml.StartElement)
		if !ok || (el.Name.Local != "testsuite" && el.Name.Local != "testsuites") {
			continue
		}
		var stamp, secs string
		for _, a := range el.Attr {
			switch a.Name.Local {
			case "timestamp":
				stamp = a.Value
			case "time":
				secs = a.Value
			}
		}
		if start, ok := parseStamp(stamp); ok {
			d, _ := strconv.ParseFloat(strings.TrimSpace(secs), 64)
			add(start, time.Duration(max(d, 0)*float64(time.Second)))
		}
	}
}

func parseStamp(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// goTestSpan adds the Time of each go test -json event.
func goTestSpan(data []byte, add func(time.Time, time.Duration)) {
	key := []byte(`"Time":"`)
	for line := range bytes.Lines(data) {
		_, rest, ok := bytes.Cut(line, key)
		if !ok {
			continue
		}
		stamp, _, ok := bytes.Cut(rest, []byte(`"`))
		if t, err := time.Parse(time.RFC3339Nano, string(stamp)); ok && err == nil {
			add(t, 0)
		}
	}
}
