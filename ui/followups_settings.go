package ui

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// rulesForm is the Settings section for the automatic follow-ups: each
// schedule switchable, with its times in hours.
type rulesForm struct {
	satisfaction, complaint, payment, birthday, holidays, afterSales *widget.Check

	satAfter, escHigh, escMedium, escLow, solution, visit, callBack, payAfter *widget.Entry
	cases                                                                     map[storage.CaseKind]*widget.Entry
}

func newRulesForm(edited func(string)) *rulesForm {
	r := &rulesForm{cases: map[storage.CaseKind]*widget.Entry{}}
	check := func(label string) *widget.Check {
		return widget.NewCheck(label, func(bool) { edited("") })
	}
	hours := func() *widget.Entry {
		e := widget.NewEntry()
		e.Validator = validHours
		e.OnChanged = edited
		return e
	}
	r.satisfaction = check(lang.L("Satisfaction visit after a conversation or after-sales case closes"))
	r.complaint = check(lang.L("Complaint procedure: escalate, solve, visit"))
	r.payment = check(lang.L("Payment reminder for unpaid orders"))
	r.birthday = check(lang.L("Birthday care"))
	r.holidays = check(lang.L("Holiday greetings for returning and key customers"))
	r.afterSales = check(lang.L("After-sales decision clock"))
	r.satAfter, r.escHigh, r.escMedium, r.escLow = hours(), hours(), hours(), hours()
	r.solution, r.visit, r.callBack, r.payAfter = hours(), hours(), hours(), hours()
	for _, k := range storage.CaseKinds {
		r.cases[k] = hours()
	}
	return r
}

func (r *rulesForm) build() fyne.CanvasObject {
	heading := widget.NewLabelWithStyle(lang.L("Automatic follow-ups"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	item := func(text string, w fyne.CanvasObject, hint string) *widget.FormItem {
		return &widget.FormItem{Text: text, Widget: w, HintText: hint}
	}
	form := widget.NewForm(
		item(lang.L("Visit after (hours)"), r.satAfter, lang.L("Moved into working hours.")),
		item(lang.L("Escalate a high complaint within (working hours)"), r.escHigh, ""),
		item(lang.L("Escalate a medium complaint within"), r.escMedium, ""),
		item(lang.L("Escalate a low complaint within"), r.escLow, ""),
		item(lang.L("Solution within (working hours)"), r.solution, ""),
		item(lang.L("Complaint visit within (working hours)"), r.visit, ""),
		item(lang.L("Call back an unanswered call after (working hours)"), r.callBack, ""),
		item(lang.L("Remind unpaid orders after (hours)"), r.payAfter, ""),
	)
	for _, k := range storage.CaseKinds {
		form.Append(lang.L("{{.Kind}}: decide within (working hours)", map[string]any{"Kind": caseKindName(k)}), r.cases[k])
	}
	checks := container.NewVBox(r.satisfaction, r.complaint, r.payment, r.birthday, r.holidays, r.afterSales)
	return container.NewVBox(widget.NewSeparator(), heading, checks, form)
}

// set shows the stored rules.
func (r *rulesForm) set(x storage.FollowUpRules) {
	r.satisfaction.SetChecked(x.Satisfaction)
	r.complaint.SetChecked(x.Complaint)
	r.payment.SetChecked(x.Payment)
	r.birthday.SetChecked(x.Birthday)
	r.holidays.SetChecked(x.Holidays)
	r.afterSales.SetChecked(x.AfterSales)
	for _, f := range []struct {
		e *widget.Entry
		d time.Duration
	}{
		{r.satAfter, x.SatisfactionAfter}, {r.escHigh, x.EscalateHigh}, {r.escMedium, x.EscalateMedium},
		{r.escLow, x.EscalateLow}, {r.solution, x.Solution}, {r.visit, x.ComplaintVisit},
		{r.callBack, x.CallBack}, {r.payAfter, x.PaymentAfter},
	} {
		f.e.SetText(formatHours(f.d))
	}
	for _, k := range storage.CaseKinds {
		r.cases[k].SetText(formatHours(x.CaseTarget(k)))
	}
}

// read checks the fields and returns the rules; the error is in the
// seller's language.
func (r *rulesForm) read() (storage.FollowUpRules, error) {
	x := storage.FollowUpRules{
		Satisfaction: r.satisfaction.Checked, Complaint: r.complaint.Checked, Payment: r.payment.Checked,
		Birthday: r.birthday.Checked, Holidays: r.holidays.Checked, AfterSales: r.afterSales.Checked,
		CaseTargets: map[storage.CaseKind]time.Duration{},
	}
	for _, f := range []struct {
		e *widget.Entry
		d *time.Duration
	}{
		{r.satAfter, &x.SatisfactionAfter}, {r.escHigh, &x.EscalateHigh}, {r.escMedium, &x.EscalateMedium},
		{r.escLow, &x.EscalateLow}, {r.solution, &x.Solution}, {r.visit, &x.ComplaintVisit},
		{r.callBack, &x.CallBack}, {r.payAfter, &x.PaymentAfter},
	} {
		d, err := parseHours(f.e.Text)
		if err != nil {
			return x, err
		}
		*f.d = d
	}
	for _, k := range storage.CaseKinds {
		d, err := parseHours(r.cases[k].Text)
		if err != nil {
			return x, err
		}
		x.CaseTargets[k] = d
	}
	return x, nil
}

func validHours(s string) error { _, err := parseHours(s); return err }

// parseHours reads a number of hours such as 24 or 1.5.
func parseHours(s string) (time.Duration, error) {
	h, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || h <= 0 || h > 24*365 {
		return 0, errors.New(lang.L("Enter a number of hours, such as 24 or 1.5."))
	}
	return time.Duration(h * float64(time.Hour)).Round(time.Minute), nil
}

func formatHours(d time.Duration) string {
	return strconv.FormatFloat(d.Hours(), 'f', -1, 64)
}
