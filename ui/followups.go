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

// followUpsLimit bounds one read; open follow-ups come earliest-due first,
// so the ones that matter today are always inside it.
const followUpsLimit = 500

// followUpsScreen lists open follow-ups by due time; overdue ones stand out.
type followUpsScreen struct {
	d *Desk

	rows   []followUpRow // main goroutine only
	list   *widget.List
	panel  *panel
	footer *footer
}

type followUpRow struct {
	followUp storage.FollowUp
	customer storage.Customer
}

func (s *followUpsScreen) watches(k storage.Kind) bool {
	return k == storage.KindFollowUp || k == storage.KindCustomer
}

func (s *followUpsScreen) build() fyne.CanvasObject {
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			due := widget.NewLabel("")
			due.Alignment = fyne.TextAlignTrailing
			return container.NewBorder(nil, nil, nil, due,
				twoLines(newTruncLabel(true), newTruncLabel(false)))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.rows) {
				s.updateRow(s.rows[id], o.(*fyne.Container))
			}
		})
	s.panel = newPanel(s.list, theme.CalendarIcon(), lang.L("No follow-ups due. Call-backs and reminders you schedule appear here."))
	s.footer = newFooter()
	return screenFrame(lang.L("Follow-ups"), nil, s.panel.content, s.footer)
}

func (s *followUpsScreen) updateRow(r followUpRow, row *fyne.Container) {
	texts := row.Objects[0].(*fyne.Container).Objects
	texts[0].(*widget.Label).SetText(customerName(r.customer) + " · " + followUpKindName(r.followUp.Kind))
	texts[1].(*widget.Label).SetText(oneLine(r.followUp.Note))

	due := row.Objects[1].(*widget.Label)
	now := s.d.now()
	switch left := r.followUp.Due.Sub(now); {
	case left < 0:
		due.Importance = widget.DangerImportance
		due.Text = lang.L("Overdue by {{.Time}}", map[string]any{"Time": formatDuration(-left)})
	default:
		due.Importance = widget.MediumImportance
		due.Text = lang.L("Due {{.Date}}", map[string]any{"Date": formatDate(r.followUp.Due)})
	}
	due.Refresh()
}

func (s *followUpsScreen) load() {
	var rows []followUpRow
	var total int
	err := s.d.store.View(func(tx *storage.Tx) error {
		fs, err := tx.FollowUpsDue(time.Time{}, followUpsLimit)
		if err != nil {
			return err
		}
		total = tx.CountOpenFollowUps()
		rows = make([]followUpRow, len(fs))
		for i, f := range fs {
			rows[i].followUp = f
			rows[i].customer, _ = tx.Customer(f.CustomerID)
		}
		return nil
	})
	if err != nil {
		s.d.log.WithError(err).Error("Load the follow-ups")
	}
	s.d.do(func() {
		s.rows = rows
		s.list.Refresh()
		s.footer.setShown(len(rows), total)
		s.panel.show(len(rows), err)
	})
}

// refreshClocks turns follow-ups red as they fall due.
func (s *followUpsScreen) refreshClocks() {
	if s.list != nil {
		s.list.Refresh()
	}
}
