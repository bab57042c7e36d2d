//go:build unix

package mailtest

import (
	"syscall"
	"time"
)

// sysProcAttr puts Dovecot in its own process group, so stopping it can
// reach every process it started.
func sysProcAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(a)
	return a
}

// killGroup kills every process in the group and waits (up to a bound)
// until none runs: a dying Dovecot still answers on its sockets, and a new
// one refuses to start beside it.
func killGroup(pgid int) {
	syscall.Kill(-pgid, syscall.SIGKILL)
	deadline := time.Now().Add(2 * time.Second)
	for groupAlive(pgid) && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
}
