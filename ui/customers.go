package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// customersScreen is the customer archive as a table.
type customersScreen struct {
	d *Desk

	pager  pager
	rows   []storage.Customer // main goroutine only
	table  *widget.Table
	panel  *panel
	footer *footer
}

func (s *customersScreen) watches(k storage.Kind) bool { return k == storage.KindCustomer }

func (s *customersScreen) columns() []column[storage.Customer] {
	return []column[storage.Customer]{
		{lang.L("Name"), 220, func(c storage.Customer) string { return customerName(c) }},
		{lang.L("Segment"), 150, func(c storage.Customer) string { return segmentName(c.Segment) }},
		{lang.L("Email"), 280, func(c storage.Customer) string { return strings.Join(c.Emails, ", ") }},
		{lang.L("Phone"), 200, func(c storage.Customer) string {
			nums := make([]string, len(c.Phones))
			for i, p := range c.Phones {
				nums[i] = p.Number
			}
			return strings.Join(nums, ", ")
		}},
	}
}

func (s *customersScreen) build() fyne.CanvasObject {
	s.table = newRecordTable(s.columns(), func() []storage.Customer { return s.rows }, func(row int) {
		if s.pager.near(row, len(s.rows)) {
			s.d.pageOf(s).reload.Trigger()
		}
	})
	s.panel = newPanel(s.table, theme.AccountIcon(), lang.L("No customers yet. Everyone who writes to the shop gets a customer card here."))
	s.footer = newFooter()
	return screenFrame(lang.L("Customers"), nil, s.panel.content, s.footer)
}

func (s *customersScreen) load() {
	var rows []storage.Customer
	var total int
	err := s.d.store.View(func(tx *storage.Tx) error {
		var err error
		rows, err = tx.Customers(0, s.pager.limit())
		total = tx.CountCustomers()
		return err
	})
	if err != nil {
		s.d.log.WithError(err).Error("Load the customers")
	}
	s.d.do(func() {
		s.rows = rows
		s.pager.loaded(len(rows), total)
		s.table.Refresh()
		s.footer.setShown(len(rows), total)
		s.panel.show(len(rows), err)
	})
}
