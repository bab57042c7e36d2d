package ui

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// profileView is a customer's archive card, pushed over the customers
// screen: the profile editor, their orders and their timeline, a
// suggested segment, and the customer's tools (merge, and room for more).
type profileView struct {
	d  *Desk
	id uint64 // 0 until a new customer is first saved; main goroutine only
	// stored is id for loads off the main goroutine.
	stored atomic.Uint64

	customer storage.Customer
	orders   []storage.Order
	title    *widget.Label
	// toolbar holds the profile's tools; more are added beside "Merge with…".
	toolbar *fyne.Container
	merge   *widget.Button
	export  *widget.Button // the customer's archive (archive.go)
	forget  *widget.Button // forget on the customer's request (archive.go)
	suggest *fyne.Container
	sugText *widget.Label
	apply   *widget.Button
	sugSeg  storage.Segment

	editor    *profileEditor
	orderList *widget.List
	newOrder  *widget.Button
	ordersBox *panel
	timeline  *timelineView
	tabs      *container.AppTabs
	content   fyne.CanvasObject

	reload     *throttle
	unsub      func()
	loaded     bool
	mergeShown *mergeDialog // the latest opened, for tests
}

// openCustomer pushes a customer's profile; id 0 starts a new customer.
func (d *Desk) openCustomer(id uint64) *profileView {
	p := &profileView{d: d, id: id}
	p.stored.Store(id)
	p.build()
	p.reload = newThrottle(reloadEvery, p.load)
	p.unsub = d.store.Subscribe(func(events []storage.Event) {
		for _, e := range events {
			switch e.Kind {
			case storage.KindCustomer, storage.KindOrder, storage.KindCall, storage.KindNote,
				storage.KindFollowUp, storage.KindConversation, storage.KindMessage, storage.KindSettings:
				p.reload.Trigger()
				return
			}
		}
	})
	d.push(p.content, func() {
		p.unsub()
		p.reload.Stop()
	})
	p.reload.Trigger()
	return p
}

func (p *profileView) build() {
	back := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { p.d.pop() })
	p.title = widget.NewLabelWithStyle(lang.L("Add customer"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.title.SizeName = theme.SizeNameSubHeadingText
	p.title.Truncation = fyne.TextTruncateEllipsis
	p.merge = widget.NewButtonWithIcon(lang.L("Merge with…"), theme.ContentCopyIcon(), func() { p.showMerge() })
	p.export = widget.NewButtonWithIcon(lang.L("Export archive…"), theme.DownloadIcon(), func() { p.d.exportCustomerDialog(p.id) })
	p.forget = widget.NewButtonWithIcon(lang.L("Forget…"), theme.DeleteIcon(), func() { p.d.forgetCustomerDialog(p.id) })
	p.toolbar = container.NewHBox(p.merge, p.export, p.forget)

	p.sugText = widget.NewLabel("")
	p.sugText.Wrapping = fyne.TextWrapWord
	p.apply = widget.NewButtonWithIcon(lang.L("Apply"), theme.ConfirmIcon(), p.applySuggestion)
	p.suggest = container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), p.apply, p.sugText)
	p.suggest.Hide()

	p.editor = newProfileEditor(p)
	p.orderList = widget.NewList(
		func() int { return len(p.orders) },
		func() fyne.CanvasObject { return twoLines(newTruncLabel(true), newTruncLabel(false)) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(p.orders) {
				return
			}
			ord := p.orders[id]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(platformName(ord.Platform) + " " + ord.Number)
			c.Objects[1].(*widget.Label).SetText(orderSummary(ord))
		})
	p.orderList.OnSelected = func(id widget.ListItemID) {
		p.orderList.UnselectAll()
		if id < len(p.orders) {
			p.d.openOrder(p.orders[id].ID, 0)
		}
	}
	p.newOrder = widget.NewButtonWithIcon(lang.L("New order"), theme.ContentAddIcon(), func() { p.d.openOrder(0, p.id) })
	p.ordersBox = newPanel(p.orderList, theme.DocumentIcon(), lang.L("No orders yet."))
	orders := container.NewBorder(container.NewHBox(p.newOrder), nil, nil, nil, p.ordersBox.content)

	p.timeline = newTimelineView(p.d, p.id)
	p.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Profile"), theme.AccountIcon(), p.editor.content),
		container.NewTabItemWithIcon(lang.L("Orders"), theme.DocumentIcon(), orders),
		container.NewTabItemWithIcon(lang.L("Timeline"), theme.HistoryIcon(), p.timeline.content),
	)
	head := container.NewVBox(container.NewBorder(nil, nil, back, p.toolbar, p.title), p.suggest, widget.NewSeparator())
	p.content = container.NewBorder(head, nil, nil, nil, p.tabs)
	p.showSaved()
}

// showSaved enables what needs a stored customer.
func (p *profileView) showSaved() {
	for _, w := range []fyne.Disableable{p.merge, p.export, p.forget, p.newOrder} {
		if p.id == 0 {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if p.id == 0 {
		p.tabs.DisableIndex(1)
		p.tabs.DisableIndex(2)
	} else {
		p.tabs.EnableIndex(1)
		p.tabs.EnableIndex(2)
	}
}

// profileData is what one load reads.
type profileData struct {
	customer   storage.Customer
	orders     []storage.Order
	suggestion storage.SegmentSuggestion
	suggest    bool
	gone       bool // the customer was deleted or merged away
}

func (p *profileView) load() {
	id := p.stored.Load()
	go p.timeline.load()
	if id == 0 {
		p.d.do(func() { p.loaded = true })
		return
	}
	var data profileData
	err := p.d.store.View(func(tx *storage.Tx) error {
		var err error
		data.customer, err = tx.Customer(id)
		if errors.Is(err, storage.ErrNotFound) {
			data.gone = true
			return nil
		}
		if err != nil {
			return err
		}
		if data.orders, err = tx.OrdersOf(id); err != nil {
			return err
		}
		data.suggestion, data.suggest, err = tx.SuggestSegment(id)
		return err
	})
	if err != nil {
		p.d.log.WithError(err).WithField("customer", id).Error("Load the customer")
	}
	p.d.do(func() {
		p.loaded = true
		if err != nil || data.gone {
			return
		}
		p.customer, p.orders = data.customer, data.orders
		p.title.SetText(customerName(data.customer))
		p.orderList.Refresh()
		p.ordersBox.show(len(data.orders), nil)
		p.editor.update(data.customer)
		p.showSuggestion(data)
	})
}

func (p *profileView) showSuggestion(data profileData) {
	if !data.suggest {
		p.suggest.Hide()
		return
	}
	s := data.suggestion
	p.sugSeg = s.Segment
	p.sugText.SetText(lang.L("Suggested segment: {{.Segment}} ({{.Orders}} orders, {{.Spend}} spent).", map[string]any{
		"Segment": segmentName(s.Segment), "Orders": s.Orders, "Spend": formatMoney(s.Spend, shopCurrency(data.orders))}))
	p.suggest.Show()
}

// shopCurrency is the currency a customer's spend is shown in: that of
// their latest order, CNY when they have none.
func shopCurrency(orders []storage.Order) string {
	if len(orders) > 0 && orders[0].Currency != "" {
		return orders[0].Currency
	}
	return "CNY"
}

func (p *profileView) applySuggestion() {
	id, seg := p.id, p.sugSeg
	p.apply.Disable()
	go func() {
		err := p.d.store.Update(func(tx *storage.Tx) error {
			c, err := tx.Customer(id)
			if err != nil {
				return err
			}
			c.Segment = seg
			return tx.SaveCustomer(&c)
		})
		if err != nil {
			p.d.log.WithError(err).WithField("customer", id).Error("Apply the suggested segment")
		}
		p.d.do(func() {
			p.apply.Enable()
			if err != nil {
				p.editor.refuse(lang.L("Shopdesk could not save the customer."))
				return
			}
			p.suggest.Hide()
			p.editor.segment.SetSelectedIndex(slices.Index(storage.Segments, seg))
		})
	}()
}

// orderSummary is an order's second line in lists.
func orderSummary(o storage.Order) string {
	parts := []string{orderStatusName(o.Status), formatMoney(o.Total, o.Currency), formatDate(o.Placed)}
	if t := strings.TrimSpace(o.Carrier + " " + o.Tracking); t != "" {
		parts = append(parts, t)
	}
	if len(o.Cases) > 0 {
		parts = append(parts, lang.L("after-sales: {{.State}}", map[string]any{"State": caseStateName(o.Cases[len(o.Cases)-1].State)}))
	}
	return strings.Join(parts, "  ·  ")
}

// --- The editor ---

// profileEditor edits every field of a customer's profile.
type profileEditor struct {
	p                   *profileView
	name, tags, address *widget.Entry
	birthday, notes     *widget.Entry
	language            *widget.SelectEntry
	segment             *widget.Select
	emails, phones, im  *listEditor
	save                *widget.Button
	problem, status     *widget.Label
	content             fyne.CanvasObject
	// dirty is set when the seller types, so a reload never overwrites
	// unsaved work. Main goroutine only.
	dirty bool
}

// Usual values offered beside free typing.
var (
	imNetworks       = []string{"WeChat", "QQ", "Wangwang", "WhatsApp", "LINE", "Telegram", "Messenger"}
	profileLanguages = []string{"zh-Hans", "zh-Hant", "en", "ja", "ko", "de", "fr", "es"}
	birthdayRE       = regexp.MustCompile(`^(\d{4}|-)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)
)

func newProfileEditor(p *profileView) *profileEditor {
	e := &profileEditor{p: p}
	changed := func() { e.dirty = true; e.status.SetText("") }
	entry := func(multi bool) *widget.Entry {
		x := widget.NewEntry()
		if multi {
			x = widget.NewMultiLineEntry()
			x.Wrapping = fyne.TextWrapWord
			x.SetMinRowsVisible(3)
		}
		x.OnChanged = func(string) { changed() }
		return x
	}
	e.status = widget.NewLabel("")
	e.name, e.tags, e.birthday = entry(false), entry(false), entry(false)
	e.address, e.notes = entry(true), entry(true)
	e.address.SetMinRowsVisible(2)
	e.tags.SetPlaceHolder(lang.L("Separate tags with commas"))
	e.birthday.SetPlaceHolder(lang.L("YYYY-MM-DD, or --MM-DD without the year"))
	e.language = widget.NewSelectEntry(profileLanguages)
	e.language.OnChanged = func(string) { changed() }
	segs := make([]string, len(storage.Segments))
	for i, s := range storage.Segments {
		segs[i] = segmentName(s)
	}
	e.segment = widget.NewSelect(segs, func(string) { changed() })
	e.emails = newListEditor(lang.L("Add email"), []fieldSpec{{placeholder: "name@example.com"}}, changed)
	e.phones = newListEditor(lang.L("Add phone"), []fieldSpec{{placeholder: "138 0013 8000"},
		{placeholder: lang.L("Label"), options: phoneLabelNames()}}, changed)
	e.im = newListEditor(lang.L("Add chat account"), []fieldSpec{{placeholder: lang.L("Network"), options: imNetworks},
		{placeholder: lang.L("Account")}}, changed)
	e.problem = widget.NewLabel("")
	e.problem.Wrapping = fyne.TextWrapWord
	e.problem.Importance = widget.DangerImportance
	e.problem.Hide()
	e.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), e.submit)
	e.save.Importance = widget.HighImportance

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Name"), e.name),
		widget.NewFormItem(lang.L("Email"), e.emails.content),
		widget.NewFormItem(lang.L("Phone"), e.phones.content),
		widget.NewFormItem(lang.L("Chat accounts"), e.im.content),
		widget.NewFormItem(lang.L("Address"), e.address),
		widget.NewFormItem(lang.L("Segment"), e.segment),
		widget.NewFormItem(lang.L("Tags"), e.tags),
		widget.NewFormItem(lang.L("Language"), e.language),
		widget.NewFormItem(lang.L("Birthday"), e.birthday),
		widget.NewFormItem(lang.L("Notes"), e.notes),
	)
	body := container.NewVBox(form, e.problem, container.NewHBox(e.save, e.status))
	e.content = container.NewVScroll(container.New(maxWidth(720), body))
	e.segment.SetSelectedIndex(slices.Index(storage.Segments, storage.SegmentNew))
	e.dirty = false
	return e
}

// update shows the stored customer unless the seller is editing.
func (e *profileEditor) update(c storage.Customer) {
	if e.dirty {
		return
	}
	e.name.SetText(c.Name)
	rows := func(n int, f func(i int) []string) [][]string {
		out := make([][]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	e.emails.set(rows(len(c.Emails), func(i int) []string { return []string{c.Emails[i]} }))
	e.phones.set(rows(len(c.Phones), func(i int) []string { return []string{c.Phones[i].Number, phoneLabelName(c.Phones[i].Label)} }))
	e.im.set(rows(len(c.IM), func(i int) []string { return []string{c.IM[i].Network, c.IM[i].Handle} }))
	e.address.SetText(c.Address)
	e.segment.SetSelectedIndex(max(slices.Index(storage.Segments, c.Segment), 0))
	e.tags.SetText(strings.Join(c.Tags, ", "))
	e.language.SetText(c.Language)
	e.birthday.SetText(c.Birthday)
	e.notes.SetText(c.Notes)
	e.problem.Hide()
	e.dirty = false
}

func (e *profileEditor) refuse(msg string) {
	e.problem.SetText(msg)
	e.problem.Show()
}

// numberTaken says which phone number belongs to which other customer.
type numberTaken struct{ number, owner string }

func (n *numberTaken) Error() string {
	return fmt.Sprintf("phone %s belongs to %s: %v", n.number, n.owner, storage.ErrConflict)
}

func (n *numberTaken) Unwrap() error { return storage.ErrConflict }

// read checks the form; the error is in the seller's language.
func (e *profileEditor) read() (storage.Customer, error) {
	c := storage.Customer{
		Name:     strings.TrimSpace(e.name.Text),
		Address:  strings.TrimSpace(e.address.Text),
		Segment:  storage.Segments[max(e.segment.SelectedIndex(), 0)],
		Tags:     splitTags(e.tags.Text),
		Language: strings.TrimSpace(e.language.Text),
		Birthday: strings.TrimSpace(e.birthday.Text),
		Notes:    strings.TrimSpace(e.notes.Text),
	}
	for _, r := range e.emails.values() {
		ok, bad := splitEmails(r[0])
		if bad != "" || len(ok) != 1 {
			return c, errors.New(lang.L("{{.Email}} is not an email address.", map[string]any{"Email": r[0]}))
		}
		if !slices.ContainsFunc(c.Emails, func(x string) bool { return strings.EqualFold(x, r[0]) }) {
			c.Emails = append(c.Emails, r[0])
		}
	}
	for _, r := range e.phones.values() {
		if storage.NormalizePhone(r[0]) == "" {
			return c, errors.New(lang.L("{{.Phone}} is not a phone number.", map[string]any{"Phone": r[0]}))
		}
		c.Phones = append(c.Phones, storage.Phone{Number: r[0], Label: phoneLabelValue(r[1])})
	}
	for _, r := range e.im.values() {
		if r[0] == "" || r[1] == "" {
			return c, errors.New(lang.L("Give each chat account both its network and the account name."))
		}
		c.IM = append(c.IM, storage.IMHandle{Network: r[0], Handle: r[1]})
	}
	if c.Birthday != "" && !birthdayRE.MatchString(c.Birthday) {
		return c, errors.New(lang.L("Write the birthday as YYYY-MM-DD, or --MM-DD without the year."))
	}
	if c.Name == "" && len(c.Emails) == 0 && len(c.Phones) == 0 {
		return c, errors.New(lang.L("Give the customer a name, an email address or a phone number."))
	}
	return c, nil
}

// submit saves the profile over the customer as stored now (a new one
// when the profile is new). An address or number of another customer is
// refused with that customer's name; what was typed stays.
func (e *profileEditor) submit() {
	edit, err := e.read()
	if err != nil {
		e.refuse(err.Error())
		return
	}
	p := e.p
	id := p.id
	e.save.Disable()
	go func() {
		saved := edit
		err := p.d.store.Update(func(tx *storage.Tx) error {
			if id != 0 {
				c, err := tx.Customer(id)
				if err != nil {
					return err
				}
				saved.ID, saved.Created = c.ID, c.Created
			}
			for _, em := range saved.Emails {
				if other, err := tx.CustomerByEmail(em); err == nil && other.ID != id {
					return &emailTaken{email: em, owner: customerName(other)}
				}
			}
			for _, ph := range saved.Phones {
				others, err := tx.CustomersByPhone(ph.Number)
				if err != nil {
					return err
				}
				for _, o := range others {
					if o.ID != id {
						return &numberTaken{number: ph.Number, owner: customerName(o)}
					}
				}
			}
			return tx.SaveCustomer(&saved)
		})
		var taken *emailTaken
		var numTaken *numberTaken
		if err != nil && !errors.As(err, &taken) && !errors.As(err, &numTaken) {
			p.d.log.WithError(err).WithField("customer", id).Error("Save the customer")
		}
		p.d.do(func() {
			e.save.Enable()
			switch {
			case taken != nil:
				e.refuse(lang.L("{{.Email}} already belongs to {{.Name}}. An email address can belong to one customer only.",
					map[string]any{"Email": taken.email, "Name": taken.owner}))
			case numTaken != nil:
				e.refuse(lang.L("{{.Phone}} already belongs to {{.Name}}. Merge the two customers if they are the same person.",
					map[string]any{"Phone": numTaken.number, "Name": numTaken.owner}))
			case err != nil:
				e.refuse(lang.L("Shopdesk could not save the customer."))
			default:
				e.problem.Hide()
				e.dirty = false
				e.status.SetText(lang.L("Saved."))
				if p.id == 0 {
					p.id = saved.ID
					p.stored.Store(saved.ID)
					p.timeline.customerID.Store(saved.ID)
					p.showSaved()
				}
				p.customer = saved
				p.title.SetText(customerName(saved))
				p.reload.Trigger()
			}
		})
	}()
}

// phoneLabels are the usual phone labels: stored as the English word,
// shown in the seller's language.
var phoneLabels = []struct {
	value string
	name  func() string
}{
	{"mobile", func() string { return lang.L("mobile") }},
	{"work", func() string { return lang.L("work") }},
	{"home", func() string { return lang.L("home") }},
}

// phoneLabelNames are the usual phone labels in the seller's language.
func phoneLabelNames() []string {
	names := make([]string, len(phoneLabels))
	for i, l := range phoneLabels {
		names[i] = l.name()
	}
	return names
}

// phoneLabelName shows a stored label: a usual one translated ("mobile"
// is 手机 in Chinese), the seller's own words as typed.
func phoneLabelName(label string) string {
	for _, l := range phoneLabels {
		if l.value == label {
			return l.name()
		}
	}
	return label
}

// phoneLabelValue is what to store for a label picked or typed: a usual
// one in any language is stored as its English word, so it reads right
// whichever language the desk runs in.
func phoneLabelValue(shown string) string {
	shown = strings.TrimSpace(shown)
	for _, l := range phoneLabels {
		if shown == l.name() || strings.EqualFold(shown, l.value) {
			return l.value
		}
	}
	return shown
}
