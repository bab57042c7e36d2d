package ui

import (
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/shopdesk/shopdesk/storage"
)

// dueNotifier sends a desktop notification when a follow-up falls due.
// It sleeps on one timer set for the next due time (not a poll), and sets
// it again whenever follow-ups change. Follow-ups already due when the
// desk opens are on screen, so they are not announced.
type dueNotifier struct {
	d    *Desk
	send func(*fyne.Notification) // main goroutine
	now  func() time.Time
	// after runs fn once d has passed and returns a stop function:
	// time.AfterFunc, or a hand-driven timer in tests.
	after func(d time.Duration, fn func()) (stop func() bool)

	run *throttle // checks never overlap

	mu      sync.Mutex
	timer   func() bool
	wakeAt  time.Time
	ready   bool                 // the baseline was read
	told    map[uint64]time.Time // follow-up ID: the due time announced
	stopped bool
}

func newDueNotifier(d *Desk, send func(*fyne.Notification), now func() time.Time,
	after func(time.Duration, func()) func() bool) *dueNotifier {
	n := &dueNotifier{d: d, send: send, now: now, after: after, told: map[uint64]time.Time{}}
	n.run = newThrottle(0, n.check)
	return n
}

func realAfter(d time.Duration, fn func()) func() bool { return time.AfterFunc(d, fn).Stop }

// start reads what is due already, silently, and sets the timer.
func (n *dueNotifier) start() { n.run.Trigger() }

// heard reacts to follow-up changes: a new, moved or finished follow-up
// may change the next due time.
func (n *dueNotifier) heard(events []storage.Event) {
	for _, e := range events {
		if e.Kind == storage.KindFollowUp {
			n.run.Trigger()
			return
		}
	}
}

func (n *dueNotifier) stop() {
	n.mu.Lock()
	n.stopped = true
	if n.timer != nil {
		n.timer()
	}
	n.mu.Unlock()
	n.run.Stop()
}

// dueNews is one follow-up worth telling about.
type dueNews struct{ customer, what string }

// check announces the follow-ups that fell due since the last check and
// sets the timer for the next one. Off the main goroutine.
func (n *dueNotifier) check() {
	now := n.now()
	n.mu.Lock()
	baseline := !n.ready
	n.mu.Unlock()
	var news []dueNews
	var next time.Time
	var hasNext bool
	err := n.d.store.View(func(tx *storage.Tx) error {
		rows, _, err := readOpenFollowUps(tx, now.Add(time.Nanosecond), 0)
		if err != nil {
			return err
		}
		n.mu.Lock()
		for _, r := range rows {
			f := r.followUp
			if at, ok := n.told[f.ID]; ok && at.Equal(f.Due) {
				continue
			}
			n.told[f.ID] = f.Due
			if !baseline {
				news = append(news, dueNews{customer: customerName(r.customer), what: followUpTitle(f)})
			}
		}
		n.ready = true
		n.mu.Unlock()
		next, hasNext = tx.NextFollowUpDue(now)
		return nil
	})
	if err != nil {
		n.d.log.WithError(err).Warn("Read the follow-ups due")
	}
	n.schedule(now, next, hasNext)
	if len(news) > 0 {
		note := dueNotification(news)
		n.d.do(func() { n.send(note) })
	}
}

// schedule sets the one timer for the next due time.
func (n *dueNotifier) schedule(now, next time.Time, ok bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped || (ok && n.timer != nil && n.wakeAt.Equal(next)) {
		return
	}
	if n.timer != nil {
		n.timer()
		n.timer = nil
	}
	if !ok {
		return
	}
	n.wakeAt = next
	n.timer = n.after(next.Sub(now), n.run.Trigger)
}

func dueNotification(news []dueNews) *fyne.Notification {
	if len(news) == 1 {
		return fyne.NewNotification(lang.L("Follow-up due: {{.Name}}", map[string]any{"Name": news[0].customer}), news[0].what)
	}
	var names []string
	seen := map[string]bool{}
	for _, x := range news {
		if !seen[x.customer] {
			seen[x.customer] = true
			names = append(names, x.customer)
		}
	}
	who := strings.Join(names, ", ")
	if len(names) > 3 {
		who = lang.L("{{.Names}} and {{.More}} more", map[string]any{"Names": strings.Join(names[:3], ", "), "More": len(names) - 3})
	}
	return fyne.NewNotification(lang.L("{{.Count}} follow-ups due", map[string]any{"Count": len(news)}), who)
}
