package imapsync

import (
	"regexp"
	"testing"

	"github.com/shopdesk/shopdesk/mailbox/mailtest"
)

// uidValidityCode is the response code a server without UIDVALIDITY
// leaves out; RFC 3501 allows it to.
var uidValidityCode = regexp.MustCompile(`(?i)^\* OK \[UIDVALIDITY \d+\][^\r\n]*`)

// A server that reports no UIDVALIDITY gives UIDs that cannot be trusted
// from one session to the next: every sync re-matches by Message-ID and
// size, and never stores a message twice.
func TestServerWithoutUIDValidity(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			mails := loadDemoFast(t, s)
			p := mailtest.NewProxy(t, s.Addr())
			p.SetFilter(func() mailtest.LineFilter {
				return mailtest.Lines{Server: func(line []byte) []byte {
					if uidValidityCode.Match(line) {
						return nil // drop the line
					}
					return line
				}}
			})
			a := account(s)
			a.IMAP = p.Addr()
			st := openStore(t)
			if stats := syncOnce(t, st, a, s.Password()); stats.New != len(mails) {
				t.Errorf("first sync stored %d, want %d", stats.New, len(mails))
			}
			for i := range 2 {
				stats := syncOnce(t, st, a, s.Password())
				if stats.New != 0 {
					t.Errorf("sync %d stored %d messages again", i+2, stats.New)
				}
			}
			mustMirror(t, st, s, "INBOX", "Sent")
		})
	}
}
