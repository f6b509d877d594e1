package workbench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"eightfold/backend/config"
	"eightfold/backend/runner"
	"eightfold/backend/testreport"
)

// maxWarnings is how many report warnings a step's log shows; the rest are counted.
const maxWarnings = 20

// stepReport reads the test report of one attempt of a step: go test -json and TAP from its
// standard output as it runs, JUnit files after it ends.
type stepReport struct {
	dir      string
	format   string // the step's report: "", go-test-json, tap or junit:<glob>
	parser   testreport.Parser
	coll     *testCollector
	text     strings.Builder // go test -json: the readable text of the current chunk
	warnings []testreport.Warning
}

// newStepReport starts reading the report of a step that has one into coll.
func newStepReport(dir string, step config.Step, coll *testCollector) *stepReport {
	r := &stepReport{dir: dir, format: step.Report, coll: coll}
	switch step.Report {
	case config.ReportGoTestJSON:
		r.parser = testreport.NewGoTest(coll.add, func(s string) { r.text.WriteString(s) })
	case config.ReportTAP:
		r.parser = testreport.NewTAP(step.Name, coll.add)
	}
	return r
}

// filter is the step's runner.Filter: standard output goes through the parser. For go test
// -json the log keeps the text a person reads (the JSON itself becomes test results); for
// everything else it keeps what came.
func (r *stepReport) filter(s runner.Stream, p []byte) []byte {
	if r.parser == nil || s != runner.Stdout {
		return p
	}
	r.parser.Write(p)
	if r.format != config.ReportGoTestJSON {
		return p
	}
	text := []byte(r.text.String())
	r.text.Reset()
	return text
}

// finish ends the report: the stream parser's last cases, then the JUnit files the step
// wrote (files older than the step's start are left: a report from an earlier run must not
// pass for this one's). It returns what the log should say about the report, as lines.
func (r *stepReport) finish(started time.Time) (tail string, notes []string) {
	if r.parser != nil {
		r.warnings = append(r.warnings, r.parser.Close()...)
		tail = r.text.String()
		r.text.Reset()
	}
	if glob, ok := strings.CutPrefix(r.format, config.ReportJUnit); ok {
		notes = append(notes, r.readJUnit(glob, started)...)
	}
	for i, w := range r.warnings {
		if i == maxWarnings {
			notes = append(notes, fmt.Sprintf("… and %d more test report warnings", len(r.warnings)-maxWarnings))
			break
		}
		notes = append(notes, "test report: "+w.String())
	}
	return tail, notes
}

// readJUnit parses the JUnit files that match glob and were written since started.
func (r *stepReport) readJUnit(glob string, started time.Time) []string {
	paths, err := doublestar.Glob(os.DirFS(r.dir), glob, doublestar.WithFilesOnly())
	if err != nil {
		return []string{fmt.Sprintf("test report: junit:%s: %v", glob, err)}
	}
	var notes []string
	read := 0
	for _, rel := range paths {
		path := filepath.Join(r.dir, filepath.FromSlash(rel))
		fi, err := os.Stat(path)
		if err != nil {
			notes = append(notes, fmt.Sprintf("test report: %s: %v", rel, err))
			continue
		}
		if fi.ModTime().Before(started.Add(-time.Second)) {
			notes = append(notes, fmt.Sprintf("test report: %s was written before this step started (%s): left out", rel, fi.ModTime().Format(time.DateTime)))
			continue
		}
		if err := r.parseJUnitFile(rel, path); err != nil {
			notes = append(notes, fmt.Sprintf("test report: %s: %v", rel, err))
			continue
		}
		read++
	}
	if read == 0 {
		notes = append(notes, fmt.Sprintf("test report: no JUnit file matching %s was written by this step", glob))
	}
	return notes
}

func (r *stepReport) parseJUnitFile(rel, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	ws, err := testreport.ParseJUnit(f, r.coll.add)
	for _, w := range ws {
		w.Message = rel + ": " + w.Message
		r.warnings = append(r.warnings, w)
	}
	return err
}
