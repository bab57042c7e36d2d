package ui

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// careListHeight is the room the dormant list takes on the insights page;
// the list scrolls inside it.
const careListHeight = 260

// careList shows the dormant customers (沉睡客户) with a one-click care
// follow-up for each.
type careList struct {
	s *insightsScreen

	// Main goroutine only.
	rows    []storage.DormantCustomer
	pending map[uint64]bool // care follow-ups being saved
	title   *widget.Label
	list    *widget.List
	empty   *widget.Label
	content fyne.CanvasObject
}

func newCareList(s *insightsScreen) *careList {
	c := &careList{s: s, pending: map[uint64]bool{}}
	c.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.title.Wrapping = fyne.TextWrapWord
	c.list = widget.NewList(
		func() int { return len(c.rows) },
		func() fyne.CanvasObject {
			care := widget.NewButtonWithIcon(lang.L("Care follow-up"), theme.CalendarIcon(), nil)
			return container.NewBorder(nil, nil, nil, care, twoLines(newTruncLabel(true), newTruncLabel(false)))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) { c.updateRow(id, o.(*fyne.Container)) })
	c.empty = widget.NewLabel(lang.L("No dormant customers: everyone has been in touch recently."))
	c.empty.Importance = widget.LowImportance
	c.empty.Hide()
	room := canvas.NewRectangle(nil)
	room.SetMinSize(fyne.NewSize(0, careListHeight))
	c.content = container.NewBorder(c.title, nil, nil, nil, container.NewStack(room, c.list, c.empty))
	return c
}

func (c *careList) updateRow(id widget.ListItemID, row *fyne.Container) {
	if id >= len(c.rows) {
		return
	}
	d := c.rows[id]
	lines := row.Objects[0].(*fyne.Container)
	lines.Objects[0].(*widget.Label).SetText(customerName(d.Customer) + "  ·  " + segmentName(d.Customer.Segment))
	last := lang.L("No contact since added on {{.Date}}", map[string]any{"Date": formatDate(d.Customer.Created)})
	if !d.LastContact.IsZero() {
		last = lang.L("Last contact {{.Date}}", map[string]any{"Date": formatDate(d.LastContact)})
	}
	lines.Objects[1].(*widget.Label).SetText(last)
	btn := row.Objects[1].(*widget.Button)
	customerID := d.Customer.ID
	btn.OnTapped = func() { c.scheduleCare(customerID) }
	switch {
	case d.CareOpen:
		btn.SetText(lang.L("Care planned"))
		btn.Disable()
	case c.pending[customerID]:
		btn.Disable()
	default:
		btn.SetText(lang.L("Care follow-up"))
		btn.Enable()
	}
}

// set shows a load's dormant customers.
func (c *careList) set(rows []storage.DormantCustomer, months int) {
	c.rows = rows
	for _, d := range rows {
		if d.CareOpen {
			delete(c.pending, d.Customer.ID)
		}
	}
	c.title.SetText(lang.L("Dormant customers: {{.N}} with no message, call or order for {{.Months}} months", map[string]any{"N": len(rows), "Months": months}))
	if len(rows) == 0 {
		c.empty.Show()
	} else {
		c.empty.Hide()
	}
	c.list.Refresh()
}

// scheduleCare makes a care follow-up due today, once: the store refuses
// a second while one is open, and the button waits for the save.
func (c *careList) scheduleCare(customerID uint64) {
	if c.pending[customerID] {
		return
	}
	c.pending[customerID] = true
	c.list.Refresh()
	d := c.s.d
	note := lang.L("Care call: a dormant customer, no contact for a long time")
	go func() {
		err := d.store.Update(func(tx *storage.Tx) error {
			_, _, err := tx.ScheduleCare(customerID, d.now(), note)
			return err
		})
		if err != nil {
			d.log.WithError(err).WithField("customer", customerID).Error("Schedule a care follow-up")
		}
		d.do(func() {
			if err != nil {
				delete(c.pending, customerID)
				c.list.Refresh()
				dialog.ShowError(errors.New(lang.L("The follow-up could not be saved. The details are in the log.")), d.win)
			}
		})
	}()
}

// dormantFilter is the customer list's "dormant" filter: a check box and
// the storage filter it stands for, for customersScreen.customerFilters.
func (d *Desk) dormantFilter(changed func()) listFilter[storage.CustomerFilter] {
	check := widget.NewCheck(lang.L("Dormant"), func(bool) { changed() })
	return listFilter[storage.CustomerFilter]{check, func() storage.CustomerFilter {
		if check.Checked {
			return storage.Dormant(d.now())
		}
		return nil
	}}
}

// validMonths checks the settings' dormancy period.
func validMonths(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 60 {
		return errors.New(lang.L("Enter a whole number of months from 1 to 60."))
	}
	return nil
}
