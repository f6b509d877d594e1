package cli

import (
	"context"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"eightfold/backend/workbench"
)

// keys reads single key presses from a terminal while `eightfold watch` runs: q quits,
// r runs again (the same Go packages as the last run), a runs everything, p pauses or resumes
// auto-running. Ctrl+C keeps working (ISIG stays on), and
// output keeps its line endings (only ICANON and ECHO are turned off, unlike raw mode).
type keys struct {
	fd    int
	saved *unix.Termios // nil when stdin is not a terminal: no keys then
}

func startKeys(ctx context.Context, quit func(), p *workbench.Project, out *watchPrinter) *keys {
	k := &keys{fd: int(os.Stdin.Fd())}
	saved, err := unix.IoctlGetTermios(k.fd, unix.TCGETS)
	if err != nil {
		return k
	}
	raw := *saved
	raw.Lflag &^= unix.ICANON | unix.ECHO
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if unix.IoctlSetTermios(k.fd, unix.TCSETS, &raw) != nil {
		return k
	}
	k.saved = saved
	go k.read(ctx, quit, p, out)
	return k
}

func (k *keys) read(ctx context.Context, quit func(), p *workbench.Project, out *watchPrinter) {
	buf := make([]byte, 1)
	for ctx.Err() == nil {
		if n, err := os.Stdin.Read(buf); err != nil || n == 0 {
			return
		}
		if err := k.press(buf[0], quit, p); err != nil {
			out.note(err.Error())
		}
	}
}

func (k *keys) press(key byte, quit func(), p *workbench.Project) error {
	switch key {
	case 'q', 'Q':
		quit()
	case 'r', 'R':
		return p.RunAgain()
	case 'a', 'A':
		return p.RunAll()
	case 'p', 'P':
		return p.SetAutoRun(!p.WatchState().Auto)
	}
	return nil
}

// help says which keys work.
func (k *keys) help() string {
	if k.saved == nil {
		return "Ctrl+C quits."
	}
	return "Keys: r run again, a run everything, p pause/resume auto-run, q quit."
}

// restore gives the terminal its settings back.
func (k *keys) restore() {
	if k.saved != nil {
		unix.IoctlSetTermios(k.fd, unix.TCSETS, k.saved)
	}
}

// note prints a message from the key handler.
func (o *watchPrinter) note(msg string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	live := o.live
	o.clearLive()
	fmt.Fprintln(o.w, msg)
	if live != "" {
		o.showLive(live)
	}
}
