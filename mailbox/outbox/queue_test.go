package outbox

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

func TestQueueComposesTheReply(t *testing.T) {
	f := newFixture(t)
	it, err := Queue(f.st, QueueRequest{Account: "shop", ReplyTo: f.question.ID,
		To:   []storage.Address{{Name: "李娜", Email: customerEmail}},
		Cc:   []storage.Address{{Email: "boss@shop.example"}},
		Bcc:  []storage.Address{{Email: "archive@shop.example"}},
		Text: "您好，包裹已经发出。"})
	if err != nil {
		t.Fatal(err)
	}
	if it.ID == 0 || it.State != storage.OutQueued || it.ConversationID != f.question.ConversationID || it.ReplyTo != f.question.ID {
		t.Errorf("queued item %+v", it)
	}
	if !strings.HasSuffix(it.MessageID, "@shop.example") {
		t.Errorf("Message-ID %q, want the account's domain", it.MessageID)
	}
	if want := []string{customerEmail, "boss@shop.example", "archive@shop.example"}; !slices.Equal(it.Recipients, want) {
		t.Errorf("recipients %v, want %v", it.Recipients, want)
	}
	var raw []byte
	if err := f.st.View(func(tx *storage.Tx) (err error) { raw, err = tx.OutboxRaw(it.ID); return }); err != nil {
		t.Fatal(err)
	}
	p, err := mailbox.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ what, got, want string }{
		{"Message-ID", p.MessageID, it.MessageID},
		{"In-Reply-To", p.InReplyTo, f.question.MessageID},
		{"References", strings.Join(p.References, " "), f.question.MessageID},
		{"Subject", p.Subject, "Re: 快递到哪里了"},
		{"item subject", it.Subject, "Re: 快递到哪里了"},
		{"From", p.From.Name + " <" + p.From.Email + ">", "小店客服 <" + testUser + ">"},
		{"Text", p.Text, "您好，包裹已经发出。"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
		}
	}
	if strings.Contains(string(raw), "archive@shop.example") {
		t.Error("the Bcc address is written into the message")
	}
	// Queueing touches no server.
	if n, _ := f.smtp.counts(it.MessageID); n != 0 {
		t.Errorf("queueing made %d SMTP transactions", n)
	}
}

func TestQueueRefuses(t *testing.T) {
	f := newFixture(t)
	var other storage.Conversation
	err := f.st.Update(func(tx *storage.Tx) error {
		other = storage.Conversation{CustomerID: 1, Subject: "another"}
		return tx.SaveConversation(&other)
	})
	if err != nil {
		t.Fatal(err)
	}
	to := []storage.Address{{Email: customerEmail}}
	cases := []struct {
		name string
		req  QueueRequest
		want string
	}{
		{"unknown account", QueueRequest{Account: "nope", ReplyTo: f.question.ID, To: to}, "not found"},
		{"no conversation", QueueRequest{Account: "shop", To: to, Text: "hi"}, "needs a conversation"},
		{"answered message elsewhere", QueueRequest{Account: "shop", ConversationID: other.ID, ReplyTo: f.question.ID, To: to}, "is not in conversation"},
		{"no recipient", QueueRequest{Account: "shop", ReplyTo: f.question.ID}, "no recipients"},
		{"bad address", QueueRequest{Account: "shop", ReplyTo: f.question.ID, To: []storage.Address{{Email: "li.na@"}}}, "invalid address"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Queue(f.st, c.req); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Queue error %v, want %q", err, c.want)
			}
		})
	}
	var n int
	f.st.View(func(tx *storage.Tx) error { items, _ := tx.OutboxItems(0, 0); n = len(items); return nil })
	if n != 0 {
		t.Errorf("%d items queued by refused requests", n)
	}
}

// The same Message-ID can never be queued twice: the store refuses it.
func TestEnqueueRefusesASecondMessageID(t *testing.T) {
	f := newFixture(t)
	it := f.queue(t)
	err := f.st.Update(func(tx *storage.Tx) error {
		dup := storage.OutboxItem{Account: "shop", MessageID: it.MessageID, From: testUser, Recipients: []string{customerEmail}}
		return tx.Enqueue(&dup, []byte("Subject: again\r\n\r\nagain\r\n"))
	})
	if !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("second enqueue of %s: %v, want ErrConflict", it.MessageID, err)
	}
	f.flush(t)
	if _, delivered := f.smtp.counts(it.MessageID); delivered != 1 {
		t.Errorf("server kept %d copies, want 1", delivered)
	}
}
