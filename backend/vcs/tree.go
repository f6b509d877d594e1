package vcs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// maxHashedFile is the largest changed file whose bytes treeHash reads; a larger one counts
// by its size and modification time.
const maxHashedFile = 32 << 20

// treeHash identifies the working tree's content (see State.Tree): HEAD's tree id when
// nothing changed, else a SHA-256 of that id and each changed path with its content's hash.
// "" when there is no commit and nothing changed.
func treeHash(repo *git.Repository, commit, root string, changed []string) string {
	head := ""
	if commit != "" {
		if c, err := repo.CommitObject(plumbing.NewHash(commit)); err == nil {
			head = c.TreeHash.String()
		}
	}
	if len(changed) == 0 {
		return head
	}
	paths := slices.Clone(changed)
	slices.Sort(paths)
	h := sha256.New()
	fmt.Fprintf(h, "tree %s\n", head)
	for _, p := range slices.Compact(paths) {
		fmt.Fprintf(h, "%s\x00%s\n", p, contentHash(filepath.Join(root, filepath.FromSlash(p))))
	}
	return hex.EncodeToString(h.Sum(nil))
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
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unreadable"
	}
	return fmt.Sprintf("%x %v", h.Sum(nil), fi.Mode().Perm()&0o100)
}
