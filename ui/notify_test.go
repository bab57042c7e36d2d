package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/shopdesk/shopdesk/storage"
)

// saveMail stores a message in the conversation.
func saveMail(tx *storage.Tx, conv uint64, dir storage.Direction, subject string) (uint64, error) {
	m := storage.Message{ConversationID: conv, Direction: dir, Subject: subject, Date: clock,
		MessageID: fmt.Sprintf("%d-%s@example.com", conv, subject)}
	err := tx.SaveMessage(&m, []byte("Subject: "+subject+"\r\n\r\nHello\r\n"))
	return m.ID, err
}

func TestNotificationsForNewCustomerMail(t *testing.T) {
	var open, closed, old uint64
	h := newHarness(t, func(tx *storage.Tx) error {
		var err error
		if open, err = (convSeed{name: "Alice Smith", subject: "Parcel", since: clock.Add(-time.Hour)}).save(tx); err != nil {
			return err
		}
		if closed, err = (convSeed{name: "Old Olga", subject: "2019", status: storage.StatusClosed}).save(tx); err != nil {
			return err
		}
		// Mail already there at startup.
		old, err = saveMail(tx, open, storage.Inbound, "Parcel")
		return err
	})
	var sent []*fyne.Notification
	h.desk.notes.send = func(n *fyne.Notification) { sent = append(sent, n) }
	n := h.desk.notes
	h.waitFor("the startup mark", func() bool { n.mu.Lock(); defer n.mu.Unlock(); return n.ready })

	// Mail present at startup, saved again (a flag changed), our own
	// reply, and old mail arriving closed: nothing to tell.
	h.update(func(tx *storage.Tx) error {
		m, err := tx.Message(old)
		if err != nil {
			return err
		}
		m.Flags = []string{`\Seen`}
		if err := tx.SaveMessage(&m, nil); err != nil {
			return err
		}
		if _, err := saveMail(tx, open, storage.Outbound, "Re: Parcel"); err != nil {
			return err
		}
		_, err = saveMail(tx, closed, storage.Inbound, "Old news")
		return err
	})
	time.Sleep(2 * notifyEvery)
	h.settle()
	if len(sent) != 0 {
		t.Fatalf("notified %q for mail that is not new customer mail", sent[0].Title)
	}

	// One new message names the customer and the subject.
	var first uint64
	h.update(func(tx *storage.Tx) (err error) {
		first, err = saveMail(tx, open, storage.Inbound, "Still waiting")
		return err
	})
	h.waitFor("a notification", func() bool { return len(sent) == 1 })
	if got := *sent[0]; got.Title != "Alice Smith" || got.Content != "Still waiting" {
		t.Errorf("notification = %+v", got)
	}

	// A batch is told once, with a count; the message already told is not
	// told again when it is saved again.
	h.update(func(tx *storage.Tx) error {
		m, err := tx.Message(first)
		if err != nil {
			return err
		}
		m.Flags = []string{`\Seen`}
		if err := tx.SaveMessage(&m, nil); err != nil {
			return err
		}
		for i := range 3 {
			c := convSeed{name: fmt.Sprintf("Buyer %d", i), since: clock}
			id, err := c.save(tx)
			if err != nil {
				return err
			}
			if _, err := saveMail(tx, id, storage.Inbound, "Question"); err != nil {
				return err
			}
		}
		return nil
	})
	h.waitFor("a second notification", func() bool { return len(sent) == 2 })
	if got := *sent[1]; got.Title != "3 new messages" || got.Content != "Buyer 0, Buyer 1, Buyer 2" {
		t.Errorf("batch notification = %+v", got)
	}
	time.Sleep(2 * notifyEvery)
	h.settle()
	if len(sent) != 2 {
		t.Errorf("%d notifications, want 2", len(sent))
	}
}

func TestMailNotificationNamesFewCustomers(t *testing.T) {
	useEnglish(t)
	var mail []newMail
	for _, n := range []string{"A", "B", "A", "C", "D", "E"} {
		mail = append(mail, newMail{customer: n, subject: "x"})
	}
	got := mailNotification(mail)
	if got.Title != "6 new messages" || got.Content != "A, B, C and 2 more" {
		t.Errorf("notification = %+v", *got)
	}
	if got := mailNotification([]newMail{{customer: "王芳"}}); got.Title != "王芳" || got.Content != "(no subject)" {
		t.Errorf("one message without a subject = %+v", *got)
	}
}

func TestLastMessageID(t *testing.T) {
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	last := func() uint64 {
		var id uint64
		if err := st.View(func(tx *storage.Tx) (err error) { id, err = lastMessageID(tx); return err }); err != nil {
			t.Fatal(err)
		}
		return id
	}
	if got := last(); got != 0 {
		t.Fatalf("empty store: %d", got)
	}
	var conv uint64
	if err := st.Update(func(tx *storage.Tx) (err error) {
		conv, err = (convSeed{name: "A", since: clock}).save(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 2, 1500, 3000} {
		var want uint64
		if err := st.Update(func(tx *storage.Tx) error {
			for range n {
				var err error
				if want, err = saveMail(tx, conv, storage.Inbound, fmt.Sprint(n)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got := last(); got != want {
			t.Errorf("after %d more: last ID %d, want %d", n, got, want)
		}
	}
}
