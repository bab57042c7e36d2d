package ui

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/imapsync"
)

// SyncBoard keeps the latest sync status of each account for the status
// bar. Report is safe from any goroutine and never blocks, so a sync
// worker can report before the window exists.
type SyncBoard struct {
	now func() time.Time // tests fix it

	mu      sync.Mutex
	latest  map[string]reported
	order   []string // accounts in the order they first reported
	changed func()   // set by the desk
}

// reported is a status and when it came: a retry counts down from then.
type reported struct {
	imapsync.Status
	at time.Time
}

// NewSyncBoard makes an empty board.
func NewSyncBoard() *SyncBoard {
	return &SyncBoard{now: time.Now, latest: map[string]reported{}}
}

// Report records an account's status; pass it as imapsync.Options.Status.
func (b *SyncBoard) Report(s imapsync.Status) {
	b.mu.Lock()
	if _, known := b.latest[s.Account]; !known {
		b.order = append(b.order, s.Account)
	}
	b.latest[s.Account] = reported{Status: s, at: b.now()}
	changed := b.changed
	b.mu.Unlock()
	if changed != nil {
		changed()
	}
}

// snapshot lists each account's latest status, its retry wait counted
// down to now.
func (b *SyncBoard) snapshot() []imapsync.Status {
	now := b.now()
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]imapsync.Status, len(b.order))
	for i, a := range b.order {
		r := b.latest[a]
		if r.RetryIn > 0 {
			r.RetryIn = max(time.Second, r.RetryIn-now.Sub(r.at))
		}
		out[i] = r.Status
	}
	return out
}

func (b *SyncBoard) onChange(fn func()) {
	b.mu.Lock()
	b.changed = fn
	b.mu.Unlock()
}

// statusBar is the line at the bottom of the window: each account's sync
// in plain words, and a progress bar while a folder syncs the first time.
type statusBar struct {
	d       *Desk
	board   *SyncBoard
	redraw  *throttle
	box     *fyne.Container // one entry per account; main goroutine only
	content *fyne.Container
	frame   *fyne.Container // the window's layout, redone when the bar comes or goes
}

func newStatusBar(d *Desk) *statusBar {
	b := &statusBar{d: d, box: container.NewHBox()}
	b.content = container.NewVBox(widget.NewSeparator(), b.box)
	b.content.Hide()
	return b
}

// follow shows the board's statuses from now on.
func (b *statusBar) follow(board *SyncBoard) {
	b.board = board
	b.redraw = newThrottle(reloadEvery, func() {
		all := board.snapshot()
		b.d.do(func() { b.show(all) })
		// A retry's wait counts down on screen.
		if slices.ContainsFunc(all, func(s imapsync.Status) bool { return s.State == imapsync.StateError && s.RetryIn > 0 }) {
			time.AfterFunc(time.Second, b.redraw.Trigger)
		}
	})
	board.onChange(b.redraw.Trigger)
	b.redraw.Trigger()
}

func (b *statusBar) stop() {
	if b.board != nil {
		b.board.onChange(nil)
		b.redraw.Stop()
	}
}

// show draws the statuses. Main goroutine.
func (b *statusBar) show(all []imapsync.Status) {
	now := b.d.now()
	var objs []fyne.CanvasObject
	for _, s := range all {
		text := statusText(s, now)
		if len(all) > 1 {
			text = s.Account + " · " + text
		}
		l := widget.NewLabel(text)
		if s.State == imapsync.StateError {
			l.Importance = widget.DangerImportance
		}
		objs = append(objs, l)
		if s.Problem == imapsync.ProblemNoPassword && b.d.connect != nil {
			objs = append(objs, widget.NewButton(lang.L("Enter password…"), func() { b.d.askPassword(s) }))
		}
		if s.State == imapsync.StateSyncing && s.First && s.Total > 0 {
			p := widget.NewProgressBar()
			p.Max, p.Value = float64(s.Total), float64(s.Done)
			objs = append(objs, container.NewGridWrap(fyne.NewSize(160, l.MinSize().Height), p))
		}
	}
	b.box.Objects = objs
	b.box.Refresh()
	was := b.content.Visible()
	if len(objs) == 0 {
		b.content.Hide()
	} else {
		b.content.Show()
	}
	if was != b.content.Visible() && b.frame != nil {
		b.frame.Refresh()
	}
}

// texts is what the bar says, for tests.
func (b *statusBar) texts() []string {
	var out []string
	for _, o := range b.box.Objects {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

// progress is the shown progress bar's value and maximum, if one shows.
func (b *statusBar) progress() (value, max float64, ok bool) {
	i := slices.IndexFunc(b.box.Objects, func(o fyne.CanvasObject) bool { _, ok := o.(*fyne.Container); return ok })
	if i < 0 {
		return 0, 0, false
	}
	p := b.box.Objects[i].(*fyne.Container).Objects[0].(*widget.ProgressBar)
	return p.Value, p.Max, true
}

// statusText says in plain words what an account's sync is doing.
func statusText(s imapsync.Status, now time.Time) string {
	switch s.State {
	case imapsync.StateConnecting:
		return lang.L("Connecting to {{.Host}}…", map[string]any{"Host": s.Host})
	case imapsync.StateSyncing:
		folder := s.Folder
		if folder == "INBOX" {
			folder = lang.L("Inbox")
		}
		if s.Total > 0 {
			return lang.L("Syncing {{.Folder}} {{.Done}} / {{.Total}}", map[string]any{
				"Folder": folder, "Done": groupThousands(strconv.Itoa(s.Done)), "Total": groupThousands(strconv.Itoa(s.Total))})
		}
		return lang.L("Syncing {{.Folder}}…", map[string]any{"Folder": folder})
	case imapsync.StateIdle:
		return lang.L("Up to date {{.Time}}", map[string]any{"Time": formatWhen(s.Synced, now)})
	case imapsync.StateError:
		problem := problemText(s)
		if s.RetryIn <= 0 {
			return problem
		}
		return lang.L("{{.Problem}}: retrying in {{.Wait}}", map[string]any{"Problem": problem, "Wait": formatWait(s.RetryIn)})
	}
	return ""
}

func problemText(s imapsync.Status) string {
	host := map[string]any{"Host": s.Host}
	switch s.Problem {
	case imapsync.ProblemUnreachable:
		return lang.L("Cannot reach {{.Host}}", host)
	case imapsync.ProblemCertificate:
		return lang.L("The security certificate of {{.Host}} could not be verified", host)
	case imapsync.ProblemLogin:
		return lang.L("{{.Host}} did not accept the user name or password", host)
	case imapsync.ProblemLost:
		return lang.L("The connection to {{.Host}} was lost", host)
	case imapsync.ProblemNoPassword:
		return lang.L("No password saved, so mail is not synced")
	}
	return lang.L("Mail sync stopped (the details are in the log)")
}

// formatWait is a short wait: seconds under a minute, else minutes.
func formatWait(d time.Duration) string {
	if d < time.Minute {
		return lang.L("{{.S}} s", map[string]any{"S": int(max(1, d.Round(time.Second)/time.Second))})
	}
	return formatDuration(d)
}
