package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/shopdesk/shopdesk/storage"
)

// fakeTimer is a hand-driven timer for the due notifier.
type fakeTimer struct {
	mu    sync.Mutex
	waits []time.Duration
	fire  func()
}

func (f *fakeTimer) after(d time.Duration, fn func()) func() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, d)
	f.fire = fn
	return func() bool { return true }
}

func (f *fakeTimer) last() (time.Duration, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.waits) == 0 {
		return 0, 0
	}
	return f.waits[len(f.waits)-1], len(f.waits)
}

func TestNotificationWhenFollowUpFallsDue(t *testing.T) {
	var soon, later storage.FollowUp
	h := newHarness(t, func(tx *storage.Tx) error {
		c := storage.Customer{Name: "王芳"}
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		// Already due at start: on screen, not announced.
		if err := tx.SaveFollowUp(&storage.FollowUp{CustomerID: c.ID, Kind: storage.FollowPayment, Due: clock.Add(-time.Hour)}); err != nil {
			return err
		}
		soon = storage.FollowUp{CustomerID: c.ID, Kind: storage.FollowCallBack, Due: clock.Add(30 * time.Minute)}
		later = storage.FollowUp{CustomerID: c.ID, Kind: storage.FollowSatisfaction, Due: clock.Add(2 * time.Hour)}
		if err := tx.SaveFollowUp(&soon); err != nil {
			return err
		}
		return tx.SaveFollowUp(&later)
	})
	now := clock
	var nowMu sync.Mutex
	timer := &fakeTimer{}
	var sent []*fyne.Notification
	n := newDueNotifier(h.desk, func(x *fyne.Notification) { sent = append(sent, x) },
		func() time.Time { nowMu.Lock(); defer nowMu.Unlock(); return now }, timer.after)
	unsubscribe := h.store.Subscribe(n.heard)
	t.Cleanup(func() { unsubscribe(); n.stop() })
	n.start()

	// One timer, for the next due time: no polling.
	h.waitFor("the first timer", func() bool { _, k := timer.last(); return k == 1 })
	if wait, _ := timer.last(); wait != 30*time.Minute {
		t.Fatalf("first timer waits %v, want 30m", wait)
	}
	h.settle()
	if len(sent) != 0 {
		t.Fatalf("announced %q at start", sent[0].Title)
	}

	// The clock reaches the call-back: one notification, then a timer for the next.
	nowMu.Lock()
	now = clock.Add(30 * time.Minute)
	nowMu.Unlock()
	timer.fire()
	h.waitFor("the notification", func() bool { return len(sent) == 1 })
	if sent[0].Title != "Follow-up due: 王芳" || sent[0].Content != "Call back" {
		t.Errorf("notification %q / %q", sent[0].Title, sent[0].Content)
	}
	h.waitFor("the next timer", func() bool { w, _ := timer.last(); return w == 90*time.Minute })

	// Moving the later one earlier sets the timer again.
	h.update(func(tx *storage.Tx) error {
		f, err := tx.FollowUp(later.ID)
		if err != nil {
			return err
		}
		f.Due = clock.Add(45 * time.Minute)
		return tx.SaveFollowUp(&f)
	})
	h.waitFor("the timer moved", func() bool { w, _ := timer.last(); return w == 15*time.Minute })
	nowMu.Lock()
	now = clock.Add(45 * time.Minute)
	nowMu.Unlock()
	timer.fire()
	h.waitFor("the second notification", func() bool { return len(sent) == 2 })
	if !strings.Contains(sent[1].Content, "Satisfaction") {
		t.Errorf("second notification %q / %q", sent[1].Title, sent[1].Content)
	}
	// Told once: another check announces nothing new.
	timer.fire()
	h.settle()
	if len(sent) != 2 {
		t.Errorf("%d notifications, want 2", len(sent))
	}
}

func TestFollowUpsScreenActions(t *testing.T) {
	var cust storage.Customer
	var plain, visit storage.FollowUp
	h := newHarness(t, func(tx *storage.Tx) error {
		cust = storage.Customer{Name: "林小雨"}
		if err := tx.SaveCustomer(&cust); err != nil {
			return err
		}
		plain = storage.FollowUp{CustomerID: cust.ID, Kind: storage.FollowOther, Due: clock.Add(-time.Hour), Note: "确认补发"}
		visit = storage.FollowUp{CustomerID: cust.ID, Kind: storage.FollowSatisfaction, Due: clock.Add(time.Hour)}
		if err := tx.SaveFollowUp(&plain); err != nil {
			return err
		}
		return tx.SaveFollowUp(&visit)
	})
	h.showPage("followups")
	s := h.desk.followUps
	h.waitFor("two sections", func() bool { return len(s.items) == 4 })
	if got := rowTexts(s.list, 2); got[0] != "Today (1)" {
		t.Errorf("second heading %q", got)
	}
	// Move the plain one to a time of the seller's.
	m := showMoveFollowUp(h.desk, plain)
	m.when.SetText("yesterday")
	m.dlg.Submit() // refused: nothing changes
	m.when.SetText("2030-01-02 09:00")
	m.dlg.Submit()
	h.waitFor("the follow-up moved", func() bool {
		var f storage.FollowUp
		h.store.View(func(tx *storage.Tx) error { f, _ = tx.FollowUp(plain.ID); return nil })
		return f.Due.Equal(time.Date(2030, 1, 2, 9, 0, 0, 0, time.Local))
	})
	// Done on a visit asks for the rating; a dissatisfied one opens a complaint.
	s.done(visit)
	s.rating.rating.SetSelected("2 · Dissatisfied")
	s.rating.comment.SetText("颜色不对")
	s.rating.dlg.Submit()
	h.waitFor("the visit done and a complaint opened", func() bool {
		var fs []storage.FollowUp
		h.store.View(func(tx *storage.Tx) error { fs, _ = tx.FollowUpsOf(cust.ID); return nil })
		var done, escalate bool
		for _, f := range fs {
			done = done || (f.ID == visit.ID && !f.Done.IsZero() && f.Rating == 2 && f.Comment == "颜色不对")
			escalate = escalate || f.Kind == storage.FollowEscalate
		}
		return done && escalate
	})
}
