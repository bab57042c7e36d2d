package ui

import (
	"context"
	"errors"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/search"
)

// Global search (Ctrl+F): one box over messages, customers, orders,
// calls and notes. The index lives in memory: it is built off the main
// goroutine the first time the seller searches (a few seconds for
// 100,000 messages; the view says "indexing" meanwhile, with the hits so
// far) and then follows the store's changes. Building it at start-up
// would read every record and hold the index on desks that never search.

// searchDelay lets a burst of keystrokes run one query.
const searchDelay = 120 * time.Millisecond

// searchLimit is how many hits each kind lists.
const searchLimit = 30

// globalSearch is the desk's search index and its build.
type globalSearch struct {
	ix     *search.Index
	stop   func()
	cancel context.CancelFunc
	done   atomic.Int64 // records read by the build so far
	total  atomic.Int64
	failed atomic.Bool
	view   *searchView // the open search view; main goroutine only
}

// startSearchIndex makes the (empty) index; ensureSearchIndex fills it.
func (d *Desk) startSearchIndex() {
	d.search = &globalSearch{ix: search.New()}
}

// ensureSearchIndex starts following the store (so no change is missed)
// and building the index, once. Main goroutine only.
func (d *Desk) ensureSearchIndex() {
	g := d.search
	if g.stop != nil {
		return
	}
	g.stop = g.ix.Follow(d.store)
	ctx, cancel := context.WithCancel(context.Background())
	g.cancel = cancel
	go d.buildSearchIndex(ctx, g)
}

func (d *Desk) buildSearchIndex(ctx context.Context, g *globalSearch) {
	start := time.Now()
	var last time.Time
	err := g.ix.Build(ctx, d.store, func(done, total int) {
		g.done.Store(int64(done))
		g.total.Store(int64(total))
		if time.Since(last) > 250*time.Millisecond {
			last = time.Now()
			d.do(func() {
				if g.view != nil {
					g.view.showStatus()
				}
			})
		}
	})
	if ctx.Err() != nil {
		return // the desk closed
	}
	if err != nil {
		g.failed.Store(true)
		d.log.WithError(err).Error("Build the search index")
	} else {
		d.log.WithFields(map[string]any{"records": g.ix.Len(), "seconds": time.Since(start).Seconds()}).Debug("Search index built")
		if g.ix.Len() > 10000 {
			// The build read every record once: hand that garbage back to
			// the system now rather than keep it until the heap doubles.
			debug.FreeOSMemory()
		}
	}
	d.do(func() {
		if g.view != nil {
			g.view.run()
		}
	})
}

func (d *Desk) stopSearchIndex() {
	if d.search != nil && d.search.stop != nil {
		d.search.cancel()
		d.search.stop()
	}
}

// openSearch shows the search view, or puts the cursor back in its box
// when it is already on top. Main goroutine only.
func (d *Desk) openSearch() {
	if g := d.search; g != nil && g.view != nil && len(d.views) > 0 && d.views[len(d.views)-1].content == g.view.root {
		g.view.focus()
		return
	}
	d.tips.hideAll()
	d.ensureSearchIndex()
	v := &searchView{d: d, g: d.search}
	v.root = withKeys(v.build(), v.takeKey)
	d.push(v.root, v.close)
	d.search.view = v
	v.showStatus()
	v.focus()
}

// searchRow is a line of the results: a kind's heading or one hit.
type searchRow struct {
	heading bool
	kind    storage.Kind
	total   int
	hit     search.Hit
}

// searchView is the search box over the results grouped by kind.
type searchView struct {
	d    *Desk
	g    *globalSearch
	root fyne.CanvasObject

	// Main goroutine only.
	entry     *queryEntry
	status    *widget.Label
	list      *widget.List
	rows      []searchRow
	selected  int // row with the keyboard cursor, -1 for none
	seq       int // the latest query run; older answers are dropped
	timer     *time.Timer
	err       error
	ran       bool // a query has answered
	closed    bool
	selecting bool // the list's selection moves by keyboard, not a click
}

func (v *searchView) build() fyne.CanvasObject {
	v.selected = -1
	v.entry = newQueryEntry()
	v.entry.SetPlaceHolder(lang.L("Search messages, customers, orders, calls and notes"))
	v.entry.OnChanged = func(string) { v.schedule() }
	v.entry.onKey = v.entryKey
	v.status = widget.NewLabel("")
	v.status.Importance = widget.LowImportance
	hint := widget.NewLabel(lang.L("Filters: from: to: tag: status: before:2025-11-01 after:2025-10-01 has:attachment"))
	hint.Importance = widget.LowImportance
	hint.Truncation = fyne.TextTruncateEllipsis
	v.list = widget.NewList(func() int { return len(v.rows) }, v.newRow, v.updateRow)
	v.list.OnSelected = func(id widget.ListItemID) {
		if v.selecting {
			return
		}
		v.selected = id
		v.open(id)
	}
	back := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { v.d.pop() })
	title := widget.NewLabelWithStyle(lang.L("Search everything"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(
		container.NewBorder(nil, nil, container.NewHBox(back, title), nil),
		v.entry,
		container.NewBorder(nil, nil, nil, v.status, hint),
	)
	return container.NewBorder(top, nil, nil, nil, v.list)
}

func (v *searchView) close() {
	v.closed = true
	if v.timer != nil {
		v.timer.Stop()
	}
	if v.g.view == v {
		v.g.view = nil
	}
}

func (v *searchView) focus() {
	v.d.win.Canvas().Focus(v.entry)
}

// schedule runs the query shortly after the last keystroke.
func (v *searchView) schedule() {
	if v.timer != nil {
		v.timer.Stop()
	}
	v.timer = time.AfterFunc(searchDelay, func() { v.d.do(v.run) })
}

// run searches for the box's text off the main goroutine. Main goroutine.
func (v *searchView) run() {
	if v.closed {
		return
	}
	v.seq++
	seq, q := v.seq, strings.TrimSpace(v.entry.Text)
	if q == "" {
		v.apply(seq, search.Results{}, nil)
		return
	}
	ix, st := v.g.ix, v.d.store
	go func() {
		res, err := ix.Search(st, q, search.Options{Limit: searchLimit})
		v.d.do(func() { v.apply(seq, res, err) })
	}()
}

func (v *searchView) apply(seq int, res search.Results, err error) {
	if seq != v.seq || v.closed {
		return
	}
	v.err = err
	v.ran = strings.TrimSpace(v.entry.Text) != ""
	v.rows = v.rows[:0]
	for _, g := range res.Groups {
		v.rows = append(v.rows, searchRow{heading: true, kind: g.Kind, total: g.Total})
		for _, h := range g.Hits {
			v.rows = append(v.rows, searchRow{kind: g.Kind, hit: h})
		}
	}
	v.selected = -1
	if len(v.rows) > 1 {
		v.selected = 1 // the best hit: Enter opens it
	}
	v.list.UnselectAll()
	// Headings take one line; hits two.
	headingHeight := widget.NewLabel("M").MinSize().Height
	for i, r := range v.rows {
		if r.heading {
			v.list.SetItemHeight(i, headingHeight)
		}
	}
	v.list.Refresh()
	v.markSelected()
	v.showStatus()
}

// showStatus says how the index and the last query stand.
func (v *searchView) showStatus() {
	g := v.g
	var qe *search.QueryError
	switch {
	case g.failed.Load():
		v.status.SetText(lang.L("Search is unavailable: see the log"))
	case !g.ix.Ready():
		v.status.SetText(lang.L("Indexing… {{.Done}} of {{.Total}}", map[string]any{
			"Done": countText(g.done.Load()), "Total": countText(g.total.Load())}))
	case errors.As(v.err, &qe) && (qe.Key == "before" || qe.Key == "after"):
		v.status.SetText(lang.L("Write dates as 2025-11-20"))
	case errors.As(v.err, &qe):
		v.status.SetText(lang.L("Use has:attachment"))
	case v.err != nil:
		v.status.SetText(lang.L("Search failed: see the log"))
		v.d.log.WithError(v.err).Error("Search")
	case !v.ran:
		v.status.SetText("")
	case len(v.rows) == 0:
		v.status.SetText(lang.L("Nothing found"))
	default:
		n := 0
		for _, r := range v.rows {
			if r.heading {
				n += r.total
			}
		}
		v.status.SetText(lang.L("{{.Count}} found", map[string]any{"Count": countText(int64(n))}))
	}
}

func countText(n int64) string { return groupThousands(strconv.FormatInt(n, 10)) }

func kindHeading(k storage.Kind, total int) string {
	var name string
	switch k {
	case storage.KindMessage:
		name = lang.L("Messages")
	case storage.KindCustomer:
		name = lang.L("Customers")
	case storage.KindOrder:
		name = lang.L("Orders")
	case storage.KindCall:
		name = lang.L("Calls")
	case storage.KindNote:
		name = lang.L("Notes")
	}
	return name + " (" + countText(int64(total)) + ")"
}

// A row: a heading label, or the hit's title and snippet with the matches
// highlighted, and its date.
func (v *searchView) newRow() fyne.CanvasObject {
	heading := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title := widget.NewRichText()
	title.Truncation = fyne.TextTruncateEllipsis
	snippet := widget.NewRichText()
	snippet.Truncation = fyne.TextTruncateEllipsis
	date := widget.NewLabel("")
	date.Importance = widget.LowImportance
	hit := container.NewBorder(nil, nil, nil, date, container.NewVBox(title, snippet))
	return container.NewStack(heading, hit)
}

func (v *searchView) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(v.rows) {
		return
	}
	r := v.rows[id]
	stack := o.(*fyne.Container)
	heading := stack.Objects[0].(*widget.Label)
	hit := stack.Objects[1].(*fyne.Container)
	if r.heading {
		heading.SetText(kindHeading(r.kind, r.total))
		heading.Show()
		hit.Hide()
		return
	}
	heading.Hide()
	hit.Show()
	texts := hit.Objects[0].(*fyne.Container)
	title := texts.Objects[0].(*widget.RichText)
	snippet := texts.Objects[1].(*widget.RichText)
	date := hit.Objects[1].(*widget.Label)
	t := r.hit.Title
	if t == "" {
		t = lang.L("(no subject)")
	}
	title.Segments = highlighted(t, r.hit.TitleMatches, true)
	title.Refresh()
	snippet.Segments = highlighted(r.hit.Snippet, r.hit.SnippetMatches, false)
	snippet.Refresh()
	if r.hit.Date.IsZero() {
		date.SetText("")
	} else {
		date.SetText(formatDate(r.hit.Date))
	}
}

// highlighted cuts s into plain text segments and highlighted matches:
// never Markdown, the text is the customer's.
func highlighted(s string, ranges []search.Range, strong bool) []widget.RichTextSegment {
	plain := widget.RichTextStyleInline
	if strong {
		plain = widget.RichTextStyleStrong
	}
	plain.Inline = true
	mark := widget.RichTextStyle{Inline: true, ColorName: theme.ColorNamePrimary, TextStyle: fyne.TextStyle{Bold: true}}
	var segs []widget.RichTextSegment
	at := 0
	for _, r := range ranges {
		if r.Start < at || r.End > len(s) || r.Start >= r.End {
			continue
		}
		if r.Start > at {
			segs = append(segs, &widget.TextSegment{Text: s[at:r.Start], Style: plain})
		}
		segs = append(segs, &widget.TextSegment{Text: s[r.Start:r.End], Style: mark})
		at = r.End
	}
	if at < len(s) || len(segs) == 0 {
		segs = append(segs, &widget.TextSegment{Text: s[at:], Style: plain})
	}
	return segs
}

// entryKey moves through the results while the cursor stays in the box.
func (v *searchView) entryKey(k *fyne.KeyEvent) bool {
	switch k.Name {
	case fyne.KeyDown:
		v.move(1)
	case fyne.KeyUp:
		v.move(-1)
	case fyne.KeyReturn, fyne.KeyEnter:
		v.open(v.selected)
	case fyne.KeyEscape:
		v.d.pop()
	default:
		return false
	}
	return true
}

// takeKey is for when the box does not have the keys.
func (v *searchView) takeKey(k keyPress) bool {
	switch {
	case k.name == fyne.KeyDown || k.r == 'j':
		v.move(1)
	case k.name == fyne.KeyUp || k.r == 'k':
		v.move(-1)
	case k.name == fyne.KeyReturn || k.name == fyne.KeyEnter:
		v.open(v.selected)
	case k.r == '/':
		v.focus()
	default:
		return false
	}
	return true
}

// move steps the cursor over the hits, skipping headings.
func (v *searchView) move(step int) {
	i := v.selected
	for {
		i += step
		if i < 0 || i >= len(v.rows) {
			return
		}
		if !v.rows[i].heading {
			break
		}
	}
	v.selected = i
	v.markSelected()
}

func (v *searchView) markSelected() {
	v.selecting = true
	defer func() { v.selecting = false }()
	if v.selected < 0 || v.selected >= len(v.rows) {
		v.list.UnselectAll()
		return
	}
	v.list.Select(v.selected)
	v.list.ScrollTo(v.selected)
}

// open shows the record of a hit over the search view; Esc comes back.
func (v *searchView) open(id int) {
	if id < 0 || id >= len(v.rows) || v.rows[id].heading {
		return
	}
	h := v.rows[id].hit
	d := v.d
	switch h.Kind {
	case storage.KindMessage:
		d.actions.openConversation(h.ConversationID)
	case storage.KindCustomer:
		d.openCustomer(h.ID)
	case storage.KindOrder:
		d.openOrder(h.ID, h.CustomerID)
	case storage.KindNote:
		if h.ConversationID != 0 {
			d.actions.openConversation(h.ConversationID)
		} else {
			d.openCustomer(h.CustomerID)
		}
	case storage.KindCall:
		d.openCustomer(h.CustomerID)
	}
}

// queryEntry is the search box; it offers its keys to the view first.
type queryEntry struct {
	widget.Entry
	onKey func(*fyne.KeyEvent) bool
}

func newQueryEntry() *queryEntry {
	e := &queryEntry{}
	e.ExtendBaseWidget(e)
	return e
}

func (e *queryEntry) TypedKey(k *fyne.KeyEvent) {
	if e.onKey != nil && e.onKey(k) {
		return
	}
	e.Entry.TypedKey(k)
}
