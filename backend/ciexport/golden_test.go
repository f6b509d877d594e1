package ciexport

import (
	"path/filepath"
	"testing"

	"eightfold/backend/internal/golden"
)

// TestGolden exports each sample project for each engine and compares the files with
// testdata/golden (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, pr := range projects {
		dir := pr.make(t)
		for _, e := range Engines {
			t.Run(pr.name+"/"+string(e), func(t *testing.T) {
				f, err := Render(dir, e)
				if err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join("testdata", "golden", pr.name+"-"+string(e)+".yml"), f.Content)
			})
		}
	}
}
