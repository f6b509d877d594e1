package vcs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Range returns the commits that head contains and since does not (all of head's history
// when since is ""), newest first, as `git log since..head` lists them: no parent before
// its children, otherwise by committer time.
//
// It asks the git CLI when it is installed, which reads a history of 10,000 commits about
// twice as fast as go-git's object decoding (and walks since's side of a merge-heavy
// history the way git does); without git, or when git refuses the repository, go-git walks
// it. A parent missing from the object store (a shallow clone) ends its line either way.
func (r *Repo) Range(head, since string) ([]LogCommit, error) {
	if gitCLI, err := exec.LookPath("git"); err == nil {
		if log, err := rangeByCLI(gitCLI, r.dir, head, since); err == nil {
			return log, nil
		}
	}
	return r.rangeByGoGit(head, since)
}

// rangeTimeout bounds `git log`; a hung git must not hold up a release.
const rangeTimeout = 30 * time.Second

// rangeByCLI runs `git log -z`: one NUL-ended record per commit, its SHA, parents,
// committer time and raw message on lines of their own.
func rangeByCLI(gitCLI, dir, head, since string) ([]LogCommit, error) {
	rev := head
	if since != "" {
		rev = since + ".." + head
	}
	ctx, cancel := context.WithTimeout(context.Background(), rangeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, gitCLI, "-C", dir, "--no-optional-locks", "-c", "log.showSignature=false",
		"log", "-z", "--date-order", "--no-color", "--format=%H%n%P%n%ct%n%B", rev, "--")
	out, err := cmd.Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		return nil, fmt.Errorf("git log %s: %w: %s", rev, err, ee.Stderr)
	}
	if err != nil {
		return nil, err
	}
	return parseLogZ(out)
}

// parseLogZ reads what rangeByCLI asked git log for.
func parseLogZ(out []byte) ([]LogCommit, error) {
	var log []LogCommit
	for rec := range bytes.SplitSeq(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		fields := strings.SplitN(string(bytes.TrimPrefix(rec, []byte{'\n'})), "\n", 4)
		if len(fields) < 4 {
			return nil, fmt.Errorf("git log printed a record without its fields: %.80q", rec)
		}
		secs, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("git log printed a bad commit time %q", fields[2])
		}
		log = append(log, LogCommit{SHA: fields[0], Message: fields[3], Subject: subject(fields[3]),
			When: time.Unix(secs, 0), Parents: len(strings.Fields(fields[1]))})
	}
	return log, nil
}

// rangeByGoGit walks since's history to know what to leave out, then head's, newest first.
func (r *Repo) rangeByGoGit(head, since string) ([]LogCommit, error) {
	known := map[string]bool{}
	if since != "" {
		old, err := r.CommitsSince([]string{since}, nil)
		if err != nil {
			return nil, err
		}
		for _, c := range old {
			known[c.SHA] = true
		}
	}
	log, err := r.CommitsSince([]string{head}, known)
	slices.Reverse(log)
	return log, err
}
