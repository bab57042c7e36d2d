package ui

import (
	"bytes"
	"crypto/x509"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/mailbox/secrets"
	"github.com/shopdesk/shopdesk/storage"
)

// connected records the passwords the wizard hands to the mail workers.
type connected struct {
	mu sync.Mutex
	m  map[string]string
	// err is what connect answers (secrets.ErrNoKeyring: kept for this run).
	err error
}

func (c *connected) connect(account, password string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]string{}
	}
	c.m[account] = password
	return c.err
}

func (c *connected) get(account string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[account]
}

func TestAccountWizardFillsProviderSettings(t *testing.T) {
	h := newHarness(t, nil)
	w := showAccountWizard(h.desk, nil)
	tests := []struct {
		email, provider, imap, smtp string
		sec, smtpSec                string
		hint                        string
	}{
		{"service@qq.com", "QQ Mail", "imap.qq.com:993", "smtp.qq.com:465", "TLS (recommended)", "Same as receiving", "authorization code (授权码)"},
		{"kefu@163.com", "NetEase 163 Mail", "imap.163.com:993", "smtp.163.com:465", "TLS (recommended)", "Same as receiving", "授权码"},
		{"kefu@yeah.net", "NetEase yeah.net Mail", "imap.yeah.net:993", "smtp.yeah.net:465", "TLS (recommended)", "Same as receiving", "授权码"},
		{"seller@gmail.com", "Gmail", "imap.gmail.com:993", "smtp.gmail.com:465", "TLS (recommended)", "Same as receiving", "app password"},
		{"seller@icloud.com", "iCloud Mail", "imap.mail.me.com:993", "smtp.mail.me.com:587", "TLS (recommended)", "STARTTLS", "app password"},
		{"seller@outlook.com", "Outlook / Microsoft 365", "outlook.office365.com:993", "smtp-mail.outlook.com:587", "TLS (recommended)", "STARTTLS", "does not support yet"},
		// A shop's own domain keeps the last servers: the seller picks.
		{"service@myshop.com", "Outlook / Microsoft 365", "outlook.office365.com:993", "smtp-mail.outlook.com:587", "TLS (recommended)", "STARTTLS", "does not support yet"},
	}
	for _, tt := range tests {
		w.email.SetText(tt.email)
		if w.provider.Selected != tt.provider || w.imapAddr.Text != tt.imap || w.smtpAddr.Text != tt.smtp ||
			w.security.Selected != tt.sec || w.smtpSecurity.Selected != tt.smtpSec || !strings.Contains(w.hint.Text, tt.hint) {
			t.Errorf("%s: %s %s %s %s/%s, hint %q", tt.email, w.provider.Selected, w.imapAddr.Text, w.smtpAddr.Text,
				w.security.Selected, w.smtpSecurity.Selected, w.hint.Text)
		}
	}

	// Exmail serves shops' own domains: chosen by hand.
	w.provider.SetSelected("Tencent Exmail")
	if w.imapAddr.Text != "imap.exmail.qq.com:993" || !strings.Contains(w.hint.Text, "客户端专用密码") {
		t.Errorf("Exmail: %s, hint %q", w.imapAddr.Text, w.hint.Text)
	}
	a, err := w.account()
	if err != nil || a.SMTP != "smtp.exmail.qq.com:465" || a.Security != storage.SecurityTLS || a.SMTPSecurity != "" || a.Username != "service@myshop.com" {
		t.Errorf("account %+v, %v", a, err)
	}
	// Servers typed by the seller stay when the address changes.
	w.imapAddr.SetText("mail.myshop.com:993")
	w.email.SetText("shop@qq.com")
	if w.imapAddr.Text != "mail.myshop.com:993" {
		t.Errorf("typed server replaced by %s", w.imapAddr.Text)
	}
	// Plain text only to this computer.
	w.security.SetSelected("None (this computer only)")
	if _, err := w.account(); err == nil || !strings.Contains(err.Error(), "only allowed for a server on this computer") {
		t.Errorf("security none to a remote server: %v", err)
	}
}

// A wrong password shows each server's own words; the right one lists
// the folders; saving stores the account, never the password, and hands
// the password to the mail workers.
func TestAccountWizardTestAndSave(t *testing.T) {
	imapSrv := mailtest.StartMemServer(t, mailtest.MemServerOptions{SentName: "已发送"})
	imapSrv.CreateMailbox(t, "Orders")
	smtpSrv := mailtest.StartSMTP(t, mailtest.SMTPOptions{})
	h := newHarness(t, nil)
	var c connected
	h.desk.connect = c.connect
	w := showAccountWizard(h.desk, nil)
	w.email.SetText("Lucky Shop <" + mailtest.DefaultUser + ">")
	w.provider.SetSelected("Other provider (type the servers)")
	w.imapAddr.SetText(imapSrv.Addr())
	w.smtpAddr.SetText(smtpSrv.Addr())
	w.security.SetSelected("None (this computer only)")
	w.name.SetText("shop")
	w.signature.SetText("Lucky Shop customer service")

	w.password.SetText("wrong-password")
	test.Tap(w.test)
	h.waitFor("the test result", func() bool { return strings.Contains(w.status.Text, "refused") })
	for _, want := range []string{"Receiving (IMAP): the server refused. It said: NO [AUTHENTICATIONFAILED]",
		"Sending (SMTP): the server refused. It said: 535 "} {
		if !strings.Contains(w.status.Text, want) {
			t.Errorf("status lacks %q:\n%s", want, w.status.Text)
		}
	}
	test.Tap(w.save) // refuses to save what does not work
	h.waitFor("the second test", func() bool { return w.save.Disabled() == false && strings.Contains(w.status.Text, "refused") })
	h.settle()
	if accounts := h.accounts(); len(accounts) != 0 {
		t.Fatalf("saved with a wrong password: %+v", accounts)
	}

	w.password.SetText(mailtest.DefaultPassword)
	test.Tap(w.test)
	h.waitFor("the folders", func() bool { return strings.Contains(w.status.Text, "Sending (SMTP): logged in.") })
	if !strings.Contains(w.status.Text, "Receiving (IMAP): logged in.") || !slices.Equal(w.folders.Options, []string{"Orders"}) {
		t.Errorf("status %q, folders %v", w.status.Text, w.folders.Options)
	}
	w.folders.SetSelected([]string{"Orders"})
	test.Tap(w.save)
	h.waitFor("the saved account", func() bool { return len(h.accounts()) == 1 })
	h.waitFor("the confirmation", func() bool { return strings.Contains(topDialogText(h.win), "keyring") })
	a := h.accounts()[0]
	if a.Name != "shop" || a.Email != mailtest.DefaultUser || a.DisplayName != "Lucky Shop" || a.IMAP != imapSrv.Addr() ||
		a.Security != storage.SecurityNone || !slices.Equal(a.Folders, []string{"Orders"}) || a.Signature != "Lucky Shop customer service" {
		t.Errorf("saved %+v", a)
	}
	if c.get("shop") != mailtest.DefaultPassword {
		t.Errorf("the mail workers got %q", c.get("shop"))
	}
	db, err := os.ReadFile(h.store.Path())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(db, []byte(mailtest.DefaultUser)) || bytes.Contains(db, []byte("wrong-password")) ||
		bytes.Contains(db, []byte(`"`+mailtest.DefaultPassword+`"`)) {
		t.Error("the database holds a password (or the account is not in plain bytes, so the search proves nothing)")
	}
}

// A self-signed certificate is trusted only through the confirmation,
// which pins its fingerprint; a changed one needs a second, red choice.
func TestAccountWizardCertificate(t *testing.T) {
	h := newHarness(t, nil)
	h.desk.connect = (&connected{}).connect
	const fp1 = "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"
	const fp2 = "11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF"
	current := fp1
	w := showAccountWizard(h.desk, nil)
	check := func(a storage.Account, _ string) mailbox.CheckResult {
		switch {
		case len(a.TLSPins) == 0:
			err := &mailbox.UntrustedCertError{Addr: a.IMAP, Fingerprint: current, Subject: "CN=mail.myshop.com",
				Issuer: "CN=mail.myshop.com", NotAfter: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), Err: x509.UnknownAuthorityError{}}
			return mailbox.CheckResult{IMAP: err, SMTP: err}
		case !slices.Contains(a.TLSPins, current):
			err := &mailbox.CertChangedError{Addr: a.IMAP, Pinned: a.TLSPins, Got: current}
			return mailbox.CheckResult{IMAP: err, SMTP: err}
		}
		return mailbox.CheckResult{Folders: []mailbox.Folder{{Name: "INBOX", Role: storage.RoleInbox}}}
	}
	w.check = check
	w.email.SetText("service@myshop.com")
	w.imapAddr.SetText("mail.myshop.com:993")
	w.smtpAddr.SetText("mail.myshop.com:465")
	w.password.SetText("secret")
	test.Tap(w.test)
	h.waitFor("the certificate question", func() bool { return strings.Contains(topDialogText(h.win), fingerprintLines(fp1)) })
	if !strings.Contains(topDialogText(h.win), "SHA-256 fingerprint") {
		t.Errorf("dialog: %s", topDialogText(h.win))
	}
	tapButton(t, h.win, "Trust it")
	h.waitFor("the second test", func() bool { return strings.Contains(w.status.Text, "logged in") })
	test.Tap(w.save)
	h.waitFor("the saved account", func() bool { return len(h.accounts()) == 1 })
	if pins := h.accounts()[0].TLSPins; !slices.Equal(pins, []string{fp1}) {
		t.Errorf("pinned %v", pins)
	}

	// The server's certificate changes: editing shows the warning.
	h.settle()
	current = fp2
	a := h.accounts()[0]
	w = showAccountWizard(h.desk, &a)
	w.check = check
	w.password.SetText("secret")
	test.Tap(w.test)
	h.waitFor("the warning", func() bool { return strings.Contains(topDialogText(h.win), "different certificate") })
	if !strings.Contains(w.status.Text, "has changed") || !strings.Contains(topDialogText(h.win), fingerprintLines(fp2)) {
		t.Errorf("status %q, dialog %s", w.status.Text, topDialogText(h.win))
	}
	tapButton(t, h.win, "Cancel")
	if got := h.accounts()[0].TLSPins; !slices.Equal(got, []string{fp1}) {
		t.Errorf("pins changed without consent: %v", got)
	}
}

func TestAccountsInSettings(t *testing.T) {
	h := newHarness(t, func(tx *storage.Tx) error {
		return tx.SaveAccount(&storage.Account{Name: "shop", Email: "service@myshop.com", IMAP: "imap.qq.com:993", SMTP: "smtp.qq.com:465", Security: storage.SecurityTLS})
	})
	h.showPage("settings")
	s := h.desk.settings.accounts
	h.waitFor("the account list", func() bool { return len(s.accounts) == 1 })
	if s.empty.Visible() || s.list.Length() != 1 {
		t.Errorf("empty note shown %v, rows %d", s.empty.Visible(), s.list.Length())
	}
	s.edit("shop")
	h.waitFor("the wizard", func() bool {
		return strings.Contains(topDialogText(h.win), "QQ Mail") || slices.Contains(topEntries(h), "imap.qq.com:993")
	})
	h.win.Canvas().Overlays().Top().Hide()
	h.win.Canvas().Overlays().Remove(h.win.Canvas().Overlays().Top())

	s.confirmRemove(s.accounts[0])
	tapButton(t, h.win, "Remove")
	h.waitFor("the empty list", func() bool { return len(s.accounts) == 0 && s.empty.Visible() })
}

// topEntries are the texts of the entries in the top overlay.
func topEntries(h *harness) []string {
	var out []string
	top := h.win.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	walkObjects(top, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			out = append(out, e.Text)
		}
	})
	return out
}

// The setup is offered when the desk starts without a mailbox, and only
// where a password can be used.
func TestFirstRunOffersAccountSetup(t *testing.T) {
	h := newHarness(t, nil)
	h.desk.offerFirstAccount() // no connect: nothing to offer
	h.settle()
	if strings.Contains(topDialogText(h.win), "Enter your shop's mailbox") {
		t.Fatal("offered without a way to use the password")
	}
	h.desk.connect = (&connected{err: errors.Join(secrets.ErrNoKeyring)}).connect
	h.desk.offerFirstAccount()
	h.waitFor("the setup", func() bool { return strings.Contains(topDialogText(h.win), "Enter your shop's mailbox") })

	h2 := newHarness(t, func(tx *storage.Tx) error {
		return tx.SaveAccount(&storage.Account{Name: "demo", Email: "a@b.test", IMAP: "127.0.0.1:1", SMTP: "127.0.0.1:2", Security: storage.SecurityNone})
	})
	h2.desk.connect = (&connected{}).connect
	h2.desk.offerFirstAccount()
	h2.settle()
	if top := h2.win.Canvas().Overlays().Top(); top != nil {
		t.Errorf("offered though an account exists: %s", topDialogText(h2.win))
	}
}

// accounts reads the stored accounts.
func (h *harness) accounts() []storage.Account {
	h.t.Helper()
	var out []storage.Account
	if err := h.store.View(func(tx *storage.Tx) error {
		var err error
		out, err = tx.Accounts()
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return out
}
