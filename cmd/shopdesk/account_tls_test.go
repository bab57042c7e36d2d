package main

import (
	"crypto/tls"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/mailbox/secrets"
)

func selfSignedCert(t *testing.T) (*tls.Certificate, string) {
	t.Helper()
	cert, err := mailtest.SelfSigned("mail.myshop.test")
	if err != nil {
		t.Fatal(err)
	}
	return &cert, mailbox.Fingerprint(cert.Leaf)
}

// tlsFront serves implicit TLS with a swappable certificate in front of
// a plain-text server.
func tlsFront(t *testing.T, backend string, cert *atomic.Pointer[tls.Certificate]) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
		return cert.Load(), nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				b, err := net.Dial("tcp", backend)
				if err != nil {
					return
				}
				defer b.Close()
				go io.Copy(b, c)
				io.Copy(c, b)
			}()
		}
	}()
	return ln.Addr().String()
}

// account add --check shows a self-signed certificate's fingerprint and
// saves nothing; --trust-fingerprint pins it; a changed certificate is
// then refused with a warning.
func TestAccountTrustFingerprint(t *testing.T) {
	cert1, fp1 := selfSignedCert(t)
	cert2, fp2 := selfSignedCert(t)
	var cert atomic.Pointer[tls.Certificate]
	cert.Store(cert1)
	imapAddr := tlsFront(t, startIMAP(t, "seller", testPassword), &cert)
	smtpAddr := tlsFront(t, startSMTP(t, "seller", testPassword), &cert)
	c := newAccountCLI(t, &secrets.Memory{})
	args := []string{"add", "--name", "shop", "--email", "shop@example.com", "--user", "seller",
		"--imap", imapAddr, "--smtp", smtpAddr, "--password-stdin", "--check"}

	code, _, errOut := c.run(testPassword+"\n", args...)
	if code != exitError || !strings.Contains(errOut, "--trust-fingerprint "+fp1) || !strings.Contains(errOut, "not saved") {
		t.Fatalf("self-signed: exit %d, stderr:\n%s", code, errOut)
	}
	if _, saved := c.list()["shop"]; saved {
		t.Fatal("saved though the certificate was not trusted")
	}

	pasted := strings.ToLower(strings.ReplaceAll(fp1, ":", ""))
	out, _ := c.ok(testPassword+"\n", append(args, "--trust-fingerprint", pasted)...)
	if !strings.Contains(out, "IMAP "+imapAddr+": logged in") || !strings.Contains(out, "SMTP "+smtpAddr+": logged in") {
		t.Errorf("pinned: %s", out)
	}
	if pins := c.list()["shop"].TLSPins; len(pins) != 1 || pins[0] != fp1 {
		t.Errorf("pins %v, want [%s]", pins, fp1)
	}

	cert.Store(cert2)
	code, _, errOut = c.run(testPassword+"\n", append(args, "--replace")...)
	if code != exitError || !strings.Contains(errOut, "DIFFERENT certificate") || !strings.Contains(errOut, fp2) {
		t.Fatalf("changed certificate: exit %d, stderr:\n%s", code, errOut)
	}
	if pins := c.list()["shop"].TLSPins; len(pins) != 1 || pins[0] != fp1 {
		t.Errorf("after the refusal the pins are %v", pins)
	}
	if _, _, errOut := c.run("", "add", "--name", "x", "--email", "x@example.com", "--imap", imapAddr, "--smtp", smtpAddr,
		"--trust-fingerprint", "12:34"); !strings.Contains(errOut, "not a SHA-256 fingerprint") {
		t.Errorf("bad fingerprint: %s", errOut)
	}
}
