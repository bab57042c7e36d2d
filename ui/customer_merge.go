package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// mergeDialog merges another customer into this one (or this one into
// the other): find the other, see which value wins field by field, swap
// which one is kept, confirm.
type mergeDialog struct {
	p        *profileView
	search   *widget.Entry
	found    []storage.Customer // main goroutine only
	list     *widget.List
	other    uint64
	keepThis bool
	plan     storage.MergePlan
	preview  *widget.Table
	moves    *widget.Label
	swap     *widget.Button
	confirm  *widget.Button
	problem  *widget.Label
	dlg      *dialog.CustomDialog
	find     *throttle

	mu    sync.Mutex
	query string // the search as typed, for loads off the main goroutine
}

// mergeMaxFound bounds the customers offered while searching.
const mergeMaxFound = 50

func (p *profileView) showMerge() *mergeDialog {
	m := &mergeDialog{p: p, keepThis: true}
	m.search = widget.NewEntry()
	m.search.SetPlaceHolder(lang.L("Search name, email, phone, tag or order number"))
	m.find = newThrottle(reloadEvery, m.load)
	m.search.OnChanged = func(text string) {
		m.mu.Lock()
		m.query = text
		m.mu.Unlock()
		m.find.Trigger()
	}
	m.list = widget.NewList(
		func() int { return len(m.found) },
		func() fyne.CanvasObject { return twoLines(newTruncLabel(true), newTruncLabel(false)) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(m.found) {
				return
			}
			c := m.found[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(customerName(c))
			box.Objects[1].(*widget.Label).SetText(joinText(segmentName(c.Segment), joinText(firstOf(c.Emails), firstOf(phoneNumbers(c.Phones)))))
		})
	m.list.OnSelected = func(id widget.ListItemID) {
		if id < len(m.found) {
			m.other = m.found[id].ID
			m.loadPlan()
		}
	}
	m.preview = widget.NewTable(
		func() (int, int) { return len(m.plan.Fields) + 1, 5 },
		func() fyne.CanvasObject { return newTruncLabel(false) },
		func(id widget.TableCellID, o fyne.CanvasObject) { m.cell(id, o.(*widget.Label)) })
	for i, w := range []float32{100, 170, 170, 200, 120} {
		m.preview.SetColumnWidth(i, w)
	}
	m.moves = widget.NewLabel("")
	m.moves.Wrapping = fyne.TextWrapWord
	m.problem = widget.NewLabel("")
	m.problem.Importance = widget.DangerImportance
	m.problem.Hide()
	m.swap = widget.NewButtonWithIcon(lang.L("Keep the other one"), theme.ViewRefreshIcon(), func() {
		m.keepThis = !m.keepThis
		m.loadPlan()
	})
	m.confirm = widget.NewButtonWithIcon(lang.L("Merge"), theme.ConfirmIcon(), m.merge)
	m.confirm.Importance = widget.DangerImportance
	m.swap.Disable()
	m.confirm.Disable()
	cancel := widget.NewButton(lang.L("Cancel"), func() { m.dlg.Hide() })
	pick := container.NewBorder(m.search, nil, nil, nil, container.NewGridWrap(fyne.NewSize(700, 150), m.list))
	body := container.NewBorder(
		container.NewVBox(caption(lang.L("Merge {{.Name}} with:", map[string]any{"Name": customerName(p.customer)})), pick),
		container.NewVBox(m.moves, m.problem, container.NewHBox(m.swap, layout.NewSpacer(), cancel, m.confirm)),
		nil, nil, container.NewGridWrap(fyne.NewSize(780, 260), m.preview))
	m.dlg = dialog.NewCustomWithoutButtons(lang.L("Merge customers"), body, p.d.win)
	m.dlg.SetOnClosed(m.find.Stop)
	showWide(m.dlg, 820)
	p.d.win.Canvas().Focus(m.search)
	m.find.Trigger()
	p.mergeShown = m
	return m
}

func firstOf(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[0]
}

// load finds the customers the search names, this one left out.
func (m *mergeDialog) load() {
	m.mu.Lock()
	text := m.query
	m.mu.Unlock()
	self := m.p.stored.Load()
	var found []storage.Customer
	err := m.p.d.store.View(func(tx *storage.Tx) error {
		ids, err := tx.FindCustomers(storage.Matching(text))
		if err != nil {
			return err
		}
		var pick []uint64
		for _, id := range ids {
			if id != self && len(pick) < mergeMaxFound {
				pick = append(pick, id)
			}
		}
		found, err = tx.CustomersByID(pick)
		return err
	})
	if err != nil {
		m.p.d.log.WithError(err).Error("Find customers to merge")
	}
	m.p.d.do(func() {
		m.found = found
		m.list.UnselectAll()
		m.list.Refresh()
	})
}

func (m *mergeDialog) ids() (keep, gone uint64) {
	if m.keepThis {
		return m.p.id, m.other
	}
	return m.other, m.p.id
}

// loadPlan previews the merge as chosen, read off the main goroutine.
func (m *mergeDialog) loadPlan() {
	keep, gone := m.ids()
	m.swap.Disable()
	m.confirm.Disable()
	go func() {
		var plan storage.MergePlan
		err := m.p.d.store.View(func(tx *storage.Tx) error {
			var err error
			plan, err = tx.MergePreview(keep, gone)
			return err
		})
		if err != nil {
			m.p.d.log.WithError(err).Error("Preview a merge")
		}
		m.p.d.do(func() { m.showPlan(plan, err) })
	}()
}

func (m *mergeDialog) showPlan(plan storage.MergePlan, err error) {
	if err != nil {
		m.problem.SetText(lang.L("Shopdesk could not read the two customers."))
		m.problem.Show()
		return
	}
	m.problem.Hide()
	m.plan = plan
	m.preview.Refresh()
	m.moves.SetText(lang.L("{{.Gone}} will be deleted after everything moves to {{.Keep}}: conversations {{.Conversations}}, orders {{.Orders}}, calls {{.Calls}}, notes {{.Notes}}, follow-ups {{.FollowUps}}.",
		map[string]any{"Gone": customerName(plan.Gone), "Keep": customerName(plan.Keep), "Conversations": plan.Conversations,
			"Orders": plan.Orders, "Calls": plan.Calls, "Notes": plan.Notes, "FollowUps": plan.FollowUps}))
	m.swap.Enable()
	m.confirm.Enable()
}

func (m *mergeDialog) cell(id widget.TableCellID, l *widget.Label) {
	l.TextStyle = fyne.TextStyle{}
	if id.Row == 0 {
		l.TextStyle.Bold = true
		l.Text = []string{lang.L("Field"), lang.L("Kept customer"), lang.L("Merged away"), lang.L("Result"), lang.L("Taken from")}[id.Col]
		l.Refresh()
		return
	}
	if id.Row-1 >= len(m.plan.Fields) {
		l.SetText("")
		return
	}
	f := m.plan.Fields[id.Row-1]
	vals := []string{mergeFieldName(f.Field), f.Keep, f.Gone, f.Result, mergeSource(f)}
	if f.Field == "segment" {
		for i := 1; i < 4; i++ {
			vals[i] = segmentName(storage.Segment(vals[i]))
		}
	}
	// The value that wins is in bold (and named in words in the last column:
	// CJK text shows no bold).
	l.TextStyle.Bold = (id.Col == 2 && f.FromGone) || (id.Col == 1 && !f.FromGone && f.Keep != "")
	l.Text = oneLine(vals[id.Col])
	l.Refresh()
}

// mergeSource says in words where a field's merged value comes from.
func mergeSource(f storage.MergeField) string {
	switch {
	case f.Result == "":
		return ""
	case f.FromGone && f.Keep != "":
		return lang.L("Both")
	case f.FromGone:
		return lang.L("Merged away")
	}
	return lang.L("Kept customer")
}

func mergeFieldName(f string) string {
	switch f {
	case "name":
		return lang.L("Name")
	case "address":
		return lang.L("Address")
	case "language":
		return lang.L("Language")
	case "birthday":
		return lang.L("Birthday")
	case "segment":
		return lang.L("Segment")
	case "emails":
		return lang.L("Email")
	case "phones":
		return lang.L("Phone")
	case "im":
		return lang.L("Chat accounts")
	case "tags":
		return lang.L("Tags")
	case "notes":
		return lang.L("Notes")
	}
	return f
}

func (m *mergeDialog) merge() {
	keep, gone := m.ids()
	m.confirm.Disable()
	p := m.p
	go func() {
		err := p.d.store.Update(func(tx *storage.Tx) error {
			_, err := tx.MergeCustomers(keep, gone)
			return err
		})
		if err != nil {
			p.d.log.WithError(err).WithField("keep", keep).WithField("gone", gone).Error("Merge customers")
		}
		p.d.do(func() {
			if err != nil {
				m.confirm.Enable()
				m.problem.SetText(lang.L("Shopdesk could not merge the customers."))
				m.problem.Show()
				return
			}
			m.dlg.Hide()
			if keep != p.id {
				// This profile was merged away: show the one that stays.
				p.d.pop()
				p.d.openCustomer(keep)
				return
			}
			p.editor.dirty = false
			p.reload.Trigger()
		})
	}()
}
