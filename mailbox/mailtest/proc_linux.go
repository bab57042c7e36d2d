package mailtest

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// setDeathSignal stops Dovecot if the test binary dies without cleaning
// up (a timeout panic, SIGKILL). SIGTERM, not SIGKILL: the master then
// takes its children down with it.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGTERM }

// groupAlive reports whether a process of the group still runs. Zombies
// do not count: they hold no sockets, and whoever inherits them (PID 1 in
// a container) may be slow to reap them.
func groupAlive(pgid int) bool { return groupMembers(pgid) > 0 }

// groupMembers counts the group's processes that are not zombies, from
// /proc/PID/stat.
func groupMembers(pgid int) int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	want := strconv.Itoa(pgid)
	n := 0
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// After the ")" that ends the command name: state ppid pgrp ...
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) > 2 && f[2] == want && f[0] != "Z" {
			n++
		}
	}
	return n
}
