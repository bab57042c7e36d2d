//go:build unix && !linux

package mailtest

import "syscall"

func setDeathSignal(*syscall.SysProcAttr) {}

// groupAlive reports whether the group has a process left (zombies
// included, so killGroup may wait out its bound).
func groupAlive(pgid int) bool { return syscall.Kill(-pgid, 0) == nil }
