package ui

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/secrets"
	"github.com/shopdesk/shopdesk/storage"
)

// errAccountExists: a new account may not replace another of the same name.
var errAccountExists = errors.New("account exists")

// accountWizard sets up a mailbox in one form: the address and password
// first, the provider's servers filled from the address, a connection
// test that shows the servers' own words, then the identity and folders.
type accountWizard struct {
	d    *Desk
	orig *storage.Account // the stored account when editing, nil when adding
	// check tries the settings; mailbox.CheckAccount, or a stand-in in tests.
	check func(storage.Account, string) mailbox.CheckResult

	dlg                                            *dialog.CustomDialog
	email, password, name, display, imapAddr, user *widget.Entry
	smtpAddr, signature                            *widget.Entry
	provider, security, smtpSecurity               *widget.Select
	hint, status, folderNote                       *widget.Label
	folders                                        *widget.CheckGroup
	test, save                                     *widget.Button

	providerID  string
	serversSet  bool     // the seller typed servers: the address no longer picks them
	filling     bool     // the wizard itself is setting fields
	pins        []string // certificate fingerprints the seller trusted
	passed      string   // the settings that passed the last test
	sentFolders []string // the server's sent folders: always synced, not offered
}

// showAccountWizard opens the setup for a new account (a nil) or for the
// stored account a. Main goroutine.
func showAccountWizard(d *Desk, a *storage.Account) *accountWizard {
	w := &accountWizard{d: d, orig: a, check: func(a storage.Account, password string) mailbox.CheckResult {
		return mailbox.CheckAccount(a, password, mailbox.ConnectOptions{})
	}}
	title := lang.L("Add a mail account")
	if a != nil {
		title = lang.L("Edit {{.Account}}", map[string]any{"Account": a.Name})
	}
	w.dlg = dialog.NewCustomWithoutButtons(title, w.build(), d.win)
	size := d.win.Canvas().Size()
	w.dlg.Resize(fyne.NewSize(min(max(size.Width*0.7, 560), 720), max(size.Height*0.92, 560)))
	w.dlg.Show()
	if a == nil {
		d.win.Canvas().Focus(w.email)
	} else {
		d.win.Canvas().Focus(w.password)
	}
	return w
}

// providerName is a provider's name in the seller's language.
func providerName(id string) string {
	switch id {
	case "qq":
		return lang.L("QQ Mail")
	case "exmail":
		return lang.L("Tencent Exmail")
	case "163":
		return lang.L("NetEase 163 Mail")
	case "126":
		return lang.L("NetEase 126 Mail")
	case "yeah":
		return lang.L("NetEase yeah.net Mail")
	case "aliyun":
		return lang.L("Aliyun Mail")
	case "aliyun-qiye":
		return lang.L("Aliyun Enterprise Mail")
	case "sina":
		return lang.L("Sina Mail")
	case "sohu":
		return lang.L("Sohu Mail")
	case "gmail":
		return lang.L("Gmail")
	case "outlook":
		return lang.L("Outlook / Microsoft 365")
	case "yahoo":
		return lang.L("Yahoo Mail")
	case "icloud":
		return lang.L("iCloud Mail")
	case "zoho":
		return lang.L("Zoho Mail")
	}
	return lang.L("Other provider (type the servers)")
}

// passwordHint tells what the provider wants in the password field.
func passwordHint(p mailbox.Provider) string {
	name := map[string]any{"Provider": providerName(p.ID)}
	switch p.Password {
	case mailbox.PasswordAuthCode:
		return lang.L("{{.Provider}} does not take your login password here. In the web mailbox, open Settings → Account, turn on the IMAP/SMTP service and generate an authorization code (授权码); enter that code as the password.", name)
	case mailbox.PasswordApp:
		return lang.L("{{.Provider}} needs an app password, not your usual password: turn on two-step verification in your account's security settings, create an app password for Shopdesk and enter it here.", name)
	case mailbox.PasswordClient:
		return lang.L("If your administrator turned on secure login, {{.Provider}} needs a client-only password (客户端专用密码) from the mailbox's settings instead of your login password.", name)
	case mailbox.PasswordOAuth:
		return lang.L("Microsoft has turned off password sign-in over IMAP and SMTP for most Outlook.com and Microsoft 365 mailboxes; they need Microsoft's own sign-in, which Shopdesk does not support yet. It works only where the administrator still allows app passwords: then enter one here.")
	}
	if p.ID == mailbox.CustomProvider {
		return lang.L("Enter the servers from your mail provider's help page. TLS usually means IMAP port 993 and SMTP port 465.")
	}
	return lang.L("Enter the mailbox's password.")
}

// securityChoices are the security options as shown, in order.
func securityChoices() ([]string, map[string]storage.Security) {
	tls, starttls, none := lang.L("TLS (recommended)"), lang.L("STARTTLS"), lang.L("None (this computer only)")
	return []string{tls, starttls, none}, map[string]storage.Security{
		tls: storage.SecurityTLS, starttls: storage.SecurityStartTLS, none: storage.SecurityNone,
	}
}

func securityLabel(sec storage.Security) string {
	labels, values := securityChoices()
	for _, l := range labels {
		if values[l] == sec {
			return l
		}
	}
	return labels[0]
}

func (w *accountWizard) build() fyne.CanvasObject {
	edited := func(string) {
		if !w.filling {
			w.passed = ""
		}
	}
	servers := func(string) {
		if !w.filling {
			w.passed, w.serversSet = "", true
		}
	}
	w.email = widget.NewEntry()
	w.email.SetPlaceHolder("service@myshop.com")
	w.email.OnChanged = w.emailChanged
	w.password = widget.NewPasswordEntry()
	w.password.OnChanged = edited
	w.hint = widget.NewLabel("")
	w.hint.Wrapping = fyne.TextWrapWord
	w.hint.Importance = widget.WarningImportance

	var names []string
	for _, p := range mailbox.Providers() {
		names = append(names, providerName(p.ID))
	}
	w.provider = widget.NewSelect(names, func(label string) {
		if w.filling {
			return
		}
		for _, p := range mailbox.Providers() {
			if providerName(p.ID) == label {
				w.serversSet = p.ID == mailbox.CustomProvider
				w.useProvider(p)
			}
		}
	})
	w.imapAddr = widget.NewEntry()
	w.imapAddr.SetPlaceHolder("imap.myshop.com:993")
	w.imapAddr.OnChanged = servers
	w.smtpAddr = widget.NewEntry()
	w.smtpAddr.SetPlaceHolder("smtp.myshop.com:465")
	w.smtpAddr.OnChanged = servers
	labels, _ := securityChoices()
	w.security = widget.NewSelect(labels, func(string) { servers("") })
	w.smtpSecurity = widget.NewSelect(append([]string{lang.L("Same as receiving")}, labels...), func(string) { servers("") })
	w.user = widget.NewEntry()
	w.user.SetPlaceHolder(lang.L("the email address"))
	w.user.OnChanged = servers

	w.name = widget.NewEntry()
	w.name.OnChanged = edited
	w.display = widget.NewEntry()
	w.signature = widget.NewMultiLineEntry()
	w.signature.SetMinRowsVisible(3)
	w.folders = widget.NewCheckGroup(nil, nil)
	w.folderNote = widget.NewLabel(lang.L("INBOX and Sent are always synced. Test the connection to choose more folders."))
	w.folderNote.Wrapping = fyne.TextWrapWord
	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord
	w.status.Hide()

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Email address"), w.email),
		widget.NewFormItem(lang.L("Password"), w.password),
		widget.NewFormItem("", w.hint),
		widget.NewFormItem(lang.L("Provider"), w.provider),
		widget.NewFormItem(lang.L("Receiving (IMAP) server"), w.imapAddr),
		widget.NewFormItem(lang.L("Sending (SMTP) server"), w.smtpAddr),
		widget.NewFormItem(lang.L("Security"), w.security),
		widget.NewFormItem(lang.L("Sending security"), w.smtpSecurity),
		widget.NewFormItem(lang.L("User name"), w.user),
		&widget.FormItem{Text: lang.L("Account name"), Widget: w.name, HintText: lang.L("A short name for this mailbox, such as shop.")},
		&widget.FormItem{Text: lang.L("Your name for customers"), Widget: w.display, HintText: lang.L("Shown as the sender, such as Lucky Home Textiles.")},
		widget.NewFormItem(lang.L("Signature"), w.signature),
		widget.NewFormItem(lang.L("Folders"), container.NewVBox(w.folderNote, w.folders)),
	)

	w.fill()
	w.test = widget.NewButton(lang.L("Test connection"), func() { w.runTest(nil) })
	w.save = widget.NewButton(lang.L("Save"), w.submit)
	w.save.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("Cancel"), func() { w.dlg.Hide() })
	buttons := container.NewHBox(w.test, layout.NewSpacer(), cancel, w.save)
	body := container.NewVBox(form)
	if w.orig == nil {
		intro := widget.NewLabel(lang.L("Enter your shop's mailbox address and password: Shopdesk fills in the rest for well-known providers."))
		intro.Wrapping = fyne.TextWrapWord
		body.Objects = append([]fyne.CanvasObject{intro}, body.Objects...)
	}
	// The test's outcome stays in sight above the buttons, whatever the scroll.
	bottom := container.NewVBox(w.status, buttons)
	return container.NewBorder(nil, bottom, nil, nil, container.NewVScroll(container.NewPadded(body)))
}

// fill puts the stored account (or a new one's defaults) in the fields.
func (w *accountWizard) fill() {
	w.filling = true
	defer func() { w.filling = false }()
	if w.orig == nil {
		w.useProvider(mailbox.ProviderByID(mailbox.CustomProvider))
		return
	}
	a := *w.orig
	w.email.SetText(a.Email)
	w.name.SetText(a.Name)
	w.name.Disable() // the name keys the keyring entry and the sync state
	w.display.SetText(a.DisplayName)
	w.signature.SetText(a.Signature)
	w.imapAddr.SetText(a.IMAP)
	w.smtpAddr.SetText(a.SMTP)
	w.user.SetText(a.Username)
	w.security.SetSelected(securityLabel(a.Security))
	if a.SMTPSecurity == "" {
		w.smtpSecurity.SetSelectedIndex(0)
	} else {
		w.smtpSecurity.SetSelected(securityLabel(a.SMTPSecurity))
	}
	w.pins = slices.Clone(a.TLSPins)
	p := mailbox.ProviderOf(a)
	w.providerID = p.ID
	w.provider.SetSelected(providerName(p.ID))
	w.hint.SetText(passwordHint(p))
	w.serversSet = true
	w.password.SetPlaceHolder(lang.L("unchanged"))
	w.folders.Options = slices.Clone(a.Folders)
	w.folders.Selected = slices.Clone(a.Folders)
	w.folders.Refresh()
}

// emailChanged picks the provider from the address's domain, unless the
// seller typed the servers.
func (w *accountWizard) emailChanged(s string) {
	if w.filling {
		return
	}
	w.passed = ""
	p, ok := mailbox.ProviderFor(strings.TrimSpace(s))
	if ok && !w.serversSet && p.ID != w.providerID {
		w.useProvider(p)
	}
}

// useProvider fills the servers, security and hint from the provider.
func (w *accountWizard) useProvider(p mailbox.Provider) {
	was := w.filling
	w.filling = true
	defer func() { w.filling = was }()
	w.providerID = p.ID
	w.provider.SetSelected(providerName(p.ID))
	w.hint.SetText(passwordHint(p))
	if p.ID == mailbox.CustomProvider {
		if w.security.Selected == "" {
			w.security.SetSelectedIndex(0)
			w.smtpSecurity.SetSelectedIndex(0)
		}
		return
	}
	w.imapAddr.SetText(p.IMAP)
	w.smtpAddr.SetText(p.SMTP)
	w.security.SetSelected(securityLabel(p.Security))
	if p.SMTPSecurity == "" {
		w.smtpSecurity.SetSelectedIndex(0)
	} else {
		w.smtpSecurity.SetSelected(securityLabel(p.SMTPSecurity))
	}
	w.passed = ""
}

// account reads the fields into an account; the error is in the
// seller's language.
func (w *accountWizard) account() (storage.Account, error) {
	var a storage.Account
	if w.orig != nil {
		a = *w.orig
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(w.email.Text))
	if err != nil {
		return a, errors.New(lang.L("Enter the mailbox's email address, such as service@myshop.com."))
	}
	a.Email = addr.Address
	a.Name = strings.TrimSpace(w.name.Text)
	if a.Name == "" {
		a.Name = a.Email
	}
	if strings.ContainsFunc(a.Name, unicode.IsControl) {
		return a, errors.New(lang.L("The account name cannot contain control characters."))
	}
	a.DisplayName = strings.TrimSpace(w.display.Text)
	if a.DisplayName == "" {
		a.DisplayName = addr.Name
	}
	a.Signature = strings.TrimRight(w.signature.Text, " \n")
	a.Username = strings.TrimSpace(w.user.Text)
	if a.Username == "" {
		a.Username = a.Email
	}
	_, values := securityChoices()
	a.Security = values[w.security.Selected]
	if a.Security == "" {
		a.Security = storage.SecurityTLS
	}
	a.SMTPSecurity = values[w.smtpSecurity.Selected] // "" for "same as receiving"
	if a.SMTPSecurity == a.Security {
		a.SMTPSecurity = ""
	}
	if a.IMAP, err = serverAddr(w.imapAddr.Text); err != nil {
		return a, errors.New(lang.L("Enter the receiving server as host:port, such as imap.myshop.com:993."))
	}
	if a.SMTP, err = serverAddr(w.smtpAddr.Text); err != nil {
		return a, errors.New(lang.L("Enter the sending server as host:port, such as smtp.myshop.com:465."))
	}
	if err := mailbox.CheckSecurity(a); err != nil {
		return a, errors.New(lang.L("Security \"None\" sends the password unprotected, so it is only allowed for a server on this computer."))
	}
	a.TLSPins = slices.Clone(w.pins)
	a.Folders = slices.Clone(w.folders.Selected)
	return a, nil
}

// serverAddr checks a host:port typed by the seller.
func serverAddr(s string) (string, error) {
	host, port, err := net.SplitHostPort(strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	if host == "" || strings.ContainsFunc(host, func(r rune) bool { return unicode.IsSpace(r) || r == '/' }) {
		return "", fmt.Errorf("bad host %q", host)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "", fmt.Errorf("bad port %q", port)
	}
	return net.JoinHostPort(host, port), nil
}

// testKey identifies the settings a test ran on.
func testKey(a storage.Account, password string) string {
	return strings.Join([]string{a.IMAP, a.SMTP, a.Username, string(a.Security), string(a.SMTPSecurity), strings.Join(a.TLSPins, ","), password}, "\x00")
}

func (w *accountWizard) setBusy(busy bool) {
	for _, b := range []*widget.Button{w.test, w.save} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

func (w *accountWizard) showStatus(text string, imp widget.Importance) {
	w.status.Importance = imp
	w.status.SetText(text)
	w.status.Show()
}

// runTest logs in to both servers off the main goroutine and shows the
// outcome; then, if set, hears whether both logins worked.
func (w *accountWizard) runTest(then func()) {
	a, err := w.account()
	if err != nil {
		w.showStatus(err.Error(), widget.DangerImportance)
		return
	}
	password := w.password.Text
	if password == "" {
		w.showStatus(lang.L("Enter the password (or authorization code) to test the connection."), widget.DangerImportance)
		return
	}
	w.setBusy(true)
	w.showStatus(lang.L("Testing the connection…"), widget.MediumImportance)
	go func() {
		r := w.check(a, password)
		w.d.do(func() {
			w.setBusy(false)
			w.result(a, password, r, then)
		})
	}()
}

// result shows a test's outcome: a certificate to confirm, each server's
// verdict with its own words, the folders to choose from.
func (w *accountWizard) result(a storage.Account, password string, r mailbox.CheckResult, then func()) {
	for _, err := range []error{r.IMAP, r.SMTP} {
		untrusted, changed := mailbox.CertProblem(err)
		switch {
		case changed != nil:
			w.confirmChanged(changed, then)
			return
		case untrusted != nil:
			w.confirmUntrusted(untrusted, then)
			return
		}
	}
	lines := []string{
		w.verdict(lang.L("Receiving (IMAP)"), r.IMAP),
		w.verdict(lang.L("Sending (SMTP)"), r.SMTP),
	}
	if !r.OK() {
		if p := mailbox.ProviderByID(w.providerID); p.Password != mailbox.PasswordNormal {
			lines = append(lines, passwordHint(p))
		}
		w.showStatus(strings.Join(lines, "\n"), widget.DangerImportance)
		return
	}
	w.passed = testKey(a, password)
	w.showFolders(r.Folders)
	w.showStatus(strings.Join(lines, "\n"), widget.SuccessImportance)
	if then != nil {
		then()
	}
}

// verdict is one server's line: it worked, or why not, in the server's words.
func (w *accountWizard) verdict(what string, err error) string {
	if err == nil {
		return lang.L("{{.What}}: logged in.", map[string]any{"What": what})
	}
	if words := mailbox.ServerWords(err); words != "" {
		return lang.L("{{.What}}: the server refused. It said: {{.Words}}", map[string]any{"What": what, "Words": words})
	}
	return lang.L("{{.What}}: could not connect: {{.Error}}", map[string]any{"What": what, "Error": err.Error()})
}

// showFolders offers the server's folders beyond INBOX and Sent.
func (w *accountWizard) showFolders(folders []mailbox.Folder) {
	var names []string
	w.sentFolders = nil
	for _, f := range folders {
		switch {
		case f.Role == storage.RoleInbox:
		case f.Role == storage.RoleSent || (w.orig != nil && f.Name == w.orig.SentFolder):
			w.sentFolders = append(w.sentFolders, f.Name)
		default:
			names = append(names, f.Name)
		}
	}
	var keep []string
	for _, s := range w.folders.Selected {
		if slices.Contains(names, s) {
			keep = append(keep, s)
		}
	}
	w.folders.Options, w.folders.Selected = names, keep
	w.folders.Refresh()
	if len(names) == 0 {
		w.folderNote.SetText(lang.L("INBOX and Sent are synced; the server has no other folders."))
	} else {
		w.folderNote.SetText(lang.L("INBOX and Sent are always synced. Tick other folders to sync them too."))
	}
}

// confirmUntrusted asks the seller to check a certificate's fingerprint
// before trusting it; trusted, it is pinned and the test runs again.
func (w *accountWizard) confirmUntrusted(e *mailbox.UntrustedCertError, then func()) {
	w.showStatus(lang.L("The server's certificate is not signed by an authority this computer trusts."), widget.WarningImportance)
	msg := widget.NewLabel(lang.L("The server {{.Server}} shows a certificate that no trusted authority vouches for (often a self-signed one). Ask your mail provider or administrator for its SHA-256 fingerprint and compare it with this one. Trust it only if they are the same.",
		map[string]any{"Server": e.Addr}))
	msg.Wrapping = fyne.TextWrapWord
	fp := widget.NewLabelWithStyle(fingerprintLines(e.Fingerprint), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	details := widget.NewLabel(lang.L("Issued to {{.Subject}} by {{.Issuer}}, valid until {{.Until}}.",
		map[string]any{"Subject": e.Subject, "Issuer": e.Issuer, "Until": e.NotAfter.Format("2006-01-02")}))
	details.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm(lang.L("Trust this certificate?"), lang.L("Trust it"), lang.L("Cancel"),
		container.NewVBox(msg, fp, details), func(ok bool) {
			if !ok {
				return
			}
			w.pins = append(w.pins, e.Fingerprint)
			w.runTest(then)
		}, w.d.win)
	c.Resize(fyne.NewSize(520, 340))
	c.Show()
}

// confirmChanged warns that a trusted certificate changed. Trusting the
// new one takes a deliberate second choice.
func (w *accountWizard) confirmChanged(e *mailbox.CertChangedError, then func()) {
	w.showStatus(lang.L("Warning: the server's certificate has changed since you trusted it. Shopdesk did not connect."), widget.DangerImportance)
	msg := widget.NewLabel(lang.L("The server {{.Server}} shows a different certificate from the one you trusted. This can mean someone is intercepting the connection to read your mail and password. Trust the new certificate only if your provider confirms they replaced it and its fingerprint is:",
		map[string]any{"Server": e.Addr}))
	msg.Wrapping = fyne.TextWrapWord
	fp := widget.NewLabelWithStyle(fingerprintLines(e.Got), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	c := dialog.NewCustomConfirm(lang.L("The certificate has changed"), lang.L("Trust the new certificate"), lang.L("Cancel"),
		container.NewVBox(msg, fp), func(ok bool) {
			if !ok {
				return
			}
			w.pins = []string{e.Got}
			w.runTest(then)
		}, w.d.win)
	c.SetConfirmImportance(widget.DangerImportance)
	c.Resize(fyne.NewSize(520, 320))
	c.Show()
}

// serversChanged reports whether saving needs a new test.
func serversChanged(old, a storage.Account) bool {
	return old.IMAP != a.IMAP || old.SMTP != a.SMTP || old.Username != a.Username ||
		old.Security != a.Security || old.SMTPSecurity != a.SMTPSecurity || !slices.Equal(old.TLSPins, a.TLSPins)
}

// submit saves after a passing test: a new account, new servers or a
// new password are tried first; a signature or folder change is not.
func (w *accountWizard) submit() {
	a, err := w.account()
	if err != nil {
		w.showStatus(err.Error(), widget.DangerImportance)
		return
	}
	password := w.password.Text
	needTest := w.orig == nil || password != "" || serversChanged(*w.orig, a)
	if needTest && password == "" {
		w.showStatus(lang.L("Enter the password (or authorization code) to check the new settings."), widget.DangerImportance)
		return
	}
	if needTest && w.passed != testKey(a, password) {
		w.runTest(w.submit)
		return
	}
	w.setBusy(true)
	go w.store(a, password)
}

// store writes the account, then hands the password to the mail workers,
// which keep it in the keyring and start the account's mail. Off the
// main goroutine.
func (w *accountWizard) store(a storage.Account, password string) {
	err := w.d.store.Update(func(tx *storage.Tx) error {
		prev, err := tx.Account(a.Name)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			if w.orig != nil {
				return err // removed meanwhile
			}
		case err != nil:
			return err
		case w.orig == nil:
			return errAccountExists
		default:
			a.Created = prev.Created
		}
		return tx.SaveAccount(&a)
	})
	var kerr error
	if err == nil && password != "" && w.d.connect != nil {
		kerr = w.d.connect(a.Name, password)
	}
	w.d.do(func() {
		w.setBusy(false)
		switch {
		case errors.Is(err, errAccountExists):
			w.showStatus(lang.L("There is already an account named {{.Account}}. Choose another account name.", map[string]any{"Account": a.Name}), widget.DangerImportance)
			return
		case err != nil:
			w.d.log.WithError(err).WithField("account", a.Name).Error("Save a mail account")
			w.showStatus(lang.L("The account could not be saved. The details are in the log."), widget.DangerImportance)
			return
		}
		w.dlg.Hide()
		note := lang.L("Shopdesk saved the password in this computer's keyring. Mail starts syncing now.")
		switch {
		case password == "":
			note = lang.L("Saved. Mail syncs with the new settings now.")
		case w.d.connect == nil:
			note = lang.L("Saved. The password applies the next time Shopdesk starts.")
		case errors.Is(kerr, secrets.ErrNoKeyring):
			note = lang.L("This computer has no keyring, so Shopdesk keeps the password only until it closes and asks again next time.")
		case kerr != nil:
			w.d.log.WithError(kerr).WithField("account", a.Name).Error("Start a mail account")
			note = lang.L("The account is saved, but its mail could not start. The details are in the log.")
		}
		dialog.ShowInformation(lang.L("Account saved"), note, w.d.win)
	})
}

// fingerprintLines breaks a SHA-256 fingerprint into two lines of 16
// pairs, so it is compared pair by pair rather than cut mid-pair.
func fingerprintLines(fp string) string {
	pairs := strings.Split(fp, ":")
	if len(pairs) <= 16 {
		return fp
	}
	return strings.Join(pairs[:16], ":") + ":\n" + strings.Join(pairs[16:], ":")
}
