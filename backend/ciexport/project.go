package ciexport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
)

// Versions used when the repository does not say.
const (
	DefaultNode   = "24" // the active LTS line of Node.js
	DefaultPython = "3.13"
	// Gotestsum converts `go test -json` to JUnit XML in CI; pinned so an export means the
	// same tool on every run.
	Gotestsum = "gotest.tools/gotestsum@v1.13.0"
)

// facts are what the export reads from the repository besides eightfold.yaml: its
// toolchains with their versions and lockfiles, and its default branch.
type facts struct {
	goVersion     string // "1.26.1" from go.mod's toolchain or go line; "" without go.mod
	goSum         bool
	node          string // major version; "" without package.json
	nodeFrom      string // where node came from: "package.json engines.node" or "default"
	nodeInstall   string // npm ci, npm install, yarn install --frozen-lockfile, pnpm install --frozen-lockfile
	nodeLock      string // package-lock.json, yarn.lock, pnpm-lock.yaml or ""
	python        string // version; "" when the project has no Python files
	pythonFile    bool   // .python-version exists
	pythonReqs    bool   // requirements.txt exists
	defaultBranch string
}

// readFacts reads the facts of the repository at dir; branch is the ci.branch of its config
// ("": the repository's default branch).
func readFacts(dir, branch string) (facts, error) {
	var f facts
	var err error
	if f.goVersion, err = goVersion(dir); err != nil {
		return f, err
	}
	f.goSum = exists(dir, "go.sum")
	if err = f.readNode(dir); err != nil {
		return f, err
	}
	f.readPython(dir)
	f.defaultBranch = branch
	if branch == "" {
		f.defaultBranch = defaultBranch(dir)
	}
	return f, nil
}

func exists(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}

// goVersion is the Go version go.mod asks for: its toolchain line, else its go line.
func goVersion(dir string) (string, error) {
	src, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	var goLine string
	for line := range strings.Lines(string(src)) {
		switch words := strings.Fields(line); {
		case len(words) >= 2 && words[0] == "toolchain":
			return strings.TrimPrefix(words[1], "go"), nil
		case len(words) >= 2 && words[0] == "go":
			goLine = words[1]
		}
	}
	if goLine == "" {
		return "", fmt.Errorf("export: go.mod in %s has no go line; add one, such as: go 1.26", dir)
	}
	return goLine, nil
}

// majorRE finds the first major version in a semver range such as >=20, ^18.17 or 20.x.
var majorRE = regexp.MustCompile(`[0-9]+`)

// readNode reads package.json's engines.node and the lockfile.
func (f *facts) readNode(dir string) error {
	src, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var pkg struct {
		Engines struct {
			Node string `json:"node"`
		} `json:"engines"`
	}
	if err := json.Unmarshal(src, &pkg); err != nil {
		return fmt.Errorf("export: package.json in %s: %w", dir, err)
	}
	f.node, f.nodeFrom = DefaultNode, "default"
	if m := majorRE.FindString(pkg.Engines.Node); m != "" {
		f.node, f.nodeFrom = m, "package.json engines.node"
	}
	f.nodeInstall = "npm install"
	for _, l := range []struct{ lock, install string }{
		{"package-lock.json", "npm ci"},
		{"pnpm-lock.yaml", "corepack enable && pnpm install --frozen-lockfile"},
		{"yarn.lock", "corepack enable && yarn install --frozen-lockfile"},
	} {
		if exists(dir, l.lock) {
			f.nodeLock, f.nodeInstall = l.lock, l.install
			break
		}
	}
	return nil
}

// readPython reads .python-version, when the project has Python files.
func (f *facts) readPython(dir string) {
	f.pythonFile, f.pythonReqs = exists(dir, ".python-version"), exists(dir, "requirements.txt")
	if !f.pythonFile && !f.pythonReqs && !exists(dir, "pyproject.toml") && !exists(dir, "setup.cfg") {
		return
	}
	f.python = DefaultPython
	if b, err := os.ReadFile(filepath.Join(dir, ".python-version")); err == nil {
		if v := strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]); v != "" {
			f.python = v
		}
	}
}

// defaultBranch is the branch that deploys: the one origin/HEAD names, else main or master
// when the repository has it, else git's init.defaultBranch, else main. Never the branch
// that happens to be checked out: the export must not depend on it.
func defaultBranch(dir string) string {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return initBranch(nil)
	}
	if ref, err := repo.Reference(plumbing.NewRemoteHEADReferenceName("origin"), false); err == nil && ref.Type() == plumbing.SymbolicReference {
		if name, ok := strings.CutPrefix(ref.Target().String(), "refs/remotes/origin/"); ok {
			return name
		}
	}
	for _, name := range []string{"main", "master"} {
		if _, err := repo.Reference(plumbing.NewBranchReferenceName(name), false); err == nil {
			return name
		}
	}
	return initBranch(repo)
}

// initBranch is git's init.defaultBranch (the repository's, else the user's or system's
// setting), else main.
func initBranch(repo *git.Repository) string {
	var cfg *gitconfig.Config
	var err error
	if repo != nil {
		cfg, err = repo.ConfigScoped(gitconfig.SystemScope)
	} else {
		cfg, err = gitconfig.LoadConfig(gitconfig.GlobalScope)
	}
	if err != nil || cfg.Init.DefaultBranch == "" {
		return "main"
	}
	return cfg.Init.DefaultBranch
}
