package mailbox_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/storage"
)

const (
	testUser     = "shop@example.test"
	testPassword = "pa55-Wörd secret"
)

// newCert makes a self-signed certificate for 127.0.0.1.
func newCert(t *testing.T, cn string) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	cert, err := mailtest.SelfSigned(cn)
	if err != nil {
		t.Fatal(err)
	}
	return cert, cert.Leaf
}

// servers are an IMAP and an SMTP server on loopback, with implicit TLS
// (a certificate that can be swapped) or in plain text without STARTTLS.
type servers struct {
	imap, smtp string
	cert       atomic.Pointer[tls.Certificate]
	smtpAuths  atomic.Int32 // AUTH attempts the SMTP server saw
	imapWire   *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func startServers(t *testing.T, cert *tls.Certificate) *servers {
	t.Helper()
	s := &servers{imapWire: &lockedBuffer{}}
	s.cert.Store(cert)
	listen := func() net.Listener {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if cert != nil {
			ln = tls.NewListener(ln, &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
				return s.cert.Load(), nil
			}})
		}
		return ln
	}

	mem := imapmemserver.New()
	u := imapmemserver.NewUser(testUser, testPassword)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Sent", "已发送", "Archive"} {
		if err := u.Create(name, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem.AddUser(u)
	isrv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		Logger:       log.New(io.Discard, "", 0),
		InsecureAuth: true, // no TLSConfig: STARTTLS is not offered
		DebugWriter:  s.imapWire,
	})
	iln := listen()
	s.imap = iln.Addr().String()
	go isrv.Serve(iln)
	t.Cleanup(func() { isrv.Close() })

	ssrv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &authSession{s: s}, nil }))
	ssrv.Domain = "localhost"
	ssrv.AllowInsecureAuth = true // no TLSConfig: STARTTLS is not offered
	ssrv.ErrorLog = log.New(io.Discard, "", 0)
	sln := listen()
	s.smtp = sln.Addr().String()
	go ssrv.Serve(sln)
	t.Cleanup(func() { ssrv.Close() })
	return s
}

type authSession struct{ s *servers }

func (a *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (a *authSession) Auth(string) (sasl.Server, error) {
	a.s.smtpAuths.Add(1)
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != testUser || pass != testPassword {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Login fail. Please use the authorization code"}
		}
		return nil
	}), nil
}
func (a *authSession) Mail(string, *smtp.MailOptions) error { return nil }
func (a *authSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (a *authSession) Data(io.Reader) error                 { return nil }
func (a *authSession) Reset()                               {}
func (a *authSession) Logout() error                        { return nil }

func (s *servers) account(sec storage.Security, pins ...string) storage.Account {
	return storage.Account{Name: "shop", Email: testUser, Username: testUser, IMAP: s.imap, SMTP: s.smtp, Security: sec, TLSPins: pins}
}

// dial logs in to one of the servers and logs out again.
func dial(proto string, a storage.Account, password string) error {
	if proto == "imap" {
		c, err := mailbox.DialIMAP(a, password, mailbox.ConnectOptions{})
		if err != nil {
			return err
		}
		return c.Close()
	}
	c, err := mailbox.DialSMTP(a, password, mailbox.ConnectOptions{})
	if err != nil {
		return err
	}
	return c.Close()
}

// A self-signed server is refused with its fingerprint, accepted once the
// seller pinned it, and refused again when its certificate changes.
func TestSelfSignedCertificatePinning(t *testing.T) {
	cert1, leaf1 := newCert(t, "mail.shop.test")
	cert2, leaf2 := newCert(t, "mail.shop.test")
	fp1, fp2 := mailbox.Fingerprint(leaf1), mailbox.Fingerprint(leaf2)
	for _, proto := range []string{"imap", "smtp"} {
		t.Run(proto, func(t *testing.T) {
			s := startServers(t, &cert1)

			err := dial(proto, s.account(storage.SecurityTLS), testPassword)
			untrusted, _ := mailbox.CertProblem(err)
			if untrusted == nil {
				t.Fatalf("self-signed server: err = %v, want an untrusted certificate", err)
			}
			if untrusted.Fingerprint != fp1 || !strings.Contains(err.Error(), fp1) {
				t.Errorf("fingerprint %q (error %q), want %q", untrusted.Fingerprint, err, fp1)
			}
			if proto == "smtp" && s.smtpAuths.Load() != 0 {
				t.Error("the password was offered to an untrusted server")
			}

			// Pinned, in the form people paste it: lower case, no colons.
			pasted := "sha256:" + strings.ToLower(strings.ReplaceAll(fp1, ":", ""))
			if err := dial(proto, s.account(storage.SecurityTLS, pasted), testPassword); err != nil {
				t.Fatalf("after pinning: %v", err)
			}

			s.cert.Store(&cert2)
			err = dial(proto, s.account(storage.SecurityTLS, fp1), testPassword)
			_, changed := mailbox.CertProblem(err)
			if changed == nil {
				t.Fatalf("changed certificate: err = %v, want a refusal", err)
			}
			if changed.Got != fp2 || !strings.Contains(err.Error(), "CHANGED") || !strings.Contains(err.Error(), fp1) {
				t.Errorf("changed: got %q, error %q", changed.Got, err)
			}
		})
	}
}

// A certificate signed by an authority the client trusts needs no pin.
func TestVerifiedCertificateNeedsNoPin(t *testing.T) {
	cert, leaf := newCert(t, "127.0.0.1")
	s := startServers(t, &cert)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	o := mailbox.ConnectOptions{TLSConfig: &tls.Config{RootCAs: pool}}
	c, err := mailbox.DialIMAP(s.account(storage.SecurityTLS), testPassword, o)
	if err != nil {
		t.Fatalf("IMAP: %v", err)
	}
	c.Close()
	sc, err := mailbox.DialSMTP(s.account(storage.SecurityTLS), testPassword, o)
	if err != nil {
		t.Fatalf("SMTP: %v", err)
	}
	sc.Close()
}

// A server that does not offer STARTTLS is refused before any password
// crosses the wire in plain text.
func TestHiddenStartTLSRefused(t *testing.T) {
	s := startServers(t, nil)
	for _, proto := range []string{"imap", "smtp"} {
		t.Run(proto, func(t *testing.T) {
			// localhost would even be allowed "none"; starttls must still not fall back.
			err := dial(proto, s.account(storage.SecurityStartTLS), testPassword)
			if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
				t.Fatalf("err = %v, want a refusal naming STARTTLS", err)
			}
		})
	}
	if strings.Contains(s.imapWire.String(), "LOGIN") || s.smtpAuths.Load() != 0 {
		t.Errorf("a login was attempted in plain text: IMAP wire %q, SMTP AUTH %d", s.imapWire.String(), s.smtpAuths.Load())
	}
}

// A wrong password is reported with the server's own words.
func TestWrongPasswordGivesServerWords(t *testing.T) {
	s := startServers(t, nil)
	r := mailbox.CheckAccount(s.account(storage.SecurityNone), "wrong", mailbox.ConnectOptions{})
	if r.OK() {
		t.Fatal("check passed with a wrong password")
	}
	if w := mailbox.ServerWords(r.IMAP); !strings.HasPrefix(w, "NO") || !strings.Contains(w, "AUTHENTICATIONFAILED") {
		t.Errorf("IMAP words %q (error %v)", w, r.IMAP)
	}
	if w := mailbox.ServerWords(r.SMTP); w != "535 Login fail. Please use the authorization code" {
		t.Errorf("SMTP words %q (error %v)", w, r.SMTP)
	}

	r = mailbox.CheckAccount(s.account(storage.SecurityNone), testPassword, mailbox.ConnectOptions{})
	if !r.OK() {
		t.Fatalf("right password: IMAP %v, SMTP %v", r.IMAP, r.SMTP)
	}
	var names []string
	for _, f := range r.Folders {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "INBOX,Archive,Sent,已发送" {
		t.Errorf("folders %s", got)
	}
}

func TestParseFingerprint(t *testing.T) {
	const want = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
	hexs := strings.ReplaceAll(want, ":", "")
	for _, in := range []string{want, strings.ToLower(want), hexs, "SHA256:" + hexs, "sha256 Fingerprint=" + want, " " + strings.ReplaceAll(want, ":", " ") + " "} {
		if got, err := mailbox.ParseFingerprint(in); err != nil || got != want {
			t.Errorf("ParseFingerprint(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "AB:CD", hexs + "00", strings.Replace(hexs, "A", "G", 1)} {
		if _, err := mailbox.ParseFingerprint(in); err == nil {
			t.Errorf("ParseFingerprint(%q) accepted", in)
		}
	}
}

// The debug log of real sessions holds no password and no message text.
func TestDebugLogRedacted(t *testing.T) {
	s := startServers(t, nil)
	var wire lockedBuffer
	o := mailbox.ConnectOptions{Debug: &wire}
	a := s.account(storage.SecurityNone)
	if r := mailbox.CheckAccount(a, testPassword, o); !r.OK() {
		t.Fatalf("check: %v %v", r.IMAP, r.SMTP)
	}
	c, err := mailbox.DialIMAP(a, testPassword, o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const body = "Subject: refund\r\n\r\nmy card number is 4111 1111\r\n"
	ap := c.Append("INBOX", int64(len(body)), nil)
	ap.Write([]byte(body))
	ap.Close()
	if _, err := ap.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch: %v", err)
	}
	sc, err := mailbox.DialSMTP(a, testPassword, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := sc.SendMail(testUser, []string{"buyer@example.test"}, strings.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	sc.Quit()

	log := wire.String()
	for _, secret := range []string{testPassword, "4111", "refund"} {
		if strings.Contains(log, secret) {
			t.Errorf("%q is in the debug log:\n%s", secret, log)
		}
	}
	for _, want := range []string{"LOGIN [not logged]", "AUTH PLAIN [not logged]", "bytes not logged]", "[message: "} {
		if !strings.Contains(log, want) {
			t.Errorf("the debug log lacks %q:\n%s", want, log)
		}
	}
}
