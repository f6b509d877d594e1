package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"
)

// layout names the paths under a target's deploy root:
//
//	releases/<release>/          the artifacts of each release, as built
//	current -> releases/<r>      what runs; switched by an atomic rename
//	shared/                      files kept across releases, linked into each
//	.eightfold/lock/             the deploy lock (a directory: mkdir is atomic)
//	.eightfold/state.json        the releases, their manifests and which were healthy
//	.eightfold/env/<release>.env the environment of the commands (0600: it holds the secrets)
//	.eightfold/audit.log         one JSON line per deploy, rollback and forced unlock; append only
//	.eightfold/uploading/<r>     a marker while release r is uploaded (what a dead deploy left)
type layout struct{ root string }

func (l layout) releases() string           { return path.Join(l.root, "releases") }
func (l layout) release(name string) string { return path.Join(l.root, "releases", name) }
func (l layout) current() string            { return path.Join(l.root, "current") }
func (l layout) shared() string             { return path.Join(l.root, "shared") }
func (l layout) meta() string               { return path.Join(l.root, ".eightfold") }
func (l layout) lock() string               { return path.Join(l.root, ".eightfold", "lock") }
func (l layout) state() string              { return path.Join(l.root, ".eightfold", "state.json") }
func (l layout) envDir() string             { return path.Join(l.root, ".eightfold", "env") }
func (l layout) envFile(name string) string {
	return path.Join(l.root, ".eightfold", "env", name+".env")
}
func (l layout) audit() string        { return path.Join(l.root, ".eightfold", "audit.log") }
func (l layout) uploadingDir() string { return path.Join(l.root, ".eightfold", "uploading") }
func (l layout) uploading(name string) string {
	return path.Join(l.root, ".eightfold", "uploading", name)
}

// File is one file of a release's manifest.
type File struct {
	SHA256 string      `json:"sha256"`
	Size   int64       `json:"size"`
	Mode   fs.FileMode `json:"mode"`
}

// Release is a release directory on a target, as the target's state.json records it.
type Release struct {
	Name       string          `json:"name"` // the directory under releases/: 20261126T044500Z-1.3.0
	Version    string          `json:"version"`
	Commit     string          `json:"commit"`
	DeployedAt time.Time       `json:"deployed_at"`
	Healthy    bool            `json:"healthy"`        // it passed its health gate (or the target has none)
	Bad        bool            `json:"bad"`            // it failed its gate and was switched away from
	Port       int             `json:"port,omitempty"` // the port it listens on (EIGHTFOLD_PORT), when known
	Files      map[string]File `json:"files"`          // path (slash-separated, relative) → content
}

// targetState is .eightfold/state.json: the releases in the order they were deployed.
type targetState struct {
	Releases []Release `json:"releases"`
}

// readState reads the target's state; a target never deployed to has none.
func readState(h Host, l layout) (targetState, error) {
	var st targetState
	b, err := h.ReadFile(l.state())
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read %s on %s: %w", l.state(), h, err)
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("%s on %s is not valid JSON (%v): move it away to start the target's history afresh", l.state(), h, err)
	}
	return st, nil
}

// writeState replaces the target's state atomically.
func writeState(h Host, l layout, st targetState) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return h.WriteFile(l.state(), append(b, '\n'), 0o644)
}

// find returns the release called name.
func (st targetState) find(name string) (Release, bool) {
	for _, r := range st.Releases {
		if r.Name == name {
			return r, true
		}
	}
	return Release{}, false
}

// lastHealthy returns the newest healthy release other than except.
func (st targetState) lastHealthy(except string) (Release, bool) {
	for i := len(st.Releases) - 1; i >= 0; i-- {
		if r := st.Releases[i]; r.Healthy && !r.Bad && r.Name != except {
			return r, true
		}
	}
	return Release{}, false
}

// healthyBefore returns the newest healthy release deployed before name (before them all
// when name is not in the state): where a rollback from name goes, never forward again.
func (st targetState) healthyBefore(name string) (Release, bool) {
	end := len(st.Releases)
	for i, r := range st.Releases {
		if r.Name == name {
			end = i
		}
	}
	for i := end - 1; i >= 0; i-- {
		if r := st.Releases[i]; r.Healthy && !r.Bad {
			return r, true
		}
	}
	return Release{}, false
}

// currentRelease returns the name of the release current points to, "" when there is none.
func currentRelease(h Host, l layout) (string, error) {
	target, err := h.Readlink(l.current())
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s on %s: %w", l.current(), h, err)
	}
	return path.Base(target), nil
}

// releaseName names a release directory: the UTC time and the version, with characters
// that a path should not hold replaced ("1.3.0+dirty" stays readable).
func releaseName(at time.Time, version string) string {
	safe := []byte(version)
	for i, c := range safe {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == '_') {
			safe[i] = '_'
		}
	}
	return at.UTC().Format("20060102T150405.000Z") + "-" + string(safe)
}
