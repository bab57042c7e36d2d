//go:build !unix

package mailtest

import "syscall"

// Dovecot needs a Unix system; these keep the package building elsewhere
// so the other servers remain usable.
func sysProcAttr() *syscall.SysProcAttr { return nil }

func killGroup(int) {}
