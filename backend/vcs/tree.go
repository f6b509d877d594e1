package vcs

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// maxHashedFile is the largest changed file whose bytes contentHash reads; a larger one counts
// by its size and modification time.
const maxHashedFile = 32 << 20

// treeHash identifies the working tree's content (see State.Tree): HEAD's tree id when
// nothing changed, else a SHA-256 of that id and each changed path with its content's hash.
// "" when there is no commit and nothing changed.
func treeHash(repo *git.Repository, commit string, uncommitted map[string]string) string {
	head := ""
	if commit != "" {
		if c, err := repo.CommitObject(plumbing.NewHash(commit)); err == nil {
			head = c.TreeHash.String()
		}
	}
	if len(uncommitted) == 0 {
		return head
	}
	paths := make([]string, 0, len(uncommitted))
	for p := range uncommitted {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	h := sha256.New()
	fmt.Fprintf(h, "tree %s\n", head)
	for _, p := range paths {
		fmt.Fprintf(h, "%s\x00%s\n", p, uncommitted[p])
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// contentHashes hashes the content of each changed path under root (see State.Uncommitted).
func contentHashes(root string, changed []string) map[string]string {
	if len(changed) == 0 {
		return nil
	}
	out := make(map[string]string, len(changed))
	for _, p := range changed {
		out[p] = contentHash(filepath.Join(root, filepath.FromSlash(p)))
	}
	return out
}

// contentHash names what is at path: a file's SHA-256, a symlink's target, or why neither.
func contentHash(path string) string {
	fi, err := os.Lstat(path)
	switch {
	case err != nil:
		return "missing"
	case fi.Mode()&os.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		return "link " + target
	case !fi.Mode().IsRegular():
		return "not a file " + fi.Mode().Type().String()
	case fi.Size() > maxHashedFile:
		return fmt.Sprintf("large %d %d %v", fi.Size(), fi.ModTime().UnixNano(), fi.Mode())
	}
	f, err := os.Open(path)
	if err != nil {
		return "unreadable"
	}
	defer f.Close()
	return fileHash(f, fi.Mode().Perm()&0o100)
}

// fileHash is contentHash's name for a regular file's bytes with its executable bit (0 or
// 0o100): the same for a file on disk and for those bytes committed.
func fileHash(r io.Reader, exec os.FileMode) string {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "unreadable"
	}
	return fmt.Sprintf("%x %v", h.Sum(nil), exec)
}

// committedHash is contentHash's name for path as commit c holds it, so that a file's
// uncommitted content can be compared with a commit's.
func committedHash(c *object.Commit, path string) string {
	tree, err := c.Tree()
	if err != nil {
		return "unreadable"
	}
	entry, err := tree.FindEntry(path)
	if err != nil {
		return "missing"
	}
	if !entry.Mode.IsFile() {
		return "not a file " + entry.Mode.String()
	}
	file, err := tree.TreeEntryFile(entry)
	if err != nil {
		return "unreadable"
	}
	if entry.Mode == filemode.Symlink {
		target, err := file.Contents()
		if err != nil {
			return "unreadable"
		}
		return "link " + target
	}
	if file.Size > maxHashedFile {
		return fmt.Sprintf("large committed %s", file.Hash) // a large file on disk is named by its mtime: never equal
	}
	r, err := file.Reader()
	if err != nil {
		return "unreadable"
	}
	defer r.Close()
	exec := os.FileMode(0)
	if entry.Mode == filemode.Executable {
		exec = 0o100
	}
	return fileHash(r, exec)
}
