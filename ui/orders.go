package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// ordersScreen lists the shop's orders, latest placed first, with a
// search by order or tracking number and filters; a row opens the order.
type ordersScreen struct {
	d *Desk

	listQuery[storage.OrderFilter]
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
		{lang.L("Status"), 130, func(r orderRow) string { return orderStatusName(r.order.Status) }},
		{lang.L("Total"), 105, func(r orderRow) string { return formatMoney(r.order.Total, r.order.Currency) }},
		{lang.L("Tracking"), 190, func(r orderRow) string {
			return strings.TrimSpace(r.order.Carrier + " " + r.order.Tracking)
		}},
		{lang.L("Customer"), 140, func(r orderRow) string { return customerName(r.customer) }},
		{lang.L("After-sales cases"), 120, func(r orderRow) string {
			if n := len(r.order.Cases); n > 0 {
				c := r.order.Cases[n-1]
				return caseKindName(c.Kind) + " · " + caseStateName(c.State)
			}
			return ""
		}},
		{lang.L("Placed"), 170, func(r orderRow) string { return formatDate(r.order.Placed) }},
	}
}

// orderFilters are the Orders screen's filters, in the order shown.
func (s *ordersScreen) orderFilters() []listFilter[storage.OrderFilter] {
	statuses := []string{lang.L("All statuses")}
	for _, st := range storage.OrderStatuses {
		statuses = append(statuses, orderStatusName(st))
	}
	status := widget.NewSelect(statuses, func(string) { s.filtersChanged() })
	status.SetSelectedIndex(0)
	platforms := []string{lang.L("All platforms")}
	for _, p := range storage.Platforms {
		platforms = append(platforms, platformName(p))
	}
	platform := widget.NewSelect(platforms, func(string) { s.filtersChanged() })
	platform.SetSelectedIndex(0)
	cases := widget.NewCheck(lang.L("Has after-sales"), func(bool) { s.filtersChanged() })
	return []listFilter[storage.OrderFilter]{
		{status, func() storage.OrderFilter {
			if i := status.SelectedIndex(); i > 0 {
				return storage.OrderInStatus(storage.OrderStatuses[i-1])
			}
			return nil
		}},
		{platform, func() storage.OrderFilter {
			if i := platform.SelectedIndex(); i > 0 {
				return storage.OrderOnPlatform(storage.Platforms[i-1])
			}
			return nil
		}},
		{cases, func() storage.OrderFilter {
			if cases.Checked {
				return storage.OrderWithCases()
			}
			return nil
		}},
	}
}

func (s *ordersScreen) build() fyne.CanvasObject {
	s.table = newRecordTable(s.columns(), func() []orderRow { return s.rows }, func(row int) {
		if s.pager.near(row, len(s.rows)) {
			s.d.pageOf(s).reload.Trigger()
		}
	})
	s.table.OnSelected = func(id widget.TableCellID) {
		s.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(s.rows) {
			s.d.openOrder(s.rows[id.Row].order.ID, 0)
		}
	}
	s.filters = s.orderFilters()
	controls := s.controls(lang.L("Search order or tracking number"), s.filtersChanged)
	add := widget.NewButtonWithIcon(lang.L("New order"), theme.ContentAddIcon(), func() { s.d.openOrder(0, 0) })
	add.Importance = widget.HighImportance
	s.panel = newPanel(s.table, theme.DocumentIcon(), lang.L("No orders yet. Orders you record or import are listed here with their tracking numbers."))
	s.footer = newFooter()
	s.set(storage.OrderNumbered)
	body := container.NewBorder(controls, nil, nil, nil, s.panel.content)
	return screenFrame(lang.L("Orders"), add, body, s.footer)
}

// filtersChanged reads the controls (main goroutine) and searches again.
func (s *ordersScreen) filtersChanged() {
	if s.filters == nil {
		return // still building
	}
	s.set(storage.OrderNumbered)
	s.pager.want.Store(0)
	s.d.pageOf(s).reload.Trigger()
}

func (s *ordersScreen) load() {
	query, narrowed := s.current()
	var rows []orderRow
	var total int
	err := s.d.store.View(func(tx *storage.Tx) error {
		ids, err := tx.FindOrders(query...)
		if err != nil {
			return err
		}
		total = len(ids)
		found, err := tx.OrdersByID(ids[:min(len(ids), s.pager.limit())])
		if err != nil {
			return err
		}
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
		if len(rows) == 0 && err == nil && narrowed {
			s.panel.setNotice(theme.SearchIcon(), lang.L("No order matches. Try another number or fewer filters."))
			return
		}
		s.panel.show(len(rows), err)
	})
}
