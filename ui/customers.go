package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// customersScreen is the customer archive: a search over names,
// addresses, phones, tags and order numbers, filters, and a virtualized
// table whose rows open the customer's profile.
type customersScreen struct {
	d *Desk

	listQuery[storage.CustomerFilter]
	pager  pager
	rows   []storage.Customer // main goroutine only
	table  *widget.Table
	panel  *panel
	footer *footer
	tag    *widget.Select // its options are the tags in use
}

func (s *customersScreen) watches(k storage.Kind) bool {
	switch k {
	case storage.KindCustomer, storage.KindOrder, storage.KindFollowUp, storage.KindConversation:
		return true
	}
	return false
}

func (s *customersScreen) columns() []column[storage.Customer] {
	return []column[storage.Customer]{
		{lang.L("Name"), 200, func(c storage.Customer) string { return customerName(c) }},
		{lang.L("Segment"), 170, func(c storage.Customer) string { return segmentName(c.Segment) }},
		{lang.L("Email"), 240, func(c storage.Customer) string { return strings.Join(c.Emails, ", ") }},
		{lang.L("Phone"), 180, func(c storage.Customer) string { return strings.Join(phoneNumbers(c.Phones), ", ") }},
		{lang.L("Tags"), 160, func(c storage.Customer) string { return strings.Join(c.Tags, lang.L(", ")) }},
	}
}

// customerFilters are the customers screen's filters, in the order shown.
func (s *customersScreen) customerFilters() []listFilter[storage.CustomerFilter] {
	segments := []string{lang.L("All segments")}
	for _, sg := range storage.Segments {
		segments = append(segments, segmentName(sg))
	}
	segment := widget.NewSelect(segments, func(string) { s.filtersChanged() })
	segment.SetSelectedIndex(0)

	s.tag = widget.NewSelect([]string{lang.L("All tags")}, func(string) { s.filtersChanged() })
	s.tag.SetSelectedIndex(0)

	open := widget.NewCheck(lang.L("Has open items"), func(bool) { s.filtersChanged() })
	return []listFilter[storage.CustomerFilter]{
		{segment, func() storage.CustomerFilter {
			if i := segment.SelectedIndex(); i > 0 {
				return storage.InSegment(storage.Segments[i-1])
			}
			return nil
		}},
		{s.tag, func() storage.CustomerFilter {
			if s.tag.SelectedIndex() > 0 {
				return storage.WithTag(s.tag.Selected)
			}
			return nil
		}},
		{open, func() storage.CustomerFilter {
			if open.Checked {
				return storage.WithOpenItems()
			}
			return nil
		}},
		s.d.dormantFilter(s.filtersChanged), // 沉睡客户: no contact or order for months
	}
}

func (s *customersScreen) build() fyne.CanvasObject {
	s.table = newRecordTable(s.columns(), func() []storage.Customer { return s.rows }, func(row int) {
		if s.pager.near(row, len(s.rows)) {
			s.d.pageOf(s).reload.Trigger()
		}
	})
	s.table.OnSelected = func(id widget.TableCellID) {
		s.table.UnselectAll()
		if id.Row >= 0 && id.Row < len(s.rows) {
			s.d.openCustomer(s.rows[id.Row].ID)
		}
	}
	s.filters = s.customerFilters()
	controls := s.controls(lang.L("Search name, email, phone, tag or order number"), s.filtersChanged)
	add := widget.NewButtonWithIcon(lang.L("Add customer"), theme.ContentAddIcon(), func() { s.d.openCustomer(0) })
	add.Importance = widget.HighImportance
	s.panel = newPanel(s.table, theme.AccountIcon(), lang.L("No customers yet. Everyone who writes to the shop gets a customer card here."))
	s.footer = newFooter()
	body := container.NewBorder(controls, nil, nil, nil, s.panel.content)
	s.set(storage.Matching)
	return screenFrame(lang.L("Customers"), add, body, s.footer)
}

// filtersChanged reads the controls (main goroutine) and searches again.
func (s *customersScreen) filtersChanged() {
	if s.filters == nil {
		return // still building
	}
	s.set(storage.Matching)
	s.pager.want.Store(0)
	s.d.pageOf(s).reload.Trigger()
}

func (s *customersScreen) load() {
	query, narrowed := s.current()
	var rows []storage.Customer
	var total int
	var tags []string
	err := s.d.store.View(func(tx *storage.Tx) error {
		ids, err := tx.FindCustomers(query...)
		if err != nil {
			return err
		}
		total = len(ids)
		rows, err = tx.CustomersByID(ids[:min(len(ids), s.pager.limit())])
		tags = tx.CustomerTags()
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
		s.setTags(tags)
		if len(rows) == 0 && err == nil && narrowed {
			s.panel.setNotice(theme.SearchIcon(), lang.L("No customer matches. Try fewer words or other filters."))
			return
		}
		s.panel.show(len(rows), err)
	})
}

// setTags offers the tags in use, keeping the one chosen.
func (s *customersScreen) setTags(tags []string) {
	opts := append([]string{lang.L("All tags")}, tags...)
	if strings.Join(opts, "\x00") == strings.Join(s.tag.Options, "\x00") {
		return
	}
	chosen := s.tag.Selected
	s.tag.Options = opts
	s.tag.Refresh()
	if chosen != "" && chosen != lang.L("All tags") && !slices.Contains(tags, chosen) {
		s.tag.SetSelectedIndex(0)
	}
}
