// Package mailtest holds the real mail servers the mail engine's tests run
// against: a private Dovecot started under t.TempDir(), go-imap's
// in-memory server, a TCP proxy that cuts connections and rewrites IMAP
// lines, and a go-smtp server whose answers each test scripts.
//
//	d := mailtest.StartDovecot(t, mailtest.DovecotOptions{})   // INBOX, \Sent "Sent"
//	uid := d.Append(t, "INBOX", raw, imap.FlagSeen)
//	p := mailtest.NewProxy(t, d.Addr())                        // sync through p.Addr()
//	p.CutAfter(12345)                                          // next connection dies there
//	d.ResetUIDValidity(t, "INBOX")                             // same mail, new UIDVALIDITY
//	s := mailtest.StartSMTP(t, mailtest.SMTPOptions{})
//	s.Next(mailtest.Refuse(mailtest.AtRcpt, 451, "later"), mailtest.DropAfterData())
//
// It is an ordinary package so that the tests of several packages can
// share it, but only tests import it. It must not import the mailbox
// package: mailbox's own tests import mailtest.
//
// Every server listens on 127.0.0.1 only and is stopped by t.Cleanup.
//
// Three traps of go-imap v2.0.0-beta.8 that cut connections expose,
// worth knowing when reading FETCH bodies (see fetchBodies in
// proxy_test.go):
//   - a literal cut short ends in a plain io.EOF, so io.ReadAll returns
//     the truncated body without an error (seen: 4468 of 198153 bytes,
//     err nil): read exactly Literal.Size() bytes;
//   - after a literal read has failed, calling Next, Collect or Close on
//     the FETCH reads the connection from two goroutines at once, a data
//     race that -race reports;
//   - Client.Close waits for the client's reader goroutine, which waits
//     until the body literal it handed out has been read to its end or an
//     error: Close with an unread literal pending blocks forever.
package mailtest

// Default credentials of the servers' one user.
const (
	DefaultUser     = "shop@example.test"
	DefaultPassword = "secret"
)
