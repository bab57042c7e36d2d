//go:build linux

package mailtest

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestDovecotStopLeavesNoProcess checks that stopping reaches Dovecot's
// children too (login, auth, imap), not only the master.
func TestDovecotStopLeavesNoProcess(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{})
	d.Client(t) // an imap process, beyond the login ones
	pgid := d.proc.Process.Pid
	if n := groupMembers(t, pgid); n < 3 {
		t.Fatalf("Dovecot's process group has %d members; expected master, log, auth, login ...", n)
	}
	d.stop()
	if n := groupMembers(t, pgid); n != 0 {
		t.Errorf("%d of Dovecot's processes outlived stop", n)
	}
	if err := waitPortsFree(d.addr); err != nil {
		t.Error(err)
	}
}

// groupMembers counts live processes in the process group (from /proc).
func groupMembers(t *testing.T, pgid int) int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the ")" ending the command name: state ppid pgrp ...
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) > 2 && f[2] == strconv.Itoa(pgid) && f[0] != "Z" {
			n++
		}
	}
	return n
}
