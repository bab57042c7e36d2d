package demo

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/imapsync"
	"github.com/shopdesk/shopdesk/mailbox/outbox"
	"github.com/shopdesk/shopdesk/storage"
)

// The demo desk fills up as a real one does: shop records, then mail
// synced from the demo server, then the seller's annotations.
// fixture starts the demo mail server and opens an empty store.
func fixture(t *testing.T) (assets.Demo, time.Time, *logrus.Logger, *Server, *storage.Store) {
	t.Helper()
	d, err := assets.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	log := logrus.New()
	log.SetLevel(logrus.WarnLevel)
	srv, err := StartServer(d, now, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return d, now, log, srv, st
}

func TestDemoDeskThroughSync(t *testing.T) {
	d, now, log, srv, st := fixture(t)
	if err := SeedShop(st, d, now); err != nil {
		t.Fatal(err)
	}
	stats, err := imapsync.New(st, imapsync.Options{Account: srv.Account(), Password: srv.Password(), Log: log}).Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := Annotate(st, d, now); err != nil {
		t.Fatal(err)
	}
	if err := st.VerifyIndexes(); err != nil {
		t.Fatal(err)
	}
	wantMsgs, wantOpen := 0, 0
	for _, c := range d.Conversations {
		wantMsgs += len(c.Messages)
		if c.Status == "open" {
			wantOpen++
		}
	}
	if stats.New != wantMsgs {
		t.Errorf("synced %d messages, want %d", stats.New, wantMsgs)
	}
	st.View(func(tx *storage.Tx) error {
		counts := []struct {
			what      string
			got, want int
		}{
			{"customers (mail found the seeded ones)", tx.CountCustomers(), len(d.Customers)},
			{"orders", tx.CountOrders(), len(d.Orders)},
			{"messages", tx.CountMessages(), wantMsgs},
			{"open conversations", tx.CountConversations(storage.StatusOpen), wantOpen},
			// Past closings and calls plan nothing; each complaint still
			// open starts its procedure (escalate, solution, visit).
			{"open follow-ups", tx.CountOpenFollowUps(), countOpen(d) + 3*openComplaints(d)},
		}
		for _, c := range counts {
			if c.got != c.want {
				t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
			}
		}
		if set, err := tx.Settings(); err != nil || !set.BackupOff {
			t.Errorf("demo settings %+v, %v: want automatic backups off (the folder is temporary)", set, err)
		}
		open, _ := tx.ConversationsByStatus(storage.StatusOpen, 0)
		for i := 1; i < len(open); i++ {
			if open[i].WaitingSince().Before(open[i-1].WaitingSince()) {
				t.Errorf("inbox out of order at %d", i)
			}
		}
		return nil
	})
}

func openComplaints(d assets.Demo) int {
	n := 0
	for _, c := range d.Conversations {
		if c.Status != "closed" && slices.ContainsFunc(c.Tags, func(t string) bool { return t == "complaint" || t == "投诉" }) {
			n++
		}
	}
	return n
}

func countOpen(d assets.Demo) int {
	n := 0
	for _, f := range d.FollowUps {
		if f.Done == nil {
			n++
		}
	}
	return n
}

// Every rendered demo message, GBK and Big5 ones included, must parse back
// to the text the demo data holds.
func TestRenderedMailParsesBack(t *testing.T) {
	d, err := assets.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	mails, err := Render(d, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	charsets := map[string]int{}
	for _, m := range mails {
		conv, _ := d.Conversation(m.Conversation)
		dm := conv.Messages[m.Index]
		charsets[dm.Charset]++
		p, err := mailbox.Parse(m.Raw)
		if err != nil {
			t.Fatalf("%s/%d: %v", m.Conversation, m.Index, err)
		}
		if p.Subject != m.Subject || p.MessageID != m.MessageID || p.From.Email != dm.From.Email || p.From.Name != dm.From.Name {
			t.Errorf("%s/%d: header %q %q %+v", m.Conversation, m.Index, p.Subject, p.MessageID, p.From)
		}
		if strings.TrimSpace(p.Text) != strings.TrimSpace(string(dm.Body)) {
			t.Errorf("%s/%d (%s): body\n%q\nwant\n%q", m.Conversation, m.Index, dm.Charset, p.Text, dm.Body)
		}
		if len(p.Attachments) != len(dm.Attachments) {
			t.Errorf("%s/%d: %d attachments, want %d", m.Conversation, m.Index, len(p.Attachments), len(dm.Attachments))
		}
		for i := range min(len(p.Attachments), len(dm.Attachments)) {
			if p.Attachments[i].Name != dm.Attachments[i].Name {
				t.Errorf("%s/%d: attachment %q, want %q", m.Conversation, m.Index, p.Attachments[i].Name, dm.Attachments[i].Name)
			}
		}
	}
	if charsets["gbk"] == 0 || charsets["big5"] == 0 {
		t.Errorf("demo mail charsets %v: want some GBK and Big5", charsets)
	}
}

// A reply sent in the demo reaches the demo SMTP server, is filed in Sent
// once, and the next sync does not store it twice.
func TestDemoReplyRoundTrip(t *testing.T) {
	_, _, log, srv, st := fixture(t)
	a := srv.Account()
	if err := st.Update(func(tx *storage.Tx) error { return tx.SaveAccount(&a) }); err != nil {
		t.Fatal(err)
	}
	syncer := imapsync.New(st, imapsync.Options{Account: a, Password: srv.Password(), Log: log})
	if _, err := syncer.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	var parent storage.Message
	st.View(func(tx *storage.Tx) error {
		open, _ := tx.ConversationsByStatus(storage.StatusOpen, 1)
		ms, _ := tx.MessagesOf(open[0].ID)
		parent = ms[len(ms)-1]
		return nil
	})
	item, err := outbox.Queue(st, outbox.QueueRequest{Account: a.Name, ReplyTo: parent.ID,
		To: []storage.Address{parent.From}, Text: "您好，包裹今天已经发出，单号稍后发您。"})
	if err != nil {
		t.Fatal(err)
	}
	sender := outbox.NewSender(st, outbox.PasswordFunc(func(string) (string, error) { return srv.Password(), nil }), log)
	results, err := sender.Flush(context.Background(), a.Name)
	if err != nil || len(results) != 1 || results[0].State != storage.OutDone {
		t.Fatalf("flush: %v %+v", err, results)
	}
	got := srv.Received()
	if len(got) != 1 || !strings.Contains(string(got[0].Raw), item.MessageID) {
		t.Fatalf("the demo SMTP server received %d messages", len(got))
	}
	stats, err := syncer.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stats.New != 0 {
		t.Errorf("the sync stored our reply again: %+v", stats)
	}
	st.View(func(tx *storage.Tx) error {
		ms, _ := tx.MessagesByMessageID(item.MessageID)
		if len(ms) != 1 || len(ms[0].Locations) != 1 || ms[0].Locations[0].Folder != SentFolder {
			t.Errorf("our reply: %d stored, locations %+v", len(ms), ms)
		}
		c, _ := tx.Conversation(parent.ConversationID)
		if c.Status != storage.StatusWaiting {
			t.Errorf("conversation %s after our reply, want waiting", c.Status)
		}
		return nil
	})
}
