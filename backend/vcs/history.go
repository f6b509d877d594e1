package vcs

import (
	"container/heap"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// ErrNotRepository is wrapped by OpenRepo's error when dir is inside no git work tree.
var ErrNotRepository = errors.New("not a git repository")

// Repo is an opened repository, for reading its history. Close it when done.
type Repo struct {
	dir     string
	repo    *git.Repository
	storage *filesystem.Storage
}

// OpenRepo opens the repository whose work tree contains dir (a linked worktree's branches
// are those of its main repository). Its pack files stay open until Close: reading
// thousands of commits then costs no open and close of the pack for each.
func OpenRepo(dir string) (*Repo, error) {
	plain, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotRepository)
	}
	if err != nil {
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	fsStorage, ok := plain.Storer.(*filesystem.Storage)
	if !ok {
		return &Repo{dir: dir, repo: plain}, nil
	}
	st := filesystem.NewStorageWithOptions(fsStorage.Filesystem(), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	repo, err := git.Open(st, nil)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	return &Repo{dir: dir, repo: repo, storage: st}, nil
}

// Close releases the repository's open files.
func (r *Repo) Close() error {
	if r.storage == nil {
		return nil
	}
	return r.storage.Close()
}

// Head is a local branch, or a detached HEAD, and the commit it points at.
type Head struct {
	// Branch is the branch's short name ("main", "feature/12-login"); "" for a detached HEAD.
	Branch string
	SHA    string
}

// HeadCommit returns the full SHA of the commit HEAD points at, "" before the first commit.
func (r *Repo) HeadCommit() (string, error) {
	head, err := r.repo.Reference(plumbing.HEAD, true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read HEAD of %s: %w", r.dir, err)
	}
	return head.Hash().String(), nil
}

// Heads lists the local branches in name order, then HEAD when it is detached (a repository
// without a commit has none). Together they are the tips that every commit worth scanning
// is reachable from.
func (r *Repo) Heads() ([]Head, error) {
	refs, err := r.repo.Branches()
	if err != nil {
		return nil, fmt.Errorf("list the branches of %s: %w", r.dir, err)
	}
	var out []Head
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference {
			out = append(out, Head{Branch: ref.Name().Short(), SHA: ref.Hash().String()})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the branches of %s: %w", r.dir, err)
	}
	slices.SortFunc(out, func(a, b Head) int { return strings.Compare(a.Branch, b.Branch) })
	head, err := r.repo.Reference(plumbing.HEAD, true)
	switch {
	case errors.Is(err, plumbing.ErrReferenceNotFound):
	case err != nil:
		return nil, fmt.Errorf("read HEAD of %s: %w", r.dir, err)
	case !head.Hash().IsZero() && !slices.ContainsFunc(out, func(h Head) bool { return h.SHA == head.Hash().String() }):
		out = append(out, Head{SHA: head.Hash().String()})
	}
	return out, nil
}

// LogCommit is a commit with its whole message, as a scan for card references reads it.
type LogCommit struct {
	SHA     string
	Message string
	Subject string // the message's first line
	// When is the commit's committer time: when it landed on its branch.
	When    time.Time
	Parents int // more than one: a merge
}

// CommitsSince walks the history back from the commits heads (full SHAs) and returns every
// commit it reaches that known does not hold, without walking past a known commit: known
// must hold the ancestors of what it holds (as it does when it is what earlier calls
// returned). The commits come oldest first: never a commit before one of its parents, and
// otherwise by committer time; this is `git log --date-order` reversed, even when clocks
// were skewed and a commit's time lies before its parent's. A parent missing from the
// object store (a shallow clone) ends its line.
func (r *Repo) CommitsSince(heads []string, known map[string]bool) ([]LogCommit, error) {
	seen := map[plumbing.Hash]bool{}
	var stack []plumbing.Hash
	for _, h := range heads {
		stack = append(stack, plumbing.NewHash(h))
	}
	var (
		out     []LogCommit
		parents [][]plumbing.Hash
		at      = map[plumbing.Hash]int{} // a walked commit's place in out
	)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] {
			continue
		}
		seen[h] = true
		sha := h.String()
		if known[sha] {
			continue
		}
		c, err := object.GetCommit(r.repo.Storer, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read commit %s of %s: %w", short(sha), r.dir, err)
		}
		at[h] = len(out)
		out = append(out, LogCommit{SHA: sha, Message: c.Message, Subject: subject(c.Message), When: c.Committer.When,
			Parents: len(c.ParentHashes)})
		parents = append(parents, c.ParentHashes)
		for _, p := range c.ParentHashes {
			if !seen[p] {
				stack = append(stack, p)
			}
		}
	}
	return dateOrder(out, parents, at), nil
}

// dateOrder sorts the commits cs, whose parents are parents[i] (at maps a hash to its
// place in cs), oldest first as `git log --date-order` lists them newest first: a commit
// comes out only after all its children among cs, and of those ready the newest first
// (the earliest ready on a tie). O(n log n).
func dateOrder(cs []LogCommit, parents [][]plumbing.Hash, at map[plumbing.Hash]int) []LogCommit {
	children := make([]int, len(cs))
	for _, ps := range parents {
		for _, p := range ps {
			if i, ok := at[p]; ok {
				children[i]++
			}
		}
	}
	q := &readyQueue{cs: cs}
	for i := range cs {
		if children[i] == 0 {
			q.push(i)
		}
	}
	out := make([]LogCommit, 0, len(cs))
	for q.Len() > 0 {
		i := heap.Pop(q).(ready).i
		out = append(out, cs[i])
		for _, p := range parents[i] {
			if j, ok := at[p]; ok {
				// A parent listed twice (a merge of a commit with itself) counts twice.
				if children[j]--; children[j] == 0 {
					q.push(j)
				}
			}
		}
	}
	slices.Reverse(out)
	return out
}

// ready is a commit whose children have all come out, and when it became ready.
type ready struct{ i, seq int }

// readyQueue is a max-heap of ready commits by committer time, first ready first on a tie.
type readyQueue struct {
	cs    []LogCommit
	items []ready
	seq   int
}

func (q *readyQueue) push(i int) {
	heap.Push(q, ready{i: i, seq: q.seq})
	q.seq++
}
func (q *readyQueue) Len() int { return len(q.items) }
func (q *readyQueue) Less(a, b int) bool {
	x, y := q.items[a], q.items[b]
	if c := q.cs[x.i].When.Compare(q.cs[y.i].When); c != 0 {
		return c > 0
	}
	return x.seq < y.seq
}
func (q *readyQueue) Swap(a, b int) { q.items[a], q.items[b] = q.items[b], q.items[a] }
func (q *readyQueue) Push(x any)    { q.items = append(q.items, x.(ready)) }
func (q *readyQueue) Pop() any {
	x := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return x
}

// clockSkew is how far a commit's committer time may lie before its parent's and Contains
// still find the parent's ancestors: git itself walks history assuming times roughly grow.
const clockSkew = 24 * time.Hour

// Contains returns those of shas that commit tip contains: tip itself or one of its
// ancestors. It walks back from tip, newest first, and stops once every sha is found or
// the walk has gone a day (clockSkew) past the oldest of those it has not found, so a sha
// off tip's history costs no more than the history since it. SHAs that are not commits of
// the repository are never contained; a tip that is not one is an error wrapping ErrNoCommit.
func (r *Repo) Contains(tip string, shas []string) ([]string, error) {
	want := map[plumbing.Hash]time.Time{}
	for _, s := range shas {
		h := plumbing.NewHash(s)
		if c, err := object.GetCommit(r.repo.Storer, h); err == nil {
			want[h] = c.Committer.When
		}
	}
	start, err := object.GetCommit(r.repo.Storer, plumbing.NewHash(tip))
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, fmt.Errorf("%w %s in %s (%w)", ErrNoCommit, short(tip), r.dir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("read commit %s of %s: %w", short(tip), r.dir, err)
	}
	var found []string
	q := &commitQueue{start}
	seen := map[plumbing.Hash]bool{start.Hash: true}
	for q.Len() > 0 && len(want) > 0 {
		c := heap.Pop(q).(*object.Commit)
		if _, ok := want[c.Hash]; ok {
			found = append(found, c.Hash.String())
			delete(want, c.Hash)
		}
		if c.Committer.When.Before(oldest(want).Add(-clockSkew)) {
			break
		}
		for _, p := range c.ParentHashes {
			if seen[p] {
				continue
			}
			seen[p] = true
			pc, err := object.GetCommit(r.repo.Storer, p)
			if errors.Is(err, plumbing.ErrObjectNotFound) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("read commit %s of %s: %w", short(p.String()), r.dir, err)
			}
			heap.Push(q, pc)
		}
	}
	return found, nil
}

// oldest returns the earliest of the times in m (zero for an empty map).
func oldest(m map[plumbing.Hash]time.Time) time.Time {
	var t time.Time
	for _, w := range m {
		if t.IsZero() || w.Before(t) {
			t = w
		}
	}
	return t
}

// commitQueue is a max-heap of commits by committer time: the newest comes out first.
type commitQueue []*object.Commit

func (q commitQueue) Len() int           { return len(q) }
func (q commitQueue) Less(i, j int) bool { return q[i].Committer.When.After(q[j].Committer.When) }
func (q commitQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)        { *q = append(*q, x.(*object.Commit)) }
func (q *commitQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}
