// Package ui is Shopdesk's desktop interface: the main window with its
// navigation and one screen per area of the desk. Screens read the store
// off the main goroutine and apply results with fyne.Do; store change
// events trigger throttled reloads.
package ui

import (
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/storage"
)

// reloadEvery bounds how often one screen reloads during a burst of writes
// (a mail sync saving hundreds of messages).
const reloadEvery = 200 * time.Millisecond

// Preference keys.
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
	prefScreen = "desk.screen"
)

// screen is one area of the desk. build runs once, on the main goroutine,
// the first time the screen is shown; load runs off the main goroutine,
// reads the store and hands its result to the UI with Desk.do.
type screen interface {
	build() fyne.CanvasObject
	load()
	// watches reports whether changes to records of the kind affect the screen.
	watches(storage.Kind) bool
}

// page is a screen's place in the navigation.
type page struct {
	id     string // stable, for preferences
	title  func() string
	icon   fyne.Resource
	screen screen
	reload *throttle

	content fyne.CanvasObject // nil until first shown; main goroutine only
	built   atomic.Bool       // content exists, so events should reload it
	count   int               // -1 when the page shows no count; main goroutine only
}

// Desk is the main window's content: navigation on the left, the current
// screen on the right.
type Desk struct {
	app   fyne.App
	win   fyne.Window
	store Store
	log   logrus.FieldLogger
	// do runs fn on the main goroutine; fyne.Do, or a queue in tests.
	do  func(fn func())
	now func() time.Time

	pages   []*page
	current int
	views   []view // detail views over the current screen; main goroutine only
	nav     *widget.List
	stack   *fyne.Container

	inbox     *inboxScreen
	followUps *followUpsScreen
	customers *customersScreen
	orders    *ordersScreen
	canned    *cannedScreen
	insights  *insightsScreen
	settings  *settingsScreen
	composers map[composerKey]*composer // open composer windows; main goroutine only

	// actions opens conversations and the composer: the desk itself, or
	// a recorder in tests.
	actions deskActions
	tips    *tipLayer
	status  *statusBar
	// connect hands a password the seller typed to the mail workers; nil
	// when nothing can use one (tests, deskbench).
	connect func(account, password string) error
	notes   *notifier
	// shownConv is the conversation view last opened: Ctrl+L logs a call
	// for its customer while it is on top. Main goroutine only.
	shownConv *conversationView

	counts      *throttle
	unsubscribe func()
	stopTicker  chan struct{}
	closeOnce   sync.Once
	// passwords finds a mail account's password, for moving a forgotten
	// customer's mail to Trash (archive.go); nil when none can be had.
	passwords func(account string) (string, error)
	// search is the global search index (search.go).
	search *globalSearch
}

// deskActions are the desk's ways into a conversation and the composer.
type deskActions interface {
	openConversation(id uint64)
	compose(req composeRequest)
}

// NewDesk builds the desk into the window, restores its size and last
// screen, and starts following the store's changes. Call Close when the
// window goes away (NewDesk arranges that for the window's own close).
func NewDesk(a fyne.App, w fyne.Window, st Store, log logrus.FieldLogger) *Desk {
	return newDesk(a, w, st, log, fyne.Do, time.Now)
}

// newDesk takes the main-goroutine dispatcher and the clock, so tests can
// run UI work on their own goroutine and fix the time.
func newDesk(a fyne.App, w fyne.Window, st Store, log logrus.FieldLogger, do func(func()), now func() time.Time) *Desk {
	d := &Desk{app: a, win: w, store: st, log: log, do: do, now: now, stopTicker: make(chan struct{})}
	d.inbox = &inboxScreen{d: d}
	d.followUps = &followUpsScreen{d: d}
	d.customers = &customersScreen{d: d}
	d.orders = &ordersScreen{d: d}
	d.canned = &cannedScreen{d: d}
	d.insights = &insightsScreen{d: d}
	d.settings = &settingsScreen{d: d}
	d.pages = []*page{
		{id: "inbox", title: func() string { return lang.L("Inbox") }, icon: theme.MailReplyIcon(), screen: d.inbox},
		{id: "followups", title: func() string { return lang.L("Follow-ups") }, icon: theme.CalendarIcon(), screen: d.followUps},
		{id: "customers", title: func() string { return lang.L("Customers") }, icon: theme.AccountIcon(), screen: d.customers},
		{id: "orders", title: func() string { return lang.L("Orders") }, icon: theme.DocumentIcon(), screen: d.orders},
		{id: "canned", title: func() string { return lang.L("Canned replies") }, icon: theme.ContentPasteIcon(), screen: d.canned},
		{id: "insights", title: func() string { return lang.L("Insights") }, icon: theme.GridIcon(), screen: d.insights},
		{id: "settings", title: func() string { return lang.L("Settings") }, icon: theme.SettingsIcon(), screen: d.settings},
	}
	for _, p := range d.pages {
		p.reload = newThrottle(reloadEvery, p.screen.load)
		p.count = -1
	}
	d.counts = newThrottle(reloadEvery, d.loadCounts)
	d.actions = d
	d.tips = newTipLayer(d.do)
	d.status = newStatusBar(d)
	// Off the main goroutine: the D-Bus call behind it can block.
	d.notes = newNotifier(d, func(n *fyne.Notification) { go a.SendNotification(n) })

	w.SetContent(d.build())
	d.setupKeys()
	prefs := a.Preferences()
	w.Resize(fyne.NewSize(
		float32(prefs.FloatWithFallback(prefWidth, 1100)),
		float32(prefs.FloatWithFallback(prefHeight, 700))))
	w.SetOnClosed(d.Close)

	d.unsubscribe = st.Subscribe(d.changed)
	d.counts.Trigger()
	d.startSearchIndex()
	go d.tick()
	go d.notes.start()

	start := slices.IndexFunc(d.pages, func(p *page) bool { return p.id == prefs.String(prefScreen) })
	d.nav.Select(max(start, 0))
	return d
}

func (d *Desk) build() fyne.CanvasObject {
	d.nav = widget.NewList(
		func() int { return len(d.pages) },
		func() fyne.CanvasObject {
			count := widget.NewLabel("00000")
			count.Alignment = fyne.TextAlignTrailing
			return container.NewBorder(nil, nil, widget.NewIcon(theme.MailReplyIcon()), count, widget.NewLabel("Canned replies"))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			p := d.pages[id]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(p.title())
			row.Objects[1].(*widget.Icon).SetResource(p.icon)
			count := row.Objects[2].(*widget.Label)
			if p.count < 0 {
				count.SetText("")
			} else {
				count.SetText(formatCount(p.count))
			}
		})
	d.nav.OnSelected = d.show

	brand := widget.NewLabelWithStyle("Shopdesk", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	side := container.NewBorder(brand, nil, nil, nil, d.nav)
	d.stack = container.NewStack()
	main := container.NewBorder(nil, d.status.content, container.NewHBox(side, widget.NewSeparator()), nil, d.stack)
	d.status.frame = main
	// Tips float over everything; they take no clicks.
	return d.tips.wrap(main)
}

// show switches to the page, building it the first time.
func (d *Desk) show(id widget.ListItemID) {
	if id < 0 || id >= len(d.pages) {
		return
	}
	d.popAll()
	d.tips.hideAll()
	p := d.pages[id]
	d.current = id
	if p.content == nil {
		p.content = p.screen.build()
		p.built.Store(true)
	}
	d.stack.Objects = []fyne.CanvasObject{p.content}
	d.stack.Refresh()
	p.reload.Trigger()
	d.app.Preferences().SetString(prefScreen, p.id)
}

// changed hears the store's events on the writer goroutine: it must not
// block, so it only triggers throttled reloads.
func (d *Desk) changed(events []storage.Event) {
	d.counts.Trigger()
	d.notes.heard(events)
	for _, p := range d.pages {
		if !p.built.Load() {
			continue
		}
		if slices.ContainsFunc(events, func(e storage.Event) bool { return p.screen.watches(e.Kind) }) {
			p.reload.Trigger()
		}
	}
}

// navCounts are the live numbers beside the navigation entries.
type navCounts struct {
	open, followUps, customers, orders, canned int
}

func (d *Desk) loadCounts() {
	var n navCounts
	err := d.store.View(func(tx *storage.Tx) error {
		n.open = tx.CountConversations(storage.StatusOpen)
		n.followUps = tx.CountOpenFollowUps()
		n.customers = tx.CountCustomers()
		n.orders = tx.CountOrders()
		replies, err := tx.CannedReplies()
		n.canned = len(replies)
		return err
	})
	if err != nil {
		d.log.WithError(err).Error("Count records for the navigation")
	}
	d.do(func() {
		for _, p := range d.pages {
			switch p.screen {
			case d.inbox:
				p.count = n.open
			case d.followUps:
				p.count = n.followUps
			case d.customers:
				p.count = n.customers
			case d.orders:
				p.count = n.orders
			case d.canned:
				p.count = n.canned
			}
		}
		d.nav.Refresh()
	})
}

// tick refreshes the clocks (waiting times, due times) once a minute.
func (d *Desk) tick() {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-d.stopTicker:
			return
		case <-t.C:
			d.do(func() {
				d.inbox.refreshClocks()
				d.followUps.refreshClocks()
				if d.shownConv != nil {
					d.shownConv.refreshClocks()
				}
			})
		}
	}
}

// Close stops following the store and remembers the window's size.
// It is safe to call more than once.
func (d *Desk) Close() {
	d.closeOnce.Do(func() {
		d.stopSearchIndex()
		d.unsubscribe()
		close(d.stopTicker)
		d.counts.Stop()
		d.notes.stop()
		d.status.stop()
		d.inbox.stop()
		for _, p := range d.pages {
			p.reload.Stop()
		}
		size := d.win.Canvas().Size()
		if size.Width > 0 && size.Height > 0 {
			d.app.Preferences().SetFloat(prefWidth, float64(size.Width))
			d.app.Preferences().SetFloat(prefHeight, float64(size.Height))
		}
	})
}

// formatCount keeps the navigation narrow: large numbers are capped.
func formatCount(n int) string {
	if n > 9999 {
		return "9999+"
	}
	return strconv.Itoa(n)
}

// pageOf finds the navigation page of a screen.
func (d *Desk) pageOf(s screen) *page {
	for _, p := range d.pages {
		if p.screen == s {
			return p
		}
	}
	panic("ui: screen without a page")
}
