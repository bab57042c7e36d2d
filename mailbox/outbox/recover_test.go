package outbox

import (
	"errors"
	"testing"

	"github.com/shopdesk/shopdesk/storage"
)

// An app killed mid-send leaves the item in the sub-state it persisted
// last; the next start must requeue it only when DATA never began.
func TestRecoverAfterCrash(t *testing.T) {
	cases := []struct {
		name                string
		leftIn              storage.OutboxState
		requeued, uncertain int
		recovered           storage.OutboxState
		final               storage.OutboxState
		delivered           int
	}{
		{"killed before DATA", storage.OutSending, 1, 0, storage.OutQueued, storage.OutDone, 1},
		{"killed after DATA began", storage.OutData, 0, 1, storage.OutUncertain, storage.OutUncertain, 0},
		{"nothing in flight", storage.OutQueued, 0, 0, storage.OutQueued, storage.OutDone, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			it := f.queue(t)
			f.setState(t, it.ID, c.leftIn)

			requeued, uncertain, err := Recover(f.st)
			if err != nil {
				t.Fatal(err)
			}
			if requeued != c.requeued || uncertain != c.uncertain {
				t.Errorf("Recover: %d requeued, %d uncertain; want %d, %d", requeued, uncertain, c.requeued, c.uncertain)
			}
			if got := f.item(t, it.ID); got.State != c.recovered {
				t.Errorf("after Recover: %s, want %s", got.State, c.recovered)
			}
			f.flush(t)
			f.flush(t)
			got := f.item(t, it.ID)
			if got.State != c.final {
				t.Errorf("after flushing: %s (%q), want %s", got.State, got.LastError, c.final)
			}
			if _, delivered := f.smtp.counts(it.MessageID); delivered != c.delivered {
				t.Errorf("server kept %d copies, want %d", delivered, c.delivered)
			}
			if got.State == storage.OutDone {
				f.checkDone(t, got, "Sent")
			}
		})
	}
}

// The seller's say over uncertain (and failed) messages.
func TestSellerActions(t *testing.T) {
	cases := []struct {
		name   string
		script []behaviour
		act    func(st *storage.Store, id uint64) error
		// after acting and flushing
		final                  storage.OutboxState
		transactions, delivers int
	}{
		{"send an uncertain one again", []behaviour{dropAfterDot}, Resend, storage.OutDone, 2, 2},
		{"it was sent after all", []behaviour{dropAfterDot},
			func(st *storage.Store, id uint64) error { return Discard(st, id, true) }, storage.OutDone, 1, 1},
		{"cancel an uncertain one", []behaviour{dropAfterDot},
			func(st *storage.Store, id uint64) error { return Discard(st, id, false) }, storage.OutCancelled, 1, 1},
		{"send a refused one again", []behaviour{permData}, Resend, storage.OutDone, 2, 1},
		{"cancel a refused one", []behaviour{permRcpt},
			func(st *storage.Store, id uint64) error { return Discard(st, id, false) }, storage.OutCancelled, 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.smtp.setScript(c.script...)
			it := f.queue(t)
			f.flush(t)
			if err := c.act(f.st, it.ID); err != nil {
				t.Fatal(err)
			}
			f.flush(t)
			got := f.item(t, it.ID)
			if got.State != c.final {
				t.Fatalf("ended %s (%q), want %s", got.State, got.LastError, c.final)
			}
			if tr, d := f.smtp.counts(it.MessageID); tr != c.transactions || d != c.delivers {
				t.Errorf("server saw %d transactions, kept %d; want %d, %d", tr, d, c.transactions, c.delivers)
			}
			if got.State == storage.OutDone {
				f.checkDone(t, got, "Sent")
			}
		})
	}
}

func TestSellerActionsRefused(t *testing.T) {
	f := newFixture(t)
	done := f.queue(t)
	f.flush(t)

	f.smtp.setScript(dropAfterDot)
	unsure := f.queue(t)
	f.flush(t)
	// The sync meanwhile found the message in Sent (a server that files
	// by itself): it did go out.
	err := f.st.Update(func(tx *storage.Tx) error {
		m := storage.Message{ConversationID: f.question.ConversationID, Direction: storage.Outbound, MessageID: unsure.MessageID,
			From: storage.Address{Email: testUser}, Locations: []storage.Location{{Account: "shop", Folder: "Sent", UIDValidity: 1, UID: 9}}}
		return tx.SaveMessage(&m, []byte("Message-ID: <"+unsure.MessageID+">\r\n\r\nhi\r\n"))
	})
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		act  func() error
		want error
	}{
		{"send a done one again", func() error { return Resend(f.st, done.ID) }, ErrWrongState},
		{"cancel a done one", func() error { return Discard(f.st, done.ID, false) }, ErrWrongState},
		{"mark a done one sent", func() error { return Discard(f.st, done.ID, true) }, ErrWrongState},
		{"send again what Sent already holds", func() error { return Resend(f.st, unsure.ID) }, ErrAlreadySent},
		{"unknown item", func() error { return Resend(f.st, 999) }, storage.ErrNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.act(); !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
	if got := f.item(t, unsure.ID); got.State != storage.OutUncertain {
		t.Errorf("refused actions changed the item to %s", got.State)
	}
}

// A queued item whose message the store already holds as sent (the sync
// saw it in Sent) is never handed to SMTP again.
func TestQueuedButAlreadyInSent(t *testing.T) {
	f := newFixture(t)
	f.smtp.setScript(dropAfterDot)
	it := f.queue(t)
	f.flush(t) // uncertain; the server did take it
	if err := Resend(f.st, it.ID); err != nil {
		t.Fatal(err)
	}
	// Before the next flush, the sync stores the copy the server filed.
	var raw []byte
	f.st.View(func(tx *storage.Tx) (err error) { raw, err = tx.OutboxRaw(it.ID); return })
	loc := f.imap.appendRaw(t, "Sent", raw)
	err := f.st.Update(func(tx *storage.Tx) error {
		m := storage.Message{ConversationID: f.question.ConversationID, Direction: storage.Outbound, MessageID: it.MessageID,
			Locations: []storage.Location{{Account: "shop", Folder: "Sent", UIDValidity: loc.UIDValidity, UID: uint32(loc.UID)}}}
		return tx.SaveMessage(&m, raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.flush(t)
	got := f.item(t, it.ID)
	if got.State != storage.OutDone {
		t.Fatalf("ended %s (%q), want done", got.State, got.LastError)
	}
	if tr, _ := f.smtp.counts(it.MessageID); tr != 1 {
		t.Errorf("server saw %d transactions, want the first only", tr)
	}
	if n, _ := f.imap.copies(t, "Sent", it.MessageID); n != 1 {
		t.Errorf("Sent holds %d copies, want 1", n)
	}
}
