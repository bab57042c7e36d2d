package ui

import (
	"errors"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// callMatches bounds the customers the call dialog offers as you type.
const callMatches = 5

// callSearchEvery gathers keystrokes into one customer search.
const callSearchEvery = 150 * time.Millisecond

// callDialog logs a phone call from anywhere (Ctrl+L) or from a
// conversation: it finds the customer by number or name as the seller
// types, or creates one, and saves the call in one transaction with the
// follow-ups its outcome asks for (the store's rules make those).
type callDialog struct {
	d      *Desk
	convID uint64 // the conversation the call is about; 0 from elsewhere

	find      *widget.Entry
	matches   *widget.RadioGroup
	phone     *widget.SelectEntry
	direction *widget.RadioGroup
	start     *widget.Entry
	duration  *widget.Entry
	timerBtn  *widget.Button
	summary   *widget.Entry
	outcome   *widget.Select
	due       *widget.Entry
	dueLabel  *widget.Label
	severity  *widget.RadioGroup
	sevLabel  *widget.Label
	problem   *widget.Label
	saveBtn   *widget.Button
	dlg       *dialog.CustomDialog

	// Main goroutine only.
	found     []storage.Customer // what matches offers, in its order
	chosen    storage.Customer   // ID 0: a new customer from find's text
	timerFrom time.Time          // zero when the timer is not running
	stopTimer chan struct{}
	saving    bool

	mu      sync.Mutex
	query   string // the latest text to search for
	search  *throttle
	onSaved func() // tests: called after the call is stored
}

// showCallDialog opens the dialog; with a customer it starts prefilled.
func (d *Desk) showCallDialog(cust storage.Customer, convID uint64) *callDialog {
	c := &callDialog{d: d, convID: convID}
	c.search = newThrottle(callSearchEvery, c.runSearch)
	c.build()
	if cust.ID != 0 {
		c.find.SetText(customerName(cust))
		c.offer([]storage.Customer{cust}, "")
		c.matches.SetSelected(c.matches.Options[0])
	}
	c.dlg.Resize(fyne.NewSize(560, 620))
	c.dlg.Show()
	d.win.Canvas().Focus(c.find)
	return c
}

func (c *callDialog) build() {
	c.find = widget.NewEntry()
	c.find.SetPlaceHolder(lang.L("Phone number or name"))
	c.find.OnChanged = func(s string) {
		c.mu.Lock()
		c.query = s
		c.mu.Unlock()
		c.search.Trigger()
	}
	c.matches = widget.NewRadioGroup(nil, func(string) { c.choose() })
	c.phone = widget.NewSelectEntry(nil)
	in, out := lang.L("Incoming"), lang.L("Outgoing")
	c.direction = widget.NewRadioGroup([]string{in, out}, nil)
	c.direction.Horizontal = true
	c.direction.Required = true
	c.direction.SetSelected(in)
	c.start = widget.NewEntry()
	c.start.SetText(c.d.now().In(time.Local).Format(whenLayout))
	c.duration = widget.NewEntry()
	c.duration.SetPlaceHolder(lang.L("5m, 1:30 or 90s"))
	c.timerBtn = widget.NewButtonWithIcon(lang.L("Start timer"), theme.MediaPlayIcon(), c.toggleTimer)
	c.summary = widget.NewMultiLineEntry()
	c.summary.SetMinRowsVisible(3)
	c.summary.Wrapping = fyne.TextWrapWord
	names := make([]string, len(storage.CallOutcomes))
	for i, o := range storage.CallOutcomes {
		names[i] = callOutcomeName(o)
	}
	c.outcome = widget.NewSelect(names, func(string) { c.fitOutcome() })
	c.due = widget.NewEntry()
	c.due.SetText(atNine(c.d.now().In(time.Local), 1).Format(whenLayout))
	sevNames := make([]string, len(storage.Severities))
	for i, s := range storage.Severities {
		sevNames[i] = severityName(s)
	}
	c.severity = widget.NewRadioGroup(sevNames, nil)
	c.severity.Horizontal = true
	c.severity.SetSelected(severityName(storage.SeverityMedium))
	c.problem = widget.NewLabel("")
	c.problem.Importance = widget.DangerImportance
	c.problem.Wrapping = fyne.TextWrapWord
	c.problem.Hide()

	label := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignTrailing, fyne.TextStyle{})
	}
	c.dueLabel, c.sevLabel = label(lang.L("Follow up on")), label(lang.L("Severity"))
	form := container.New(layout.NewFormLayout(),
		label(lang.L("Customer")), container.NewVBox(c.find, c.matches),
		label(lang.L("Phone")), c.phone,
		label(lang.L("Direction")), c.direction,
		label(lang.L("Started")), c.start,
		label(lang.L("Length")), container.NewBorder(nil, nil, nil, c.timerBtn, c.duration),
		label(lang.L("Summary")), c.summary,
		label(lang.L("Outcome")), c.outcome,
		c.dueLabel, c.due,
		c.sevLabel, c.severity,
	)
	c.outcome.SetSelectedIndex(0)
	c.saveBtn = widget.NewButtonWithIcon(lang.L("Save"), theme.ConfirmIcon(), c.save)
	c.saveBtn.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), c.close)
	content := container.NewVBox(form, c.problem)
	c.dlg = dialog.NewCustomWithoutButtons(lang.L("Log a call"), container.NewVScroll(content), c.d.win)
	c.dlg.SetButtons([]fyne.CanvasObject{cancel, c.saveBtn})
	c.dlg.SetOnClosed(c.stopTicking)
	c.fitOutcome()
}

// fitOutcome shows the date a follow-up outcome asks for, or a
// complaint's severity.
func (c *callDialog) fitOutcome() {
	if c.dueLabel == nil {
		return
	}
	o := c.selectedOutcome()
	for _, x := range []fyne.CanvasObject{c.dueLabel, c.due} {
		setShown(x, o == storage.CallFollowUp)
	}
	for _, x := range []fyne.CanvasObject{c.sevLabel, c.severity} {
		setShown(x, o == storage.CallComplaint)
	}
	if c.dlg != nil {
		c.dlg.Refresh()
	}
}

func (c *callDialog) selectedOutcome() storage.CallOutcome {
	return storage.CallOutcomes[max(c.outcome.SelectedIndex(), 0)]
}

// runSearch finds the customers the typed text names, off the main goroutine.
func (c *callDialog) runSearch() {
	c.mu.Lock()
	q := strings.TrimSpace(c.query)
	c.mu.Unlock()
	var found []storage.Customer
	if q != "" {
		err := c.d.store.View(func(tx *storage.Tx) error {
			ids, err := tx.FindCustomers(storage.Matching(q))
			if err != nil {
				return err
			}
			found, err = tx.CustomersByID(ids[:min(len(ids), callMatches)])
			return err
		})
		if err != nil {
			c.d.log.WithError(err).Error("Find the caller")
		}
	}
	c.d.do(func() { c.offer(found, q) })
}

// offer lists the customers found, then "new customer" for the text.
func (c *callDialog) offer(found []storage.Customer, q string) {
	keep := ""
	if c.chosen.ID != 0 {
		keep = c.matches.Selected
	}
	c.found = found
	opts := make([]string, 0, len(found)+1)
	for _, f := range found {
		opts = append(opts, customerChoice(f))
	}
	if q != "" {
		opts = append(opts, lang.L("New customer: {{.Name}}", map[string]any{"Name": q}))
	}
	c.matches.Options = opts
	// The best match comes first; a choice the seller made stays.
	switch {
	case keep != "" && containsString(opts, keep):
		c.matches.Selected = keep
	case len(opts) > 0:
		c.matches.Selected = opts[0]
	default:
		c.matches.Selected = ""
	}
	c.matches.Refresh()
	c.choose()
}

// choose takes the selected match: its phones fill the number field.
func (c *callDialog) choose() {
	i := indexString(c.matches.Options, c.matches.Selected)
	c.chosen = storage.Customer{}
	if i >= 0 && i < len(c.found) {
		c.chosen = c.found[i]
	}
	var phones []string
	for _, p := range c.chosen.Phones {
		phones = append(phones, p.Number)
	}
	if q := strings.TrimSpace(c.find.Text); c.chosen.ID == 0 && phoneLike(q) {
		phones = append(phones, q)
	}
	c.phone.SetOptions(phones)
	// A number typed into the search is the number called.
	if q := strings.TrimSpace(c.find.Text); phoneLike(q) {
		c.phone.SetText(q)
	} else if len(phones) > 0 {
		c.phone.SetText(phones[0])
	}
}

func customerChoice(c storage.Customer) string {
	s := customerName(c)
	if len(c.Phones) > 0 && c.Phones[0].Number != s {
		s += " · " + c.Phones[0].Number
	} else if len(c.Emails) > 0 && c.Emails[0] != s {
		s += " · " + c.Emails[0]
	}
	return s
}

// phoneLike is text made of a phone number's characters only.
func phoneLike(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９':
			digits++
		case strings.ContainsRune("+＋-() ", r):
		default:
			return false
		}
	}
	return digits >= 5
}

func containsString(ss []string, s string) bool { return indexString(ss, s) >= 0 }

func indexString(ss []string, s string) int {
	for i, x := range ss {
		if x == s {
			return i
		}
	}
	return -1
}

// toggleTimer starts the call's clock (the start becomes now) or stops it
// and writes the length.
func (c *callDialog) toggleTimer() {
	if !c.timerFrom.IsZero() {
		c.duration.SetText(storage.FormatCallDuration(c.d.now().Sub(c.timerFrom)))
		c.stopTicking()
		return
	}
	c.timerFrom = c.d.now()
	c.start.SetText(c.timerFrom.In(time.Local).Format(whenLayout))
	c.duration.SetText("0:00")
	c.timerBtn.SetText(lang.L("Stop timer"))
	c.timerBtn.SetIcon(theme.MediaStopIcon())
	stop := make(chan struct{})
	c.stopTimer = stop
	from := c.timerFrom
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				c.d.do(func() {
					if c.timerFrom.Equal(from) {
						c.duration.SetText(storage.FormatCallDuration(c.d.now().Sub(from)))
					}
				})
			}
		}
	}()
}

func (c *callDialog) stopTicking() {
	if c.stopTimer != nil {
		close(c.stopTimer)
		c.stopTimer = nil
	}
	c.timerFrom = time.Time{}
	c.timerBtn.SetText(lang.L("Start timer"))
	c.timerBtn.SetIcon(theme.MediaPlayIcon())
}

func (c *callDialog) close() {
	c.search.Stop()
	c.dlg.Hide()
}

func (c *callDialog) fail(msg string) {
	c.problem.SetText(msg)
	c.problem.Show()
}

// save checks the form and stores the call (and a new customer) in one
// transaction; the store's rules add the follow-ups.
func (c *callDialog) save() {
	if c.saving {
		return
	}
	if !c.timerFrom.IsZero() {
		c.toggleTimer()
	}
	q := strings.TrimSpace(c.find.Text)
	if c.chosen.ID == 0 && q == "" {
		c.fail(lang.L("Type the caller's number or name, then choose them or a new customer."))
		return
	}
	start, err := time.ParseInLocation(whenLayout, strings.TrimSpace(c.start.Text), time.Local)
	if err != nil {
		c.fail(lang.L("Enter when the call started as YYYY-MM-DD HH:MM, such as 2025-11-21 09:00."))
		return
	}
	dur, err := storage.ParseCallDuration(c.duration.Text)
	if err != nil {
		c.fail(lang.L("Enter the call's length like 5m, 1:30 or 90s, or use the timer."))
		return
	}
	summary := strings.TrimSpace(c.summary.Text)
	if summary == "" {
		c.fail(lang.L("Say in a few words what the call was about."))
		return
	}
	call := storage.Call{
		CustomerID: c.chosen.ID, ConversationID: c.convID, Direction: storage.Inbound,
		Phone: strings.TrimSpace(c.phone.Text), Start: start, Duration: dur, Summary: summary,
		Outcome: c.selectedOutcome(),
	}
	if c.direction.Selected == lang.L("Outgoing") {
		call.Direction = storage.Outbound
	}
	switch call.Outcome {
	case storage.CallFollowUp:
		if call.FollowUpDue, err = parseWhen(c.due.Text, c.d.now()); err != nil {
			c.fail(err.Error())
			return
		}
	case storage.CallComplaint:
		call.Severity = storage.Severities[max(indexString(c.severity.Options, c.severity.Selected), 0)]
	}
	var newCust *storage.Customer
	if c.chosen.ID == 0 {
		newCust = &storage.Customer{Name: q}
		if phoneLike(q) {
			newCust.Phones = []storage.Phone{{Number: q}}
		} else if call.Phone != "" {
			newCust.Phones = []storage.Phone{{Number: call.Phone}}
		}
	}
	c.saving = true
	c.saveBtn.Disable()
	c.problem.Hide()
	go func() {
		err := c.d.store.Update(func(tx *storage.Tx) error {
			if newCust != nil {
				if err := tx.SaveCustomer(newCust); err != nil {
					return err
				}
				call.CustomerID = newCust.ID
			}
			return tx.SaveCall(&call)
		})
		if err != nil {
			c.d.log.WithError(err).Error("Log a call")
		}
		c.d.do(func() {
			c.saving = false
			c.saveBtn.Enable()
			if err != nil {
				msg := lang.L("Shopdesk could not save the call.")
				if errors.Is(err, storage.ErrConflict) {
					msg = lang.L("Another customer already has this number: choose them in the list.")
				}
				c.fail(msg)
				return
			}
			c.close()
			if c.onSaved != nil {
				c.onSaved()
			}
		})
	}()
}

func severityName(s storage.Severity) string {
	switch s {
	case storage.SeverityLow:
		return lang.L("Low")
	case storage.SeverityMedium:
		return lang.L("Medium")
	case storage.SeverityHigh:
		return lang.L("High")
	}
	return string(s)
}

// logCall is Ctrl+L: the call dialog, on the customer of the conversation
// on screen if there is one.
func (d *Desk) logCall() *callDialog {
	if n := len(d.views); n > 0 && d.shownConv != nil && d.views[n-1].content == d.shownConv.root && d.shownConv.loaded {
		return d.showCallDialog(d.shownConv.data.customer, d.shownConv.id)
	}
	return d.showCallDialog(storage.Customer{}, 0)
}

func setShown(o fyne.CanvasObject, shown bool) {
	if shown {
		o.Show()
	} else {
		o.Hide()
	}
}
