package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/storage"
)

// AppID is the application's unique ID; Fyne keys preferences and
// storage by it, so it must never change.
const AppID = "app.shopdesk.desk"

// Icon is the app icon as a Fyne resource.
func Icon() fyne.Resource { return fyne.NewStaticResource("icon.png", assets.IconPNG) }

// LoadTranslations registers the UI's translations; the language follows
// the environment (LANG and friends).
func LoadTranslations() error {
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		return fmt.Errorf("load translations: %w", err)
	}
	return nil
}

// Options are what the desk takes besides the store.
type Options struct {
	// Sync feeds the status bar with each account's sync status; nil
	// shows no bar.
	Sync *SyncBoard
	// Shown and InboxShown, when set, are called on the main goroutine
	// once the window is up and once the inbox's first rows (or its empty
	// state) are drawn: deskbench measures start-up with them.
	Shown, InboxShown func()
	// Connect starts an account's mail with a password the seller typed
	// because none was saved.
	Connect func(account, password string) error
	// Passwords finds an account's password (typed this run or saved),
	// for work on the server the seller asks for, such as moving a
	// forgotten customer's mail to Trash.
	Passwords func(account string) (string, error)
}

// Run opens the main window on the store and blocks until the app quits.
func Run(st *storage.Store, log logrus.FieldLogger, o Options) error {
	if err := LoadTranslations(); err != nil {
		return err
	}
	a := app.NewWithID(AppID)
	a.SetIcon(Icon())
	w := a.NewWindow("Shopdesk")
	w.SetMaster()
	d := NewDesk(a, w, st, log)
	defer d.Close()
	if o.Sync != nil {
		d.status.follow(o.Sync)
	}
	d.inbox.shown = o.InboxShown
	d.connect = o.Connect
	d.passwords = o.Passwords
	d.offerFirstAccount()
	// No system tray: notifications need none. If one comes, set it only
	// with a session D-Bus: without one the tray panics on quit (fyne#6403).
	log.WithField("language", lang.SystemLocale().LanguageString()).Info("Opening the desk")
	a.Lifecycle().SetOnStarted(func() {
		// The smoke test and support logs rely on this line.
		log.Info("window shown")
		if o.Shown != nil {
			o.Shown()
		}
	})
	w.ShowAndRun()
	return nil
}

// ShowAlreadyRunning tells a seller who started a second Shopdesk why no
// desk opens. A double-clicked app has no terminal to read the error in.
func ShowAlreadyRunning() error {
	if err := LoadTranslations(); err != nil {
		return err
	}
	a := app.NewWithID(AppID)
	a.SetIcon(Icon())
	w := a.NewWindow("Shopdesk")
	msg := widget.NewLabel(lang.L("Shopdesk is already running with this data folder. Switch to its window, or close it and try again."))
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil, container.NewCenter(widget.NewButton(lang.L("Close"), a.Quit)), nil, nil, msg))
	w.Resize(fyne.NewSize(420, 160))
	w.ShowAndRun()
	return nil
}
