package sshdtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// signalTree sends sig to the descendants of pid (not pid itself). With onlySSHD it signals
// only the sshd processes among them (the per-connection monitor and session processes) and
// leaves the commands they run alone.
func signalTree(pid int, onlySSHD bool, sig syscall.Signal) {
	children := map[int][]int{}
	comm := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces and parentheses, so split at the last ')'.
		s := string(stat)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		fields := strings.Fields(s[end+1:])
		if len(fields) < 2 {
			continue
		}
		ppid, err := strconv.Atoi(fields[1])
		if err != nil {
			continue
		}
		children[ppid] = append(children[ppid], p)
		comm[p] = s[open+1 : end]
	}
	var walk func(int)
	walk = func(p int) {
		for _, c := range children[p] {
			if onlySSHD && comm[c] != "sshd" {
				continue
			}
			_ = syscall.Kill(c, sig)
			walk(c)
		}
	}
	walk(pid)
}
