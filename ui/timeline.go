package ui

import (
	"slices"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// timelineKinds are the timeline's filter chips, in the order shown.
var timelineKinds = []struct {
	kind  storage.TimelineKind
	label func() string
}{
	{storage.TimelineMessage, func() string { return lang.L("Emails") }},
	{storage.TimelineCall, func() string { return lang.L("Calls") }},
	{storage.TimelineNote, func() string { return lang.L("Notes") }},
	{storage.TimelineOrder, func() string { return lang.L("Orders") }},
	{storage.TimelineAfterSales, func() string { return lang.L("After-sales cases") }},
	{storage.TimelineFollowUp, func() string { return lang.L("Follow-ups") }},
}

// timelineView lists everything that happened with a customer, newest
// first (what a seller opens it for is the latest), with a chip per kind
// to narrow it. It is a widget of its own: the customer profile embeds
// it, and the conversation's side panel opens it as a view.
type timelineView struct {
	d          *Desk
	customerID atomic.Uint64 // 0 shows nothing (a customer not yet saved)

	all     []storage.TimelineEntry // newest first; main goroutine only
	entries []storage.TimelineEntry // the ones the chips let through
	hidden  map[storage.TimelineKind]bool
	chips   map[storage.TimelineKind]*widget.Check
	list    *widget.List
	panel   *panel
	content fyne.CanvasObject
	loaded  bool
}

func newTimelineView(d *Desk, customerID uint64) *timelineView {
	t := &timelineView{d: d, hidden: map[storage.TimelineKind]bool{}, chips: map[storage.TimelineKind]*widget.Check{}}
	t.customerID.Store(customerID)
	t.list = widget.NewList(
		func() int { return len(t.entries) },
		func() fyne.CanvasObject {
			// Fixed columns keep the kinds in line down the list.
			date, kind := newTruncLabel(false), newTruncLabel(true)
			h := date.MinSize().Height
			return container.NewBorder(nil, nil, container.NewHBox(
				container.NewGridWrap(fyne.NewSize(175, h), date),
				container.NewGridWrap(fyne.NewSize(190, h), kind)), nil, newTruncLabel(false))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(t.entries) {
				return
			}
			e := t.entries[id]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(timelineText(e))
			left := row.Objects[1].(*fyne.Container).Objects
			left[0].(*fyne.Container).Objects[0].(*widget.Label).SetText(formatDate(e.At))
			left[1].(*fyne.Container).Objects[0].(*widget.Label).SetText(timelineKindName(e))
		})
	chips := container.NewHBox()
	for _, k := range timelineKinds {
		c := widget.NewCheck(k.label(), func(on bool) {
			t.hidden[k.kind] = !on
			t.apply()
		})
		c.Checked = true
		t.chips[k.kind] = c
		chips.Add(c)
	}
	t.panel = newPanel(t.list, theme.HistoryIcon(), lang.L("Nothing has happened with this customer yet."))
	t.content = container.NewBorder(container.NewHScroll(chips), nil, nil, nil, t.panel.content)
	return t
}

// showTimeline pushes a customer's timeline over the current view.
func (d *Desk) showTimeline(c storage.Customer) *timelineView {
	t := newTimelineView(d, c.ID)
	back := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { d.pop() })
	title := widget.NewLabelWithStyle(lang.L("Timeline of {{.Name}}", map[string]any{"Name": customerName(c)}),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Truncation = fyne.TextTruncateEllipsis
	content := container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, back, nil, title), widget.NewSeparator()),
		nil, nil, nil, t.content)
	d.push(content, nil)
	go t.load()
	return t
}

// load reads the timeline off the main goroutine.
func (t *timelineView) load() {
	id := t.customerID.Load()
	var entries []storage.TimelineEntry
	err := t.d.store.View(func(tx *storage.Tx) error {
		if id == 0 {
			return nil
		}
		var err error
		entries, err = tx.Timeline(id)
		return err
	})
	if err != nil {
		t.d.log.WithError(err).WithField("customer", id).Error("Load the timeline")
	}
	slices.Reverse(entries) // the store keeps time order; the seller reads from the latest
	t.d.do(func() {
		t.all, t.loaded = entries, true
		if err != nil {
			t.panel.showError()
			return
		}
		t.apply()
	})
}

// apply shows the entries of the kinds the chips let through.
func (t *timelineView) apply() {
	t.entries = t.entries[:0:0]
	for _, e := range t.all {
		if !t.hidden[e.Kind] {
			t.entries = append(t.entries, e)
		}
	}
	t.list.Refresh()
	switch {
	case len(t.all) == 0:
		t.panel.showEmpty()
		return
	case len(t.entries) == 0:
		t.panel.setNotice(theme.HistoryIcon(), lang.L("Nothing of the kinds ticked above."))
		return
	}
	t.panel.showMain()
	t.list.ScrollToTop()
}
