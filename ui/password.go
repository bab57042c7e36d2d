package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/imapsync"
	"github.com/shopdesk/shopdesk/mailbox/secrets"
)

// askPassword asks the seller for an account's password when none is
// saved, and hands it to the mail workers. Where the computer has no
// keyring it says so: the password lasts only this run. Main goroutine.
func (d *Desk) askPassword(s imapsync.Status) {
	if d.connect == nil {
		return
	}
	entry := widget.NewPasswordEntry()
	note := lang.L("Shopdesk saves it in this computer's keyring.")
	if errors.Is(s.Err, secrets.ErrNoKeyring) {
		note = lang.L("This computer has no keyring, so Shopdesk keeps the password only until it closes and asks again next time.")
	}
	hint := widget.NewLabel(note)
	hint.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Password"), entry),
		widget.NewFormItem("", hint),
	}
	title := lang.L("Password for {{.Account}}", map[string]any{"Account": s.Account})
	form := dialog.NewForm(title, lang.L("Connect"), lang.L("Cancel"), items, func(ok bool) {
		if !ok || entry.Text == "" {
			return
		}
		password := entry.Text
		go func() {
			// ErrNoKeyring: the password lasts this run, as the note said.
			if err := d.connect(s.Account, password); err != nil && !errors.Is(err, secrets.ErrNoKeyring) {
				d.do(func() {
					dialog.ShowError(errors.New(lang.L("The password could not be used: {{.Error}}", map[string]any{"Error": err.Error()})), d.win)
				})
			}
		}()
	}, d.win)
	form.Resize(fyne.NewSize(420, 220))
	form.Show()
	d.win.Canvas().Focus(entry)
}
