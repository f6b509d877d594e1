package runner

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// Group identifies a step's process group robustly against PID reuse.
// Spec.OnStart hands it out so that the caller can record it and, should
// Eightfold die without cleaning up (SIGKILL, crash), kill what survived
// with KillStale on the next start.
type Group struct {
	PGID       int    // process group id (= PID of the step's shell)
	StartTicks uint64 // start time of the group leader in clock ticks since boot (/proc/PID/stat field 22)
}

// maxKillRounds bounds how often KillStale rescans /proc for members that
// were forked while it was killing their parents.
const maxKillRounds = 100

// KillStale kills (SIGKILL) every live process that is still in group
// g.PGID and started at or after g.StartTicks, and returns how many
// processes it signalled. It does not wait for them to die.
//
// A group that no longer exists is left alone, and so is one whose id has
// been reused: while any member of a group lives, Linux does not hand out its
// id again, so a process with PID g.PGID that did not start at g.StartTicks
// means the old group is gone. Processes that started before g.StartTicks
// cannot be members of the recorded group and are spared as well. A Group
// with an unknown start time (0) or an id below 2 is refused, as is the
// caller's own process group.
func KillStale(g Group) (int, error) {
	if err := checkStale(g); err != nil {
		return 0, err
	}
	if leader, ok := readProc(g.PGID); ok && leader.startTicks != g.StartTicks {
		return 0, nil // the id now belongs to a different process
	}
	return killMembers(g)
}

// killMembers sends SIGKILL to the stale members of g, scanning again until
// a scan finds no member it has not tried yet: a member may fork between a
// scan and its own death.
func killMembers(g Group) (int, error) {
	tried := map[int]bool{}
	killed := 0
	var errs []error
	for range maxKillRounds {
		members, err := staleMembers(g)
		if err != nil {
			return killed, err
		}
		fresh := 0
		for _, pid := range members {
			if tried[pid] {
				continue
			}
			tried[pid] = true
			fresh++
			if err := syscall.Kill(pid, syscall.SIGKILL); err == nil {
				killed++
			} else if !errors.Is(err, syscall.ESRCH) {
				errs = append(errs, fmt.Errorf("kill process %d of stale group %d: %w", pid, g.PGID, err))
			}
		}
		if fresh == 0 {
			break
		}
	}
	return killed, errors.Join(errs...)
}

// checkStale refuses groups that KillStale must never touch.
func checkStale(g Group) error {
	switch {
	case g.PGID < 2:
		return fmt.Errorf("process group %d is not a step's group; refusing to kill it", g.PGID)
	case g.StartTicks == 0:
		return fmt.Errorf("process group %d has no recorded start time; refusing to kill it, as its id may have been reused", g.PGID)
	case g.PGID == syscall.Getpgrp():
		return fmt.Errorf("process group %d is eightfold's own; refusing to kill it", g.PGID)
	}
	return nil
}

// staleMembers lists the live processes of group g.PGID that started at or
// after g.StartTicks, leaving out the calling process.
func staleMembers(g Group) ([]int, error) {
	pids, err := procPIDs()
	if err != nil {
		return nil, fmt.Errorf("list processes to find stale group %d: %w", g.PGID, err)
	}
	self := os.Getpid()
	var members []int
	for _, pid := range pids {
		p, ok := readProc(pid)
		if ok && pid != self && p.pgrp == g.PGID && !p.zombie() && p.startTicks >= g.StartTicks {
			members = append(members, pid)
		}
	}
	return members, nil
}

// groupOf returns the Group of the process pid that was just started; its
// StartTicks is 0 if /proc cannot tell.
func groupOf(pid int) Group {
	p, _ := readProc(pid)
	return Group{PGID: pid, StartTicks: p.startTicks}
}
