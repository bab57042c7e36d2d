package mailtest_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/shopdesk/shopdesk/mailbox/mailtest"
)

// imapServer is what Dovecot and MemServer have in common.
type imapServer interface {
	Addr() string
	User() string
	Password() string
	AppendAt(t testing.TB, mailbox string, raw []byte, date time.Time, flags ...imap.Flag) uint32
	Expunge(t testing.TB, mailbox string, uid uint32)
	CreateMailbox(t testing.TB, name string)
	Messages(t testing.TB, mailbox string) []mailtest.Message
	UIDValidity(t testing.TB, mailbox string) uint32
	ResetUIDValidity(t testing.TB, mailbox string) uint32
}

var servers = []struct {
	name  string
	start func(t *testing.T) imapServer
}{
	{"dovecot", func(t *testing.T) imapServer { return mailtest.StartDovecot(t, mailtest.DovecotOptions{}) }},
	{"memserver", func(t *testing.T) imapServer { return mailtest.StartMemServer(t, mailtest.MemServerOptions{}) }},
}

// testMail is a set of messages that servers must keep byte for byte:
// 8-bit GBK, a multipart with a NUL-free binary-ish part, and one big
// enough to cross buffer sizes.
func testMail() [][]byte {
	big := strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ!\r\n", 3000)
	return [][]byte{
		[]byte("From: Alice <alice@example.test>\r\nTo: shop@example.test\r\nSubject: hello\r\nMessage-ID: <a@example.test>\r\n\r\nWhere is my parcel?\r\n"),
		append([]byte("From: =?gbk?B?1cXI/Q==?= <zhang@example.test>\r\nSubject: =?gbk?B?tqm1pc7KzOI=?=\r\nMessage-ID: <b@example.test>\r\nContent-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"),
			[]byte("\xc4\xe3\xba\xc3\xa3\xac\xce\xd2\xb5\xc4\xb6\xa9\xb5\xa5\r\n")...),
		[]byte("From: bob@example.test\r\nSubject: big\r\nMessage-ID: <c@example.test>\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\n" + big + "--x--\r\n"),
	}
}

func TestServersRoundTrip(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			date := time.Date(2024, 3, 5, 10, 30, 0, 0, time.FixedZone("CST", 8*3600))
			flagSets := [][]imap.Flag{nil, {imap.FlagSeen}, {imap.FlagSeen, imap.FlagAnswered}}
			var uids []uint32
			for i, raw := range testMail() {
				uids = append(uids, srv.AppendAt(t, "INBOX", raw, date.Add(time.Duration(i)*time.Hour), flagSets[i]...))
			}
			got := srv.Messages(t, "INBOX")
			if len(got) != len(uids) {
				t.Fatalf("INBOX holds %d messages, want %d", len(got), len(uids))
			}
			for i, raw := range testMail() {
				m := got[i]
				if m.UID != uids[i] {
					t.Errorf("message %d: UID %d, APPEND said %d", i, m.UID, uids[i])
				}
				if !bytes.Equal(m.Raw, raw) {
					t.Errorf("message %d: fetched %d bytes differ from the %d appended", i, len(m.Raw), len(raw))
				}
				if want := date.Add(time.Duration(i) * time.Hour); !m.InternalDate.Equal(want) {
					t.Errorf("message %d: INTERNALDATE %v, want %v", i, m.InternalDate, want)
				}
				for _, f := range flagSets[i] {
					if !m.HasFlag(f) {
						t.Errorf("message %d: flags %v lack %s", i, m.Flags, f)
					}
				}
				if m.HasFlag(imap.FlagSeen) != (len(flagSets[i]) > 0) {
					t.Errorf("message %d: flags %v, want \\Seen only when appended with it", i, m.Flags)
				}
			}

			srv.CreateMailbox(t, "Orders/2024")
			uid := srv.AppendAt(t, "Orders/2024", testMail()[0], time.Time{})
			if got := srv.Messages(t, "Orders/2024"); len(got) != 1 || got[0].UID != uid {
				t.Errorf("new mailbox holds %v, want UID %d", got, uid)
			}
		})
	}
}

func TestServersExpunge(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			var uids []uint32
			for _, raw := range testMail() {
				uids = append(uids, srv.AppendAt(t, "INBOX", raw, time.Time{}))
			}
			srv.Expunge(t, "INBOX", uids[1])
			got := srv.Messages(t, "INBOX")
			if len(got) != 2 || got[0].UID != uids[0] || got[1].UID != uids[2] {
				t.Fatalf("after expunging UID %d: %v, want UIDs %d and %d", uids[1], uidsOf(got), uids[0], uids[2])
			}
			if !bytes.Equal(got[1].Raw, testMail()[2]) {
				t.Error("the message after the expunged one changed")
			}
		})
	}
}

func TestServersResetUIDValidity(t *testing.T) {
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			srv := s.start(t)
			date := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
			var uids []uint32
			for i, raw := range testMail() {
				uids = append(uids, srv.AppendAt(t, "INBOX", raw, date.Add(time.Duration(i)*time.Minute), imap.FlagSeen))
			}
			srv.AppendAt(t, "Sent", testMail()[0], date)
			// An expunge first, so the renumbering shows.
			srv.Expunge(t, "INBOX", uids[0])
			before := srv.Messages(t, "INBOX")
			oldInbox, oldSent := srv.UIDValidity(t, "INBOX"), srv.UIDValidity(t, "Sent")

			newInbox := srv.ResetUIDValidity(t, "INBOX")

			if newInbox == oldInbox || srv.UIDValidity(t, "INBOX") != newInbox {
				t.Errorf("UIDVALIDITY %d -> %d (server now says %d): want a new one", oldInbox, newInbox, srv.UIDValidity(t, "INBOX"))
			}
			if got := srv.UIDValidity(t, "Sent"); got != oldSent {
				t.Errorf("Sent's UIDVALIDITY changed too: %d -> %d", oldSent, got)
			}
			after := srv.Messages(t, "INBOX")
			if len(after) != len(before) {
				t.Fatalf("%d messages after the reset, %d before", len(after), len(before))
			}
			for i := range after {
				if after[i].UID != uint32(i+1) {
					t.Errorf("message %d: UID %d, want %d (numbered afresh)", i, after[i].UID, i+1)
				}
				if !bytes.Equal(after[i].Raw, before[i].Raw) {
					t.Errorf("message %d: bytes changed", i)
				}
				if !after[i].InternalDate.Equal(before[i].InternalDate) {
					t.Errorf("message %d: INTERNALDATE %v, was %v", i, after[i].InternalDate, before[i].InternalDate)
				}
				if !after[i].HasFlag(imap.FlagSeen) {
					t.Errorf("message %d: lost \\Seen: %v", i, after[i].Flags)
				}
			}
			if got := srv.Messages(t, "Sent"); len(got) != 1 {
				t.Errorf("Sent holds %d messages, want 1", len(got))
			}
		})
	}
}

func uidsOf(ms []mailtest.Message) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "%d ", m.UID)
	}
	return b.String()
}

func TestMemServerSentName(t *testing.T) {
	m := mailtest.StartMemServer(t, mailtest.MemServerOptions{SentName: "已发送", RequireIDBeforeSelect: true})
	// Helpers reach the server itself, not the ID-demanding proxy.
	uid := m.AppendAt(t, m.SentName(), testMail()[0], time.Time{}, imap.FlagSeen)
	c := m.Client(t)
	list, err := c.List("", "*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Mailbox)
	}
	if strings.Join(names, ",") != "INBOX,已发送" {
		t.Errorf("mailboxes %v, want INBOX and 已发送", names)
	}
	if got := m.Messages(t, "已发送"); len(got) != 1 || got[0].UID != uid || !got[0].HasFlag(imap.FlagSeen) {
		t.Errorf("已发送 holds %+v", got)
	}
	if m.Proxy() == nil || m.Addr() != m.Proxy().Addr() {
		t.Errorf("Addr %s is not the proxy's", m.Addr())
	}
}
