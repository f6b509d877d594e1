package runner

import (
	"bytes"
	"os"
	"strconv"
)

// procInfo is what Run needs from /proc/PID/stat.
type procInfo struct {
	state      byte   // field 3: R, S, D, Z, X, …
	pgrp       int    // field 5: process group id
	startTicks uint64 // field 22: start time in clock ticks since boot
}

// zombie reports whether the process has exited and waits to be reaped.
func (p procInfo) zombie() bool {
	return p.state == 'Z' || p.state == 'X'
}

// readProc reads /proc/PID/stat.
func readProc(pid int) (procInfo, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procInfo{}, false
	}
	return parseStat(data)
}

// parseStat parses the contents of /proc/PID/stat. The command name (field
// 2) is in parentheses and may contain anything, spaces and parentheses
// included, so the fields are counted from the last ')'.
func parseStat(data []byte) (procInfo, bool) {
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return procInfo{}, false
	}
	// fields[0] is field 3 of the file.
	fields := bytes.Fields(data[i+1:])
	if len(fields) < 20 || len(fields[0]) != 1 {
		return procInfo{}, false
	}
	pgrp, err := strconv.Atoi(string(fields[2]))
	if err != nil {
		return procInfo{}, false
	}
	start, err := strconv.ParseUint(string(fields[19]), 10, 64)
	if err != nil {
		return procInfo{}, false
	}
	return procInfo{state: fields[0][0], pgrp: pgrp, startTicks: start}, true
}

// procPIDs lists the ids of all processes in /proc.
func procPIDs() ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	pids := make([]int, 0, len(entries))
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}
