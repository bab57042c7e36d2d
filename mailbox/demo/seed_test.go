package demo

import (
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

func TestSeedWritesTheWholeShop(t *testing.T) {
	d, err := assets.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if err := Seed(st, d, now); err != nil {
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
	st.View(func(tx *storage.Tx) error {
		counts := []struct {
			what      string
			got, want int
		}{
			{"customers", tx.CountCustomers(), len(d.Customers)},
			{"orders", tx.CountOrders(), len(d.Orders)},
			{"messages", tx.CountMessages(), wantMsgs},
			{"open conversations", tx.CountConversations(storage.StatusOpen), wantOpen},
		}
		for _, c := range counts {
			if c.got != c.want {
				t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
			}
		}
		// The inbox shows the longest-waiting customer first.
		open, _ := tx.ConversationsByStatus(storage.StatusOpen, 0)
		for i := 1; i < len(open); i++ {
			if open[i].WaitingSince().Before(open[i-1].WaitingSince()) {
				t.Errorf("inbox out of order at %d", i)
			}
		}
		return nil
	})
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
