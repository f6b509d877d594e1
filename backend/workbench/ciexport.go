package workbench

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"eightfold/backend/ciexport"
)

// CIExport is an export of the pipeline to a CI engine: the file, whether and how it
// differs from the one in the repository, and what the reader should know.
type CIExport struct {
	Engine  string   `json:"engine"`  // github-actions or gitlab-ci
	Path    string   `json:"path"`    // relative to the repository: .github/workflows/eightfold.yml or .gitlab-ci.yml
	Content string   `json:"content"` // the whole file
	Status  string   `json:"status"`  // new, unchanged, changed (an earlier export: replacing it is safe) or hand-edited
	Diff    string   `json:"diff"`    // a summary of the lines that change: "+12 -3 lines"; "" when new or unchanged
	Notes   []string `json:"notes"`   // targets left out, a missing ci.install
	// Existing is the sha256 (hex) of the file in the repository as it was read; "" when
	// there is none. The window keeps an "overwrite my edits" confirmation only while it
	// stays the same.
	Existing string `json:"existing"`
	Written  bool   `json:"written"` // Export wrote the file (false for a preview and for an unchanged file)
}

// ExportPreview renders the pipeline for engine without writing anything.
func (p *Project) ExportPreview(engine string) (CIExport, error) {
	return ExportPreviewIn(p.dir, engine)
}

// Export writes the pipeline for engine. A hand-edited file is refused (conflict) unless
// force is set; an unchanged one is left alone. A forced export overwrites only the file the
// person confirmed overwriting: existing is its sha256 as the preview showed it (Existing),
// and a file changed since is refused (conflict), to be looked at again.
func (p *Project) Export(engine string, force bool, existing string) (CIExport, error) {
	if force {
		e, err := ciexport.ParseEngine(engine)
		if err != nil {
			return CIExport{}, errorf(CodeBadRequest, "%v", err)
		}
		if now := fileHash(oldExport(p.dir, e)); now != existing {
			return CIExport{}, errorf(CodeConflict, "%s changed since it was previewed (edited, checked out or exported meanwhile): look at it again before overwriting it", e.Path())
		}
	}
	return ExportIn(p.dir, engine, force)
}

// ExportPreviewIn is ExportPreview for the repository at dir, with no project opened
// (the terminal's export needs no data dir).
func ExportPreviewIn(dir, engine string) (CIExport, error) {
	e, err := ciexport.ParseEngine(engine)
	if err != nil {
		return CIExport{}, errorf(CodeBadRequest, "%v", err)
	}
	f, err := ciexport.Render(dir, e)
	if err != nil {
		return CIExport{}, errorf(CodeConflict, "%v", err)
	}
	return ciExport(e, f, oldExport(dir, e), false), nil
}

// ExportIn is Export for the repository at dir.
func ExportIn(dir, engine string, force bool) (CIExport, error) {
	e, err := ciexport.ParseEngine(engine)
	if err != nil {
		return CIExport{}, errorf(CodeBadRequest, "%v", err)
	}
	before := oldExport(dir, e)
	f, err := ciexport.Write(dir, e, force)
	if err != nil {
		return CIExport{}, errorf(CodeConflict, "%v", err)
	}
	return ciExport(e, f, before, f.Status != ciexport.StatusUnchanged), nil
}

// ciExport is the API's view of an export; old is the file there before it.
func ciExport(e ciexport.Engine, f ciexport.File, old string, written bool) CIExport {
	notes := f.Notes
	if notes == nil {
		notes = []string{}
	}
	return CIExport{Engine: string(e), Path: f.Path, Content: f.Content, Status: f.Status, Notes: notes, Written: written,
		Diff: diffSummary(old, f.Content, f.Status), Existing: fileHash(old)}
}

// fileHash is the sha256 of text in hex; "" for no text.
func fileHash(text string) string {
	if text == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:])
}

// oldExport is the engine's file in the repository at dir now; "" when there is none.
func oldExport(dir string, e ciexport.Engine) string {
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(e.Path())))
	if err != nil {
		return "" // none, or unreadable: Render reports why

	}
	return string(b)
}

// diffSummary counts the lines only in the old file and only in the new one.
func diffSummary(old, content, status string) string {
	if status == ciexport.StatusNew || status == ciexport.StatusUnchanged || old == content {
		return ""
	}
	count := func(a, b string) int {
		seen := map[string]int{}
		for l := range strings.Lines(b) {
			seen[l]++
		}
		n := 0
		for l := range strings.Lines(a) {
			if seen[l] > 0 {
				seen[l]--
				continue
			}
			n++
		}
		return n
	}
	return fmt.Sprintf("+%d -%d lines", count(content, old), count(old, content))
}
