package workbench

import (
	"context"
	"errors"
	"log"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Notifier shows a Notice outside the window. The desktop face has one (OSNotifier); the
// browser and terminal faces have none, so `serve` never notifies the machine it runs on.
type Notifier interface {
	Notify(Notice)
}

// OSNotifier shows notices as desktop notifications with notify-send (libnotify), run
// without a shell. Where notify-send is missing it says so once in the log and does
// nothing more; it never fails.
type OSNotifier struct {
	// Command is the program to run; "" means notify-send from PATH.
	Command string
	once    sync.Once
	path    string
}

// notifyTimeout bounds one notify-send.
const notifyTimeout = 5 * time.Second

// Notify shows n in the background.
func (o *OSNotifier) Notify(n Notice) {
	o.once.Do(o.find)
	if o.path == "" {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, o.path, notifyArgs(n)...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a group of its own, killed whole on timeout
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		if err := cmd.Run(); err != nil {
			log.Printf("notify-send: %v", err)
		}
	}()
}

// find looks the command up once.
func (o *OSNotifier) find() {
	name := o.Command
	if name == "" {
		name = "notify-send"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			log.Printf("no desktop notifications: %s is not installed (Debian and Ubuntu: apt-get install libnotify-bin)", name)
		} else {
			log.Printf("no desktop notifications: %v", err)
		}
		return
	}
	o.path = path
}

// notifyArgs is notify-send's argv for a notice: urgency critical for failures. "--" ends
// the options, so a title starting with "-" is a title.
func notifyArgs(n Notice) []string {
	urgency := "normal"
	if n.Level == NoticeFail {
		urgency = "critical"
	}
	return []string{"--app-name=Eightfold", "--urgency=" + urgency, "--", n.Title, n.Body}
}
