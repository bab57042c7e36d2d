package ui

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// convActions is the row of actions on a conversation and the small
// forms they open.
type convActions struct {
	v   *conversationView
	bar *fyne.Container

	replyBtn, replyAllBtn, forwardBtn *tipButton
	closeBtn, reopenBtn               *tipButton
	snoozeBtn, tagsBtn                *tipButton
	noteBtn, callBtn, followBtn       *tipButton
	orderBtn                          *tipButton
	complaintBtn                      *tipButton

	// The forms last opened, for tests.
	snooze   *snoozeForm
	tags     *tagsForm
	note     *dialog.FormDialog
	noteText *widget.Entry
	call     *callDialog
	follow   *followUpForm
	order    *orderForm
	// complaint marks the conversation a complaint (conversation_clocks.go).
	complaint    *dialog.FormDialog
	complaintSev *widget.RadioGroup
}

func newConvActions(v *conversationView) *convActions {
	a := &convActions{v: v}
	t := v.d.newTipButton
	a.replyBtn = t(lang.L("Reply"), theme.MailReplyIcon(), lang.L("Reply to the customer (R)"), func() { a.reply(storage.DraftReply) })
	a.replyBtn.Importance = widget.HighImportance
	a.replyAllBtn = t(lang.L("Reply all"), theme.MailReplyAllIcon(), lang.L("Reply to everyone on the message (A)"), func() { a.reply(storage.DraftReplyAll) })
	a.forwardBtn = t(lang.L("Forward"), theme.MailForwardIcon(), lang.L("Forward the message (F)"), func() { a.reply(storage.DraftForward) })
	a.closeBtn = t(lang.L("Close"), theme.ConfirmIcon(), lang.L("Close the conversation: nothing more to do (E)"), func() { a.setStatus(storage.StatusClosed) })
	a.reopenBtn = t(lang.L("Reopen"), theme.ContentUndoIcon(), lang.L("Reopen the conversation"), func() { a.setStatus(storage.StatusOpen) })
	a.snoozeBtn = t(lang.L("Snooze"), theme.HistoryIcon(), lang.L("Hide the conversation until a time you choose"), func() { a.showSnooze() })
	a.tagsBtn = t(lang.L("Tags"), theme.ListIcon(), lang.L("Add or remove tags"), func() { a.showTags() })
	a.noteBtn = t(lang.L("Note"), theme.DocumentCreateIcon(), lang.L("Add an internal note; the customer never sees it"), func() { a.showNote() })
	a.callBtn = t(lang.L("Log call"), theme.VolumeUpIcon(), lang.L("Record a phone call with this customer"), func() { a.showCall() })
	a.followBtn = t(lang.L("New"), theme.ContentAddIcon(), lang.L("Schedule a follow-up with this customer"), func() { a.showFollowUp() })
	a.orderBtn = t(lang.L("Link or add"), theme.ContentAddIcon(), lang.L("Link an order to this conversation, or record a new one"), func() { a.showOrder() })
	a.complaintBtn = t(lang.L("Complaint"), theme.WarningIcon(), lang.L("Mark as a complaint and start the complaint procedure"), func() { a.showComplaint() })
	a.reopenBtn.Hide()
	// Calls, follow-ups and orders are about the customer: their buttons
	// sit in the side panel beside the customer's records, which also
	// keeps this row narrow enough for the default window.
	a.bar = container.NewHBox(a.replyBtn, a.replyAllBtn, a.forwardBtn, widget.NewSeparator(),
		a.closeBtn, a.reopenBtn, a.snoozeBtn, a.tagsBtn, a.noteBtn, a.complaintBtn)
	return a
}

// update fits the actions to the conversation's state.
func (a *convActions) update(data convData) {
	a.bar.Show()
	if data.conv.Status == storage.StatusClosed {
		a.closeBtn.Hide()
		a.reopenBtn.Show()
	} else {
		a.reopenBtn.Hide()
		a.closeBtn.Show()
	}
}

// reply opens the composer on the customer's latest message.
func (a *convActions) reply(mode storage.DraftMode) {
	a.v.compose(composeRequest{Mode: mode, ConversationID: a.v.id, ReplyTo: replyTarget(a.v.data.messages)})
}

// replyTarget is the last message from the customer, or else the last
// message: a reply answers what the customer said last.
func replyTarget(ms []storage.Message) uint64 {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Direction == storage.Inbound {
			return ms[i].ID
		}
	}
	if len(ms) > 0 {
		return ms[len(ms)-1].ID
	}
	return 0
}

// setStatus closes or reopens the conversation; either wakes a snooze.
func (a *convActions) setStatus(s storage.ConversationStatus) {
	if a.v.data.conv.Status == s {
		return
	}
	a.v.updateConversation("Change the conversation's status", lang.L("Shopdesk could not change the conversation's status."),
		func(c *storage.Conversation) error {
			c.Status = s
			c.SnoozedUntil = time.Time{}
			return nil
		})
}

// --- Snooze ---

// snoozeForm offers the usual times and a date of the seller's own.
type snoozeForm struct {
	a       *convActions
	presets []*widget.Button
	when    *widget.Entry
	set     *widget.Button
	wake    *widget.Button
	dlg     *dialog.CustomDialog
}

// snoozePresets are the times sellers pick most: later today, tomorrow
// morning, the start of next week.
func snoozePresets(now time.Time) []struct {
	label string
	at    time.Time
} {
	local := now.In(time.Local)
	days := (8 - int(local.Weekday())) % 7
	if days == 0 {
		days = 7
	}
	return []struct {
		label string
		at    time.Time
	}{
		{lang.L("In 1 hour"), now.Add(time.Hour)},
		{lang.L("Tomorrow at 9:00"), atNine(local, 1)},
		{lang.L("Next Monday at 9:00"), atNine(local, days)},
	}
}

// atNine is 9:00 local time, days after t's date.
func atNine(t time.Time, days int) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+days, 9, 0, 0, 0, time.Local)
}

const whenLayout = "2006-01-02 15:04"

// parseWhen reads a date and time typed as YYYY-MM-DD HH:MM (local time),
// which must be after now.
func parseWhen(s string, now time.Time) (time.Time, error) {
	t, err := time.ParseInLocation(whenLayout, strings.TrimSpace(s), time.Local)
	if err != nil {
		return time.Time{}, errors.New(lang.L("Enter a date and time as YYYY-MM-DD HH:MM, such as 2025-11-21 09:00."))
	}
	if !t.After(now) {
		return time.Time{}, errors.New(lang.L("Choose a time in the future."))
	}
	return t, nil
}

func (a *convActions) showSnooze() {
	f := &snoozeForm{a: a}
	now := a.v.d.now()
	box := container.NewVBox()
	var last time.Time
	for _, p := range snoozePresets(now) {
		if p.at.Equal(last) {
			continue // on a Sunday, next Monday is tomorrow
		}
		at := p.at
		last = at
		b := widget.NewButton(p.label+"  ("+formatDate(at)+")", func() { f.snoozeUntil(at) })
		f.presets = append(f.presets, b)
		box.Add(b)
	}
	f.when = widget.NewEntry()
	f.when.SetPlaceHolder("YYYY-MM-DD HH:MM")
	f.when.SetText(atNine(now.In(time.Local), 2).Format(whenLayout))
	f.when.Validator = func(s string) error { _, err := parseWhen(s, a.v.d.now()); return err }
	f.set = widget.NewButton(lang.L("Snooze"), f.snoozeTyped)
	f.when.OnSubmitted = func(string) { f.snoozeTyped() }
	box.Add(widget.NewSeparator())
	box.Add(widget.NewLabel(lang.L("Or choose a date and time:")))
	box.Add(container.NewBorder(nil, nil, nil, f.set, f.when))
	if a.v.data.conv.SnoozedUntil.After(now) {
		f.wake = widget.NewButton(lang.L("Wake it now"), func() { f.snoozeUntil(time.Time{}) })
		box.Add(widget.NewSeparator())
		box.Add(f.wake)
	}
	f.dlg = dialog.NewCustom(lang.L("Snooze until"), lang.L("Cancel"), box, a.v.d.win)
	showWide(f.dlg, 420)
	a.snooze = f
}

func (f *snoozeForm) snoozeTyped() {
	at, err := parseWhen(f.when.Text, f.a.v.d.now())
	if err != nil {
		f.when.SetValidationError(err)
		return
	}
	f.snoozeUntil(at)
}

// snoozeUntil hides the conversation until at; the zero time wakes it.
func (f *snoozeForm) snoozeUntil(at time.Time) {
	f.dlg.Hide()
	f.a.v.updateConversation("Snooze the conversation", lang.L("Shopdesk could not snooze the conversation."),
		func(c *storage.Conversation) error {
			c.SnoozedUntil = at
			return nil
		})
}

// --- Tags ---

// tagsForm edits the conversation's tags, suggesting those in use.
type tagsForm struct {
	a       *convActions
	tags    []string
	current *fyne.Container
	removes map[string]*widget.Button
	offered []string // tags in use elsewhere, suggested in the entry
	entry   *widget.SelectEntry
	add     *widget.Button
	dlg     *dialog.CustomDialog
}

// maxTag bounds a tag; it is a label, not a sentence.
const maxTag = 40

// normalizeTag trims and folds spaces so "vip " and "vip" are one tag.
func normalizeTag(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for utf8.RuneCountInString(s) > maxTag {
		_, n := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-n]
	}
	return s
}

// joinTags lists tags with the language's separator.
func joinTags(tags []string) string { return strings.Join(tags, lang.L(", ")) }

func (a *convActions) showTags() {
	f := &tagsForm{a: a, tags: slices.Clone(a.v.data.conv.Tags)}
	f.current = container.NewVBox()
	f.entry = widget.NewSelectEntry(nil)
	f.entry.SetPlaceHolder(lang.L("New tag"))
	f.entry.OnSubmitted = func(string) { f.addTyped() }
	f.add = widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), f.addTyped)
	f.refresh()
	box := container.NewVBox(f.current, widget.NewSeparator(), container.NewBorder(nil, nil, nil, f.add, f.entry))
	f.dlg = dialog.NewCustom(lang.L("Tags"), lang.L("Done"), box, a.v.d.win)
	showWide(f.dlg, 380)
	a.tags = f
}

// refresh lists the tags with their remove buttons and offers the tags
// in use that the conversation does not have yet.
func (f *tagsForm) refresh() {
	f.current.RemoveAll()
	f.removes = map[string]*widget.Button{}
	if len(f.tags) == 0 {
		none := widget.NewLabel(lang.L("No tags yet."))
		none.Importance = widget.LowImportance
		f.current.Add(none)
	}
	for _, tag := range f.tags {
		rm := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() { f.change(tag, false) })
		rm.Importance = widget.LowImportance
		f.removes[tag] = rm
		f.current.Add(container.NewBorder(nil, nil, nil, rm, widget.NewLabel(tag)))
	}
	var offer []string
	for _, t := range f.a.v.data.tags {
		if !slices.Contains(f.tags, t) {
			offer = append(offer, t)
		}
	}
	f.offered = offer
	f.entry.SetOptions(offer)
}

func (f *tagsForm) addTyped() {
	tag := normalizeTag(f.entry.Text)
	if tag == "" {
		return
	}
	f.entry.SetText("")
	f.change(tag, true)
}

// change adds or removes the tag in the store, then shows the result.
func (f *tagsForm) change(tag string, add bool) {
	var saved []string
	f.a.v.write("Change the conversation's tags", lang.L("Shopdesk could not change the tags."), func(tx *storage.Tx) error {
		c, err := tx.Conversation(f.a.v.id)
		if err != nil {
			return err
		}
		has := slices.Contains(c.Tags, tag)
		switch {
		case add && !has:
			c.Tags = append(c.Tags, tag)
		case !add && has:
			c.Tags = slices.DeleteFunc(c.Tags, func(t string) bool { return t == tag })
		default:
			saved = c.Tags
			return nil
		}
		saved = c.Tags
		return tx.SaveConversation(&c)
	}, func() {
		f.tags = slices.Clone(saved)
		f.refresh()
	})
}

// --- Internal note ---

func (a *convActions) showNote() {
	text := widget.NewMultiLineEntry()
	text.SetMinRowsVisible(5)
	text.Wrapping = fyne.TextWrapWord
	text.SetPlaceHolder(lang.L("Only the shop sees this note."))
	text.Validator = required(lang.L("Write the note first."))
	a.noteText = text
	items := []*widget.FormItem{widget.NewFormItem(lang.L("Note"), text)}
	a.note = dialog.NewForm(lang.L("Internal note"), lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		n := storage.Note{CustomerID: a.v.data.conv.CustomerID, ConversationID: a.v.id, Text: strings.TrimSpace(text.Text)}
		a.v.write("Save a note", lang.L("Shopdesk could not save the note."), func(tx *storage.Tx) error {
			return tx.SaveNote(&n)
		}, nil)
	}, a.v.d.win)
	a.note.Resize(fyne.NewSize(480, 260))
	a.note.Show()
}

// showWide shows a dialog at least width wide: dialogs otherwise take
// their content's minimum, which cuts selects and entries short.
func showWide(d dialog.Dialog, width float32) {
	d.Show()
	d.Resize(fyne.NewSize(width, d.MinSize().Height))
}

// required is a validator for a field that must not be blank.
func required(msg string) fyne.StringValidator {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New(msg)
		}
		return nil
	}
}

// --- Call ---

func callOutcomeName(o storage.CallOutcome) string {
	switch o {
	case storage.CallResolved:
		return lang.L("Resolved")
	case storage.CallFollowUp:
		return lang.L("Needs a follow-up")
	case storage.CallNoAnswer:
		return lang.L("No answer")
	case storage.CallEscalated:
		return lang.L("Escalated")
	case storage.CallComplaint:
		return lang.L("Complaint")
	}
	return string(o)
}

// showCall opens the call dialog on this conversation's customer.
func (a *convActions) showCall() {
	a.call = a.v.d.showCallDialog(a.v.data.customer, a.v.id)
}

// --- Follow-up ---

var followUpKinds = []storage.FollowUpKind{storage.FollowSatisfaction, storage.FollowComplaint,
	storage.FollowAfterSales, storage.FollowPayment, storage.FollowCare, storage.FollowOther}

type followUpForm struct {
	kind *widget.Select
	due  *widget.Entry
	note *widget.Entry
	dlg  *dialog.FormDialog
}

func (a *convActions) showFollowUp() {
	f := &followUpForm{}
	names := make([]string, len(followUpKinds))
	for i, k := range followUpKinds {
		names[i] = followUpKindName(k)
	}
	f.kind = widget.NewSelect(names, nil)
	f.kind.SetSelectedIndex(0)
	f.due = widget.NewEntry()
	f.due.SetText(atNine(a.v.d.now().In(time.Local), 1).Format(whenLayout))
	f.due.Validator = func(s string) error { _, err := parseWhen(s, a.v.d.now()); return err }
	f.note = widget.NewMultiLineEntry()
	f.note.SetMinRowsVisible(3)
	f.note.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Kind"), f.kind),
		{Text: lang.L("Due"), Widget: f.due, HintText: "YYYY-MM-DD HH:MM"},
		widget.NewFormItem(lang.L("Note"), f.note),
	}
	f.dlg = dialog.NewForm(lang.L("New follow-up"), lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		due, err := parseWhen(f.due.Text, a.v.d.now())
		if err != nil { // the validator passed a moment ago; time moved on
			dialog.ShowError(err, a.v.d.win)
			return
		}
		fu := storage.FollowUp{CustomerID: a.v.data.conv.CustomerID, ConversationID: a.v.id,
			Kind: followUpKinds[max(f.kind.SelectedIndex(), 0)], Due: due, Note: strings.TrimSpace(f.note.Text)}
		a.v.write("Save a follow-up", lang.L("Shopdesk could not save the follow-up."), func(tx *storage.Tx) error {
			return tx.SaveFollowUp(&fu)
		}, nil)
	}, a.v.d.win)
	f.dlg.Resize(fyne.NewSize(480, 340))
	f.dlg.Show()
	a.follow = f
}

// --- Orders ---

// orderForm links one of the customer's orders or records a new one.
type orderForm struct {
	a        *convActions
	choices  []storage.Order
	existing *widget.Select
	link     *widget.Button
	platform *widget.Select
	status   *widget.Select
	number   *widget.Entry
	total    *widget.Entry
	currency *widget.Entry
	create   *widget.Button
	problem  *widget.Label
	dlg      *dialog.CustomDialog
}

func orderLabel(o storage.Order) string {
	return platformName(o.Platform) + " " + o.Number + "  ·  " + formatMoney(o.Total, o.Currency) + "  ·  " + orderStatusName(o.Status)
}

func (a *convActions) showOrder() {
	f := &orderForm{a: a}
	data := a.v.data
	var labels []string
	for _, o := range data.orders {
		if !slices.Contains(data.conv.OrderIDs, o.ID) {
			f.choices = append(f.choices, o)
			labels = append(labels, orderLabel(o))
		}
	}
	f.existing = widget.NewSelect(labels, nil)
	f.link = widget.NewButtonWithIcon(lang.L("Link"), theme.ContentAddIcon(), f.linkChosen)
	if len(labels) == 0 {
		f.existing.PlaceHolder = lang.L("No other orders from this customer")
		f.existing.Disable()
		f.link.Disable()
	} else {
		f.existing.SetSelectedIndex(0)
	}

	platforms := make([]string, len(storage.Platforms))
	for i, p := range storage.Platforms {
		platforms[i] = platformName(p)
	}
	f.platform = widget.NewSelect(platforms, nil)
	f.platform.SetSelectedIndex(0)
	statuses := make([]string, len(storage.OrderStatuses))
	for i, s := range storage.OrderStatuses {
		statuses[i] = orderStatusName(s)
	}
	f.status = widget.NewSelect(statuses, nil)
	f.status.SetSelectedIndex(slices.Index(storage.OrderStatuses, storage.OrderPaid))
	f.number = widget.NewEntry()
	f.number.SetPlaceHolder(lang.L("Order number"))
	f.total = widget.NewEntry()
	f.total.SetPlaceHolder("0.00")
	f.currency = widget.NewEntry()
	f.currency.SetText("CNY")
	if len(data.orders) > 0 && data.orders[0].Currency != "" {
		f.currency.SetText(data.orders[0].Currency)
	}
	f.create = widget.NewButtonWithIcon(lang.L("Create and link"), theme.ContentAddIcon(), f.createNew)
	f.problem = widget.NewLabel("")
	f.problem.Importance = widget.DangerImportance
	f.problem.Wrapping = fyne.TextWrapWord
	f.problem.Hide()

	bold := fyne.TextStyle{Bold: true}
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Platform"), f.platform),
		widget.NewFormItem(lang.L("Order number"), f.number),
		widget.NewFormItem(lang.L("Total"), container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(90, f.currency.MinSize().Height), f.currency), f.total)),
		widget.NewFormItem(lang.L("Status"), f.status),
	)
	box := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("Link an order of this customer"), fyne.TextAlignLeading, bold),
		container.NewBorder(nil, nil, nil, f.link, f.existing),
		widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Or record a new order"), fyne.TextAlignLeading, bold),
		form, f.problem, container.NewHBox(f.create))
	f.dlg = dialog.NewCustom(lang.L("Orders"), lang.L("Cancel"), box, a.v.d.win)
	showWide(f.dlg, 540)
	a.order = f
}

func (f *orderForm) linkChosen() {
	i := f.existing.SelectedIndex()
	if i < 0 || i >= len(f.choices) {
		return
	}
	f.dlg.Hide()
	id := f.choices[i].ID
	f.a.v.updateConversation("Link an order", lang.L("Shopdesk could not link the order."), func(c *storage.Conversation) error {
		if !slices.Contains(c.OrderIDs, id) {
			c.OrderIDs = append(c.OrderIDs, id)
		}
		return nil
	})
}

// errOrderTaken: the number is another customer's order.
var errOrderTaken = errors.New("order number belongs to another customer")

func (f *orderForm) createNew() {
	number := strings.TrimSpace(f.number.Text)
	currency := strings.ToUpper(strings.TrimSpace(f.currency.Text))
	total, err := parseMoney(f.total.Text, currency)
	switch {
	case number == "":
		f.refuse(lang.L("Enter the order number."))
		return
	case len(currency) != 3 || strings.Trim(currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
		f.refuse(lang.L("Enter the currency as a three-letter code, such as CNY or USD."))
		return
	case err != nil:
		f.refuse(err.Error())
		return
	}
	v := f.a.v
	o := storage.Order{
		CustomerID: v.data.conv.CustomerID, Platform: storage.Platforms[max(f.platform.SelectedIndex(), 0)],
		Number: number, Total: total, Currency: currency,
		Status: storage.OrderStatuses[max(f.status.SelectedIndex(), 0)],
	}
	go func() {
		err := v.d.store.Update(func(tx *storage.Tx) error {
			same, err := tx.OrdersByNumber(number)
			if err != nil {
				return err
			}
			// The same order recorded before is linked, not doubled.
			for _, s := range same {
				if s.Platform == o.Platform && s.CustomerID != o.CustomerID {
					return errOrderTaken
				}
				if s.Platform == o.Platform {
					o = s
				}
			}
			if o.ID == 0 {
				if err := tx.SaveOrder(&o); err != nil {
					return err
				}
			}
			c, err := tx.Conversation(v.id)
			if err != nil {
				return err
			}
			if !slices.Contains(c.OrderIDs, o.ID) {
				c.OrderIDs = append(c.OrderIDs, o.ID)
			}
			return tx.SaveConversation(&c)
		})
		if err != nil && !errors.Is(err, errOrderTaken) {
			v.log.WithError(err).Error("Record an order")
		}
		v.d.do(func() {
			switch {
			case errors.Is(err, errOrderTaken):
				f.refuse(lang.L("Order {{.Number}} is already recorded for another customer.", map[string]any{"Number": number}))
			case err != nil:
				f.refuse(lang.L("Shopdesk could not save the order."))
			default:
				f.dlg.Hide()
			}
		})
	}()
}

func (f *orderForm) refuse(msg string) {
	f.problem.SetText(msg)
	f.problem.Show()
}

// parseMoney reads an amount as sellers type it ("128.50", "¥1,280",
// "99") into the currency's minor units.
func parseMoney(s, currency string) (storage.Money, error) {
	bad := errors.New(lang.L("Enter the total as a number, such as 128.50."))
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "¥￥$€£ ")
	s = strings.TrimSpace(strings.TrimPrefix(strings.ToUpper(s), currency))
	s = strings.ReplaceAll(s, ",", "")
	digits := canned.MinorDigits(currency)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" ||
		len(frac) > digits || (hasFrac && digits == 0) || len(whole) > 13 {
		return 0, bad
	}
	n, err := strconv.ParseInt(whole+frac+strings.Repeat("0", digits-len(frac)), 10, 64)
	if err != nil {
		return 0, bad
	}
	return storage.Money(n), nil
}
