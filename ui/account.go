package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// maxAccountRows is how many accounts the settings list shows before it
// scrolls.
const maxAccountRows = 5

// accountsSection is the "Mail accounts" part of the settings screen:
// the accounts with edit and remove, and a button to add one.
type accountsSection struct {
	d     *Desk
	list  *widget.List
	empty *widget.Label
	rows  *rowsLayout
	box   *fyne.Container // the list, hidden while there is no account
	// accounts is what the list shows. Main goroutine only.
	accounts []storage.Account
}

func newAccountsSection(d *Desk) *accountsSection { return &accountsSection{d: d} }

func (s *accountsSection) build() fyne.CanvasObject {
	s.list = widget.NewList(
		func() int { return len(s.accounts) },
		func() fyne.CanvasObject {
			edit := widget.NewButtonWithIcon(lang.L("Edit"), theme.DocumentCreateIcon(), nil)
			remove := widget.NewButtonWithIcon(lang.L("Remove"), theme.DeleteIcon(), nil)
			return container.NewBorder(nil, nil, widget.NewIcon(theme.MailComposeIcon()), container.NewHBox(edit, remove),
				newLineLabel("", fyne.TextStyle{}, theme.ColorNameForeground))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(s.accounts) {
				return
			}
			a := s.accounts[id]
			row := o.(*fyne.Container)
			label := row.Objects[0].(*lineLabel)
			label.full = fmt.Sprintf("%s — %s  (%s)", a.Name, a.Email, a.IMAP)
			label.Refresh()
			buttons := row.Objects[2].(*fyne.Container)
			buttons.Objects[0].(*widget.Button).OnTapped = func() { s.edit(a.Name) }
			buttons.Objects[1].(*widget.Button).OnTapped = func() { s.confirmRemove(a) }
		})
	s.list.HideSeparators = true
	s.rows = &rowsLayout{rows: func() int { return min(max(len(s.accounts), 1), maxAccountRows) }}
	s.empty = widget.NewLabel(lang.L("No mailbox yet: add your shop's mailbox to answer customer mail here."))
	s.empty.Wrapping = fyne.TextWrapWord
	add := widget.NewButtonWithIcon(lang.L("Add account"), theme.ContentAddIcon(), func() { showAccountWizard(s.d, nil) })
	title := widget.NewLabelWithStyle(lang.L("Mail accounts"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.box = container.New(s.rows, s.list)
	s.box.Hide()
	return container.NewVBox(widget.NewSeparator(), title, s.empty, s.box, container.NewHBox(add))
}

// load reads the accounts; off the main goroutine.
func (s *accountsSection) load() {
	var accounts []storage.Account
	err := s.d.store.View(func(tx *storage.Tx) error {
		var err error
		accounts, err = tx.Accounts()
		return err
	})
	if err != nil {
		s.d.log.WithError(err).Error("Load the mail accounts")
	}
	s.d.do(func() {
		if err != nil || s.list == nil {
			return
		}
		s.accounts = accounts
		if len(accounts) == 0 {
			s.empty.Show()
			s.box.Hide()
		} else {
			s.empty.Hide()
			s.box.Show()
		}
		s.list.Refresh()
		s.box.Refresh() // the row count changes the list's height
	})
}

// edit opens the wizard on the stored account.
func (s *accountsSection) edit(name string) {
	go func() {
		var a storage.Account
		err := s.d.store.View(func(tx *storage.Tx) error {
			var err error
			a, err = tx.Account(name)
			return err
		})
		s.d.do(func() {
			if err != nil {
				s.d.log.WithError(err).WithField("account", name).Error("Read a mail account")
				dialog.ShowError(errors.New(lang.L("The account could not be read. The details are in the log.")), s.d.win)
				return
			}
			showAccountWizard(s.d, &a)
		})
	}()
}

func (s *accountsSection) confirmRemove(a storage.Account) {
	c := dialog.NewConfirm(lang.L("Remove {{.Account}}?", map[string]any{"Account": a.Name}),
		lang.L("Shopdesk stops syncing {{.Email}} and forgets its password. The mail already in Shopdesk stays, and nothing changes on the server.",
			map[string]any{"Email": a.Email}),
		func(ok bool) {
			if !ok {
				return
			}
			go func() {
				err := s.d.store.Update(func(tx *storage.Tx) error { return tx.DeleteAccount(a.Name) })
				if err != nil && !errors.Is(err, storage.ErrNotFound) {
					s.d.log.WithError(err).WithField("account", a.Name).Error("Remove a mail account")
					s.d.do(func() {
						dialog.ShowError(errors.New(lang.L("The account could not be removed. The details are in the log.")), s.d.win)
					})
				}
			}()
		}, s.d.win)
	c.SetConfirmText(lang.L("Remove"))
	c.SetConfirmImportance(widget.DangerImportance)
	c.Show()
}

// offerFirstAccount opens the account setup when the desk has no
// mailbox yet and can use one (the demo has its own; tests have none).
func (d *Desk) offerFirstAccount() {
	if d.connect == nil {
		return
	}
	go func() {
		n := -1
		err := d.store.View(func(tx *storage.Tx) error {
			accounts, err := tx.Accounts()
			n = len(accounts)
			return err
		})
		if err != nil {
			d.log.WithError(err).Error("Look for mail accounts")
			return
		}
		if n == 0 {
			d.do(func() { showAccountWizard(d, nil) })
		}
	}()
}

// rowsLayout sizes a list to show a number of rows without scrolling.
type rowsLayout struct {
	rows func() int
	rowH float32 // one row's height, measured once
}

func (l *rowsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l *rowsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.Size{}
	}
	list, ok := objs[0].(*widget.List)
	if !ok || list.CreateItem == nil {
		return objs[0].MinSize()
	}
	if l.rowH == 0 {
		l.rowH = list.CreateItem().MinSize().Height + theme.Padding()
	}
	return fyne.NewSize(0, float32(l.rows())*l.rowH)
}
