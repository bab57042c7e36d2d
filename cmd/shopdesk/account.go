package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/secrets"
	"github.com/shopdesk/shopdesk/storage"
)

const accountUsage = `usage:
  shopdesk account add --name N --email ADDR --imap HOST:PORT --smtp HOST:PORT [--user U]
                       [--security tls|starttls|none] [--smtp-security tls|starttls|none]
                       [--password-stdin] [--display-name NAME] [--signature TEXT]
                       [--trust-fingerprint SHA256] [--replace] [--check]
      The password comes from the first line of stdin (--password-stdin) or from
      SHOPDESK_PASSWORD, and goes to the OS keyring, never into the database.
      --check logs in first and shows the SHA-256 fingerprint of a certificate no
      authority vouches for (self-signed); trust it with --trust-fingerprint only
      once your provider or administrator confirms it.
  shopdesk account list [--json]
  shopdesk account remove NAME
      Removes the account and its keyring entry; mail already synced stays.`

// passwordStore is the type of env.secretStore, named here so that cli.go
// needs no import for it.
type passwordStore = secrets.Store

// secrets is where account passwords live: the OS keyring unless a test
// set env.secretStore.
func (e *env) secrets() secrets.Store {
	if e.secretStore != nil {
		return e.secretStore
	}
	return secrets.NewKeyring()
}

// passwords is where sync and send-queue find an account's password: the
// keyring, then SHOPDESK_PASSWORD, then, when the command was given
// --password-stdin, one line of stdin.
func (e *env) passwords(allowStdin bool) *secrets.Chain {
	var stdin io.Reader
	if allowStdin {
		stdin = e.stdin
	}
	return secrets.NewChain(e.secrets(), os.Getenv, stdin)
}

func (e *env) account(args []string) error {
	if len(args) == 0 {
		return usageError{accountUsage}
	}
	switch args[0] {
	case "add":
		return e.accountAdd(args[1:])
	case "list":
		return e.accountList(args[1:])
	case "remove", "rm":
		return e.accountRemove(args[1:])
	case "help", "-h", "--help":
		fmt.Fprintln(e.stdout, accountUsage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown account command %q\n%s", args[0], accountUsage)}
}

func (e *env) accountAdd(args []string) error {
	fs := flag.NewFlagSet("account add", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var a storage.Account
	fs.StringVar(&a.Name, "name", "", "a short unique name for the account, e.g. shop")
	email := fs.String("email", "", "the address customers write to")
	fs.StringVar(&a.IMAP, "imap", "", "IMAP server as HOST:PORT")
	fs.StringVar(&a.SMTP, "smtp", "", "SMTP server as HOST:PORT")
	fs.StringVar(&a.Username, "user", "", "login name (default: the email address)")
	security := fs.String("security", string(storage.SecurityTLS), "tls (implicit TLS), starttls, or none (servers on this machine only)")
	smtpSecurity := fs.String("smtp-security", "", "the SMTP server's own security when it differs (Outlook, iCloud: starttls)")
	fs.Func("trust-fingerprint", "trust the server certificate with this SHA-256 fingerprint (repeat for two servers)", func(v string) error {
		fp, err := mailbox.ParseFingerprint(v)
		if err != nil {
			return err
		}
		if !slices.Contains(a.TLSPins, fp) {
			a.TLSPins = append(a.TLSPins, fp)
		}
		return nil
	})
	fs.StringVar(&a.DisplayName, "display-name", "", "the name customers see")
	fs.StringVar(&a.Signature, "signature", "", "text added below replies")
	fs.Func("folder", "a further folder to sync besides INBOX and Sent (repeat for more)", func(v string) error {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(a.Folders, v) {
			a.Folders = append(a.Folders, v)
		}
		return nil
	})
	fs.StringVar(&a.SentFolder, "sent-folder", "", "the Sent folder's name, when the server does not mark it")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	replace := fs.Bool("replace", false, "replace the account of the same name (keeps its stored password unless a new one is given)")
	check := fs.Bool("check", false, "log in to IMAP and SMTP first; save only if both work")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q\n%s", fs.Arg(0), accountUsage)}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	a.Security = storage.Security(strings.ToLower(strings.TrimSpace(*security)))
	a.SMTPSecurity = storage.Security(strings.ToLower(strings.TrimSpace(*smtpSecurity)))
	if a.SMTPSecurity == a.Security {
		a.SMTPSecurity = ""
	}
	if err := completeAccount(&a, *email); err != nil {
		return usageError{err.Error()}
	}
	password, err := e.newPassword(*fromStdin)
	if err != nil {
		return err
	}
	if *check {
		if *replace && !given["trust-fingerprint"] {
			// The check must hold the server to the certificates trusted before.
			if a.TLSPins, err = e.trustedBefore(a.Name); err != nil {
				return err
			}
		}
		if err := e.checkLogin(a, password); err != nil {
			return err
		}
	}
	replaced, err := e.saveAccount(&a, *replace, given)
	if err != nil {
		return err
	}
	e.log.WithFields(logrus.Fields{
		"account": a.Name, "email": a.Email, "imap": a.IMAP, "smtp": a.SMTP,
		"user": a.Username, "security": a.Security, "smtp_security": a.SMTPSecurity,
		"pinned_certificates": len(a.TLSPins), "replaced": replaced,
	}).Info("account saved")

	switch {
	case password != "":
		return e.storePassword(a.Name, password)
	case !replaced:
		fmt.Fprintf(e.stderr, "shopdesk: no password given for account %q, so none is stored "+
			"(give it with --password-stdin or %s, and --replace)\n", a.Name, secrets.EnvPassword)
	}
	return nil
}

// completeAccount checks the command line's account and fills in the
// defaults: login name from the address, display name from "Name <addr>".
func completeAccount(a *storage.Account, email string) error {
	a.Name = strings.TrimSpace(a.Name)
	if a.Name == "" {
		return errors.New("--name is required: a short name for the account, e.g. shop")
	}
	if strings.ContainsFunc(a.Name, unicode.IsControl) {
		return fmt.Errorf("--name %q contains control characters", a.Name)
	}
	if strings.TrimSpace(email) == "" {
		return errors.New("--email is required: the address customers write to")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil {
		return fmt.Errorf("--email %q is not an email address (%v)", email, err)
	}
	a.Email = addr.Address
	if a.DisplayName == "" {
		a.DisplayName = addr.Name
	}
	for flag, sec := range map[string]storage.Security{"security": a.Security, "smtp-security": a.SMTPSecurity} {
		switch sec {
		case storage.SecurityTLS, storage.SecurityStartTLS, storage.SecurityNone:
		case "":
			if flag == "smtp-security" {
				continue
			}
			fallthrough
		default:
			return fmt.Errorf("--%s %q: want tls, starttls or none", flag, sec)
		}
	}
	if a.IMAP, err = hostPort("imap", a.IMAP, a.Security); err != nil {
		return err
	}
	if a.SMTP, err = hostPort("smtp", a.SMTP, a.SendSecurity()); err != nil {
		return err
	}
	a.Username = strings.TrimSpace(a.Username)
	if a.Username == "" {
		a.Username = a.Email
	}
	return mailbox.CheckSecurity(*a) // "none" only for this machine
}

// hostPort checks a --imap or --smtp value, suggesting the usual port.
func hostPort(proto, v string, sec storage.Security) (string, error) {
	example := net.JoinHostPort(proto+".example.com", strconv.Itoa(usualPort(proto, sec)))
	v = strings.TrimSpace(v)
	if v == "" {
		return "", fmt.Errorf("--%s is required: HOST:PORT, e.g. %s", proto, example)
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("--%s %q is not HOST:PORT, e.g. %s", proto, v, example)
	}
	if host == "" || strings.ContainsFunc(host, func(r rune) bool { return unicode.IsSpace(r) || r == '/' }) {
		return "", fmt.Errorf("--%s %q: %q is not a host name, e.g. %s", proto, v, host, example)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "", fmt.Errorf("--%s %q: port %q is not a number from 1 to 65535", proto, v, port)
	}
	return net.JoinHostPort(host, port), nil
}

func usualPort(proto string, sec storage.Security) int {
	switch {
	case proto == "imap" && sec == storage.SecurityTLS:
		return 993
	case proto == "imap":
		return 143
	case sec == storage.SecurityTLS:
		return 465
	}
	return 587
}

// newPassword is the password given to account add, if any.
func (e *env) newPassword(fromStdin bool) (string, error) {
	if fromStdin {
		p, err := secrets.ReadPassword(e.stdin)
		if err != nil {
			return "", fmt.Errorf("--password-stdin: %w", err)
		}
		return p, nil
	}
	if p := os.Getenv(secrets.EnvPassword); p != "" {
		e.log.WithField("from", secrets.EnvPassword).Info("using the password from the environment")
		return p, nil
	}
	return "", nil
}

// checkLogin logs in to both servers; on failure the error carries the
// server's own words.
func (e *env) checkLogin(a storage.Account, password string) error {
	if password == "" {
		return usageError{"--check needs the password: give --password-stdin or set " + secrets.EnvPassword}
	}
	r := mailbox.CheckAccount(a, password, e.connectOptions())
	var failed []error
	for _, s := range []struct {
		proto, addr string
		err         error
	}{{"IMAP", a.IMAP, r.IMAP}, {"SMTP", a.SMTP, r.SMTP}} {
		if s.err == nil {
			fmt.Fprintf(e.stdout, "%s %s: logged in as %s\n", s.proto, s.addr, a.Username)
			continue
		}
		failed = append(failed, s.err)
		e.explainCert(s.proto, s.err)
	}
	if len(failed) > 0 {
		return fmt.Errorf("check failed, account %q not saved: %w", a.Name, errors.Join(failed...))
	}
	return nil
}

// explainCert tells the seller what to do about a refused certificate.
func (e *env) explainCert(proto string, err error) {
	untrusted, changed := mailbox.CertProblem(err)
	switch {
	case changed != nil:
		fmt.Fprintf(e.stderr, "WARNING: %s %s presented a DIFFERENT certificate from the one you trusted.\n"+
			"  trusted SHA-256: %s\n  now     SHA-256: %s\n"+
			"  Someone may be intercepting the connection. Do not trust the new one unless your provider\n"+
			"  confirms the change and this fingerprint; then run account add --replace --check --trust-fingerprint NEW.\n",
			proto, changed.Addr, strings.Join(changed.Pinned, ", "), changed.Got)
	case untrusted != nil:
		fmt.Fprintf(e.stderr, "%s %s: the certificate is not signed by an authority this computer trusts (self-signed?).\n"+
			"  subject: %s\n  issuer:  %s\n  expires: %s\n  SHA-256: %s\n"+
			"  If your provider or administrator confirms this fingerprint, run the same command again with\n"+
			"    --trust-fingerprint %s\n",
			proto, untrusted.Addr, untrusted.Subject, untrusted.Issuer, untrusted.NotAfter.Format("2006-01-02"),
			untrusted.Fingerprint, untrusted.Fingerprint)
	}
}

// trustedBefore returns the certificates an existing account trusts.
func (e *env) trustedBefore(name string) ([]string, error) {
	st, err := e.open()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var pins []string
	err = st.View(func(tx *storage.Tx) error {
		a, err := tx.Account(name)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		pins = a.TLSPins
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read account %q: %w", name, err)
	}
	return pins, nil
}

// saveAccount writes the account; an existing one of the same name is
// replaced only when asked, keeping what the command line cannot set.
func (e *env) saveAccount(a *storage.Account, replace bool, given map[string]bool) (replaced bool, err error) {
	st, err := e.open()
	if err != nil {
		return false, err
	}
	defer st.Close()
	err = st.Update(func(tx *storage.Tx) error {
		prev, err := tx.Account(a.Name)
		switch {
		case errors.Is(err, storage.ErrNotFound):
		case err != nil:
			return err
		case !replace:
			return fmt.Errorf("an account named %q already exists (add --replace to change it)", a.Name)
		default:
			replaced = true
			a.Created = prev.Created
			if !given["folder"] {
				a.Folders = prev.Folders
			}
			if !given["sent-folder"] {
				a.SentFolder = prev.SentFolder
			}
			if !given["trust-fingerprint"] {
				a.TLSPins = prev.TLSPins
			}
			if !given["display-name"] && a.DisplayName == "" {
				a.DisplayName = prev.DisplayName
			}
			if !given["signature"] {
				a.Signature = prev.Signature
			}
		}
		return tx.SaveAccount(a)
	})
	if err != nil {
		return false, fmt.Errorf("save account %q: %w", a.Name, err)
	}
	return replaced, nil
}

// storePassword puts the password in the keyring. Without a reachable
// keyring the account still works, with the password given each run.
func (e *env) storePassword(account, password string) error {
	err := e.secrets().Set(account, password)
	switch {
	case err == nil:
		e.log.WithField("account", account).Info("password stored in the OS keyring")
		return nil
	case errors.Is(err, secrets.ErrNoKeyring):
		fmt.Fprintf(e.stderr, "shopdesk: the password for account %q is NOT stored, because no OS keyring is reachable:\n"+
			"  %s.\n"+
			"  shopdesk sync and send-queue will read it from --password-stdin or the %s environment variable;\n"+
			"  the desk will ask for it once each time it starts.\n", account, whyNoKeyring(err), secrets.EnvPassword)
		return nil
	}
	return fmt.Errorf("account %q is saved but its password is not (%w); "+
		"unlock or fix the keyring, then run account add again with --replace", account, err)
}

// whyNoKeyring is the cause of an ErrNoKeyring, for a message that has
// already said the keyring is unreachable.
func whyNoKeyring(err error) string {
	if _, why, ok := strings.Cut(err.Error(), secrets.ErrNoKeyring.Error()+": "); ok {
		return why
	}
	return err.Error()
}

// accountLine is one account as list prints it.
type accountLine struct {
	storage.Account
	PasswordInKeyring bool   `json:"password_in_keyring"`
	KeyringError      string `json:"keyring_error,omitempty"` // the keyring could not be asked
}

func (e *env) accountList(args []string) error {
	fs := flag.NewFlagSet("account list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "one JSON object a line")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"usage: shopdesk account list [--json]"}
	}
	accounts, err := e.accounts()
	if err != nil {
		return err
	}
	lines := make([]accountLine, len(accounts))
	var keyringErr error // once the keyring fails, asking again per account only repeats the wait
	ks := e.secrets()
	for i, a := range accounts {
		lines[i].Account = a
		if keyringErr == nil {
			_, err := ks.Get(a.Name)
			lines[i].PasswordInKeyring = err == nil
			if err != nil && !errors.Is(err, secrets.ErrNotFound) {
				keyringErr = err
			}
		}
		if keyringErr != nil {
			lines[i].KeyringError = keyringErr.Error()
		}
	}
	if keyringErr != nil {
		fmt.Fprintf(e.stderr, "shopdesk: could not ask the OS keyring which passwords it holds: %v\n", keyringErr)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, l := range lines {
			if err := enc.Encode(l); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tEMAIL\tIMAP\tSMTP\tUSER\tSECURITY\tPASSWORD")
	for _, l := range lines {
		pw := "not stored"
		switch {
		case l.PasswordInKeyring:
			pw = "keyring"
		case l.KeyringError != "":
			pw = "unknown"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.Name, l.Email, l.IMAP, l.SMTP, l.Username, l.Security, pw)
	}
	return tw.Flush()
}

// accounts reads the accounts and closes the database before any keyring
// call, which may wait for a prompt.
func (e *env) accounts() ([]storage.Account, error) {
	st, err := e.open()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var accounts []storage.Account
	err = st.View(func(tx *storage.Tx) error {
		accounts, err = tx.Accounts()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return accounts, nil
}

func (e *env) accountRemove(args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return usageError{"usage: shopdesk account remove NAME"}
	}
	name := args[0]
	if err := e.deleteAccount(name); err != nil {
		return err
	}
	log := e.log.WithField("account", name)
	err := e.secrets().Delete(name)
	switch {
	case err == nil:
		log.Info("password removed from the OS keyring")
	case errors.Is(err, secrets.ErrNotFound):
	case errors.Is(err, secrets.ErrNoKeyring):
		fmt.Fprintf(e.stderr, "shopdesk: account %q is removed, but no OS keyring is reachable (%s):\n"+
			"  if its password was stored there, remove the entry for service %q, user %q with your keyring tool.\n",
			name, whyNoKeyring(err), secrets.Service, name)
	default:
		return fmt.Errorf("account %q is removed, but its password is still in the OS keyring: %w", name, err)
	}
	log.Info("account removed; its synced mail stays")
	return nil
}

func (e *env) deleteAccount(name string) error {
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	err = st.Update(func(tx *storage.Tx) error { return tx.DeleteAccount(name) })
	if errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("no account named %q (see shopdesk account list)", name)
	}
	if err != nil {
		return fmt.Errorf("remove account %q: %w", name, err)
	}
	return nil
}
