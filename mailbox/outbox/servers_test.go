package outbox

import (
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	testUser     = "service@shop.example"
	testPassword = "s3cret-测试"
)

// behaviour is how the test SMTP server answers one transaction.
type behaviour int

const (
	acceptAll    behaviour = iota
	tempRcpt               // 451 at RCPT (greylisting)
	permRcpt               // 550 at RCPT
	dropRcpt               // the connection dies at RCPT
	tempData               // 451 to the final dot
	permData               // 554 to the final dot
	dropAfterDot           // the whole message is read, then the connection dies unanswered
	dropMidData            // the connection dies while the message comes in
)

// smtpServer is a go-smtp server on loopback whose answers each test
// scripts, one behaviour per transaction (accept once the script runs out).
type smtpServer struct {
	addr string

	mu           sync.Mutex
	script       []behaviour
	transactions int                // MAIL commands seen
	delivered    map[string]int     // by Message-ID: messages the server kept
	observe      func(phase string) // called at MAIL and at DATA, before the reply
	autofile     func(raw []byte)   // files the message in Sent, as Gmail does
}

func startSMTP(t testing.TB) *smtpServer {
	t.Helper()
	s := &smtpServer{delivered: map[string]int{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = quiet
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *smtpServer) setScript(b ...behaviour) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = b
}

func (s *smtpServer) counts(messageID string) (transactions, delivered int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.transactions, s.delivered[messageID]
}

// next starts a transaction and returns how to answer it.
func (s *smtpServer) next() (behaviour, func(string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.transactions++
	b := acceptAll
	if len(s.script) > 0 {
		b, s.script = s.script[0], s.script[1:]
	}
	return b, s.observe
}

func (s *smtpServer) keep(raw []byte) {
	s.mu.Lock()
	s.delivered[headerMessageID(raw)]++
	autofile := s.autofile
	s.mu.Unlock()
	if autofile != nil {
		autofile(raw)
	}
}

type smtpSession struct {
	srv     *smtpServer
	conn    *smtp.Conn
	b       behaviour
	observe func(string)
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != testUser || pass != testPassword {
			return smtp.ErrAuthFailed
		}
		return nil
	}), nil
}

func (s *smtpSession) Mail(string, *smtp.MailOptions) error {
	s.b, s.observe = s.srv.next()
	if s.observe != nil {
		s.observe("mail")
	}
	return nil
}

func (s *smtpSession) Rcpt(string, *smtp.RcptOptions) error {
	switch s.b {
	case tempRcpt:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, please try again later"}
	case permRcpt:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	case dropRcpt:
		s.conn.Conn().Close()
		return errors.New("connection dropped")
	}
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	if s.observe != nil {
		s.observe("data")
	}
	if s.b == dropMidData {
		io.CopyN(io.Discard, r, 64<<10)
		s.conn.Conn().Close()
		return errors.New("connection dropped")
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	switch s.b {
	case tempData:
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Queue full, try later"}
	case permData:
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Message rejected as spam"}
	case dropAfterDot:
		// The server has the whole message and may deliver it; the
		// client never hears so.
		s.srv.keep(raw)
		s.conn.Conn().Close()
		return nil
	}
	s.srv.keep(raw)
	return nil
}

func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

func headerMessageID(raw []byte) string {
	for _, line := range strings.Split(string(raw), "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Message-Id") {
			return strings.Trim(strings.TrimSpace(v), "<>")
		}
		if line == "" {
			break
		}
	}
	return ""
}

// imapServer is go-imap's in-memory server on loopback.
type imapServer struct {
	addr string
	user *imapmemserver.User
}

// startIMAP serves INBOX and the given extra folders.
func startIMAP(t testing.TB, folders ...string) *imapServer {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(testUser, testPassword)
	for _, f := range append([]string{"INBOX"}, folders...) {
		if err := user.Create(f, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}},
		InsecureAuth: true,
		Logger:       quiet,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &imapServer{addr: ln.Addr().String(), user: user}
}

// client logs a fresh test client in.
func (s *imapServer) client(t testing.TB) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(testUser, testPassword).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

// appendRaw puts a message in a folder, as another client or the server would.
func (s *imapServer) appendRaw(t testing.TB, folder string, raw []byte, flags ...imap.Flag) *imap.AppendData {
	t.Helper()
	cmd := s.client(t).Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: flags})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := cmd.Wait()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// copies counts the folder's messages with the Message-ID and returns the
// flags of the first.
func (s *imapServer) copies(t testing.TB, folder, messageID string) (int, []imap.Flag) {
	t.Helper()
	c := s.client(t)
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("select %s: %v", folder, err)
	}
	crit := &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: messageID}}}
	data, err := c.UIDSearch(crit, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	uids := data.AllUIDs()
	if len(uids) == 0 {
		return 0, nil
	}
	return len(uids), s.flags(t, c, uids[0])
}

// flagsAt returns the flags of the message at a UID of a folder.
func (s *imapServer) flagsAt(t testing.TB, folder string, uid imap.UID) []imap.Flag {
	t.Helper()
	c := s.client(t)
	if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	return s.flags(t, c, uid)
}

func (s *imapServer) flags(t testing.TB, c *imapclient.Client, uid imap.UID) []imap.Flag {
	t.Helper()
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{Flags: true}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch flags of %d: %v (%d messages)", uid, err, len(msgs))
	}
	return msgs[0].Flags
}

// folders lists the server's folder names.
func (s *imapServer) folders(t testing.TB) []string {
	t.Helper()
	list, err := s.client(t).List("", "*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, mb := range list {
		names = append(names, mb.Mailbox)
	}
	return names
}

// fileInSent returns an autofile hook that files like Gmail does.
func (s *imapServer) fileInSent(t testing.TB, folder string) func([]byte) {
	return func(raw []byte) {
		if _, err := s.user.Append(folder, literal{bytes.NewReader(raw), int64(len(raw))}, &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}}); err != nil {
			t.Errorf("server-side filing: %v", err)
		}
	}
}

type literal struct {
	io.Reader
	size int64
}

func (l literal) Size() int64 { return l.size }

// quiet drops the servers' own logs: they report the connections the
// tests cut on purpose, and may do so after a test has ended.
var quiet = log.New(io.Discard, "", 0)
