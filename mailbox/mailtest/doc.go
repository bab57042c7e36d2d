// Package mailtest holds the real mail servers the mail engine's tests run
// against: a private Dovecot started under t.TempDir(), go-imap's
// in-memory server, a TCP proxy that cuts connections and rewrites IMAP
// lines, and a go-smtp server whose answers each test scripts.
//
// It is an ordinary package so that the tests of several packages can
// share it, but only tests import it. It must not import the mailbox
// package: mailbox's own tests import mailtest.
//
// Every server listens on 127.0.0.1 only and is stopped by t.Cleanup.
package mailtest

// Default credentials of the servers' one user.
const (
	DefaultUser     = "shop@example.test"
	DefaultPassword = "secret"
)
