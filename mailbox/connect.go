package mailbox

import (
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
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
	// TLSConfig, when set, replaces the default verified TLS settings
	// (tests pass their own root CA; pinned certificates come later).
	TLSConfig *tls.Config
	// Handler receives unsolicited IMAP data (EXISTS, EXPUNGE, FETCH).
	Handler *imapclient.UnilateralDataHandler
}

// CheckSecurity tells whether the account's security setting is allowed.
func CheckSecurity(a storage.Account) error {
	switch a.Security {
	case storage.SecurityTLS, storage.SecurityStartTLS, "":
		return nil
	case storage.SecurityNone:
		for _, addr := range []string{a.IMAP, a.SMTP} {
			if addr != "" && !IsLoopback(addr) {
				return fmt.Errorf("%s: %w", addr, ErrInsecureRemote)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown security %q (want tls, starttls or none)", a.Security)
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

func tlsConfig(hostport string, o ConnectOptions) *tls.Config {
	if o.TLSConfig != nil {
		return o.TLSConfig.Clone()
	}
	host, _, _ := net.SplitHostPort(hostport)
	return &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
}

// DialIMAP connects to the account's IMAP server, logs in and identifies
// the client (NetEase 163/126 refuse SELECT until they hear an ID).
func DialIMAP(a storage.Account, password string, o ConnectOptions) (*imapclient.Client, error) {
	if err := CheckSecurity(a); err != nil {
		return nil, err
	}
	opts := &imapclient.Options{
		TLSConfig:             tlsConfig(a.IMAP, o),
		WordDecoder:           &mime.WordDecoder{CharsetReader: charset.Reader},
		UnilateralDataHandler: o.Handler,
		Dialer:                &net.Dialer{Timeout: DialTimeout},
	}
	var c *imapclient.Client
	var err error
	switch a.Security {
	case storage.SecurityStartTLS:
		// go-imap fails the dial when the server offers no STARTTLS: no
		// silent downgrade to plain text.
		c, err = imapclient.DialStartTLS(a.IMAP, opts)
	case storage.SecurityNone:
		c, err = imapclient.DialInsecure(a.IMAP, opts)
	default:
		c, err = imapclient.DialTLS(a.IMAP, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to IMAP %s: %w", a.IMAP, err)
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
	switch a.Security {
	case storage.SecurityStartTLS:
		c, err = smtp.DialStartTLS(a.SMTP, tlsConfig(a.SMTP, o))
	case storage.SecurityNone:
		c, err = smtp.Dial(a.SMTP)
	default:
		c, err = smtp.DialTLS(a.SMTP, tlsConfig(a.SMTP, o))
	}
	if err != nil {
		return nil, fmt.Errorf("connect to SMTP %s: %w", a.SMTP, err)
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
