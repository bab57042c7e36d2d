//go:build unix && !linux

package mailtest

import "syscall"

func setDeathSignal(*syscall.SysProcAttr) {}
