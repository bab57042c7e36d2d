package mailtest_test

import (
	"bytes"
	"crypto/tls"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/shopdesk/shopdesk/mailbox/mailtest"
)

func TestDovecotStarts(t *testing.T) {
	start := time.Now()
	d := mailtest.StartDovecot(t, mailtest.DovecotOptions{IMAPS: true})
	t.Logf("Dovecot answered after %v (StartDovecot took %v)", d.StartupTime(), time.Since(start))

	c := d.Client(t)
	if !c.Caps().Has(imap.CapUIDPlus) || !c.Caps().Has(imap.CapID) {
		t.Errorf("capabilities %v lack UIDPLUS or ID", c.Caps())
	}
	list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]imap.MailboxAttr{}
	for _, l := range list {
		got[l.Mailbox] = l.Attrs
	}
	if _, ok := got["INBOX"]; !ok {
		t.Errorf("no INBOX in %v", got)
	}
	if !hasAttr(got["Sent"], imap.MailboxAttrSent) {
		t.Errorf("Sent attributes = %v, want \\Sent", got["Sent"])
	}

	tc, err := imapclient.DialTLS(d.TLSAddr(), &imapclient.Options{TLSConfig: mailtest.ClientTLS(d.CertPool())})
	if err != nil {
		t.Fatalf("IMAPS: %v", err)
	}
	defer tc.Close()
	if err := tc.Login(d.User(), d.Password()).Wait(); err != nil {
		t.Fatalf("IMAPS login: %v", err)
	}
	// An unknown certificate must fail: the pool is what makes it pass.
	if bad, err := tls.Dial("tcp", d.TLSAddr(), &tls.Config{ServerName: "127.0.0.1"}); err == nil {
		bad.Close()
		t.Error("IMAPS certificate verified without the test pool")
	}
}

func hasAttr(attrs []imap.MailboxAttr, want imap.MailboxAttr) bool {
	for _, a := range attrs {
		if bytes.EqualFold([]byte(a), []byte(want)) {
			return true
		}
	}
	return false
}

func TestDovecotMailboxesAndRestart(t *testing.T) {
	d := mailtest.StartDovecot(t, mailtest.DovecotOptions{Mailboxes: map[string]imap.MailboxAttr{
		"已发送":       imap.MailboxAttrSent,
		"Archive":   imap.MailboxAttrArchive,
		"Follow up": "",
	}})
	c := d.Client(t)
	list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]imap.MailboxAttr{}
	for _, l := range list {
		got[l.Mailbox] = l.Attrs
	}
	if _, ok := got["Sent"]; ok || len(got) != 4 {
		t.Errorf("mailboxes %v, want INBOX, 已发送, Archive and Follow up only", got)
	}
	if !hasAttr(got["已发送"], imap.MailboxAttrSent) || !hasAttr(got["Archive"], imap.MailboxAttrArchive) {
		t.Errorf("special use: %v", got)
	}

	uid := d.Append(t, "已发送", testMail()[1], imap.FlagSeen)
	old := d.UIDValidity(t, "已发送")
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	d.Restart(t)
	// A connection from before the restart is gone.
	if err := c.Noop().Wait(); err == nil {
		t.Error("NOOP on a connection from before the restart succeeded")
	}
	msgs := d.Messages(t, "已发送")
	if len(msgs) != 1 || msgs[0].UID != uid || !bytes.Equal(msgs[0].Raw, testMail()[1]) || !msgs[0].HasFlag(imap.FlagSeen) {
		t.Errorf("after restart: %+v", msgs)
	}
	if now := d.UIDValidity(t, "已发送"); now != old {
		t.Errorf("a restart changed UIDVALIDITY %d -> %d", old, now)
	}
	if now := d.ResetUIDValidity(t, "已发送"); now == old {
		t.Errorf("reset kept UIDVALIDITY %d", old)
	}
}
