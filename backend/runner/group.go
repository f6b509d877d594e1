package runner

import (
	"errors"
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
	pids, err := procPIDs()
	if err != nil {
		return true
	}
	for _, pid := range pids {
		if p, ok := readProc(pid); ok && p.pgrp == pgid && !p.zombie() {
			return true
		}
	}
	return false
}
