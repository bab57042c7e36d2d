package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// ordersScreen lists the shop's orders with their shipping state.
type ordersScreen struct {
	d *Desk

	pager  pager
	rows   []orderRow // main goroutine only
	table  *widget.Table
	panel  *panel
	footer *footer
}

type orderRow struct {
	order    storage.Order
	customer storage.Customer
}

func (s *ordersScreen) watches(k storage.Kind) bool {
	return k == storage.KindOrder || k == storage.KindCustomer
}

func (s *ordersScreen) columns() []column[orderRow] {
	return []column[orderRow]{
		{lang.L("Order number"), 175, func(r orderRow) string { return r.order.Number }},
		{lang.L("Platform"), 100, func(r orderRow) string { return platformName(r.order.Platform) }},
		{lang.L("Status"), 150, func(r orderRow) string { return orderStatusName(r.order.Status) }},
		{lang.L("Total"), 105, func(r orderRow) string { return formatMoney(r.order.Total, r.order.Currency) }},
		{lang.L("Tracking"), 200, func(r orderRow) string {
			return strings.TrimSpace(r.order.Carrier + " " + r.order.Tracking)
		}},
		{lang.L("Customer"), 140, func(r orderRow) string { return customerName(r.customer) }},
	}
}

func (s *ordersScreen) build() fyne.CanvasObject {
	s.table = newRecordTable(s.columns(), func() []orderRow { return s.rows }, func(row int) {
		if s.pager.near(row, len(s.rows)) {
			s.d.pageOf(s).reload.Trigger()
		}
	})
	s.panel = newPanel(s.table, theme.DocumentIcon(), lang.L("No orders yet. Orders you record or import are listed here with their tracking numbers."))
	s.footer = newFooter()
	return screenFrame(lang.L("Orders"), nil, s.panel.content, s.footer)
}

func (s *ordersScreen) load() {
	var rows []orderRow
	var total int
	err := s.d.store.View(func(tx *storage.Tx) error {
		found, err := tx.Orders(0, s.pager.limit())
		if err != nil {
			return err
		}
		total = tx.CountOrders()
		rows = make([]orderRow, len(found))
		for i, o := range found {
			rows[i].order = o
			rows[i].customer, _ = tx.Customer(o.CustomerID)
		}
		return nil
	})
	if err != nil {
		s.d.log.WithError(err).Error("Load the orders")
	}
	s.d.do(func() {
		s.rows = rows
		s.pager.loaded(len(rows), total)
		s.table.Refresh()
		s.footer.setShown(len(rows), total)
		s.panel.show(len(rows), err)
	})
}
