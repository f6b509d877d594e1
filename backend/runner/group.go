package runner

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"syscall"
	"time"
)

// killWait bounds how long Run waits for the group to vanish after SIGKILL.
// Only processes stuck in the kernel (uninterruptible sleep) take that long.
const killWait = 5 * time.Second

// group is the process group of one step. Its id is the main process's pid.
type group struct {
	pgid   int
	grace  time.Duration
	termAt time.Time // when SIGTERM was sent; zero before
}

// signal sends sig to every process in the group.
func (g *group) signal(sig syscall.Signal) error {
	return syscall.Kill(-g.pgid, sig)
}

// terminate sends SIGTERM to the group once, and SIGCONT so that stopped
// processes get to handle it.
func (g *group) terminate() {
	if !g.termAt.IsZero() {
		return
	}
	g.termAt = time.Now()
	g.signal(syscall.SIGTERM)
	g.signal(syscall.SIGCONT)
}

// deadline is when the grace period after SIGTERM ends.
func (g *group) deadline() time.Time {
	return g.termAt.Add(g.grace)
}

// kill sends SIGKILL to the group.
func (g *group) kill() {
	g.signal(syscall.SIGKILL)
}

// stop makes sure no process of the group is left running: SIGTERM, then
// SIGKILL once the grace period is over. It reports whether any live process
// was found. It gives up after killWait past SIGKILL.
func (g *group) stop() (found bool) {
	if !g.alive() {
		return false
	}
	g.terminate()
	if g.waitGone(time.Until(g.deadline())) {
		return true
	}
	g.kill()
	g.waitGone(killWait)
	return true
}

// waitGone polls until the group has no live process or d has passed, and
// reports whether the group is gone.
func (g *group) waitGone(d time.Duration) bool {
	end := time.Now().Add(d)
	pause := 2 * time.Millisecond
	for g.alive() {
		if time.Now().After(end) {
			return false
		}
		time.Sleep(pause)
		pause = min(2*pause, 50*time.Millisecond)
	}
	return true
}

// alive reports whether the group has a process that is not a zombie.
// kill(-pgid, 0) alone is not enough: it succeeds while zombies of the group
// exist, and orphaned zombies stay forever where PID 1 does not reap them
// (as in some containers).
func (g *group) alive() bool {
	err := syscall.Kill(-g.pgid, 0)
	if errors.Is(err, syscall.ESRCH) {
		return false
	}
	return hasLiveMember(g.pgid)
}

// hasLiveMember scans /proc for a process in group pgid that is not a
// zombie. If /proc cannot be read it assumes there is one.
func hasLiveMember(pgid int) bool {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		state, pgrp, ok := procStat(pid)
		if ok && pgrp == pgid && state != 'Z' && state != 'X' {
			return true
		}
	}
	return false
}

// procStat reads the state and process group of pid from /proc/PID/stat.
func procStat(pid int) (state byte, pgrp int, ok bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// The command name is in parentheses and may contain anything, so
	// parse from the last ')': " S ppid pgrp ...".
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, 0, false
	}
	fields := bytes.Fields(data[i+1:])
	if len(fields) < 3 || len(fields[0]) != 1 {
		return 0, 0, false
	}
	pgrp, err = strconv.Atoi(string(fields[2]))
	return fields[0][0], pgrp, err == nil
}
