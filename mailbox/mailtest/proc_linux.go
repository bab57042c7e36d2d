package mailtest

import "syscall"

// setDeathSignal stops Dovecot if the test binary dies without cleaning
// up (a timeout panic, SIGKILL). SIGTERM, not SIGKILL: the master then
// takes its children down with it.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGTERM }
