//go:build unix

package vcs

import (
	"os"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// statIDs copies the device, inode, user and group numbers of fi into e, truncated to 32
// bits as git keeps them: git compares them to tell whether an index entry is up to date.
func statIDs(e *index.Entry, fi os.FileInfo) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	e.Dev, e.Inode, e.UID, e.GID = uint32(st.Dev), uint32(st.Ino), st.Uid, st.Gid
}
