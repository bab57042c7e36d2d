package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// followUpsLimit bounds one read; open follow-ups come earliest-due first,
// so the ones that matter today are always inside it.
const followUpsLimit = 500

// caseDueSoon is how close an after-sales decision must be to join the
// after-sales section.
const caseDueSoon = 24 * time.Hour

// followUpsScreen lists open follow-ups in sections: after-sales cases
// due soon or overdue, then overdue, today and upcoming follow-ups. Each
// row has done, snooze (presets or a time of the seller's) and open.
type followUpsScreen struct {
	d *Desk

	items  []followUpItem // main goroutine only
	list   *widget.List
	panel  *panel
	footer *footer
	// The latest dialogs, for tests.
	rating *ratingForm
	move   *moveForm
}

type followUpRow struct {
	followUp storage.FollowUp
	customer storage.Customer
}

// followUpItem is a section heading (header set) or a follow-up.
type followUpItem struct {
	header string
	row    followUpRow
}

func (s *followUpsScreen) watches(k storage.Kind) bool {
	return k == storage.KindFollowUp || k == storage.KindCustomer
}

func (s *followUpsScreen) build() fyne.CanvasObject {
	s.list = widget.NewList(
		func() int { return len(s.items) },
		s.newItem,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.items) {
				s.updateItem(s.items[id], o.(*fyne.Container))
			}
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.UnselectAll()
		if id < len(s.items) && s.items[id].header == "" {
			s.open(s.items[id].row.followUp)
		}
	}
	s.panel = newPanel(s.list, theme.CalendarIcon(), lang.L("No follow-ups due. Call-backs and reminders you schedule appear here."))
	s.footer = newFooter()
	logCall := s.d.newTipButton(lang.L("Log call"), theme.VolumeUpIcon(), lang.L("Record a phone call (Ctrl+L)"), func() { s.d.logCall() })
	return screenFrame(lang.L("Follow-ups"), logCall, s.panel.content, s.footer)
}

// newItem is a row: a heading, or the follow-up's lines with its due
// time and buttons. One template serves both; update hides one part.
func (s *followUpsScreen) newItem() fyne.CanvasObject {
	heading := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	due := widget.NewLabel("")
	due.Alignment = fyne.TextAlignTrailing
	done := widget.NewButtonWithIcon(lang.L("Done"), theme.ConfirmIcon(), nil)
	snooze := widget.NewButtonWithIcon(lang.L("Snooze"), theme.HistoryIcon(), nil)
	open := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), nil)
	buttons := container.NewHBox(due, done, snooze, open)
	row := container.NewBorder(nil, nil, nil, buttons, twoLines(newTruncLabel(true), newTruncLabel(false)))
	return container.NewStack(heading, row)
}

func (s *followUpsScreen) updateItem(it followUpItem, o *fyne.Container) {
	heading := o.Objects[0].(*widget.Label)
	row := o.Objects[1].(*fyne.Container)
	if it.header != "" {
		heading.SetText(it.header)
		heading.Show()
		row.Hide()
		return
	}
	heading.Hide()
	row.Show()
	r := it.row
	texts := row.Objects[0].(*fyne.Container).Objects
	texts[0].(*widget.Label).SetText(customerName(r.customer) + " · " + followUpTitle(r.followUp))
	texts[1].(*widget.Label).SetText(oneLine(r.followUp.Note))
	buttons := row.Objects[1].(*fyne.Container).Objects
	setDueLabel(buttons[0].(*widget.Label), r.followUp.Due, s.d.now())
	f := r.followUp
	buttons[1].(*widget.Button).OnTapped = func() { s.done(f) }
	snooze := buttons[2].(*widget.Button)
	snooze.OnTapped = func() { s.showSnooze(f, snooze) }
	buttons[3].(*widget.Button).OnTapped = func() { s.open(f) }
}

// setDueLabel shows when a follow-up is due, red once it is overdue.
func setDueLabel(due *widget.Label, at, now time.Time) {
	switch left := at.Sub(now); {
	case left < 0:
		due.Importance = widget.DangerImportance
		due.Text = lang.L("Overdue by {{.Time}}", map[string]any{"Time": formatDuration(-left)})
	case left < 12*time.Hour:
		due.Importance = widget.WarningImportance
		due.Text = lang.L("Due in {{.Time}}", map[string]any{"Time": formatDuration(left)})
	default:
		due.Importance = widget.MediumImportance
		due.Text = lang.L("Due {{.Date}}", map[string]any{"Date": formatDate(at)})
	}
	due.Refresh()
}

func (s *followUpsScreen) load() {
	var rows []followUpRow
	var total int
	err := s.d.store.View(func(tx *storage.Tx) error {
		var err error
		rows, total, err = readOpenFollowUps(tx, time.Time{}, followUpsLimit)
		return err
	})
	if err != nil {
		s.d.log.WithError(err).Error("Load the follow-ups")
	}
	items := groupFollowUps(rows, s.d.now())
	s.d.do(func() {
		s.items = items
		// Headings are one line; rows keep the template's height.
		heading, row := widget.NewLabel("").MinSize().Height, s.newItem().MinSize().Height
		for i, it := range items {
			if it.header != "" {
				s.list.SetItemHeight(i, heading)
			} else {
				s.list.SetItemHeight(i, row)
			}
		}
		s.list.Refresh()
		s.footer.setShown(len(rows), total)
		s.panel.show(len(rows), err)
	})
}

// readOpenFollowUps reads open follow-ups due before the time (all for a
// zero time), earliest first, with their customers.
func readOpenFollowUps(tx *storage.Tx, before time.Time, limit int) ([]followUpRow, int, error) {
	fs, err := tx.FollowUpsDue(before, limit)
	if err != nil {
		return nil, 0, err
	}
	rows := make([]followUpRow, len(fs))
	names := map[uint64]storage.Customer{}
	for i, f := range fs {
		c, ok := names[f.CustomerID]
		if !ok {
			c, _ = tx.Customer(f.CustomerID) // a customer deleted meanwhile shows as unknown
			names[f.CustomerID] = c
		}
		rows[i] = followUpRow{followUp: f, customer: c}
	}
	return rows, tx.CountOpenFollowUps(), nil
}

// groupFollowUps sorts rows (earliest first) into the screen's sections.
func groupFollowUps(rows []followUpRow, now time.Time) []followUpItem {
	local := now.In(time.Local)
	y, m, d := local.Date()
	tomorrow := time.Date(y, m, d+1, 0, 0, 0, 0, time.Local)
	sections := []struct {
		title string
		rows  []followUpRow
	}{
		{title: lang.L("After-sales decisions due")},
		{title: lang.L("Overdue")},
		{title: lang.L("Today")},
		{title: lang.L("Upcoming")},
	}
	for _, r := range rows {
		i := 3
		switch {
		case r.followUp.Kind == storage.FollowAfterSales && r.followUp.Due.Before(now.Add(caseDueSoon)):
			i = 0
		case r.followUp.Due.Before(now):
			i = 1
		case r.followUp.Due.Before(tomorrow):
			i = 2
		}
		sections[i].rows = append(sections[i].rows, r)
	}
	var items []followUpItem
	for _, sec := range sections {
		if len(sec.rows) == 0 {
			continue
		}
		items = append(items, followUpItem{header: fmt.Sprintf("%s (%d)", sec.title, len(sec.rows))})
		for _, r := range sec.rows {
			items = append(items, followUpItem{row: r})
		}
	}
	return items
}

// followUpTitle names a follow-up: its kind, and what a care one is for.
func followUpTitle(f storage.FollowUp) string {
	t := followUpKindName(f.Kind)
	if occ := storage.CareOccasion(f); occ != "" {
		t += " · " + occasionName(occ)
	}
	switch {
	case strings.HasPrefix(f.Rule, "sop:"):
		t = lang.L("Complaint procedure") + " · " + t
	case strings.HasPrefix(f.Rule, "case:"):
		t = lang.L("After-sales decision due")
	}
	return t
}

// open shows what the follow-up is about: its conversation, else the customer.
func (s *followUpsScreen) open(f storage.FollowUp) { openFollowUp(s.d, f) }

func openFollowUp(d *Desk, f storage.FollowUp) {
	if f.ConversationID != 0 {
		d.openConversation(f.ConversationID)
		return
	}
	d.openCustomer(f.CustomerID)
}

// done finishes a follow-up; a satisfaction visit first asks for the rating.
func (s *followUpsScreen) done(f storage.FollowUp) {
	if f.Kind == storage.FollowSatisfaction {
		s.rating = showRatingForm(s.d, f, 0)
		return
	}
	completeFollowUp(s.d, f.ID, 0, "")
}

func completeFollowUp(d *Desk, id uint64, rating int, comment string) {
	go func() {
		err := d.store.Update(func(tx *storage.Tx) error {
			_, err := tx.CompleteFollowUp(id, rating, comment)
			return err
		})
		if err != nil {
			d.log.WithError(err).WithField("followup", id).Error("Finish a follow-up")
			d.do(func() { dialog.ShowError(errors.New(lang.L("Shopdesk could not save the follow-up.")), d.win) })
		}
	}()
}

// setFollowUpDue moves a follow-up to a new time.
func setFollowUpDue(d *Desk, id uint64, due time.Time) {
	go func() {
		err := d.store.Update(func(tx *storage.Tx) error {
			f, err := tx.FollowUp(id)
			if err != nil {
				return err
			}
			f.Due = due
			return tx.SaveFollowUp(&f)
		})
		if err != nil {
			d.log.WithError(err).WithField("followup", id).Error("Move a follow-up")
			d.do(func() { dialog.ShowError(errors.New(lang.L("Shopdesk could not save the follow-up.")), d.win) })
		}
	}()
}

// showSnooze offers the snooze presets and "another time" under the button.
func (s *followUpsScreen) showSnooze(f storage.FollowUp, at fyne.CanvasObject) {
	showSnoozeMenu(s.d, f, at, func(m *moveForm) { s.move = m })
}

func showSnoozeMenu(d *Desk, f storage.FollowUp, at fyne.CanvasObject, moved func(*moveForm)) {
	var items []*fyne.MenuItem
	for _, p := range snoozePresets(d.now()) {
		due := p.at
		items = append(items, fyne.NewMenuItem(p.label, func() { setFollowUpDue(d, f.ID, due) }))
	}
	items = append(items, fyne.NewMenuItem(lang.L("Another time…"), func() { moved(showMoveFollowUp(d, f)) }))
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(at).Add(fyne.NewPos(0, at.Size().Height))
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), d.win.Canvas(), pos)
}

// moveForm asks for a follow-up's new due time.
type moveForm struct {
	when *widget.Entry
	dlg  *dialog.FormDialog
}

// showMoveFollowUp asks for a new due date and time.
func showMoveFollowUp(d *Desk, f storage.FollowUp) *moveForm {
	when := widget.NewEntry()
	when.SetText(f.Due.In(time.Local).Format(whenLayout))
	when.Validator = func(s string) error { _, err := parseWhen(s, d.now()); return err }
	dlg := dialog.NewForm(lang.L("Move the follow-up"), lang.L("Move"), lang.L("Cancel"),
		[]*widget.FormItem{{Text: lang.L("Due"), Widget: when, HintText: lang.L("YYYY-MM-DD HH:MM")}},
		func(ok bool) {
			if !ok {
				return
			}
			if due, err := parseWhen(when.Text, d.now()); err == nil {
				setFollowUpDue(d, f.ID, due)
			}
		}, d.win)
	dlg.Resize(fyne.NewSize(420, 200))
	dlg.Show()
	return &moveForm{when: when, dlg: dlg}
}

// ratingForm records the answer to a satisfaction visit.
type ratingForm struct {
	rating  *widget.RadioGroup
	comment *widget.Entry
	dlg     *dialog.FormDialog
}

// ratingChoices are the 1-5 answers, best first, as the seller reads them.
func ratingChoices() []string {
	return []string{
		lang.L("5 · Very satisfied"), lang.L("4 · Satisfied"), lang.L("3 · Neutral"),
		lang.L("2 · Dissatisfied"), lang.L("1 · Very dissatisfied"),
	}
}

// showRatingForm asks for the customer's rating and comment; suggested
// (1-5, 0 for none) is preselected, as from a rating read in a reply.
func showRatingForm(d *Desk, f storage.FollowUp, suggested int) *ratingForm {
	r := &ratingForm{}
	choices := ratingChoices()
	r.rating = widget.NewRadioGroup(choices, nil)
	if suggested >= 1 && suggested <= 5 {
		r.rating.SetSelected(choices[5-suggested])
	}
	r.comment = widget.NewMultiLineEntry()
	r.comment.SetMinRowsVisible(2)
	r.comment.Wrapping = fyne.TextWrapWord
	r.dlg = dialog.NewForm(lang.L("Satisfaction visit"), lang.L("Done"), lang.L("Cancel"), []*widget.FormItem{
		{Text: lang.L("Rating"), Widget: r.rating, HintText: lang.L("Leave empty if the customer gave none. 1 or 2 opens a complaint.")},
		{Text: lang.L("Comment"), Widget: r.comment},
	}, func(ok bool) {
		if !ok {
			return
		}
		rating := 0
		if i := indexString(choices, r.rating.Selected); i >= 0 {
			rating = 5 - i
		}
		completeFollowUp(d, f.ID, rating, r.comment.Text)
	}, d.win)
	r.dlg.Resize(fyne.NewSize(460, 360))
	r.dlg.Show()
	return r
}

// refreshClocks turns follow-ups red as they fall due.
func (s *followUpsScreen) refreshClocks() {
	if s.list != nil {
		s.list.Refresh()
	}
}

// occasionName names a care occasion: a birthday or a holiday.
func occasionName(key string) string {
	switch key {
	case "birthday":
		return lang.L("Birthday")
	case "spring_festival":
		return lang.L("Spring Festival")
	case "lantern":
		return lang.L("Lantern Festival")
	case "dragon_boat":
		return lang.L("Dragon Boat Festival")
	case "qixi":
		return lang.L("Qixi Festival")
	case "mid_autumn":
		return lang.L("Mid-Autumn Festival")
	case "national_day":
		return lang.L("National Day")
	case "double_11":
		return lang.L("Double 11")
	case "new_year":
		return lang.L("New Year")
	case "valentine":
		return lang.L("Valentine's Day")
	case "easter":
		return lang.L("Easter")
	case "mothers_day":
		return lang.L("Mother's Day")
	case "thanksgiving":
		return lang.L("Thanksgiving")
	case "black_friday":
		return lang.L("Black Friday")
	case "christmas":
		return lang.L("Christmas")
	}
	return key
}
