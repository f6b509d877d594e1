package workbench

import (
	"context"
	"io/fs"
	"os"
	"path"

	"github.com/bmatcuk/doublestar/v4"

	"eightfold/backend/config"
	"eightfold/backend/store"
)

// recordArtifacts notes what a passed step's `artifacts:` patterns match in the work tree
// now: each file with its size and modification time, so that a release can later tell
// whether the file is still the one this run built. A pattern that names a directory
// takes every file under it; a pattern that matches nothing is recorded as missing.
func (p *Project) recordArtifacts(runID, stepID int64, step config.Step) error {
	if len(step.Artifacts) == 0 {
		return nil
	}
	fsys := os.DirFS(p.dir)
	var arts []store.RunArtifact
	for _, pattern := range step.Artifacts {
		files, err := matchArtifact(fsys, pattern)
		if err != nil {
			return err
		}
		if len(files) == 0 {
			arts = append(arts, store.RunArtifact{StepID: stepID, Pattern: pattern})
		}
		for _, f := range files {
			arts = append(arts, store.RunArtifact{StepID: stepID, Pattern: pattern, Path: f.path,
				Size: f.info.Size(), MtimeNs: f.info.ModTime().UnixNano()})
		}
	}
	return p.store.AddRunArtifacts(context.Background(), runID, arts)
}

// artifactFile is a file an artifact pattern matched.
type artifactFile struct {
	path string // slash-separated, relative to the repository
	info fs.FileInfo
}

// matchArtifact lists the regular files pattern matches in fsys, in name order: the file
// it names, every file under the directory it names, or the files its glob matches.
func matchArtifact(fsys fs.FS, pattern string) ([]artifactFile, error) {
	pattern = path.Clean(pattern)
	var paths []string
	if info, err := fs.Stat(fsys, pattern); err == nil && info.IsDir() {
		err := fs.WalkDir(fsys, pattern, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				paths = append(paths, p)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	} else if paths, err = doublestar.Glob(fsys, pattern, doublestar.WithFilesOnly()); err != nil {
		return nil, err
	}
	var out []artifactFile
	for _, rel := range paths {
		info, err := fs.Stat(fsys, rel)
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		out = append(out, artifactFile{path: rel, info: info})
	}
	return out, nil
}
