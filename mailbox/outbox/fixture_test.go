package outbox

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/storage"
)

// clock is a settable time source for backoff.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a desk with one account on test servers and one customer
// question waiting in INBOX.
type fixture struct {
	st       *storage.Store
	smtp     *smtpServer
	imap     *imapServer
	acct     storage.Account
	question storage.Message // the inbound message, stored and in INBOX
	inboxUID imap.UID
	clock    *clock
	sender   *Sender
}

const customerEmail = "li.na@example.cn"

func inboundRaw(date time.Time) []byte {
	return []byte("Date: " + date.Format(time.RFC1123Z) + "\r\n" +
		"From: =?UTF-8?B?5p2O5aic?= <" + customerEmail + ">\r\n" +
		"To: <" + testUser + ">\r\n" +
		"Subject: =?UTF-8?B?5b+r6YCS5Yiw5ZOq6YeM5LqG?=\r\n" + // 快递到哪里了
		"Message-ID: <q1.1700000000@example.cn>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"\r\n" +
		"Order 2024-0815: where is my parcel?\r\n")
}

func newFixture(t testing.TB, sentFolders ...string) *fixture {
	t.Helper()
	if sentFolders == nil {
		sentFolders = []string{"Sent"}
	}
	f := &fixture{smtp: startSMTP(t), imap: startIMAP(t, sentFolders...), clock: &clock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}}
	st, err := storage.OpenFile(filepath.Join(t.TempDir(), storage.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.st = st

	asked := f.clock.now().Add(-30 * time.Minute)
	raw := inboundRaw(asked)
	appended := f.imap.appendRaw(t, "INBOX", raw)
	f.inboxUID = appended.UID
	f.acct = storage.Account{Name: "shop", Email: testUser, DisplayName: "小店客服", IMAP: f.imap.addr, SMTP: f.smtp.addr,
		Username: testUser, Security: storage.SecurityNone}
	err = st.Update(func(tx *storage.Tx) error {
		if err := tx.SaveAccount(&f.acct); err != nil {
			return err
		}
		cust := storage.Customer{Name: "李娜", Emails: []string{customerEmail}, Segment: storage.SegmentNew}
		if err := tx.SaveCustomer(&cust); err != nil {
			return err
		}
		conv := storage.Conversation{CustomerID: cust.ID, Account: "shop", Subject: "快递到哪里了", Status: storage.StatusOpen,
			FirstInbound: asked, LastInbound: asked}
		if err := tx.SaveConversation(&conv); err != nil {
			return err
		}
		f.question = storage.Message{ConversationID: conv.ID, Direction: storage.Inbound, MessageID: "q1.1700000000@example.cn",
			From: storage.Address{Name: "李娜", Email: customerEmail}, Subject: "快递到哪里了", Date: asked,
			Locations: []storage.Location{{Account: "shop", Folder: "INBOX", UIDValidity: appended.UIDValidity, UID: uint32(appended.UID)}}}
		return tx.SaveMessage(&f.question, raw)
	})
	if err != nil {
		t.Fatal(err)
	}

	log := logrus.New()
	log.SetLevel(logrus.DebugLevel)
	log.SetOutput(testWriter{t})
	if _, bench := t.(*testing.B); bench {
		log.SetOutput(io.Discard)
	}
	f.sender = NewSender(st, PasswordFunc(func(string) (string, error) { return testPassword, nil }), log)
	f.sender.Now = f.clock.now
	return f
}

// testWriter puts the sender's log in the test's output; the sender logs
// only from the test goroutine.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// queue queues the standard answer to the question.
func (f *fixture) queue(t testing.TB) storage.OutboxItem {
	t.Helper()
	it, err := Queue(f.st, QueueRequest{Account: "shop", ReplyTo: f.question.ID,
		To:   []storage.Address{{Name: "李娜", Email: customerEmail}},
		Text: "您好，您的包裹已经发出，单号 SF1234567890。\nYour parcel is on its way."})
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func (f *fixture) flush(t testing.TB) []Result {
	t.Helper()
	res, err := f.sender.Flush(context.Background(), "shop")
	if err != nil {
		t.Fatalf("flush: %v", err)
	}
	return res
}

func (f *fixture) item(t testing.TB, id uint64) storage.OutboxItem {
	t.Helper()
	var it storage.OutboxItem
	if err := f.st.View(func(tx *storage.Tx) (err error) { it, err = tx.OutboxItem(id); return }); err != nil {
		t.Fatal(err)
	}
	return it
}

func (f *fixture) setState(t testing.TB, id uint64, state storage.OutboxState) {
	t.Helper()
	err := f.st.Update(func(tx *storage.Tx) error {
		it, err := tx.OutboxItem(id)
		if err != nil {
			return err
		}
		it.State = state
		return tx.SaveOutboxItem(&it)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkDone asserts what a finished reply leaves behind: one Sent copy,
// \Seen, one stored outbound message located there, \Answered on the
// question, and the conversation waiting on the customer.
func (f *fixture) checkDone(t testing.TB, it storage.OutboxItem, sentFolder string) {
	t.Helper()
	if it.State != storage.OutDone || it.LastError != "" {
		t.Errorf("item ended %s (%q), want done", it.State, it.LastError)
	}
	n, flags := f.imap.copies(t, sentFolder, it.MessageID)
	if n != 1 || !slices.Contains(flags, imap.FlagSeen) {
		t.Errorf("%s holds %d copies (flags %v), want exactly one, \\Seen", sentFolder, n, flags)
	}
	if flags := f.imap.flagsAt(t, "INBOX", f.inboxUID); !slices.Contains(flags, imap.FlagAnswered) {
		t.Errorf("question flags on the server %v, want \\Answered", flags)
	}
	err := f.st.View(func(tx *storage.Tx) error {
		ms, err := tx.MessagesByMessageID(it.MessageID)
		if err != nil {
			return err
		}
		if len(ms) != 1 {
			return fmt.Errorf("%d stored messages with the Message-ID, want 1", len(ms))
		}
		m := ms[0]
		if m.Direction != storage.Outbound || m.ConversationID != f.question.ConversationID || m.Size == 0 {
			return fmt.Errorf("stored reply %+v: want outbound, in the conversation, with its raw bytes", m)
		}
		if len(m.Locations) != 1 || m.Locations[0].Folder != sentFolder || m.Locations[0].UID == 0 {
			return fmt.Errorf("stored reply locations %+v, want its place in %s", m.Locations, sentFolder)
		}
		q, err := tx.Message(f.question.ID)
		if err != nil {
			return err
		}
		if !slices.Contains(q.Flags, "\\Answered") {
			return fmt.Errorf("stored question flags %v, want \\Answered", q.Flags)
		}
		c, err := tx.Conversation(f.question.ConversationID)
		if err != nil {
			return err
		}
		if c.Status != storage.StatusWaiting || !c.LastOutbound.Equal(it.Accepted) || !c.FirstResponse.Equal(it.Accepted) {
			return fmt.Errorf("conversation %s, last outbound %v, first response %v; want waiting, both %v",
				c.Status, c.LastOutbound, c.FirstResponse, it.Accepted)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}
