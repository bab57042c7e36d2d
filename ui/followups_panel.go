package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// dueSideLimit bounds the inbox's follow-up panel: it is a reminder, the
// Follow-ups screen has the rest.
const dueSideLimit = 50

// dueSidePanel is the narrow list beside the inbox of the follow-ups due
// today or overdue. It follows follow-up changes on its own, reading only
// the due index up to the end of today.
type dueSidePanel struct {
	d *Desk

	rows        []followUpRow // main goroutine only
	list        *widget.List
	title       *widget.Label
	empty       *widget.Label
	content     *fyne.Container
	reload      *throttle
	unsubscribe func()
}

func newDueSidePanel(d *Desk) *dueSidePanel {
	p := &dueSidePanel{d: d}
	p.reload = newThrottle(reloadEvery, p.load)
	return p
}

func (p *dueSidePanel) build() fyne.CanvasObject {
	p.title = widget.NewLabelWithStyle(lang.L("Due today"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.empty = widget.NewLabel(lang.L("Nothing due today."))
	p.empty.Importance = widget.LowImportance
	p.empty.Wrapping = fyne.TextWrapWord
	p.list = widget.NewList(
		func() int { return len(p.rows) },
		func() fyne.CanvasObject {
			due := newTruncLabel(false)
			due.SizeName = theme.SizeNameCaptionText
			return twoLines(newTruncLabel(true), due)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(p.rows) {
				return
			}
			r := p.rows[id]
			lines := o.(*fyne.Container).Objects
			lines[0].(*widget.Label).SetText(customerName(r.customer) + " · " + followUpTitle(r.followUp))
			setDueLabel(lines[1].(*widget.Label), r.followUp.Due, p.d.now())
		})
	p.list.OnSelected = func(id widget.ListItemID) {
		p.list.UnselectAll()
		if id < len(p.rows) {
			openFollowUp(p.d, p.rows[id].followUp)
		}
	}
	all := widget.NewButton(lang.L("All follow-ups"), func() {
		for i, pg := range p.d.pages {
			if pg.screen == p.d.followUps {
				p.d.nav.Select(i)
			}
		}
	})
	all.Importance = widget.LowImportance
	body := container.NewStack(p.list, container.NewVBox(p.empty))
	p.content = container.NewBorder(p.title, all, nil, nil, body)
	p.unsubscribe = p.d.store.Subscribe(func(events []storage.Event) {
		for _, e := range events {
			if e.Kind == storage.KindFollowUp || e.Kind == storage.KindCustomer {
				p.reload.Trigger()
				return
			}
		}
	})
	p.reload.Trigger()
	return container.New(fixedWidth(240), p.content)
}

func (p *dueSidePanel) load() {
	now := p.d.now()
	local := now.In(time.Local)
	y, m, d := local.Date()
	endOfDay := time.Date(y, m, d+1, 0, 0, 0, 0, time.Local)
	var rows []followUpRow
	err := p.d.store.View(func(tx *storage.Tx) error {
		var err error
		rows, _, err = readOpenFollowUps(tx, endOfDay, dueSideLimit)
		return err
	})
	if err != nil {
		p.d.log.WithError(err).Error("Load today's follow-ups")
	}
	p.d.do(func() {
		p.rows = rows
		p.title.SetText(lang.L("Due today ({{.Count}})", map[string]any{"Count": len(rows)}))
		p.empty.Hidden = len(rows) > 0
		p.empty.Refresh()
		p.list.Refresh()
	})
}

func (p *dueSidePanel) stop() {
	p.reload.Stop()
	if p.unsubscribe != nil {
		p.unsubscribe()
	}
}

// fixedWidth lays its objects out at a width and the full height.
type fixedWidth float32

func (w fixedWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objects {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(w), h)
}

func (w fixedWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(float32(w), size.Height))
	}
}
