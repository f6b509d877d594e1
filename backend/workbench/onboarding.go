package workbench

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"eightfold/backend/config"
	"eightfold/backend/vcs"
)

// ConfigPreview is the commented eightfold.yaml Eightfold would write into a project.
type ConfigPreview struct {
	YAML         string   `json:"yaml"`
	DetectedFrom []string `json:"detectedFrom"` // the file the steps come from, such as go.mod; empty when nothing was detected
	Exists       bool     `json:"exists"`       // the project has an eightfold.yaml (or .yml) already
}

// ConfigPreview makes the starter eightfold.yaml of the project from what is detected in
// it: the steps with a comment per key, and the other sections as commented-out examples.
func (p *Project) ConfigPreview() (ConfigPreview, error) {
	s, err := config.NewStarter(p.dir)
	if err != nil {
		return ConfigPreview{}, errorf(CodeConflict, "cannot make an eightfold.yaml for %s: %v", p.dir, err)
	}
	return ConfigPreview{YAML: s.YAML, DetectedFrom: s.DetectedFrom, Exists: p.configFile() != ""}, nil
}

// WriteConfig writes the starter eightfold.yaml (ConfigPreview) into the project, at once
// and whole, and returns the project as it now reads. An existing config file is never
// overwritten: that is a conflict. Nothing is committed. The home folder and the root of
// the filesystem get none (bad_request).
func (p *Project) WriteConfig() (ProjectInfo, error) {
	if err := p.refuseWide("write an eightfold.yaml"); err != nil {
		return ProjectInfo{}, err
	}
	if f := p.configFile(); f != "" {
		return ProjectInfo{}, errorf(CodeConflict, "%s exists already; Eightfold does not overwrite it", f)
	}
	preview, err := p.ConfigPreview()
	if err != nil {
		return ProjectInfo{}, err
	}
	path := filepath.Join(p.dir, config.FileNames[0])
	if err := writeNewFile(path, []byte(preview.YAML)); errors.Is(err, fs.ErrExist) {
		return ProjectInfo{}, errorf(CodeConflict, "%s exists already; Eightfold does not overwrite it", path)
	} else if err != nil {
		return ProjectInfo{}, err
	}
	return p.Info()
}

// InitGit makes the project a git repository whose first branch is main, and returns the
// project as it now reads. Nothing else is written: no commit, no .gitignore. A project in a
// repository already is a conflict. The home folder and the root of the filesystem are
// refused (bad_request): a repository there would hold every folder under it.
func (p *Project) InitGit() (ProjectInfo, error) {
	if err := p.refuseWide("make a git repository"); err != nil {
		return ProjectInfo{}, err
	}
	err := vcs.Init(p.dir)
	if errors.Is(err, vcs.ErrIsRepository) {
		return ProjectInfo{}, errorf(CodeConflict, "%s is in a git repository already", p.dir)
	}
	if err != nil {
		return ProjectInfo{}, err
	}
	return p.Info()
}

// refuseWide refuses to do what (such as "make a git repository") in the user's home
// folder or the root of the filesystem, which hold far more than one project.
func (p *Project) refuseWide(what string) error {
	if isRoot(p.dir) {
		return errorf(CodeBadRequest, "will not %s in %s, the root of the filesystem: open the project's own folder", what, p.dir)
	}
	if home, err := os.UserHomeDir(); err == nil {
		if key, err := folderKey(home); err == nil && key == p.dir {
			return errorf(CodeBadRequest, "will not %s in your home folder %s, which holds every other folder of yours: open the project's own folder", what, p.dir)
		}
	}
	return nil
}

// configFile is the path of the project's config file, or "" when it has none.
func (p *Project) configFile() string {
	for _, name := range config.FileNames {
		if path := filepath.Join(p.dir, name); isFile(path) {
			return path
		}
	}
	return ""
}

// writeNewFile writes data to path (mode 0644) at once: readers see no file or all of it.
// It never replaces a file: when path exists the error wraps fs.ErrExist.
func writeNewFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil { // unlike a rename, a link never replaces path
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
