package mailbox

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// Fingerprint is a certificate's SHA-256 fingerprint as sellers and
// openssl show it: upper-case hex pairs joined by colons.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return formatFingerprint(sum[:])
}

func formatFingerprint(b []byte) string {
	h := strings.ToUpper(hex.EncodeToString(b))
	pairs := make([]string, 0, len(b))
	for i := 0; i+2 <= len(h); i += 2 {
		pairs = append(pairs, h[i:i+2])
	}
	return strings.Join(pairs, ":")
}

// ParseFingerprint reads a SHA-256 fingerprint as people copy it: with or
// without colons or spaces, any case, with an optional "SHA256:" or
// "sha256 Fingerprint=" prefix. It returns the form Fingerprint writes.
func ParseFingerprint(s string) (string, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(strings.ToUpper(t), "SHA256") {
		// "SHA256:AB:CD..." or openssl's "sha256 Fingerprint=AB:CD...".
		if j := strings.IndexAny(t, "=:"); j >= 0 {
			t = t[j+1:]
		}
	}
	t = strings.Map(func(r rune) rune {
		if r == ':' || r == ' ' || r == '-' {
			return -1
		}
		return r
	}, t)
	b, err := hex.DecodeString(t)
	if err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("%q is not a SHA-256 fingerprint (64 hexadecimal digits, colons allowed)", s)
	}
	return formatFingerprint(b), nil
}

// UntrustedCertError: the server's certificate is not vouched for by any
// authority this computer trusts (a self-signed certificate, or a name
// that does not match). The seller may trust it by its fingerprint.
type UntrustedCertError struct {
	Addr        string // host:port
	Fingerprint string // SHA-256, as Fingerprint writes it
	Subject     string
	Issuer      string
	NotAfter    time.Time
	Err         error // why verification failed
}

func (e *UntrustedCertError) Error() string {
	return fmt.Sprintf("the certificate of %s is not signed by an authority this computer trusts (%v); "+
		"its SHA-256 fingerprint is %s: trust it only if your mail provider or administrator confirms that fingerprint",
		e.Addr, e.Err, e.Fingerprint)
}

func (e *UntrustedCertError) Unwrap() error { return e.Err }

// CertChangedError: the account trusts certain certificates by their
// fingerprints and the server showed another one.
type CertChangedError struct {
	Addr   string
	Pinned []string
	Got    string
}

func (e *CertChangedError) Error() string {
	return fmt.Sprintf("the certificate of %s has CHANGED since it was trusted (trusted SHA-256 %s, now %s); "+
		"someone may be intercepting the connection, so Shopdesk refuses it. If your provider says it replaced "+
		"the certificate, confirm the new fingerprint with them and trust it again",
		e.Addr, strings.Join(e.Pinned, " or "), e.Got)
}

// certCheck verifies a server's certificate for one connection and keeps
// the reason it refused it: the mail libraries flatten TLS errors, and
// the caller needs the fingerprint to offer.
type certCheck struct {
	addr, serverName string
	roots            *x509.CertPool // nil: the system's
	pins             []string
	problem          error
}

func (c *certCheck) verify(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		c.problem = fmt.Errorf("%s sent no certificate", c.addr)
		return c.problem
	}
	leaf := cs.PeerCertificates[0]
	fp := Fingerprint(leaf)
	if len(c.pins) > 0 {
		// The seller trusted this exact certificate, whoever signed it.
		if slices.Contains(c.pins, fp) {
			return nil
		}
		c.problem = &CertChangedError{Addr: c.addr, Pinned: c.pins, Got: fp}
		return c.problem
	}
	opts := x509.VerifyOptions{DNSName: c.serverName, Roots: c.roots, Intermediates: x509.NewCertPool()}
	for _, ic := range cs.PeerCertificates[1:] {
		opts.Intermediates.AddCert(ic)
	}
	if _, err := leaf.Verify(opts); err != nil {
		c.problem = &UntrustedCertError{
			Addr: c.addr, Fingerprint: fp, Subject: leaf.Subject.String(),
			Issuer: leaf.Issuer.String(), NotAfter: leaf.NotAfter, Err: err,
		}
		return c.problem
	}
	return nil
}

// tlsFor is the TLS configuration for one server of the account: the
// system's authorities (or the test's) verify it, unless the account
// pins certificates, which then are the only ones accepted. The check
// holds the refusal's reason after a failed handshake; it is nil when a
// test turned verification off.
func tlsFor(a storage.Account, hostport string, o ConnectOptions) (*tls.Config, *certCheck) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.TLSConfig != nil {
		cfg = o.TLSConfig.Clone()
	}
	host, _, _ := net.SplitHostPort(hostport)
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	if cfg.InsecureSkipVerify {
		return cfg, nil
	}
	pins := make([]string, 0, len(a.TLSPins))
	for _, p := range a.TLSPins {
		if fp, err := ParseFingerprint(p); err == nil {
			pins = append(pins, fp)
		}
	}
	chk := &certCheck{addr: hostport, serverName: cfg.ServerName, roots: cfg.RootCAs, pins: pins}
	// crypto/tls's own check cannot accept a pinned certificate;
	// VerifyConnection does the whole verification instead.
	cfg.InsecureSkipVerify = true
	cfg.VerifyConnection = chk.verify
	return cfg, chk
}

// certProblem prefers the certificate check's own error to the library's
// flattened one.
func certProblem(chk *certCheck, err error) error {
	if chk != nil && chk.problem != nil {
		return chk.problem
	}
	return err
}

// CertProblem finds a certificate refusal in err: an untrusted
// certificate the seller may choose to trust, or a pinned one that changed.
func CertProblem(err error) (untrusted *UntrustedCertError, changed *CertChangedError) {
	if !errors.As(err, &untrusted) {
		untrusted = nil
	}
	if !errors.As(err, &changed) {
		changed = nil
	}
	return untrusted, changed
}
