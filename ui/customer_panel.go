package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// customerPanel is the customer at a glance beside a conversation: who
// they are (editable in place), their orders, open follow-ups and a way
// to their whole history.
type customerPanel struct {
	v       *conversationView
	editing bool

	content fyne.CanvasObject
	profile *fyne.Container // the profile, shown or being edited

	name, segment, tags, emails, phones, notes *widget.Label
	edit                                       *widget.Button
	shown                                      fyne.CanvasObject

	nameE                           *widget.Entry
	segmentS                        *widget.Select
	tagsE, emailsE, phonesE, notesE *widget.Entry
	save, cancel                    *widget.Button
	problem                         *widget.Label
	editor                          fyne.CanvasObject

	orders   *fyne.Container
	follows  *fyne.Container
	doneBtns map[uint64]*widget.Button
	timeline *widget.Button

	shownTimeline *timelineView // the latest opened, for tests
}

func newCustomerPanel(v *conversationView) *customerPanel {
	p := &customerPanel{v: v, doneBtns: map[uint64]*widget.Button{}}
	wrapped := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		l.Selectable = true
		return l
	}
	p.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.name.Wrapping = fyne.TextWrapWord
	p.segment = widget.NewLabel("")
	p.segment.Importance = widget.LowImportance
	p.tags, p.emails, p.phones, p.notes = wrapped(), wrapped(), wrapped(), wrapped()
	p.edit = widget.NewButtonWithIcon(lang.L("Edit"), theme.DocumentCreateIcon(), p.startEdit)
	p.edit.Importance = widget.LowImportance
	p.shown = container.NewVBox(
		container.NewBorder(nil, nil, nil, p.edit, p.name),
		p.segment, p.tags, p.emails, p.phones, p.notes)

	p.nameE = widget.NewEntry()
	segments := make([]string, len(storage.Segments))
	for i, s := range storage.Segments {
		segments[i] = segmentName(s)
	}
	p.segmentS = widget.NewSelect(segments, nil)
	p.tagsE = widget.NewEntry()
	p.tagsE.SetPlaceHolder(lang.L("Separate tags with commas"))
	p.emailsE = widget.NewMultiLineEntry()
	p.emailsE.SetMinRowsVisible(2)
	p.emailsE.SetPlaceHolder(lang.L("One address a line"))
	p.phonesE = widget.NewMultiLineEntry()
	p.phonesE.SetMinRowsVisible(2)
	p.phonesE.SetPlaceHolder(lang.L("One number a line"))
	p.notesE = widget.NewMultiLineEntry()
	p.notesE.SetMinRowsVisible(3)
	p.notesE.Wrapping = fyne.TextWrapWord
	p.save = widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), p.saveEdit)
	p.save.Importance = widget.HighImportance
	p.cancel = widget.NewButton(lang.L("Cancel"), p.stopEdit)
	p.problem = widget.NewLabel("")
	p.problem.Wrapping = fyne.TextWrapWord
	p.problem.Importance = widget.DangerImportance
	p.problem.Hide()
	p.editor = container.NewVBox(
		caption(lang.L("Name")), p.nameE,
		caption(lang.L("Segment")), p.segmentS,
		caption(lang.L("Tags")), p.tagsE,
		caption(lang.L("Email")), p.emailsE,
		caption(lang.L("Phone")), p.phonesE,
		caption(lang.L("Notes")), p.notesE,
		p.problem, container.NewHBox(p.save, p.cancel))
	p.profile = container.NewStack(p.shown)

	p.orders = container.NewVBox()
	p.follows = container.NewVBox()
	p.timeline = widget.NewButtonWithIcon(lang.L("Full timeline"), theme.HistoryIcon(), p.openTimeline)
	a := v.actions
	body := container.NewVBox(
		p.profile, container.NewHBox(a.callBtn), widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, a.orderBtn, heading(lang.L("Orders"))), p.orders, widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, a.followBtn, heading(lang.L("Open follow-ups"))), p.follows, widget.NewSeparator(),
		p.timeline)
	// The extra right inset keeps the scroll bar off the buttons.
	pad := theme.Padding()
	p.content = container.NewVScroll(container.New(layout.NewCustomPaddedLayout(pad, pad, pad, pad+theme.ScrollBarSize()), body))
	return p
}

func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func caption(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Importance = widget.LowImportance
	return l
}

// update shows fresh data. The profile is left alone while the seller
// edits it, so a sync does not wipe what they are typing.
func (p *customerPanel) update(data convData) {
	if !p.editing {
		p.showProfile(data.customer)
	}
	p.showOrders(data)
	p.showFollowUps(data.followUps)
}

func (p *customerPanel) showProfile(c storage.Customer) {
	p.name.SetText(customerName(c))
	p.segment.SetText(segmentName(c.Segment))
	line := func(l *widget.Label, label string, values []string) {
		if len(values) == 0 {
			l.Hide()
			return
		}
		l.SetText(label + " " + strings.Join(values, lang.L(", ")))
		l.Show()
	}
	line(p.tags, lang.L("Tags:"), c.Tags)
	line(p.emails, lang.L("Email:"), c.Emails)
	line(p.phones, lang.L("Phone:"), phoneNumbers(c.Phones))
	if strings.TrimSpace(c.Notes) == "" {
		p.notes.Hide()
	} else {
		p.notes.SetText(c.Notes)
		p.notes.Show()
	}
	p.edit.Show()
	if c.ID == 0 {
		p.edit.Hide() // no customer record to edit
	}
}

func phoneNumbers(ps []storage.Phone) []string {
	out := make([]string, len(ps))
	for i, ph := range ps {
		out[i] = ph.Number
		if ph.Label != "" {
			out[i] += " (" + phoneLabelName(ph.Label) + ")"
		}
	}
	return out
}

func (p *customerPanel) showOrders(data convData) {
	p.orders.RemoveAll()
	if len(data.orders) == 0 {
		p.orders.Add(lowLabel(lang.L("No orders yet.")))
		return
	}
	for _, o := range data.orders {
		title := widget.NewLabelWithStyle(platformName(o.Platform)+" "+o.Number, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.Wrapping = fyne.TextWrapBreak
		status := orderStatusName(o.Status) + "  ·  " + formatMoney(o.Total, o.Currency)
		if slices.Contains(data.conv.OrderIDs, o.ID) {
			status += "  ·  " + lang.L("linked")
		}
		lines := []fyne.CanvasObject{title, widget.NewLabel(status)}
		if o.Tracking != "" {
			track := widget.NewLabel(strings.TrimSpace(o.Carrier + " " + o.Tracking))
			track.Selectable = true // the buyer asks for it: copy, paste
			track.Wrapping = fyne.TextWrapBreak
			lines = append(lines, track)
		}
		p.orders.Add(container.NewVBox(lines...))
	}
}

func (p *customerPanel) showFollowUps(fs []storage.FollowUp) {
	p.follows.RemoveAll()
	p.doneBtns = map[uint64]*widget.Button{}
	if len(fs) == 0 {
		p.follows.Add(lowLabel(lang.L("No open follow-ups.")))
		return
	}
	now := p.v.d.now()
	for _, f := range fs {
		kind := widget.NewLabelWithStyle(followUpKindName(f.Kind), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		due := widget.NewLabel(lang.L("Due {{.Date}}", map[string]any{"Date": formatDate(f.Due)}))
		if f.Due.Before(now) {
			due.Importance = widget.DangerImportance
		}
		lines := []fyne.CanvasObject{kind, due}
		if n := strings.TrimSpace(f.Note); n != "" {
			note := widget.NewLabel(n)
			note.Wrapping = fyne.TextWrapWord
			lines = append(lines, note)
		}
		done := widget.NewButtonWithIcon(lang.L("Done"), theme.ConfirmIcon(), func() {
			if f.Kind == storage.FollowSatisfaction { // a visit records the customer's rating (followups.go)
				p.v.rating = showRatingForm(p.v.d, f, 0)
				return
			}
			p.markDone(f.ID)
		})
		p.doneBtns[f.ID] = done
		p.follows.Add(container.NewBorder(nil, nil, nil, container.NewVBox(done), container.NewVBox(lines...)))
	}
}

func lowLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Importance = widget.LowImportance
	return l
}

func (p *customerPanel) markDone(id uint64) {
	now := p.v.d.now()
	p.v.write("Mark a follow-up done", lang.L("Shopdesk could not mark the follow-up done."), func(tx *storage.Tx) error {
		f, err := tx.FollowUp(id)
		if err != nil {
			return err
		}
		if !f.Done.IsZero() {
			return nil
		}
		f.Done = now
		return tx.SaveFollowUp(&f)
	}, nil)
}

// --- Editing ---

func (p *customerPanel) startEdit() {
	c := p.v.data.customer
	p.nameE.SetText(c.Name)
	p.segmentS.SetSelectedIndex(max(slices.Index(storage.Segments, c.Segment), 0))
	p.tagsE.SetText(strings.Join(c.Tags, ", "))
	p.emailsE.SetText(strings.Join(c.Emails, "\n"))
	nums := make([]string, len(c.Phones))
	for i, ph := range c.Phones {
		nums[i] = ph.Number
	}
	p.phonesE.SetText(strings.Join(nums, "\n"))
	p.notesE.SetText(c.Notes)
	p.problem.Hide()
	p.editing = true
	p.profile.Objects = []fyne.CanvasObject{p.editor}
	p.profile.Refresh()
}

func (p *customerPanel) stopEdit() {
	// A hidden entry keeping the focus would swallow the view's keys.
	p.v.d.win.Canvas().Unfocus()
	p.editing = false
	p.profile.Objects = []fyne.CanvasObject{p.shown}
	p.profile.Refresh()
	p.showProfile(p.v.data.customer)
}

// emailTaken says which address belongs to which other customer.
type emailTaken struct {
	email, owner string
}

func (e *emailTaken) Error() string {
	return fmt.Sprintf("email %s belongs to %s: %v", e.email, e.owner, storage.ErrConflict)
}

func (e *emailTaken) Unwrap() error { return storage.ErrConflict }

// saveEdit writes the edited profile over the customer as stored now.
func (p *customerPanel) saveEdit() {
	emails, bad := splitEmails(p.emailsE.Text)
	if bad != "" {
		p.refuse(lang.L("{{.Email}} is not an email address.", map[string]any{"Email": bad}))
		return
	}
	edit := storage.Customer{
		Name:    strings.TrimSpace(p.nameE.Text),
		Segment: storage.Segments[max(p.segmentS.SelectedIndex(), 0)],
		Tags:    splitTags(p.tagsE.Text),
		Emails:  emails,
		Notes:   strings.TrimSpace(p.notesE.Text),
	}
	for _, n := range splitLines(p.phonesE.Text) {
		edit.Phones = append(edit.Phones, storage.Phone{Number: n})
	}
	id := p.v.data.customer.ID
	v := p.v
	go func() {
		err := v.d.store.Update(func(tx *storage.Tx) error {
			c, err := tx.Customer(id)
			if err != nil {
				return err
			}
			for _, e := range edit.Emails {
				if other, err := tx.CustomerByEmail(e); err == nil && other.ID != id {
					return &emailTaken{email: e, owner: customerName(other)}
				}
			}
			c.Name, c.Segment, c.Tags, c.Emails, c.Notes = edit.Name, edit.Segment, edit.Tags, edit.Emails, edit.Notes
			c.Phones = keepPhoneLabels(edit.Phones, c.Phones)
			return tx.SaveCustomer(&c)
		})
		var taken *emailTaken
		if err != nil && !errors.As(err, &taken) {
			v.log.WithError(err).WithField("customer", id).Error("Save the customer")
		}
		v.d.do(func() {
			switch {
			case taken != nil:
				p.refuse(lang.L("{{.Email}} already belongs to {{.Name}}. An email address can belong to one customer only.",
					map[string]any{"Email": taken.email, "Name": taken.owner}))
			case errors.Is(err, storage.ErrConflict):
				p.refuse(lang.L("One of these email addresses already belongs to another customer."))
			case err != nil:
				p.refuse(lang.L("Shopdesk could not save the customer."))
			default:
				// Show what was saved now; the reload that follows agrees.
				saved := p.v.data.customer
				saved.Name, saved.Segment, saved.Tags, saved.Emails, saved.Notes = edit.Name, edit.Segment, edit.Tags, edit.Emails, edit.Notes
				saved.Phones = keepPhoneLabels(edit.Phones, saved.Phones)
				p.v.data.customer = saved
				p.stopEdit()
			}
		})
	}()
}

func (p *customerPanel) refuse(msg string) {
	p.problem.SetText(msg)
	p.problem.Show()
}

// keepPhoneLabels carries the labels ("mobile", "work") of numbers that
// stay over to the edited list.
func keepPhoneLabels(edited, old []storage.Phone) []storage.Phone {
	out := slices.Clone(edited)
	for i := range out {
		n := storage.NormalizePhone(out[i].Number)
		for _, o := range old {
			if storage.NormalizePhone(o.Number) == n {
				out[i].Label = o.Label
				break
			}
		}
	}
	return out
}

// splitLines splits on line breaks, commas and semicolons (ASCII or
// Chinese), dropping blanks and repeats.
func splitLines(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == ',' || r == ';' || r == '，' || r == '；' || r == '、'
	})
	var out []string
	for _, f := range fields {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

func splitTags(s string) []string {
	var out []string
	for _, t := range splitLines(s) {
		if t = normalizeTag(t); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// splitEmails reads the addresses, one a line; bad is the first one that
// is not an address.
func splitEmails(s string) (emails []string, bad string) {
	for _, e := range splitLines(s) {
		at := strings.LastIndexByte(e, '@')
		if at <= 0 || at == len(e)-1 || strings.ContainsAny(e, " \t<>\"") {
			return nil, e
		}
		emails = append(emails, e)
	}
	return emails, ""
}

// --- Timeline ---

func (p *customerPanel) openTimeline() {
	c := p.v.data.customer
	if c.ID == 0 {
		return
	}
	p.shownTimeline = p.v.d.showTimeline(c)
}

func timelineKindName(e storage.TimelineEntry) string {
	switch e.Kind {
	case storage.TimelineMessage:
		if e.Inbound {
			return lang.L("Email from the customer")
		}
		return lang.L("Email to the customer")
	case storage.TimelineCall:
		if e.Inbound {
			return lang.L("Incoming call")
		}
		return lang.L("Outgoing call")
	case storage.TimelineNote:
		return lang.L("Note")
	case storage.TimelineOrder:
		return lang.L("Order")
	case storage.TimelineAfterSales:
		return lang.L("After-sales cases")
	case storage.TimelineFollowUp:
		return lang.L("Follow-up")
	}
	return string(e.Kind)
}

// timelineText is an entry's words, with stored codes translated.
func timelineText(e storage.TimelineEntry) string {
	switch e.Kind {
	case storage.TimelineCall:
		return joinText(oneLine(e.Title), callOutcomeName(storage.CallOutcome(e.Detail)))
	case storage.TimelineOrder:
		return joinText(e.Title, orderStatusName(storage.OrderStatus(e.Detail)))
	case storage.TimelineAfterSales:
		kind, number, _ := strings.Cut(e.Title, " ")
		return joinText(caseKindName(storage.CaseKind(kind))+" "+number, caseStateName(storage.CaseState(e.Detail)))
	case storage.TimelineFollowUp:
		return joinText(followUpKindName(storage.FollowUpKind(e.Title)), oneLine(e.Detail))
	case storage.TimelineMessage:
		title := oneLine(e.Title)
		if title == "" {
			title = lang.L("(no subject)")
		}
		return title
	}
	return joinText(oneLine(e.Title), oneLine(e.Detail))
}

func joinText(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "  ·  " + b
}

func caseKindName(k storage.CaseKind) string {
	switch k {
	case storage.CaseReturn:
		return lang.L("Return")
	case storage.CaseExchange:
		return lang.L("Exchange")
	case storage.CaseRefund:
		return lang.L("Refund")
	case storage.CaseReissue:
		return lang.L("Reissue")
	}
	return string(k)
}

func caseStateName(s storage.CaseState) string {
	switch s {
	case storage.CaseRequested:
		return lang.L("Requested")
	case storage.CaseApproved:
		return lang.L("Approved")
	case storage.CaseGoodsBack:
		return lang.L("Goods returned")
	case storage.CaseRefunded:
		return lang.L("Refunded")
	case storage.CaseClosed:
		return lang.L("Closed")
	}
	return string(s)
}
