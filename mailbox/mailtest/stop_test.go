//go:build linux

package mailtest

import (
	"testing"
	"time"
)

// TestDovecotStopLeavesNoProcess checks that stopping reaches Dovecot's
// children too (login, auth, imap), not only the master.
func TestDovecotStopLeavesNoProcess(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{})
	d.Client(t) // an imap process, beyond the login ones
	pgid := d.proc.Process.Pid
	if n := groupMembers(pgid); n < 3 {
		t.Fatalf("Dovecot's process group has %d members; expected master, log, auth, login ...", n)
	}
	d.stop()
	if n := groupMembers(pgid); n != 0 {
		t.Errorf("%d of Dovecot's processes outlived stop", n)
	}
	if err := waitPortsFree(time.Second, d.addr); err != nil {
		t.Error(err)
	}
}
