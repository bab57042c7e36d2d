package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/sirupsen/logrus"
	"github.com/zalando/go-keyring"

	"github.com/shopdesk/shopdesk/mailbox/secrets"
	"github.com/shopdesk/shopdesk/storage"
)

const testPassword = "Tq9-zL!hunter2-密码"

// accountCLI runs account commands in-process on one data folder and one
// password store, and keeps every log line of every run.
type accountCLI struct {
	t     *testing.T
	dir   string
	store secrets.Store // nil: the OS keyring (go-keyring's mock in these tests)
	logs  bytes.Buffer
	said  strings.Builder // everything printed, to search for the password
}

func newAccountCLI(t *testing.T, store secrets.Store) *accountCLI {
	return &accountCLI{t: t, dir: t.TempDir(), store: store}
}

func (c *accountCLI) run(stdin string, args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	l := logrus.New()
	l.SetOutput(&c.logs)
	l.SetLevel(logrus.DebugLevel)
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, log: l, dataDir: c.dir, secretStore: c.store}
	code = exitCode(e.account(args), &errOut)
	c.said.WriteString(out.String() + errOut.String())
	return code, out.String(), errOut.String()
}

func (c *accountCLI) ok(stdin string, args ...string) (stdout, stderr string) {
	c.t.Helper()
	code, out, errOut := c.run(stdin, args...)
	if code != exitOK {
		c.t.Fatalf("account %v: exit %d: %s", args, code, errOut)
	}
	return out, errOut
}

// list returns account list --json, checking every line is a JSON object.
func (c *accountCLI) list() map[string]accountLine {
	c.t.Helper()
	out, _ := c.ok("", "list", "--json")
	got := map[string]accountLine{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			c.t.Fatalf("list --json line %q: %v", sc.Text(), err)
		}
		var l accountLine
		json.Unmarshal(sc.Bytes(), &l)
		got[l.Name] = l
	}
	return got
}

// noPasswordAnywhere fails if the password was printed, logged or written
// into the database file.
func (c *accountCLI) noPasswordAnywhere(passwords ...string) {
	c.t.Helper()
	db, err := os.ReadFile(filepath.Join(c.dir, storage.FileName))
	if err != nil {
		c.t.Fatal(err)
	}
	if !bytes.Contains(db, []byte("shop@example.com")) {
		c.t.Fatal("the database file does not hold the account in plain bytes; the search below would prove nothing")
	}
	for _, p := range passwords {
		for where, b := range map[string][]byte{"database": db, "logs": c.logs.Bytes(), "output": []byte(c.said.String())} {
			if bytes.Contains(b, []byte(p)) {
				c.t.Errorf("password %q found in the %s", p, where)
			}
		}
	}
}

var shopArgs = []string{"add", "--name", "shop", "--email", "Lucky Shop <shop@example.com>",
	"--imap", "imap.example.com:993", "--smtp", "smtp.example.com:465", "--user", "seller"}

func TestAccountAddListRemove(t *testing.T) {
	store := &secrets.Memory{}
	c := newAccountCLI(t, store)
	c.ok(testPassword+"\n", append(shopArgs, "--password-stdin", "--signature", "Lucky Shop 客服")...)
	c.ok("", "add", "--name", "support", "--email", "help@example.com", "--security", "starttls",
		"--imap", "mail.example.com:143", "--smtp", "mail.example.com:587")

	got := c.list()
	shop, support := got["shop"], got["support"]
	if len(got) != 2 {
		t.Fatalf("list: %+v", got)
	}
	if shop.Email != "shop@example.com" || shop.DisplayName != "Lucky Shop" || shop.Username != "seller" ||
		shop.Security != storage.SecurityTLS || shop.IMAP != "imap.example.com:993" || shop.SMTP != "smtp.example.com:465" ||
		shop.Signature != "Lucky Shop 客服" || !shop.PasswordInKeyring {
		t.Errorf("shop: %+v", shop)
	}
	if support.Username != "help@example.com" || support.Security != storage.SecurityStartTLS || support.PasswordInKeyring {
		t.Errorf("support: %+v (login name defaults to the address; no password given)", support)
	}
	if p, err := store.Get("shop"); err != nil || p != testPassword {
		t.Errorf("keyring holds %q, %v", p, err)
	}
	out, _ := c.ok("", "list")
	for _, want := range []string{"NAME", "shop", "imap.example.com:993", "keyring", "support", "not stored"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}

	// The name is unique; --replace changes the account and keeps the
	// stored password and the signature when none is given.
	if code, _, errOut := c.run("", shopArgs...); code != exitError || !strings.Contains(errOut, "already exists") {
		t.Errorf("second add: exit %d, %q", code, errOut)
	}
	c.ok("", append(shopArgs[:len(shopArgs)-2], "--user", "seller2", "--replace")...)
	if shop2 := c.list()["shop"]; shop2.Username != "seller2" || shop2.Signature != shop.Signature ||
		!shop2.Created.Equal(shop.Created) || !shop2.PasswordInKeyring {
		t.Errorf("after --replace: %+v", shop2)
	}

	c.noPasswordAnywhere(testPassword)

	c.ok("", "remove", "shop")
	if _, err := store.Get("shop"); !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("keyring entry after remove: %v", err)
	}
	if got := c.list(); len(got) != 1 || got["support"].Name != "support" {
		t.Errorf("after remove: %+v", got)
	}
	if code, _, errOut := c.run("", "remove", "shop"); code != exitError || !strings.Contains(errOut, `no account named "shop"`) {
		t.Errorf("remove twice: exit %d, %q", code, errOut)
	}
}

// TestAccountOSKeyring goes through the real keyring code with go-keyring's
// in-memory mock standing in for the platform's keyring.
func TestAccountOSKeyring(t *testing.T) {
	keyring.MockInit()
	// On Linux the keyring is not even tried without a session bus; the
	// mock never dials it.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
	const envPassword = "from-the-env-Xq81"
	c := newAccountCLI(t, nil)
	c.ok(testPassword+"\nnot read\n", append(shopArgs, "--password-stdin")...)
	t.Setenv(secrets.EnvPassword, envPassword)
	c.ok("", "add", "--name", "support", "--email", "help@example.com",
		"--imap", "mail.example.com:993", "--smtp", "mail.example.com:465")

	for account, want := range map[string]string{"shop": testPassword, "support": envPassword} {
		if p, err := keyring.Get(secrets.Service, account); err != nil || p != want {
			t.Errorf("keyring entry (%q, %q) = %q, %v; want %q", secrets.Service, account, p, err, want)
		}
	}
	if got := c.list(); !got["shop"].PasswordInKeyring || !got["support"].PasswordInKeyring {
		t.Errorf("list: %+v", got)
	}
	c.noPasswordAnywhere(testPassword, envPassword)

	c.ok("", "remove", "shop")
	if _, err := keyring.Get(secrets.Service, "shop"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("keyring entry after remove: %v", err)
	}
	if p, _ := keyring.Get(secrets.Service, "support"); p != envPassword {
		t.Errorf("removing shop touched support's entry: %q", p)
	}
}

// unreachable is a keyring that cannot be reached, as on Linux without a
// session D-Bus.
type unreachable struct{}

var errUnreachable = fmt.Errorf("%w: no session D-Bus (DBUS_SESSION_BUS_ADDRESS is not set)", secrets.ErrNoKeyring)

func (unreachable) Get(string) (string, error) { return "", errUnreachable }
func (unreachable) Set(string, string) error   { return errUnreachable }
func (unreachable) Delete(string) error        { return errUnreachable }

func TestAccountWithoutKeyring(t *testing.T) {
	c := newAccountCLI(t, unreachable{})
	_, errOut := c.ok(testPassword+"\n", append(shopArgs, "--password-stdin")...)
	for _, want := range []string{"NOT stored", "no OS keyring is reachable", "DBUS_SESSION_BUS_ADDRESS",
		"--password-stdin", secrets.EnvPassword, "sync", "send-queue", "once each time it starts"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("add without keyring: stderr lacks %q:\n%s", want, errOut)
		}
	}
	shop, ok := c.list()["shop"]
	if !ok || shop.PasswordInKeyring || !strings.Contains(shop.KeyringError, "no OS keyring reachable") {
		t.Errorf("account saved without its password: %+v (found %v)", shop, ok)
	}
	if out, _ := c.ok("", "list"); !strings.Contains(out, "unknown") {
		t.Errorf("list says %q, want the password state unknown", out)
	}
	c.noPasswordAnywhere(testPassword)
	_, errOut = c.ok("", "remove", "shop")
	if !strings.Contains(errOut, `service "Shopdesk", user "shop"`) {
		t.Errorf("remove without keyring: %q", errOut)
	}
	if len(c.list()) != 0 {
		t.Error("account not removed")
	}
}

func TestAccountAddRefusesBadInput(t *testing.T) {
	add := func(kv ...string) []string {
		args := map[string]string{"--name": "shop", "--email": "shop@example.com",
			"--imap": "imap.example.com:993", "--smtp": "smtp.example.com:465"}
		for i := 0; i+1 < len(kv); i += 2 {
			args[kv[i]] = kv[i+1]
		}
		out := []string{"add"}
		for k, v := range args {
			if v != "-" { // "-" leaves the flag out
				out = append(out, k, v)
			}
		}
		return append(out, kv[len(kv)-len(kv)%2:]...)
	}
	cases := []struct {
		name  string
		args  []string
		stdin string
		code  int
		says  string
	}{
		{"no name", add("--name", "-"), "", exitUsage, "--name is required"},
		{"no email", add("--email", "-"), "", exitUsage, "--email is required"},
		{"bad email", add("--email", "shop.example.com"), "", exitUsage, `--email "shop.example.com" is not an email address`},
		{"no imap", add("--imap", "-"), "", exitUsage, "--imap is required: HOST:PORT, e.g. imap.example.com:993"},
		{"imap without port", add("--imap", "imap.example.com"), "", exitUsage, `--imap "imap.example.com" is not HOST:PORT`},
		{"smtp port too big", add("--smtp", "smtp.example.com:99999"), "", exitUsage, `port "99999" is not a number from 1 to 65535`},
		{"smtp port not a number", add("--smtp", "smtp.example.com:smtp"), "", exitUsage, `port "smtp"`},
		{"no host", add("--imap", ":993"), "", exitUsage, "is not a host name"},
		{"unknown security", add("--security", "ssl"), "", exitUsage, `--security "ssl": want tls, starttls or none`},
		{"none for a remote server", add("--security", "none", "--imap", "imap.example.com:143", "--smtp", "127.0.0.1:25"),
			"", exitUsage, `imap.example.com:143: security "none" is only allowed for servers on this machine`},
		{"stray argument", add("extra"), "", exitUsage, `unexpected argument "extra"`},
		{"empty stdin", add("--password-stdin"), "", exitError, "--password-stdin: no password on stdin"},
		{"check without a password", add("--check"), "", exitUsage, "--check needs the password"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newAccountCLI(t, &secrets.Memory{})
			code, _, errOut := c.run(tc.stdin, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.says) {
				t.Errorf("%v: exit %d, stderr %q; want exit %d saying %q", tc.args, code, errOut, tc.code, tc.says)
			}
			if got := c.list(); len(got) != 0 {
				t.Errorf("refused input saved an account: %+v", got)
			}
		})
	}
}

func TestAccountSecurityNoneOnLoopback(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "localhost", "[::1]"} {
		t.Run(host, func(t *testing.T) {
			c := newAccountCLI(t, &secrets.Memory{})
			c.ok("", "add", "--name", "local", "--email", "test@localhost.localdomain", "--security", "none",
				"--imap", host+":1143", "--smtp", host+":1025")
			if l := c.list()["local"]; l.Security != storage.SecurityNone || l.IMAP != host+":1143" {
				t.Errorf("saved %+v", l)
			}
		})
	}
}

func TestAccountCheck(t *testing.T) {
	imapAddr := startIMAP(t, "seller", testPassword)
	smtpAddr := startSMTP(t, "seller", testPassword)
	args := func(name string) []string {
		return []string{"add", "--name", name, "--email", "shop@example.com", "--user", "seller",
			"--security", "none", "--imap", imapAddr, "--smtp", smtpAddr, "--password-stdin", "--check"}
	}
	cases := []struct {
		name     string
		password string
		code     int
		says     []string // on stdout when it works, on stderr when not
		saved    bool
	}{
		{"right password", testPassword, exitOK,
			[]string{"IMAP " + imapAddr + ": logged in as seller", "SMTP " + smtpAddr + ": logged in as seller"}, true},
		{"wrong password", "wrong-password", exitError,
			[]string{"not saved", "Login refused: use your authorization code (授权码)", "SMTP error 535: Wrong authorization code"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			store := &secrets.Memory{}
			c := newAccountCLI(t, store)
			code, out, errOut := c.run(tc.password+"\n", args("shop")...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			shown := out
			if code != exitOK {
				shown = errOut
			}
			for _, s := range tc.says {
				if !strings.Contains(shown, s) {
					t.Errorf("output lacks %q:\n%s", s, shown)
				}
			}
			if _, saved := c.list()["shop"]; saved != tc.saved {
				t.Errorf("account saved: %v, want %v", saved, tc.saved)
			}
			if _, err := store.Get("shop"); (err == nil) != tc.saved {
				t.Errorf("password stored: %v, want %v", err == nil, tc.saved)
			}
			if strings.Contains(c.said.String()+c.logs.String(), tc.password) {
				t.Error("the password was printed or logged")
			}
		})
	}
}

func TestPasswordSources(t *testing.T) {
	store := &secrets.Memory{}
	store.Set("shop", "from-keyring")
	t.Setenv(secrets.EnvPassword, "")
	e := &env{stdin: strings.NewReader("from-stdin\n"), secretStore: store}
	cases := []struct {
		account    string
		allowStdin bool
		want       string
	}{
		{"shop", true, "from-keyring"},
		{"other", true, "from-stdin"},
		{"other", false, ""},
	}
	for _, tc := range cases {
		p, err := e.passwords(tc.allowStdin).Get(tc.account)
		if p != tc.want || (tc.want == "") != errors.Is(err, secrets.ErrNotFound) {
			t.Errorf("passwords(%v).Get(%q) = %q, %v; want %q", tc.allowStdin, tc.account, p, err, tc.want)
		}
	}
}

// startIMAP serves one user from go-imap's in-memory server on loopback,
// refusing wrong passwords in words of its own, as real servers do.
func startIMAP(t *testing.T, user, password string) string {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, password)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return wordyLogin{mem.NewSession()}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	return serve(t, srv.Serve, srv.Close)
}

type wordyLogin struct{ imapserver.Session }

func (s wordyLogin) Login(user, password string) error {
	if err := s.Session.Login(user, password); err != nil {
		return &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed,
			Text: "Login refused: use your authorization code (授权码)"}
	}
	return nil
}

// startSMTP runs a go-smtp server on loopback that accepts one login.
func startSMTP(t *testing.T, user, password string) string {
	t.Helper()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{user: user, password: password}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	return serve(t, srv.Serve, srv.Close)
}

type smtpSession struct{ user, password string }

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != s.user || password != s.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Wrong authorization code"}
		}
		return nil
	}), nil
}
func (s *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *smtpSession) Data(io.Reader) error                 { return nil }
func (s *smtpSession) Reset()                               {}
func (s *smtpSession) Logout() error                        { return nil }

// serve runs a server on a loopback port until the test ends.
func serve(t *testing.T, run func(net.Listener) error, stop func() error) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		run(ln)
	}()
	t.Cleanup(func() {
		stop()
		<-done
	})
	return ln.Addr().String()
}
