package ui

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/shopdesk/shopdesk/storage"
)

// notifyEvery gathers the messages of a sync burst into one notification.
const notifyEvery = time.Second

// notifier sends a desktop notification when new customer mail arrives
// while the desk is open. Mail is new when its record did not exist at
// startup: message IDs only grow, so the highest ID then is the mark.
// Each message is told once, however often it is saved again (flags,
// moves).
type notifier struct {
	d *Desk
	// send shows a notification; the app's SendNotification, or a counter
	// in tests. Main goroutine.
	send func(*fyne.Notification)

	mu      sync.Mutex
	ready   bool   // mark is known
	mark    uint64 // the highest message ID at startup
	pending []uint64

	told    map[uint64]bool // only check touches it; runs never overlap
	run     *throttle
	stopped atomic.Bool
	// due tells of follow-ups as they fall due (notify_followups.go).
	due *dueNotifier
}

func newNotifier(d *Desk, send func(*fyne.Notification)) *notifier {
	n := &notifier{d: d, send: send, told: map[uint64]bool{}}
	n.run = newThrottle(notifyEvery, n.check)
	n.due = newDueNotifier(d, send, d.now, realAfter)
	return n
}

// start reads the startup mark; call it after subscribing to the store,
// so that no message falls between the mark and the first event.
func (n *notifier) start() {
	n.due.start()
	var mark uint64
	if err := n.d.store.View(func(tx *storage.Tx) (err error) {
		mark, err = lastMessageID(tx)
		return err
	}); err != nil {
		// Without a mark every message would look new: stay quiet instead.
		if !n.stopped.Load() {
			n.d.log.WithError(err).Error("Read the newest message; no notifications this session")
		}
		return
	}
	n.mu.Lock()
	n.mark, n.ready = mark, true
	n.mu.Unlock()
	n.run.Trigger()
}

// heard takes the store's events on the writer goroutine: it only notes
// saved messages.
func (n *notifier) heard(events []storage.Event) {
	n.due.heard(events)
	added := false
	n.mu.Lock()
	for _, e := range events {
		if e.Kind == storage.KindMessage && e.Op == storage.OpSaved {
			n.pending = append(n.pending, e.ID)
			added = true
		}
	}
	n.mu.Unlock()
	if added {
		n.run.Trigger()
	}
}

func (n *notifier) stop() {
	n.stopped.Store(true)
	n.run.Stop()
	n.due.stop()
}

// newMail is one message worth telling about.
type newMail struct {
	customer, subject string
}

// check reads the pending messages and notifies about the new inbound
// ones in open conversations. Off the main goroutine.
func (n *notifier) check() {
	n.mu.Lock()
	if !n.ready {
		n.mu.Unlock()
		return
	}
	ids, mark := n.pending, n.mark
	n.pending = nil
	n.mu.Unlock()

	var fresh []newMail
	err := n.d.store.View(func(tx *storage.Tx) error {
		for _, id := range ids {
			if id <= mark || n.told[id] {
				continue
			}
			n.told[id] = true
			m, err := tx.Message(id)
			if err != nil || m.Direction != storage.Inbound {
				continue // gone again, or our own mail
			}
			// Old mail of a first sync arrives closed: no news.
			c, err := tx.Conversation(m.ConversationID)
			if err != nil || c.Status != storage.StatusOpen {
				continue
			}
			cust, _ := tx.Customer(c.CustomerID)
			fresh = append(fresh, newMail{customer: customerName(cust), subject: oneLine(m.Subject)})
		}
		return nil
	})
	if err != nil {
		n.d.log.WithError(err).Warn("Read new mail for a notification")
	}
	if len(fresh) == 0 {
		return
	}
	note := mailNotification(fresh)
	n.d.do(func() { n.send(note) })
}

// mailNotification names the customer and subject of one message, or
// counts several and names who wrote.
func mailNotification(mail []newMail) *fyne.Notification {
	if len(mail) == 1 {
		subject := mail[0].subject
		if subject == "" {
			subject = lang.L("(no subject)")
		}
		return fyne.NewNotification(mail[0].customer, subject)
	}
	var names []string
	seen := map[string]bool{}
	for _, m := range mail {
		if !seen[m.customer] {
			seen[m.customer] = true
			names = append(names, m.customer)
		}
	}
	from := strings.Join(names, ", ")
	if len(names) > 3 {
		from = lang.L("{{.Names}} and {{.More}} more", map[string]any{"Names": strings.Join(names[:3], ", "), "More": len(names) - 3})
	}
	return fyne.NewNotification(lang.L("{{.Count}} new messages", map[string]any{"Count": len(mail)}), from)
}

// lastMessageID finds the highest message ID by bisection over "is there
// a message after x": the store keeps no such figure, and this reads
// about 2·log2(n) records rather than n.
func lastMessageID(tx *storage.Tx) (uint64, error) {
	after := func(x uint64) (bool, error) {
		ms, err := tx.Messages(x, 1)
		return len(ms) > 0, err
	}
	// Find hi with nothing after it, doubling.
	var lo, hi uint64 = 0, 1024
	for {
		more, err := after(hi)
		if err != nil {
			return 0, err
		}
		if !more {
			break
		}
		lo, hi = hi, hi*2
	}
	if more, err := after(0); err != nil || !more {
		return 0, err
	}
	// There is a message after lo and none after hi: the last ID is in (lo, hi].
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		more, err := after(mid)
		if err != nil {
			return 0, err
		}
		if more {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, nil
}
