package mailtest

import (
	"bytes"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// MemServerOptions tune an in-memory IMAP server.
type MemServerOptions struct {
	User, Password string // default DefaultUser, DefaultPassword
	// SentName names the sent-mail folder (default "Sent"). go-imap's
	// memory server cannot mark it \Sent (it ignores CREATE's USE and has
	// no other way), so it does not offer SPECIAL-USE and clients find the
	// folder by its name: try "Sent Items" or "已发送".
	SentName string
	// RequireIDBeforeSelect answers SELECT and EXAMINE with NO until the
	// client has sent ID, as NetEase 163 does. The server then sits
	// behind a Proxy that advertises and answers ID.
	RequireIDBeforeSelect bool
}

// memCaps is what the in-memory server offers: the IMAP4rev2 extensions
// the memory backend implements, listed one by one so that IMAP4rev1
// clients see them too. No CONDSTORE, no SPECIAL-USE.
func memCaps() imap.CapSet {
	return imap.CapSet{
		imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {},
		imap.CapNamespace: {}, imap.CapUIDPlus: {}, imap.CapESearch: {}, imap.CapSearchRes: {},
		imap.CapListExtended: {}, imap.CapListStatus: {}, imap.CapMove: {}, imap.CapStatusSize: {},
	}
}

// MemServer is go-imap's imapmemserver on 127.0.0.1 (plain text, login
// allowed without TLS) with one user, INBOX and a sent folder.
type MemServer struct {
	account
	user     *imapmemserver.User
	proxy    *Proxy
	sentName string
}

// StartMemServer starts the server; it stops when the test ends.
func StartMemServer(t testing.TB, opts MemServerOptions) *MemServer {
	t.Helper()
	if opts.User == "" {
		opts.User = DefaultUser
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	if opts.SentName == "" {
		opts.SentName = "Sent"
	}
	m := &MemServer{account: account{user: opts.User, password: opts.Password}, sentName: opts.SentName}
	mem := imapmemserver.New()
	m.user = imapmemserver.NewUser(opts.User, opts.Password)
	for _, name := range []string{"INBOX", opts.SentName} {
		if err := m.user.Create(name, nil); err != nil {
			t.Fatalf("mailtest: create %s: %v", name, err)
		}
		m.user.Subscribe(name)
	}
	mem.AddUser(m.user)

	logger := newTestLogger(t)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         memCaps(),
		Logger:       logger,
		InsecureAuth: true,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		logger.stop()
		srv.Close()
		ln.Close() // in case Close came before Serve registered it
		<-done
	})
	m.direct = ln.Addr().String()
	m.addr = m.direct
	if opts.RequireIDBeforeSelect {
		m.proxy = NewProxy(t, m.direct)
		m.proxy.SetFilter(RequireID)
		m.addr = m.proxy.Addr()
	}
	return m
}

// SentName is the name of the sent-mail folder.
func (m *MemServer) SentName() string { return m.sentName }

// Proxy is the proxy in front of the server (RequireIDBeforeSelect), or nil.
func (m *MemServer) Proxy() *Proxy { return m.proxy }

// ResetUIDValidity deletes the mailbox and creates it again with the same
// messages (bytes, flags, INTERNALDATE) appended in their old order, so
// it gets a new UIDVALIDITY and UIDs from 1. Sessions that have the
// mailbox selected keep seeing the old one until they select it again.
// It returns the new UIDVALIDITY.
func (m *MemServer) ResetUIDValidity(t testing.TB, mailbox string) uint32 {
	t.Helper()
	old := m.UIDValidity(t, mailbox)
	msgs := m.Messages(t, mailbox)
	if err := m.user.Delete(mailbox); err != nil {
		t.Fatalf("mailtest: delete %s: %v", mailbox, err)
	}
	if err := m.user.Create(mailbox, nil); err != nil {
		t.Fatalf("mailtest: create %s: %v", mailbox, err)
	}
	m.user.Subscribe(mailbox)
	for _, msg := range msgs {
		flags := slices.DeleteFunc(msg.Flags, func(f imap.Flag) bool { return strings.EqualFold(string(f), `\Recent`) })
		opts := &imap.AppendOptions{Flags: flags, Time: msg.InternalDate}
		if _, err := m.user.Append(mailbox, literal{bytes.NewReader(msg.Raw)}, opts); err != nil {
			t.Fatalf("mailtest: append to %s: %v", mailbox, err)
		}
	}
	now := m.UIDValidity(t, mailbox)
	if now == old {
		t.Fatalf("mailtest: UIDVALIDITY of %s stayed %d", mailbox, old)
	}
	return now
}

// literal feeds bytes to imapmemserver's Append.
type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

var _ imap.LiteralReader = literal{}

// testLogger sends server errors to the test log until the test ends;
// servers may still log while they shut down, when t.Log would panic.
type testLogger struct {
	t    testing.TB
	mu   sync.Mutex
	done bool
}

func newTestLogger(t testing.TB) *testLogger { return &testLogger{t: t} }

func (l *testLogger) Printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Logf("server: "+format, args...)
	}
}

func (l *testLogger) Println(args ...any) { l.Printf("%s", fmt.Sprintln(args...)) }

func (l *testLogger) stop() {
	l.mu.Lock()
	l.done = true
	l.mu.Unlock()
}
