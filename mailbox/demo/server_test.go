package demo_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/demo"
	"github.com/shopdesk/shopdesk/storage"
)

func startDemo(t *testing.T) (*demo.Server, assets.Demo, []demo.Mail, *logtest.Hook) {
	t.Helper()
	d, err := assets.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 6, 10, 15, 4, 5, 0, time.UTC)
	log, hook := logtest.NewNullLogger()
	srv, err := demo.StartServer(d, now, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	mails, err := demo.Render(d, now)
	if err != nil {
		t.Fatal(err)
	}
	return srv, d, mails, hook
}

// wantFolder says where a demo message must be and with which flags.
func wantFolder(t *testing.T, d assets.Demo, m demo.Mail) (string, []imap.Flag) {
	t.Helper()
	c, ok := d.Conversation(m.Conversation)
	if !ok {
		t.Fatalf("no conversation %s", m.Conversation)
	}
	switch {
	case c.Messages[m.Index].Direction == "out":
		return demo.SentFolder, []imap.Flag{imap.FlagSeen}
	case c.Status == "open":
		return demo.InboxFolder, nil
	}
	return demo.InboxFolder, []imap.Flag{imap.FlagAnswered, imap.FlagSeen}
}

func TestServerHoldsTheDemoMail(t *testing.T) {
	srv, d, mails, _ := startDemo(t)
	acct := srv.Account()
	if acct.Security != storage.SecurityNone || !mailbox.IsLoopback(acct.IMAP) || !mailbox.IsLoopback(acct.SMTP) ||
		acct.Username != d.Shop.Email || acct.Email != d.Shop.Email || acct.Name != demo.Account {
		t.Errorf("account %+v", acct)
	}
	c, err := mailbox.DialIMAP(acct, srv.Password(), mailbox.ConnectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	want := map[string][]demo.Mail{}
	for _, m := range mails {
		folder, _ := wantFolder(t, d, m)
		want[folder] = append(want[folder], m)
	}
	if len(want[demo.InboxFolder]) == 0 || len(want[demo.SentFolder]) == 0 {
		t.Fatalf("demo has %d inbound and %d outbound messages", len(want[demo.InboxFolder]), len(want[demo.SentFolder]))
	}
	for _, folder := range []string{demo.InboxFolder, demo.SentFolder} {
		st, err := c.Status(folder, &imap.StatusOptions{NumMessages: true}).Wait()
		if err != nil {
			t.Fatal(err)
		}
		if int(*st.NumMessages) != len(want[folder]) {
			t.Errorf("%s holds %d messages, the demo has %d", folder, *st.NumMessages, len(want[folder]))
		}
		got := fetchAll(t, c, folder)
		if len(got) != len(want[folder]) {
			t.Fatalf("fetched %d messages from %s, want %d", len(got), folder, len(want[folder]))
		}
		for i, m := range want[folder] {
			g := got[i]
			if !bytes.Equal(g.BodySection[0].Bytes, m.Raw) {
				t.Errorf("%s UID %d: bytes differ from demo.Render's %s", folder, g.UID, m.MessageID)
			}
			if !g.InternalDate.Equal(m.Date) {
				t.Errorf("%s UID %d: INTERNALDATE %v, want the message date %v", folder, g.UID, g.InternalDate, m.Date)
			}
			if _, flags := wantFolder(t, d, m); !sameFlags(g.Flags, flags) {
				t.Errorf("%s UID %d (%s): flags %v, want %v", folder, g.UID, m.MessageID, g.Flags, flags)
			}
		}
	}
}

func fetchAll(t *testing.T, c *imapclient.Client, folder string) []*imapclient.FetchMessageBuffer {
	t.Helper()
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	opts := &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
	msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1}}, opts).Collect()
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func sameFlags(got, want []imap.Flag) bool {
	if len(got) != len(want) {
		return false
	}
	set := map[imap.Flag]bool{}
	for _, f := range got {
		set[f] = true
	}
	for _, f := range want {
		if !set[f] {
			return false
		}
	}
	return true
}

func TestServerKeepsSentMail(t *testing.T) {
	srv, d, _, hook := startDemo(t)
	acct := srv.Account()
	c, err := mailbox.DialSMTP(acct, srv.Password(), mailbox.ConnectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw := []byte("From: " + d.Shop.Email + "\r\nTo: buyer@example.test\r\nSubject: =?utf-8?B?5oKo55qE5YyF6KO5?=\r\nMessage-ID: <reply-1@shopdesk.test>\r\n\r\nOn its way.\r\n")
	if err := c.SendMail(d.Shop.Email, []string{"buyer@example.test"}, bytes.NewReader(raw)); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := srv.Received()
	if len(got) != 1 || !bytes.Equal(got[0].Raw, raw) || got[0].From != d.Shop.Email || len(got[0].To) != 1 || got[0].To[0] != "buyer@example.test" {
		t.Fatalf("received %+v", got)
	}
	var logged *logrus.Entry
	for _, e := range hook.AllEntries() {
		if e.Data["message_id"] == "<reply-1@shopdesk.test>" {
			logged = e
		}
	}
	if logged == nil || logged.Data["subject"] != "您的包裹" || logged.Data["from"] != d.Shop.Email {
		t.Errorf("no log entry with the message's fields: %v", logged)
	}
}

func TestServerRefusesStrangers(t *testing.T) {
	srv, _, _, _ := startDemo(t)
	acct := srv.Account()
	if _, err := mailbox.DialIMAP(acct, "wrong", mailbox.ConnectOptions{}); err == nil {
		t.Error("IMAP login with a wrong password succeeded")
	}
	if _, err := mailbox.DialSMTP(acct, "wrong", mailbox.ConnectOptions{}); err == nil {
		t.Error("SMTP login with a wrong password succeeded")
	}
	// Without logging in, SMTP takes nothing.
	c, err := mailbox.DialSMTP(acct, "", mailbox.ConnectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail(acct.Email, []string{"x@example.test"}, bytes.NewReader([]byte("Subject: x\r\n\r\nx\r\n"))); err == nil {
		t.Error("SMTP took mail without a login")
	}
	if n := len(srv.Received()); n != 0 {
		t.Errorf("%d messages kept from strangers", n)
	}

	// Another start gets another password; a closed server answers no more.
	quiet, _ := logtest.NewNullLogger()
	other, err := demo.StartServer(mustDemo(t), time.Now(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	if other.Password() == srv.Password() {
		t.Error("two demo servers share a password")
	}
	addr := other.Account().IMAP
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if c, err := imapclient.DialInsecure(addr, nil); err == nil {
		c.Close()
		t.Error("closed demo server still takes IMAP connections")
	}
}

func mustDemo(t *testing.T) assets.Demo {
	t.Helper()
	d, err := assets.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	return d
}
