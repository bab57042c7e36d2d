package ui

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// settingsScreen edits the shop's settings.
type settingsScreen struct {
	d *Desk

	shop, agent, target, start, end *widget.Entry
	vip                             *widget.Entry // VIP spend threshold, in the shop's currency
	dormant                         *widget.Entry // months without contact before a customer is dormant
	rules                           *rulesForm    // automatic follow-ups (followups_settings.go)
	save                            *widget.Button
	status                          *widget.Label
	// dirty is set once the seller edits a field, so a reload never
	// overwrites unsaved typing. Main goroutine only.
	dirty bool
	// accounts lists the mail accounts, with the account setup (account.go).
	accounts *accountsSection
}

// settingsForm is what the seller can change here; the rest of
// storage.Settings is kept as stored.
type settingsForm struct {
	shop, agent string
	target      time.Duration
	start, end  string
	vip         storage.Money
	dormant     int // months
	rules       storage.FollowUpRules
}

func (s *settingsScreen) watches(k storage.Kind) bool {
	return k == storage.KindSettings || k == storage.KindAccount
}

func (s *settingsScreen) build() fyne.CanvasObject {
	edited := func(string) { s.dirty = true; s.status.SetText("") }
	entry := func(validate fyne.StringValidator) *widget.Entry {
		e := widget.NewEntry()
		e.Validator = validate
		e.OnChanged = edited
		return e
	}
	s.status = widget.NewLabel("")
	s.shop = entry(validShopName)
	s.agent = entry(nil)
	s.target = entry(validMinutes)
	s.start = entry(validClock)
	s.end = entry(validClock)
	s.vip = entry(validThreshold)
	s.dormant = entry(validMonths)
	s.start.SetPlaceHolder("09:00")
	s.end.SetPlaceHolder("18:00")

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Shop name"), s.shop),
		widget.NewFormItem(lang.L("Your name (signs replies)"), s.agent),
		widget.NewFormItem(lang.L("Reply within (minutes)"), s.target),
		widget.NewFormItem(lang.L("Working hours start"), s.start),
		widget.NewFormItem(lang.L("Working hours end"), s.end),
		&widget.FormItem{Text: lang.L("Key customer above (total spend)"), Widget: s.vip,
			HintText: lang.L("Customers who spend more are suggested as key customers (VIP).")},
		&widget.FormItem{Text: lang.L("Dormant after (months)"), Widget: s.dormant,
			HintText: lang.L("Customers with no message, call or order for this long are listed for a care call.")},
	)
	form.Items[2].HintText = lang.L("The inbox clock turns red after this.")
	s.save = widget.NewButton(lang.L("Save"), s.submit)
	s.save.Importance = widget.HighImportance
	s.rules = newRulesForm(edited)
	s.accounts = newAccountsSection(s.d)
	body := container.NewVBox(form, s.rules.build(), container.NewHBox(s.save, s.status), s.accounts.build(),
		s.d.dataSettings()) // Data: exports and backups (backup.go)
	body.Add(s.d.importSection()) // Import: customers, orders and mail from files (import.go)
	// Keep the form a comfortable width rather than stretching it.
	return screenFrame(lang.L("Settings"), nil, container.NewVScroll(container.New(maxWidth(560), body)), nil)
}

func (s *settingsScreen) load() {
	if s.accounts != nil {
		s.accounts.load()
	}
	var set storage.Settings
	err := s.d.store.View(func(tx *storage.Tx) error {
		var err error
		set, err = tx.Settings()
		return err
	})
	if err != nil {
		s.d.log.WithError(err).Error("Load the settings")
	}
	s.d.do(func() {
		if err != nil {
			dialog.ShowError(errors.New(lang.L("The settings could not be read. The details are in the log.")), s.d.win)
			return
		}
		if s.dirty {
			return
		}
		s.shop.SetText(set.ShopName)
		s.agent.SetText(set.AgentName)
		s.target.SetText(strconv.Itoa(int(set.ResponseTarget / time.Minute)))
		s.start.SetText(set.Hours.Start)
		s.end.SetText(set.Hours.End)
		s.vip.SetText(plainMoney(set.VIPThreshold, "CNY"))
		s.dormant.SetText(strconv.Itoa(set.DormantAfter()))
		s.rules.set(set.Rules)
		s.dirty = false
	})
}

// form reads and checks the fields; the error is in the seller's language.
func (s *settingsScreen) form() (settingsForm, error) {
	for _, e := range []*widget.Entry{s.shop, s.target, s.start, s.end, s.vip, s.dormant} {
		if err := e.Validator(e.Text); err != nil {
			return settingsForm{}, err
		}
	}
	mins, _ := strconv.Atoi(strings.TrimSpace(s.target.Text))
	f := settingsForm{
		shop:   strings.TrimSpace(s.shop.Text),
		agent:  strings.TrimSpace(s.agent.Text),
		target: time.Duration(mins) * time.Minute,
		start:  normalClock(s.start.Text),
		end:    normalClock(s.end.Text),
	}
	f.vip, _ = parseMoney(s.vip.Text, "CNY")
	f.dormant, _ = strconv.Atoi(strings.TrimSpace(s.dormant.Text))
	rules, err := s.rules.read()
	if err != nil {
		return settingsForm{}, err
	}
	f.rules = rules
	// "HH:MM" strings compare in time order.
	if f.end <= f.start {
		return settingsForm{}, errors.New(lang.L("The working day must end after it starts."))
	}
	return f, nil
}

func (s *settingsScreen) submit() {
	f, err := s.form()
	if err != nil {
		dialog.ShowError(err, s.d.win)
		return
	}
	s.save.Disable()
	go func() {
		err := s.d.store.Update(func(tx *storage.Tx) error {
			set, err := tx.Settings()
			if err != nil {
				return err
			}
			set.ShopName, set.AgentName, set.ResponseTarget = f.shop, f.agent, f.target
			set.Hours.Start, set.Hours.End = f.start, f.end
			set.VIPThreshold = f.vip
			set.DormantMonths = f.dormant
			set.Rules = f.rules
			return tx.SaveSettings(set)
		})
		if err != nil {
			s.d.log.WithError(err).Error("Save the settings")
		}
		s.d.do(func() {
			s.save.Enable()
			if err != nil {
				dialog.ShowError(errors.New(lang.L("The settings could not be saved. The details are in the log.")), s.d.win)
				return
			}
			s.dirty = false
			s.status.SetText(lang.L("Saved."))
		})
	}()
}

func validShopName(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New(lang.L("Enter the shop's name."))
	}
	return nil
}

func validMinutes(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 1440 {
		return errors.New(lang.L("Enter a whole number of minutes from 1 to 1440."))
	}
	return nil
}

// validThreshold accepts an amount such as 5000 or 5,000.00.
func validThreshold(s string) error {
	if _, err := parseMoney(s, "CNY"); err != nil {
		return errors.New(lang.L("Enter the amount as a number, such as 5000."))
	}
	return nil
}

func validClock(s string) error {
	if _, err := time.Parse("15:04", strings.TrimSpace(s)); err != nil {
		return errors.New(lang.L("Enter a time on the 24-hour clock, such as 09:00."))
	}
	return nil
}

// normalClock writes a valid time as HH:MM ("9:05" becomes "09:05").
func normalClock(s string) string {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return strings.TrimSpace(s)
	}
	return t.Format("15:04")
}
