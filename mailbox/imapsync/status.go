package imapsync

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
)

// State is what an account's sync worker is doing.
type State string

const (
	StateConnecting State = "connecting"
	StateSyncing    State = "syncing"
	StateIdle       State = "idle"  // up to date, waiting for new mail
	StateError      State = "error" // stopped by a problem; retries after RetryIn
)

// Problem says in a word why a sync stopped, so the desk can tell the
// seller in plain language what to do.
type Problem string

const (
	ProblemUnreachable Problem = "unreachable" // the server could not be reached
	ProblemCertificate Problem = "certificate" // its TLS certificate did not verify
	ProblemLogin       Problem = "login"       // it refused the user name or password
	ProblemLost        Problem = "lost"        // the connection broke during a sync
	ProblemNoPassword  Problem = "no-password" // no password saved (reported by the caller)
	ProblemOther       Problem = "other"
)

// Status is one report of an account's sync, for a status bar.
type Status struct {
	Account string
	Host    string // the IMAP server's host name
	State   State
	// StateSyncing: the folder, messages fetched and to fetch (Total 0
	// when unknown), and whether it is the folder's first sync.
	Folder      string
	Done, Total int
	First       bool
	// StateIdle: when the last full sync ended.
	Synced time.Time
	// StateError: why, the error itself (for the log) and when the next
	// try starts (0 when none is planned).
	Problem Problem
	Err     error
	RetryIn time.Duration
}

// statusState is what the reporter remembers between reports; only the
// Run goroutine touches it.
type statusState struct {
	state  State
	folder string
	first  bool
}

func (s *Syncer) report(st Status) {
	if s.o.Status == nil {
		return
	}
	st.Account = s.o.Account.Name
	st.Host = hostOf(s.o.Account.IMAP)
	s.status = statusState{state: st.State, folder: st.Folder, first: st.First}
	s.o.Status(st)
}

func (s *Syncer) reportConnecting() { s.report(Status{State: StateConnecting}) }

// reportFolder says a folder's sync starts.
func (s *Syncer) reportFolder(name string, first bool) {
	s.report(Status{State: StateSyncing, Folder: name, First: first})
}

// reportProgress passes a download's progress on as a status.
func (s *Syncer) reportProgress(p Progress) {
	if p.Done {
		return // the folder's sync goes on (flags, expunges) until the next status
	}
	s.report(Status{State: StateSyncing, Folder: p.Folder, First: s.status.first && s.status.folder == p.Folder,
		Done: p.Messages, Total: p.Total})
}

func (s *Syncer) reportIdle() { s.report(Status{State: StateIdle, Synced: s.o.Now()}) }

// reportError tells why the session ended and when the next one starts.
func (s *Syncer) reportError(err error, retry time.Duration) {
	s.report(Status{State: StateError, Problem: problemOf(err, s.status.state == StateConnecting), Err: err, RetryIn: retry})
}

// problemOf sorts an error into a Problem. connecting says whether it
// came before the session was logged in.
func problemOf(err error, connecting bool) Problem {
	var (
		cert    *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		host    x509.HostnameError
		invalid x509.CertificateInvalidError
		ie      *imap.Error
		ne      net.Error
	)
	switch {
	case errors.As(err, &cert), errors.As(err, &unknown), errors.As(err, &host), errors.As(err, &invalid):
		return ProblemCertificate
	case connecting && errors.As(err, &ie):
		return ProblemLogin
	case connecting && errors.As(err, &ne):
		return ProblemUnreachable
	case !connecting:
		return ProblemLost
	}
	return ProblemOther
}

// hostOf strips the port from host:port.
func hostOf(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}
