package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A real deploy, and a second whose start command fails, read back from the target's audit
// log; a line appended by hand that is not JSON is skipped with its number, a blank one
// silently.
func TestReadAuditOfRealDeploys(t *testing.T) {
	s := newSite(t)
	if lines, skipped, err := ReadAudit(LocalHost{}, s.root); err != nil || lines != nil || skipped != nil {
		t.Fatalf("a target never deployed to: %v, %v, %v", lines, skipped, err)
	}
	first, rec, err := s.deploy(s.spec("1.0.0"))
	if err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	broken := s.spec("1.1.0")
	broken.Start = "exit 3"
	second, _, _ := s.deploy(broken)
	promotion := s.spec("1.0.0")
	promotion.Action = ActionPromote
	if _, rec, err := s.deploy(promotion); err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	log := filepath.Join(s.root, ".eightfold", "audit.log")
	f, err := os.OpenFile(log, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n{torn line\n{\"who\":\"x\"}\n")
	f.Close()

	lines, skipped, err := ReadAudit(LocalHost{}, s.root)
	if err != nil || len(lines) != 3 {
		t.Fatalf("%+v, %v", lines, err)
	}
	ok, failed, promoted := lines[0], lines[1], lines[2]
	if ok.Line != 1 || failed.Line != 2 || promoted.Line != 3 {
		t.Errorf("line numbers %d, %d, %d", ok.Line, failed.Line, promoted.Line)
	}
	// The start command fails after the switch: the line says the release was current.
	if !ok.Switched || !failed.Switched || promoted.Action != ActionPromote || promoted.Result != AuditOK {
		t.Errorf("switched %v, %v; the promotion's line %+v", ok.Switched, failed.Switched, promoted)
	}
	if ok.Action != "deploy" || ok.Result != AuditOK || ok.Version != "1.0.0" || ok.Commit != "abc1234" || ok.Who != "ann@laptop" ||
		ok.Release != first.Release || ok.Previous != "" || ok.At.IsZero() {
		t.Errorf("the first deploy's line: %+v", ok)
	}
	if failed.Result != AuditFailed || failed.Release != second.Release || failed.Previous != first.Release ||
		!strings.Contains(failed.Reason, "exited with status 3") || !failed.At.After(ok.At) {
		t.Errorf("the failed deploy's line: %+v", failed)
	}
	if len(skipped) != 2 || skipped[0].Line != 5 || !strings.Contains(skipped[0].Reason, "not a JSON audit line") ||
		skipped[1].Line != 6 || skipped[1].Reason != "no time or no action" {
		t.Errorf("skipped %+v", skipped)
	}
}

// ReadAudit says where a log could not be read.
func TestReadAuditUnreadable(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, ".eightfold", "audit.log"), 0o755) // a directory: ReadFile fails
	if _, _, err := ReadAudit(LocalHost{}, root); err == nil || !strings.Contains(err.Error(), "read "+filepath.Join(root, ".eightfold", "audit.log")+" on local") {
		t.Errorf("%v", err)
	}
}

// ParseAudit never panics, and every line it returns has a time and an action.
func FuzzParseAudit(f *testing.F) {
	f.Add([]byte(`{"at":"2026-11-26T10:00:00Z","who":"ci@runner","action":"deploy","result":"ok"}` + "\n{bad\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		lines, _ := ParseAudit(b)
		for _, l := range lines {
			if l.At.IsZero() || l.Action == "" {
				t.Fatalf("%+v", l)
			}
		}
	})
}
