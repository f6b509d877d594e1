package vcs

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Commit is a commit as a list shows it.
type Commit struct {
	SHA     string
	Subject string // the first line of the message
	Author  string
	When    time.Time
	Tree    string // git's id of the commit's tree; set by ResolveCommit only
}

// Changes is what happened between two snapshots of the code.
type Changes struct {
	Commits []Commit // reachable from to but not from from, newest first; at most maxCommits
	More    int      // commits left out beyond maxCommits
	Files   []string // paths whose content differs between the two snapshots, sorted
}

// Snapshot is the code as a run saw it: a commit and the work tree's uncommitted changes.
type Snapshot struct {
	Commit      string
	Uncommitted map[string]string // as State.Uncommitted; nil for a clean tree
}

// maxCommits bounds the commits Between lists.
const maxCommits = 200

// Between returns the commits from snapshot from to snapshot to in the repository containing
// dir, and the files whose content differs: those the two commits' trees differ in, and those
// uncommitted in either snapshot whose content is not the same in the other (a file edited
// and later committed as it was does not count). The same commit gives no commits, and only
// the files whose uncommitted content differs.
func Between(dir string, from, to Snapshot) (Changes, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return Changes{}, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	fromC, err := repo.CommitObject(plumbing.NewHash(from.Commit))
	if err != nil {
		return Changes{}, fmt.Errorf("commit %s: %w", short(from.Commit), err)
	}
	toC, err := repo.CommitObject(plumbing.NewHash(to.Commit))
	if err != nil {
		return Changes{}, fmt.Errorf("commit %s: %w", short(to.Commit), err)
	}
	var ch Changes
	if ch.Commits, ch.More, err = commitsBetween(fromC, toC); err != nil {
		return ch, err
	}
	committed, err := changedFiles(fromC, toC)
	if err != nil {
		return ch, err
	}
	ch.Files = differing(committed, snapshotAt{fromC, from.Uncommitted}, snapshotAt{toC, to.Uncommitted})
	return ch, nil
}

// snapshotAt is a Snapshot with its commit read.
type snapshotAt struct {
	commit      *object.Commit
	uncommitted map[string]string
}

// content is contentHash's name for path in the snapshot.
func (s snapshotAt) content(path string) string {
	if h, ok := s.uncommitted[path]; ok {
		return h
	}
	return committedHash(s.commit, path)
}

// differing returns, sorted, the paths whose content differs between a and b, given the paths
// their commits differ in.
func differing(committed []string, a, b snapshotAt) []string {
	files := []string{}
	seen := map[string]bool{}
	check := func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		_, inA := a.uncommitted[path]
		_, inB := b.uncommitted[path]
		if (!inA && !inB) || a.content(path) != b.content(path) {
			files = append(files, path)
		}
	}
	for _, p := range committed {
		check(p)
	}
	for _, u := range []map[string]string{a.uncommitted, b.uncommitted} {
		for p := range u {
			check(p)
		}
	}
	slices.Sort(files)
	return files
}

// commitsBetween walks back from to, newest first, leaving out from and its ancestors.
func commitsBetween(from, to *object.Commit) ([]Commit, int, error) {
	seen := map[plumbing.Hash]bool{}
	ancestors := object.NewCommitPreorderIter(from, nil, nil)
	if err := ancestors.ForEach(func(c *object.Commit) error { seen[c.Hash] = true; return nil }); err != nil {
		return nil, 0, err
	}
	var out []Commit
	more := 0
	iter := object.NewCommitIterCTime(to, seen, nil)
	err := iter.ForEach(func(c *object.Commit) error {
		if seen[c.Hash] {
			return nil
		}
		if len(out) == maxCommits {
			more++
			return nil
		}
		out = append(out, Commit{SHA: c.Hash.String(), Subject: subject(c.Message), Author: c.Author.Name, When: c.Author.When})
		return nil
	})
	if errors.Is(err, storer.ErrStop) {
		err = nil
	}
	return out, more, err
}

func subject(msg string) string {
	for i, r := range msg {
		if r == '\n' {
			return msg[:i]
		}
	}
	return msg
}

func changedFiles(from, to *object.Commit) ([]string, error) {
	a, err := from.Tree()
	if err != nil {
		return nil, err
	}
	b, err := to.Tree()
	if err != nil {
		return nil, err
	}
	changes, err := object.DiffTree(a, b)
	if err != nil {
		return nil, err
	}
	files := []string{}
	for _, c := range changes {
		for _, name := range []string{c.From.Name, c.To.Name} {
			if name != "" {
				files = append(files, name)
			}
		}
	}
	slices.Sort(files)
	return slices.Compact(files), nil
}

func short(sha string) string { return sha[:min(len(sha), 12)] }
