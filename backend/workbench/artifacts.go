package workbench

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/bmatcuk/doublestar/v4"

	"eightfold/backend/store"
)

// recordArtifacts notes what the steps' `artifacts:` patterns match in the work tree once
// a run has passed: each file with its size, modification and change times and inode, so
// that a release can tell whether the file is still the one this run built. They are read
// at the end of the run, not of each step, so that a later step that strips or signs a
// binary is part of what was built. A pattern that names a directory takes every file
// under it; a pattern that matches nothing is recorded as missing. A file two patterns
// match is recorded for each (a release ships it once). Skipped steps (a narrowed run) record nothing.
func (p *Project) recordArtifacts(r RunInfo, pl *plan) error {
	var arts []store.RunArtifact
	for i, step := range pl.cfg.Steps {
		if pl.skip[i] {
			continue
		}
		for _, pattern := range step.Artifacts {
			files, err := p.matchArtifact(pattern)
			if err != nil {
				return fmt.Errorf("artifacts of step %s: %w", step.Name, err)
			}
			if len(files) == 0 {
				arts = append(arts, store.RunArtifact{StepID: r.Steps[i].ID, Pattern: pattern})
			}
			for _, f := range files {
				f.StepID, f.Pattern = r.Steps[i].ID, pattern
				arts = append(arts, f)
			}
		}
	}
	return p.store.AddRunArtifacts(context.Background(), r.ID, arts)
}

// matchArtifact lists the regular files pattern matches in the repository, in name order:
// the file it names, every file under the directory it names, or the files its glob
// matches. A symbolic link counts only when it resolves to a file inside the repository:
// a build must not ship bytes from elsewhere on the machine.
func (p *Project) matchArtifact(pattern string) ([]store.RunArtifact, error) {
	fsys := os.DirFS(p.dir)
	pattern = path.Clean(pattern)
	var paths []string
	if info, err := fs.Stat(fsys, pattern); err == nil && info.IsDir() {
		err := fs.WalkDir(fsys, pattern, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type()&fs.ModeDir == 0 {
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
	var out []store.RunArtifact
	for _, rel := range paths {
		if a, ok := p.artifactFile(rel); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// artifactFile describes the file at rel, when it is a regular file inside the repository.
func (p *Project) artifactFile(rel string) (store.RunArtifact, bool) {
	full := filepath.Join(p.dir, filepath.FromSlash(rel))
	real, err := filepath.EvalSymlinks(full)
	if err != nil || !inside(p.dir, real) {
		return store.RunArtifact{}, false
	}
	info, err := os.Stat(real)
	if err != nil || !info.Mode().IsRegular() {
		return store.RunArtifact{}, false
	}
	a := store.RunArtifact{Path: rel, Size: info.Size(), MtimeNs: info.ModTime().UnixNano()}
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		a.CtimeNs, a.Inode = st.Ctim.Nano(), st.Ino
	}
	return a, true
}

// inside reports whether path lies in dir (both absolute; dir's own symlinks resolved).
func inside(dir, path string) bool {
	if d, err := filepath.EvalSymlinks(dir); err == nil {
		dir = d
	}
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
