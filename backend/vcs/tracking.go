package vcs

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// Tracking is how far the work tree is from being shared: its uncommitted changes, and its
// branch against the branch it tracks.
type Tracking struct {
	Changed  int    // paths with uncommitted changes (a rename counts once)
	Upstream string // the branch HEAD's branch tracks ("origin/main"); "" for none or a detached HEAD
	Ahead    int    // commits HEAD has that the upstream has not
	Behind   int    // commits the upstream has that HEAD has not
}

// ReadTracking returns the tracking state of the work tree that contains dir; a directory
// outside any repository (or a bare one) yields Tracking{}. Like Read it asks the git CLI, one
// `git status` for all of it, and falls back to go-git when git is missing or refuses.
func ReadTracking(dir string) (Tracking, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return Tracking{}, nil
	}
	if err != nil {
		return Tracking{}, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	wt, err := repo.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return Tracking{}, nil
	}
	if err != nil {
		return Tracking{}, fmt.Errorf("open work tree of %s: %w", dir, err)
	}
	if gitCLI, err := exec.LookPath("git"); err == nil {
		if tr, err := trackingByCLI(gitCLI, wt.Filesystem.Root()); err == nil {
			return tr, nil
		}
	}
	tr, err := trackingByGoGit(repo, wt)
	if err != nil {
		return Tracking{}, fmt.Errorf("tracking state of %s: %w", dir, err)
	}
	return tr, nil
}

// trackingByCLI runs `git status --porcelain=v2 --branch`, which counts ahead and behind too.
func trackingByCLI(gitCLI, root string) (Tracking, error) {
	ctx, cancel := context.WithTimeout(context.Background(), statusTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, gitCLI, "--no-optional-locks", "-c", "core.fsmonitor=false",
		"status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all")
	cmd.Dir = root
	out, err := cmd.Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		return Tracking{}, fmt.Errorf("%w: %s", err, ee.Stderr)
	}
	if err != nil {
		return Tracking{}, err
	}
	return parsePorcelainV2(out)
}

// parsePorcelainV2 reads `git status --porcelain=v2 --branch -z`: "# branch.…" headers, then
// one NUL-ended entry per changed path ("1 …", "u …", "? path"), where a rename or copy ("2 …")
// is followed by one more field, its source path.
func parsePorcelainV2(out []byte) (Tracking, error) {
	var tr Tracking
	fields := strings.Split(string(out), "\x00")
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		switch {
		case strings.HasPrefix(f, "# branch.upstream "):
			tr.Upstream = strings.TrimPrefix(f, "# branch.upstream ")
		case strings.HasPrefix(f, "# branch.ab "):
			var err error
			if tr.Ahead, tr.Behind, err = parseAheadBehind(strings.TrimPrefix(f, "# branch.ab ")); err != nil {
				return Tracking{}, err
			}
		case strings.HasPrefix(f, "2 "):
			tr.Changed++
			i++ // the source path
		case strings.HasPrefix(f, "1 "), strings.HasPrefix(f, "u "), strings.HasPrefix(f, "? "):
			tr.Changed++
		}
	}
	return tr, nil
}

// parseAheadBehind reads "+3 -1".
func parseAheadBehind(s string) (ahead, behind int, err error) {
	a, b, ok := strings.Cut(s, " ")
	ahead, errA := strconv.Atoi(strings.TrimPrefix(a, "+"))
	behind, errB := strconv.Atoi(strings.TrimPrefix(b, "-"))
	if !ok || errA != nil || errB != nil {
		return 0, 0, fmt.Errorf("git status printed a bad ahead/behind count %q", s)
	}
	return ahead, behind, nil
}

// trackingByGoGit counts the changes with go-git's status and walks both histories.
func trackingByGoGit(repo *git.Repository, wt *git.Worktree) (Tracking, error) {
	changed, err := changedByGoGit(wt)
	if err != nil {
		return Tracking{}, err
	}
	tr := Tracking{Changed: len(changed)}
	name, ref, ok, err := upstreamOf(repo)
	if err != nil || !ok {
		return tr, err
	}
	tr.Upstream = name
	up, err := repo.Reference(ref, true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return tr, nil // the upstream is gone: git prints no counts either
	}
	if err != nil {
		return tr, err
	}
	head, err := repo.Head()
	if err != nil {
		return tr, err
	}
	r := &Repo{dir: wt.Filesystem.Root(), repo: repo}
	if tr.Ahead, err = r.countOnly(head.Hash(), up.Hash()); err != nil {
		return tr, err
	}
	tr.Behind, err = r.countOnly(up.Hash(), head.Hash())
	return tr, err
}

// upstreamOf names the branch that HEAD's branch tracks (branch.<name>.remote and .merge)
// and the ref it is read from; ok is false for a detached HEAD or a branch that tracks none.
func upstreamOf(repo *git.Repository) (name string, ref plumbing.ReferenceName, ok bool, err error) {
	head, err := repo.Reference(plumbing.HEAD, false)
	if err != nil || head.Type() != plumbing.SymbolicReference || !head.Target().IsBranch() {
		return "", "", false, err
	}
	cfg, err := repo.Config()
	if err != nil {
		return "", "", false, err
	}
	b, found := cfg.Branches[head.Target().Short()]
	if !found || b.Merge == "" {
		return "", "", false, nil
	}
	if b.Remote == "." { // a local branch
		return b.Merge.Short(), b.Merge, true, nil
	}
	name = b.Remote + "/" + b.Merge.Short()
	return name, plumbing.NewRemoteReferenceName(b.Remote, b.Merge.Short()), true, nil
}

// countOnly counts the commits that tip reaches and other does not.
func (r *Repo) countOnly(tip, other plumbing.Hash) (int, error) {
	known := map[string]bool{}
	theirs, err := r.CommitsSince([]string{other.String()}, nil)
	if err != nil {
		return 0, err
	}
	for _, c := range theirs {
		known[c.SHA] = true
	}
	ours, err := r.CommitsSince([]string{tip.String()}, known)
	return len(ours), err
}
