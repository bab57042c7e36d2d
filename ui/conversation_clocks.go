package ui

import (
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// convClocks is what the clock strip above a conversation shows: the
// complaint procedure's steps, the after-sales decisions due, and a
// rating the customer's reply seems to give.
type convClocks struct {
	settings storage.Settings
	sop      []storage.FollowUp // escalate, solution, visit (those that exist)
	cases    []caseClock
	// A satisfaction visit still open and the rating read from the
	// customer's latest reply to it.
	visit  storage.FollowUp
	rating int
}

type caseClock struct {
	order storage.Order
	kind  storage.CaseKind
	due   time.Time
}

// readClocks gathers the strip's data inside the view's read.
func readClocks(tx *storage.Tx, data *convData) error {
	var err error
	if data.clocks.settings, err = tx.Settings(); err != nil {
		return err
	}
	if data.clocks.sop, err = tx.ComplaintSteps(data.conv.ID); err != nil {
		return fmt.Errorf("complaint steps: %w", err)
	}
	// The cases of the orders linked here, else of all the customer's.
	for _, o := range data.orders {
		if len(data.conv.OrderIDs) > 0 && !slices.Contains(data.conv.OrderIDs, o.ID) {
			continue
		}
		for _, c := range o.Cases {
			if due, running := storage.CaseDue(data.clocks.settings, c); running {
				data.clocks.cases = append(data.clocks.cases, caseClock{order: o, kind: c.Kind, due: due})
			}
		}
	}
	// A reply after a satisfaction visit was planned may carry the rating.
	for _, f := range data.followUps {
		if f.Kind != storage.FollowSatisfaction || f.ConversationID != data.conv.ID {
			continue
		}
		for i := len(data.messages) - 1; i >= 0; i-- {
			m := data.messages[i]
			if m.Direction != storage.Inbound || m.Date.Before(f.Created) {
				continue
			}
			if r, ok := storage.ParseRating(m.Text); ok {
				data.clocks.visit, data.clocks.rating = f, r
			}
			break
		}
		break
	}
	return nil
}

// clockStrip is the line of timers under the conversation's header:
// "Escalate in 40 min · Solution in 23 h · Visit in 3 d", red when overdue.
type clockStrip struct {
	v       *conversationView
	box     *fyne.Container
	suggest *widget.Button // "Rated 5: record it"
}

func newClockStrip(v *conversationView) *clockStrip {
	s := &clockStrip{v: v, box: container.NewHBox()}
	s.box.Hide()
	return s
}

func (s *clockStrip) update(data convData, now time.Time) {
	var parts []fyne.CanvasObject
	add := func(text string, late bool) {
		l := widget.NewLabel(text)
		l.Importance = widget.MediumImportance
		if late {
			l.Importance = widget.DangerImportance
		}
		if len(parts) > 0 {
			parts = append(parts, widget.NewLabel("·"))
		}
		parts = append(parts, l)
	}
	if data.conv.IsComplaint() {
		sev := data.conv.Severity
		if sev == "" {
			sev = storage.SeverityHigh
		}
		icon := widget.NewIcon(theme.WarningIcon())
		parts = append(parts, icon, widget.NewLabelWithStyle(lang.L("Complaint · {{.Severity}}", map[string]any{"Severity": severityName(sev)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	}
	for _, f := range data.clocks.sop {
		text, late := stepClock(f, now)
		add(text, late)
	}
	for _, c := range data.clocks.cases {
		add(caseClockText(caseKindName(c.kind)+" "+c.order.Number, c.due, now))
	}
	if data.clocks.rating > 0 {
		visit, rating := data.clocks.visit, data.clocks.rating
		s.suggest = widget.NewButtonWithIcon(lang.L("The customer rated {{.Rating}}: record it", map[string]any{"Rating": ratingChoices()[5-rating]}),
			theme.ConfirmIcon(), func() { s.v.rating = showRatingForm(s.v.d, visit, rating) })
		s.suggest.Importance = widget.HighImportance
		parts = append(parts, s.suggest)
	} else {
		s.suggest = nil
	}
	s.box.Objects = parts
	s.box.Hidden = len(parts) == 0
	s.box.Refresh()
}

// stepClock is one complaint step's countdown, or that it is done.
func stepClock(f storage.FollowUp, now time.Time) (string, bool) {
	left := f.Due.Sub(now)
	late := left < 0
	t := map[string]any{"Time": formatDuration(left)}
	if late {
		t["Time"] = formatDuration(-left)
	}
	done := !f.Done.IsZero()
	switch f.Kind {
	case storage.FollowEscalate:
		switch {
		case done:
			return "✓ " + lang.L("Escalated"), false
		case late:
			return lang.L("Escalation overdue by {{.Time}}", t), true
		}
		return lang.L("Escalate in {{.Time}}", t), false
	case storage.FollowSolution:
		switch {
		case done:
			return "✓ " + lang.L("Solution given"), false
		case late:
			return lang.L("Solution overdue by {{.Time}}", t), true
		}
		return lang.L("Solution in {{.Time}}", t), false
	}
	switch {
	case done:
		return "✓ " + lang.L("Visit done"), false
	case late:
		return lang.L("Visit overdue by {{.Time}}", t), true
	}
	return lang.L("Visit in {{.Time}}", t), false
}

// showComplaint marks the conversation a complaint with a severity (or
// changes it); marking starts the complaint procedure in the store.
func (a *convActions) showComplaint() {
	names := make([]string, len(storage.Severities))
	for i, s := range storage.Severities {
		names[i] = severityName(s)
	}
	sev := widget.NewRadioGroup(names, nil)
	sev.Horizontal = true
	sev.Required = true
	cur := a.v.data.conv.Severity
	if cur == "" {
		cur = storage.SeverityMedium
	}
	sev.SetSelected(severityName(cur))
	r := a.v.data.clocks.settings.Rules
	hint := lang.L("Escalate within {{.High}} h (high), {{.Medium}} h (medium) or {{.Low}} h (low), in working hours.",
		map[string]any{"High": formatHours(r.EscalateHigh), "Medium": formatHours(r.EscalateMedium), "Low": formatHours(r.EscalateLow)})
	a.complaint = dialog.NewForm(lang.L("Mark as complaint"), lang.L("Save"), lang.L("Cancel"),
		[]*widget.FormItem{{Text: lang.L("Severity"), Widget: sev, HintText: hint}},
		func(ok bool) {
			if !ok {
				return
			}
			chosen := storage.Severities[max(indexString(names, sev.Selected), 0)]
			a.v.updateConversation("Mark a complaint", lang.L("Shopdesk could not change the conversation."),
				func(c *storage.Conversation) error {
					c.Severity = chosen
					return nil
				})
		}, a.v.d.win)
	a.complaintSev = sev
	a.complaint.Show()
}

// caseClockText is an after-sales case's countdown to its decision, and
// whether it is overdue.
func caseClockText(what string, due, now time.Time) (string, bool) {
	if left := due.Sub(now); left >= 0 {
		return lang.L("{{.Case}}: decide in {{.Time}}", map[string]any{"Case": what, "Time": formatDuration(left)}), false
	}
	return lang.L("{{.Case}}: decision overdue by {{.Time}}", map[string]any{"Case": what, "Time": formatDuration(now.Sub(due))}), true
}

// newCaseClock is the countdown of one after-sales case for the order
// editor: "Return: decide in 20 h", red when overdue; nil once the case
// is decided. Redraw it with the desk's minute tick.
func newCaseClock(s storage.Settings, c storage.AfterSalesCase, now time.Time) *widget.Label {
	due, running := storage.CaseDue(s, c)
	if !running {
		return nil
	}
	text, late := caseClockText(caseKindName(c.Kind), due, now)
	l := widget.NewLabel(text)
	if late {
		l.Importance = widget.DangerImportance
	}
	return l
}

// refreshClocks redraws the strip's countdowns as time passes.
func (v *conversationView) refreshClocks() {
	if v.loaded && !v.closed.Load() && v.clocks != nil {
		v.clocks.update(v.data, v.d.now())
	}
}
