package mailbox

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/shopdesk/shopdesk/storage"
)

// Version is sent to servers in the IMAP ID command.
const Version = "0.1.0"

// DialTimeout bounds connecting and the TLS handshake.
const DialTimeout = 30 * time.Second

// ErrInsecureRemote refuses plain-text connections to anything but this machine.
var ErrInsecureRemote = errors.New("security \"none\" is only allowed for servers on this machine (localhost)")

// ConnectOptions tune how a connection is made; the zero value is right
// for real servers.
type ConnectOptions struct {
	// TLSConfig, when set, replaces the default TLS settings (tests pass
	// their own root CA). Certificates are verified all the same, or
	// matched against the account's pinned fingerprints.
	TLSConfig *tls.Config
	// Handler receives unsolicited IMAP data (EXISTS, EXPUNGE, FETCH).
	Handler *imapclient.UnilateralDataHandler
	// Debug, when set, hears the protocol conversation through a
	// redacting writer: logins, authentication exchanges and message
	// contents never reach it.
	Debug io.Writer
}

// CheckSecurity tells whether the account's security settings are
// allowed: plain text only to servers on this machine.
func CheckSecurity(a storage.Account) error {
	if err := checkSecurity(a.Security, a.IMAP); err != nil {
		return err
	}
	return checkSecurity(a.SendSecurity(), a.SMTP)
}

func checkSecurity(sec storage.Security, addr string) error {
	switch sec {
	case storage.SecurityTLS, storage.SecurityStartTLS, "":
		return nil
	case storage.SecurityNone:
		if addr != "" && !IsLoopback(addr) {
			return fmt.Errorf("%s: %w", addr, ErrInsecureRemote)
		}
		return nil
	}
	return fmt.Errorf("unknown security %q (want tls, starttls or none)", sec)
}

// IsLoopback reports whether host:port names this machine.
func IsLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DialIMAP connects to the account's IMAP server, logs in and identifies
// the client (NetEase 163/126 refuse SELECT until they hear an ID).
func DialIMAP(a storage.Account, password string, o ConnectOptions) (*imapclient.Client, error) {
	if err := CheckSecurity(a); err != nil {
		return nil, err
	}
	cfg, chk := tlsFor(a, a.IMAP, o)
	opts := &imapclient.Options{
		TLSConfig:             cfg,
		WordDecoder:           &mime.WordDecoder{CharsetReader: charset.Reader},
		UnilateralDataHandler: o.Handler,
		Dialer:                &net.Dialer{Timeout: DialTimeout},
	}
	if o.Debug != nil {
		opts.DebugWriter = NewWireRedactor(o.Debug, "imap", password, PlainAuthSecret(a.Username, password))
	}
	var c *imapclient.Client
	var err error
	switch a.Security {
	case storage.SecurityStartTLS:
		// go-imap fails the dial when the server refuses STARTTLS: no
		// silent downgrade to plain text.
		c, err = imapclient.DialStartTLS(a.IMAP, opts)
	case storage.SecurityNone:
		c, err = imapclient.DialInsecure(a.IMAP, opts)
	default:
		c, err = imapclient.DialTLS(a.IMAP, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to IMAP %s: %w", a.IMAP, certProblem(chk, err))
	}
	if err := c.Login(a.Username, password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("IMAP login to %s as %s: %w", a.IMAP, a.Username, err)
	}
	if c.Caps().Has(imap.CapID) {
		if _, err := c.ID(&imap.IDData{Name: "Shopdesk", Version: Version, Vendor: "Shopdesk"}).Wait(); err != nil {
			c.Close()
			return nil, fmt.Errorf("IMAP ID to %s: %w", a.IMAP, err)
		}
	}
	return c, nil
}

// DialSMTP connects to the account's SMTP server and authenticates.
func DialSMTP(a storage.Account, password string, o ConnectOptions) (*smtp.Client, error) {
	if err := CheckSecurity(a); err != nil {
		return nil, err
	}
	var c *smtp.Client
	var err error
	cfg, chk := tlsFor(a, a.SMTP, o)
	switch a.SendSecurity() {
	case storage.SecurityStartTLS:
		// go-smtp refuses a server that does not offer STARTTLS.
		c, err = smtp.DialStartTLS(a.SMTP, cfg)
	case storage.SecurityNone:
		c, err = smtp.Dial(a.SMTP)
	default:
		c, err = smtp.DialTLS(a.SMTP, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to SMTP %s: %w", a.SMTP, certProblem(chk, err))
	}
	if o.Debug != nil {
		c.DebugWriter = NewWireRedactor(o.Debug, "smtp", password, PlainAuthSecret(a.Username, password))
	}
	if password != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			c.Close()
			return nil, fmt.Errorf("SMTP %s offers no login (AUTH); refusing to send without it", a.SMTP)
		}
		if err := c.Auth(sasl.NewPlainClient("", a.Username, password)); err != nil {
			c.Close()
			return nil, fmt.Errorf("SMTP login to %s as %s: %w", a.SMTP, a.Username, err)
		}
	}
	return c, nil
}

// ServerWords is what the mail server itself said in a failed exchange
// (an IMAP NO or BAD, an SMTP reply), or "" when it said nothing.
func ServerWords(err error) string {
	var ie *imap.Error
	if errors.As(err, &ie) {
		w := string(ie.Type)
		if ie.Code != "" {
			w += " [" + string(ie.Code) + "]"
		}
		return strings.TrimSpace(w + " " + ie.Text)
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return strings.TrimSpace(fmt.Sprintf("%d %s", se.Code, se.Message))
	}
	return ""
}
