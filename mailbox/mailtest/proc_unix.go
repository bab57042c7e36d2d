//go:build unix

package mailtest

import "syscall"

// sysProcAttr puts Dovecot in its own process group, so stopping it can
// reach every process it started.
func sysProcAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(a)
	return a
}

func killGroup(pgid int) { syscall.Kill(-pgid, syscall.SIGKILL) }
