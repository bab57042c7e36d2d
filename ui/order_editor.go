package ui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// placedLayout is how the order editor reads and writes the time an order
// was placed.
const placedLayout = "2006-01-02 15:04"

// orderView creates or edits one order, with its items and after-sales
// cases, pushed over the screen it was opened from.
type orderView struct {
	d  *Desk
	id uint64 // 0 until a new order is first saved; main goroutine only

	customerID uint64 // main goroutine only
	order      storage.Order
	settings   storage.Settings // as loaded with the order; main goroutine only

	title              *widget.Label
	customer           *widget.Label
	pickSearch         *widget.Entry
	pick               *widget.Select
	picked             []storage.Customer
	platform, status   *widget.Select
	number, total      *widget.Entry
	currency, tracking *widget.Entry
	carrier            *widget.SelectEntry
	placed, notes      *widget.Entry
	history            *widget.Label
	items              *listEditor
	cases              []*caseEditor
	casesBox           *fyne.Container
	addCaseBtn         *widget.Button
	save               *widget.Button
	problem, status2   *widget.Label
	content            fyne.CanvasObject

	dirty  bool
	loaded bool
	reload *throttle
	unsub  func()
	find   *throttle
	mu     sync.Mutex
	query  string // the customer search as typed, for loads off the main goroutine
	stored atomic.Uint64
}

// carriers are offered in the carrier field; the seller may type any other.
func carrierNames() []string {
	return []string{lang.L("SF Express"), lang.L("ZTO Express"), lang.L("YTO Express"), lang.L("STO Express"),
		lang.L("Yunda Express"), lang.L("JD Logistics"), "EMS", lang.L("China Post"), "DHL", "UPS", "FedEx", "USPS", "Royal Mail"}
}

// openOrder pushes the order editor: id 0 records a new order, for the
// customer when customerID is set, else for one the seller picks.
func (d *Desk) openOrder(id, customerID uint64) *orderView {
	v := &orderView{d: d, id: id, customerID: customerID}
	v.stored.Store(id)
	v.build()
	v.reload = newThrottle(reloadEvery, v.load)
	v.find = newThrottle(reloadEvery, v.findCustomers)
	v.unsub = d.store.Subscribe(func(events []storage.Event) {
		for _, e := range events {
			if e.Kind == storage.KindOrder || e.Kind == storage.KindCustomer {
				v.reload.Trigger()
				return
			}
		}
	})
	d.push(v.content, func() {
		v.unsub()
		v.reload.Stop()
		v.find.Stop()
	})
	v.reload.Trigger()
	switch {
	case id == 0 && customerID == 0:
		v.find.Trigger()
	case id == 0:
		go v.showCustomer(customerID)
	}
	return v
}

func (v *orderView) build() {
	changed := func() { v.dirty = true; v.status2.SetText("") }
	entry := func(place string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(place)
		e.OnChanged = func(string) { changed() }
		return e
	}
	v.status2 = widget.NewLabel("")
	back := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { v.d.pop() })
	v.title = widget.NewLabelWithStyle(lang.L("New order"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.SizeName = theme.SizeNameSubHeadingText
	v.title.Truncation = fyne.TextTruncateEllipsis

	v.customer = widget.NewLabel("")
	v.pickSearch = widget.NewEntry()
	v.pickSearch.SetPlaceHolder(lang.L("Find the customer: name, email or phone"))
	v.pickSearch.OnChanged = func(s string) {
		v.mu.Lock()
		v.query = s
		v.mu.Unlock()
		v.find.Trigger()
	}
	v.pick = widget.NewSelect(nil, func(string) {
		if i := v.pick.SelectedIndex(); i >= 0 && i < len(v.picked) {
			v.customerID = v.picked[i].ID
			changed()
		}
	})
	v.pick.PlaceHolder = lang.L("(choose the customer)")
	customerRow := fyne.CanvasObject(v.customer)
	if v.id == 0 && v.customerID == 0 {
		customerRow = container.NewGridWithColumns(2, v.pickSearch, v.pick)
	}

	platforms := make([]string, len(storage.Platforms))
	for i, p := range storage.Platforms {
		platforms[i] = platformName(p)
	}
	v.platform = widget.NewSelect(platforms, func(string) { changed() })
	statuses := make([]string, len(storage.OrderStatuses))
	for i, s := range storage.OrderStatuses {
		statuses[i] = orderStatusName(s)
	}
	v.status = widget.NewSelect(statuses, func(string) { changed() })
	v.number = entry(lang.L("Order number"))
	v.total = entry("0.00")
	v.currency = entry("CNY")
	v.carrier = widget.NewSelectEntry(carrierNames())
	v.carrier.OnChanged = func(string) { changed() }
	v.tracking = entry(lang.L("Tracking number"))
	v.placed = entry(v.d.now().Format(placedLayout)) // empty means when it is saved
	v.notes = widget.NewMultiLineEntry()
	v.notes.Wrapping = fyne.TextWrapWord
	v.notes.OnChanged = func(string) { changed() }
	v.history = widget.NewLabel("")
	v.history.Wrapping = fyne.TextWrapWord
	v.history.Importance = widget.LowImportance
	v.history.Hide() // until a stored order has a history
	v.items = newListEditor(lang.L("Add item"), []fieldSpec{{placeholder: lang.L("Item")}, {placeholder: lang.L("SKU")},
		{placeholder: lang.L("Quantity")}, {placeholder: lang.L("Unit price")}}, changed)
	v.casesBox = container.NewVBox()
	v.addCaseBtn = widget.NewButtonWithIcon(lang.L("Add after-sales case"), theme.ContentAddIcon(), func() {
		v.addCase(storage.AfterSalesCase{Kind: storage.CaseReturn, State: storage.CaseRequested, Reason: storage.CaseReasons[0]})
		changed()
	})
	v.problem = widget.NewLabel("")
	v.problem.Importance = widget.DangerImportance
	v.problem.Wrapping = fyne.TextWrapWord
	v.problem.Hide()
	v.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), v.submit)
	v.save.Importance = widget.HighImportance

	v.platform.SetSelectedIndex(0)
	v.status.SetSelectedIndex(slices.Index(storage.OrderStatuses, storage.OrderPaid))
	v.currency.SetText("CNY")

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Customer"), customerRow),
		widget.NewFormItem(lang.L("Platform"), v.platform),
		widget.NewFormItem(lang.L("Order number"), v.number),
		widget.NewFormItem(lang.L("Status"), container.NewVBox(v.status, v.history)),
		widget.NewFormItem(lang.L("Total"), container.NewBorder(nil, nil, nil,
			container.NewGridWrap(fyne.NewSize(90, v.currency.MinSize().Height), v.currency), v.total)),
		widget.NewFormItem(lang.L("Items"), v.items.content),
		widget.NewFormItem(lang.L("Carrier"), v.carrier),
		widget.NewFormItem(lang.L("Tracking"), v.tracking),
		widget.NewFormItem(lang.L("Placed"), v.placed),
		widget.NewFormItem(lang.L("Notes"), v.notes),
	)
	body := container.NewVBox(form, widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, v.addCaseBtn, heading(lang.L("After-sales cases"))), v.casesBox,
		widget.NewSeparator(), v.problem, container.NewHBox(v.save, v.status2))
	head := container.NewVBox(container.NewBorder(nil, nil, back, nil, v.title), widget.NewSeparator())
	v.content = container.NewBorder(head, nil, nil, nil, container.NewVScroll(container.New(maxWidth(820), body)))
	v.dirty = false
}

// orderData is what one load reads.
type orderData struct {
	order    storage.Order
	customer storage.Customer
	settings storage.Settings // the after-sales targets, for the cases' countdowns
}

func (v *orderView) load() {
	id := v.stored.Load()
	var data orderData
	err := v.d.store.View(func(tx *storage.Tx) error {
		if id == 0 {
			return nil
		}
		var err error
		if data.order, err = tx.Order(id); err != nil {
			return err
		}
		if data.settings, err = tx.Settings(); err != nil {
			return err
		}
		data.customer, err = tx.Customer(data.order.CustomerID)
		if errors.Is(err, storage.ErrNotFound) {
			err = nil
		}
		return err
	})
	if err != nil {
		v.d.log.WithError(err).WithField("order", id).Error("Load the order")
	}
	if id == 0 {
		v.d.do(func() { v.loaded = true })
		return
	}
	v.d.do(func() {
		v.loaded = true
		if err != nil {
			return
		}
		v.customer.SetText(customerName(data.customer))
		v.settings = data.settings
		v.show(data.order)
	})
}

// showCustomer names the customer a new order is for.
func (v *orderView) showCustomer(id uint64) {
	var c storage.Customer
	err := v.d.store.View(func(tx *storage.Tx) (err error) { c, err = tx.Customer(id); return err })
	if err != nil {
		v.d.log.WithError(err).WithField("customer", id).Error("Load the order's customer")
		return
	}
	v.d.do(func() { v.customer.SetText(customerName(c)) })
}

// show fills the editor with the stored order unless the seller is editing.
func (v *orderView) show(o storage.Order) {
	v.order, v.customerID = o, o.CustomerID
	v.title.SetText(lang.L("Order {{.Number}}", map[string]any{"Number": o.Number}))
	var steps []string
	for _, h := range o.History {
		steps = append(steps, orderStatusName(h.Status)+" "+formatDate(h.At))
	}
	v.history.SetText(strings.Join(steps, "  →  "))
	v.history.Show()
	if v.dirty {
		return
	}
	v.platform.SetSelectedIndex(max(slices.Index(storage.Platforms, o.Platform), 0))
	v.status.SetSelectedIndex(max(slices.Index(storage.OrderStatuses, o.Status), 0))
	v.number.SetText(o.Number)
	v.currency.SetText(o.Currency)
	v.carrier.SetText(o.Carrier)
	v.tracking.SetText(o.Tracking)
	v.placed.SetText(o.Placed.Local().Format(placedLayout))
	v.notes.SetText(o.Notes)
	rows := make([][]string, len(o.Items))
	for i, it := range o.Items {
		rows[i] = []string{it.Name, it.SKU, strconv.Itoa(it.Quantity), plainMoney(it.Price, o.Currency)}
	}
	v.items.set(rows)
	v.total.SetText(plainMoney(o.Total, o.Currency))
	v.cases = nil
	v.casesBox.RemoveAll()
	for _, c := range o.Cases {
		v.addCase(c)
	}
	v.problem.Hide()
	v.dirty = false
}

// plainMoney writes an amount for editing: digits and the decimal point only.
func plainMoney(m storage.Money, currency string) string {
	d := canned.MinorDigits(currency)
	s := strconv.FormatInt(int64(m), 10)
	if d == 0 {
		return s
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for len(s) <= d {
		s = "0" + s
	}
	s = s[:len(s)-d] + "." + s[len(s)-d:]
	if neg {
		s = "-" + s
	}
	return s
}

// findCustomers offers the customers the picker's search names.
func (v *orderView) findCustomers() {
	v.mu.Lock()
	text := v.query
	v.mu.Unlock()
	var found []storage.Customer
	err := v.d.store.View(func(tx *storage.Tx) error {
		ids, err := tx.FindCustomers(storage.Matching(text))
		if err != nil {
			return err
		}
		found, err = tx.CustomersByID(ids[:min(len(ids), mergeMaxFound)])
		return err
	})
	if err != nil {
		v.d.log.WithError(err).Error("Find the order's customer")
	}
	v.d.do(func() {
		v.picked = found
		opts := make([]string, len(found))
		for i, c := range found {
			opts[i] = joinText(customerName(c), firstOf(c.Emails))
		}
		v.pick.Options = opts
		v.pick.ClearSelected()
		v.customerID = 0
		if len(found) == 1 {
			v.pick.SetSelectedIndex(0)
		}
		v.pick.Refresh()
	})
}

// read checks the form; the error is in the seller's language.
func (v *orderView) read() (storage.Order, error) {
	o := storage.Order{
		CustomerID: v.customerID,
		Platform:   storage.Platforms[max(v.platform.SelectedIndex(), 0)],
		Number:     strings.TrimSpace(v.number.Text),
		Status:     storage.OrderStatuses[max(v.status.SelectedIndex(), 0)],
		Currency:   strings.ToUpper(strings.TrimSpace(v.currency.Text)),
		Carrier:    strings.TrimSpace(v.carrier.Text),
		Tracking:   strings.TrimSpace(v.tracking.Text),
		Notes:      strings.TrimSpace(v.notes.Text),
	}
	switch {
	case o.CustomerID == 0:
		return o, errors.New(lang.L("Choose the customer the order belongs to."))
	case o.Number == "":
		return o, errors.New(lang.L("Enter the order number."))
	case len(o.Currency) != 3 || strings.Trim(o.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
		return o, errors.New(lang.L("Enter the currency as a three-letter code, such as CNY or USD."))
	}
	var err error
	if strings.TrimSpace(v.total.Text) != "" {
		if o.Total, err = parseMoney(v.total.Text, o.Currency); err != nil {
			return o, err
		}
	}
	if p := strings.TrimSpace(v.placed.Text); p != "" {
		t, err := time.ParseInLocation(placedLayout, p, time.Local)
		if err != nil {
			if t, err = time.ParseInLocation("2006-01-02", p, time.Local); err != nil {
				return o, errors.New(lang.L("Write when the order was placed as 2025-11-20 14:30."))
			}
		}
		o.Placed = t
	}
	for i, r := range v.items.values() {
		it := storage.OrderItem{Name: r[0], SKU: r[1], Quantity: 1}
		if r[2] != "" {
			if it.Quantity, err = strconv.Atoi(r[2]); err != nil || it.Quantity < 1 {
				return o, errors.New(lang.L("Item {{.N}}: the quantity must be a whole number from 1.", map[string]any{"N": i + 1}))
			}
		}
		if r[3] != "" {
			if it.Price, err = parseMoney(r[3], o.Currency); err != nil {
				return o, fmt.Errorf("%s: %w", lang.L("Item {{.N}}", map[string]any{"N": i + 1}), err)
			}
		}
		if it.Name == "" {
			return o, errors.New(lang.L("Item {{.N}} has no name.", map[string]any{"N": i + 1}))
		}
		o.Items = append(o.Items, it)
	}
	for i, c := range v.cases {
		ac, err := c.read(o.Currency)
		if err != nil {
			return o, fmt.Errorf("%s: %w", lang.L("After-sales case {{.N}}", map[string]any{"N": i + 1}), err)
		}
		o.Cases = append(o.Cases, ac)
	}
	return o, nil
}

// errOrderExists: the number is already recorded on the platform.
var errOrderExists = errors.New("order number already recorded on the platform")

func (v *orderView) submit() {
	edit, err := v.read()
	if err != nil {
		v.refuse(err.Error())
		return
	}
	id := v.id
	v.save.Disable()
	go func() {
		saved := edit
		err := v.d.store.Update(func(tx *storage.Tx) error {
			same, err := tx.OrdersByNumber(edit.Number)
			if err != nil {
				return err
			}
			for _, s := range same {
				if s.ID != id && s.Platform == edit.Platform {
					return errOrderExists
				}
			}
			if id != 0 {
				o, err := tx.Order(id)
				if err != nil {
					return err
				}
				// What the editor does not show is kept as stored: the
				// status history and each case's steps.
				saved.ID, saved.History, saved.Created = o.ID, o.History, o.Created
				if saved.Placed.IsZero() {
					saved.Placed = o.Placed
				}
				for i := range saved.Cases {
					if i < len(o.Cases) {
						saved.Cases[i].Steps, saved.Cases[i].Opened = o.Cases[i].Steps, o.Cases[i].Opened
					}
				}
			}
			return tx.SaveOrder(&saved)
		})
		if err != nil && !errors.Is(err, errOrderExists) {
			v.d.log.WithError(err).WithField("order", id).Error("Save the order")
		}
		v.d.do(func() {
			v.save.Enable()
			switch {
			case errors.Is(err, errOrderExists):
				v.refuse(lang.L("Order {{.Number}} on {{.Platform}} is already recorded.",
					map[string]any{"Number": edit.Number, "Platform": platformName(edit.Platform)}))
			case err != nil:
				v.refuse(lang.L("Shopdesk could not save the order."))
			default:
				v.problem.Hide()
				v.dirty = false
				v.status2.SetText(lang.L("Saved."))
				v.id = saved.ID
				v.stored.Store(saved.ID)
				v.show(saved)
				v.reload.Trigger()
			}
		})
	}()
}

func (v *orderView) refuse(msg string) {
	v.problem.SetText(msg)
	v.problem.Show()
}

// --- After-sales cases ---

// caseEditor edits one after-sales case of the order.
type caseEditor struct {
	kind, reason, state *widget.Select
	text, amount        *widget.Entry
	steps               *widget.Label
	content             fyne.CanvasObject
	// legacy is a reason written as free text (an import, older data):
	// shown as "other" with its words, and kept as it was unless edited.
	legacy string
}

func caseReasonName(r string) string {
	switch r {
	case "size_wrong":
		return lang.L("Wrong size")
	case "quality":
		return lang.L("Quality problem")
	case "not_as_described":
		return lang.L("Not as described")
	case "damaged":
		return lang.L("Damaged in transit")
	case "wrong_item":
		return lang.L("Wrong item sent")
	case "changed_mind":
		return lang.L("Changed their mind")
	case "late_delivery":
		return lang.L("Late delivery")
	case "other":
		return lang.L("Other reason")
	}
	return r
}

func (v *orderView) addCase(c storage.AfterSalesCase) {
	changed := func() { v.dirty = true; v.status2.SetText("") }
	e := &caseEditor{}
	kinds := make([]string, len(storage.CaseKinds))
	for i, k := range storage.CaseKinds {
		kinds[i] = caseKindName(k)
	}
	reasons := make([]string, len(storage.CaseReasons))
	for i, r := range storage.CaseReasons {
		reasons[i] = caseReasonName(r)
	}
	states := make([]string, len(storage.CaseStates))
	for i, s := range storage.CaseStates {
		states[i] = caseStateName(s)
	}
	e.kind = widget.NewSelect(kinds, nil)
	e.reason = widget.NewSelect(reasons, nil)
	e.state = widget.NewSelect(states, nil)
	e.kind.SetSelectedIndex(max(slices.Index(storage.CaseKinds, c.Kind), 0))
	if i := slices.Index(storage.CaseReasons, c.Reason); i >= 0 || c.Reason == "" {
		e.reason.SetSelectedIndex(max(i, 0))
	} else {
		e.legacy = c.Reason
		e.reason.SetSelectedIndex(slices.Index(storage.CaseReasons, "other"))
		if c.ReasonText == "" {
			c.ReasonText = c.Reason
		}
	}
	e.state.SetSelectedIndex(max(slices.Index(storage.CaseStates, c.State), 0))
	e.text = widget.NewEntry()
	e.text.SetPlaceHolder(lang.L("In the buyer's words"))
	e.text.SetText(c.ReasonText)
	e.amount = widget.NewEntry()
	e.amount.SetPlaceHolder(lang.L("Refund amount"))
	if c.Amount != 0 {
		e.amount.SetText(plainMoney(c.Amount, strings.TrimSpace(v.currency.Text)))
	}
	for _, s := range []*widget.Select{e.kind, e.reason, e.state} {
		s.OnChanged = func(string) { changed() }
	}
	e.text.OnChanged = func(string) { changed() }
	e.amount.OnChanged = func(string) { changed() }
	var steps []string
	for _, s := range c.Steps {
		steps = append(steps, caseStateName(s.State)+" "+formatDate(s.At))
	}
	e.steps = widget.NewLabel(strings.Join(steps, "  →  "))
	e.steps.Wrapping = fyne.TextWrapWord
	e.steps.Importance = widget.LowImportance
	box := container.NewVBox(
		container.NewGridWithColumns(4, e.kind, e.reason, e.state, e.amount),
		e.text, e.steps)
	// A stored case not yet decided shows how long is left to decide it.
	if clock := newCaseClock(v.settings, c, v.d.now()); clock != nil && !c.Opened.IsZero() {
		box.Add(clock)
	}
	box.Add(widget.NewSeparator())
	e.content = box
	v.cases = append(v.cases, e)
	v.casesBox.Add(e.content)
}

func (e *caseEditor) read(currency string) (storage.AfterSalesCase, error) {
	c := storage.AfterSalesCase{
		Kind:       storage.CaseKinds[max(e.kind.SelectedIndex(), 0)],
		Reason:     storage.CaseReasons[max(e.reason.SelectedIndex(), 0)],
		State:      storage.CaseStates[max(e.state.SelectedIndex(), 0)],
		ReasonText: strings.TrimSpace(e.text.Text),
	}
	if e.legacy != "" && c.Reason == "other" && c.ReasonText == strings.TrimSpace(e.legacy) {
		c.Reason, c.ReasonText = e.legacy, ""
	}
	if strings.TrimSpace(e.amount.Text) != "" {
		m, err := parseMoney(e.amount.Text, currency)
		if err != nil {
			return c, err
		}
		c.Amount = m
	}
	return c, nil
}
