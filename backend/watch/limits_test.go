package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestLimitErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		errno   syscall.Errno
		setting string
		floor   int // the least value to suggest
	}{
		{syscall.ENOSPC, "max_user_watches", 524288},
		{syscall.EMFILE, "max_user_instances", 1024},
	}
	for _, tt := range tests {
		t.Run(tt.setting, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			mkTree(t, root, "a/b/")
			w, err := start(Options{Root: root}, func(add func(string) error) func(string) error {
				return func(dir string) error {
					if filepath.Base(dir) == "b" {
						return tt.errno
					}
					return add(dir)
				}
			})
			if err == nil {
				w.Close()
				t.Fatal("New succeeded")
			}
			var lerr *LimitError
			if !errors.As(err, &lerr) || !errors.Is(err, tt.errno) {
				t.Fatalf("error %v is not a *LimitError wrapping %v", err, tt.errno)
			}
			current := "unknown"
			if data, err := os.ReadFile("/proc/sys/fs/inotify/" + tt.setting); err == nil {
				current = strings.TrimSpace(string(data))
			}
			msg := err.Error()
			for _, want := range []string{
				filepath.Join(root, "a/b"),
				fmt.Sprintf("fs.inotify.%s = %s", tt.setting, current),
				fmt.Sprintf("`sudo sysctl fs.inotify.%s=%d`", tt.setting, lerr.Raise),
				fmt.Sprintf("echo fs.inotify.%s=%d | sudo tee -a /etc/sysctl.d/90-inotify.conf", tt.setting, lerr.Raise),
				"`watch: {poll: 1s}`",
			} {
				if !strings.Contains(msg, want) {
					t.Errorf("message lacks %q:\n%s", want, msg)
				}
			}
			if lerr.Raise < tt.floor {
				t.Errorf("Raise = %d, want at least %d", lerr.Raise, tt.floor)
			}
		})
	}
}

func TestLimitHitLaterTravelsWithABatch(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	w, err := start(Options{Root: root}, func(add func(string) error) func(string) error {
		return func(dir string) error {
			if filepath.Base(dir) == "late" {
				return syscall.ENOSPC
			}
			return add(dir)
		}
	})
	must(t, err)
	t.Cleanup(func() { w.Close() })
	writeFile(t, filepath.Join(root, "late/x.go"), "package late")
	b := next(t, w)
	var lerr *LimitError
	if !errors.As(b.Err, &lerr) || lerr.Setting != "fs.inotify.max_user_watches" || lerr.Watched != 1 {
		t.Fatalf("batch error = %v, want the watch limit with 1 directory watched", b.Err)
	}
	if got := w.Dirs(); got != 1 {
		t.Fatalf("Dirs() = %d, want 1", got)
	}
}

func TestOtherErrorsAreNotLimits(t *testing.T) {
	t.Parallel()
	if e := limitError(syscall.EACCES, "/x", 0); e != nil {
		t.Fatalf("limitError(EACCES) = %v, want nil", e)
	}
	if e := limitError(fmt.Errorf("couldn't initialize inotify: %w", syscall.EMFILE), "/x", 0); e == nil {
		t.Fatal("a wrapped EMFILE is not recognised")
	}
}
