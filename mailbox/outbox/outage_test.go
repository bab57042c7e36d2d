package outbox

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// closedAddr is a loopback address nobody listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func (f *fixture) setServers(t *testing.T, smtpAddr, imapAddr string) {
	t.Helper()
	f.acct.SMTP, f.acct.IMAP = smtpAddr, imapAddr
	if err := f.st.Update(func(tx *storage.Tx) error { return tx.SaveAccount(&f.acct) }); err != nil {
		t.Fatal(err)
	}
}

// With the SMTP server down, the first item waits with backoff and the
// flush leaves the others untouched rather than failing each in turn.
func TestSMTPServerDown(t *testing.T) {
	f := newFixture(t)
	smtpAddr := f.acct.SMTP
	f.setServers(t, closedAddr(t), f.acct.IMAP)
	first, second := f.queue(t), f.queue(t)
	f.flush(t)

	a, b := f.item(t, first.ID), f.item(t, second.ID)
	if a.State != storage.OutQueued || a.Attempts != 1 || !strings.Contains(a.LastError, "connect") ||
		a.NextAttempt.Sub(f.clock.now()) != time.Minute {
		t.Errorf("first item %s, %d attempts, %q, next in %v; want queued, 1, a connect error, 1m",
			a.State, a.Attempts, a.LastError, a.NextAttempt.Sub(f.clock.now()))
	}
	if b.State != storage.OutQueued || b.Attempts != 0 {
		t.Errorf("second item %s after %d attempts, want untouched", b.State, b.Attempts)
	}

	f.setServers(t, smtpAddr, f.acct.IMAP)
	f.clock.advance(time.Minute)
	f.flush(t)
	for _, it := range []storage.OutboxItem{first, second} {
		f.checkDone(t, f.item(t, it.ID), "Sent")
		if _, d := f.smtp.counts(it.MessageID); d != 1 {
			t.Errorf("%s delivered %d times", it.MessageID, d)
		}
	}
}

// With the IMAP server down the reply still goes out; filing waits
// (accepted, with the reason) and completes on a later flush.
func TestIMAPServerDown(t *testing.T) {
	f := newFixture(t)
	imapAddr := f.acct.IMAP
	f.setServers(t, f.acct.SMTP, closedAddr(t))
	it := f.queue(t)
	f.flush(t)
	got := f.item(t, it.ID)
	if got.State != storage.OutAccepted || !strings.Contains(got.LastError, "file in Sent") {
		t.Fatalf("item %s (%q), want accepted, waiting to be filed", got.State, got.LastError)
	}
	// The customer has the reply: the conversation already waits on them.
	f.st.View(func(tx *storage.Tx) error {
		c, _ := tx.Conversation(f.question.ConversationID)
		if c.Status != storage.StatusWaiting {
			t.Errorf("conversation %s, want waiting", c.Status)
		}
		return nil
	})

	f.setServers(t, f.acct.SMTP, imapAddr)
	f.flush(t)
	f.checkDone(t, f.item(t, it.ID), "Sent")
	if tr, d := f.smtp.counts(it.MessageID); tr != 1 || d != 1 {
		t.Errorf("server saw %d transactions, kept %d; want 1 and 1", tr, d)
	}
}

// A flush without a password touches nothing.
func TestNoPassword(t *testing.T) {
	f := newFixture(t)
	f.sender.Secrets = PasswordFunc(func(a string) (string, error) { return "", errors.New("no password stored") })
	it := f.queue(t)
	if _, err := f.sender.Flush(t.Context(), "shop"); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("flush error %v, want one about the password", err)
	}
	if got := f.item(t, it.ID); got.State != storage.OutQueued || got.Attempts != 0 {
		t.Errorf("item %s after %d attempts, want untouched", got.State, got.Attempts)
	}
}

// A connection lost while a large message is still being written leaves
// the final dot unsent: the reply is safe to send again, and is.
func TestConnectionLostWhileHandingOver(t *testing.T) {
	t.Parallel() // the slowest test here: 8 MB through the dot-stuffer
	f := newFixture(t)
	f.smtp.setScript(dropMidData)
	photo := make([]byte, 6<<20) // a 6 MB photo of the damaged parcel: more than the socket buffers hold
	for i := range photo {
		photo[i] = byte(i * 7)
	}
	it, err := Queue(f.st, QueueRequest{Account: "shop", ReplyTo: f.question.ID, To: []storage.Address{{Email: customerEmail}},
		Text: "See the photo.", Attachments: []mailbox.DraftAttachment{{Name: "包裹.jpg", Type: "image/jpeg", Data: photo}}})
	if err != nil {
		t.Fatal(err)
	}
	f.flush(t)
	got := f.item(t, it.ID)
	if got.State != storage.OutQueued || got.NextAttempt.Sub(f.clock.now()) != time.Minute {
		t.Fatalf("item %s (%q), want queued for a retry in 1m", got.State, got.LastError)
	}
	f.clock.advance(time.Minute)
	f.flush(t)
	f.checkDone(t, f.item(t, it.ID), "Sent")
	if tr, d := f.smtp.counts(it.MessageID); tr != 2 || d != 1 {
		t.Errorf("server saw %d transactions, kept %d; want 2 and 1", tr, d)
	}
}
