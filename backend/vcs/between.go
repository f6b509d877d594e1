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
}

// Changes is what happened between two commits.
type Changes struct {
	Commits []Commit // reachable from to but not from from, newest first; at most maxCommits
	More    int      // commits left out beyond maxCommits
	Files   []string // paths that differ between the two trees, sorted
}

// maxCommits bounds the commits Between lists.
const maxCommits = 200

// Between returns the commits and changed files from commit from to commit to in the
// repository containing dir. from == to gives no change.
func Between(dir, from, to string) (Changes, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return Changes{}, fmt.Errorf("open git repository at %s: %w", dir, err)
	}
	fromC, err := repo.CommitObject(plumbing.NewHash(from))
	if err != nil {
		return Changes{}, fmt.Errorf("commit %s: %w", short(from), err)
	}
	toC, err := repo.CommitObject(plumbing.NewHash(to))
	if err != nil {
		return Changes{}, fmt.Errorf("commit %s: %w", short(to), err)
	}
	var ch Changes
	if ch.Commits, ch.More, err = commitsBetween(fromC, toC); err != nil {
		return ch, err
	}
	ch.Files, err = changedFiles(fromC, toC)
	return ch, err
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
