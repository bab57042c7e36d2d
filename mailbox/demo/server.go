package demo

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/storage"
)

// Folder names on the demo server. go-imap's memory server cannot mark a
// mailbox \Sent, so clients find the sent folder by its usual name.
const (
	InboxFolder = "INBOX"
	SentFolder  = "Sent"
)

// imapCaps are the IMAP4rev2 extensions the memory backend implements,
// listed one by one so that IMAP4rev1 clients see them too.
func imapCaps() imap.CapSet {
	return imap.CapSet{
		imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {},
		imap.CapNamespace: {}, imap.CapUIDPlus: {}, imap.CapESearch: {}, imap.CapSearchRes: {},
		imap.CapListExtended: {}, imap.CapListStatus: {}, imap.CapMove: {}, imap.CapStatusSize: {},
	}
}

// Received is a message the demo SMTP server accepted.
type Received struct {
	From string
	To   []string
	Raw  []byte
	At   time.Time
}

// Server is the demo shop's own mail server, in process and on loopback:
// IMAP with the demo mail (INBOX and Sent) and SMTP that keeps what it is
// sent. Nothing leaves the machine: mail sent through it is only kept
// and logged. Filing a copy in Sent is the client's job, as with real
// servers.
type Server struct {
	log         logrus.FieldLogger
	email       string
	displayName string
	password    string
	imapAddr    string
	smtpAddr    string
	imap        *imapserver.Server
	smtp        *smtp.Server
	listeners   []net.Listener // closed by Close too
	wg          sync.WaitGroup
	closeOnce   sync.Once
	mu          sync.Mutex
	received    []Received
}

// StartServer seeds the mail of d, dated relative to now, and starts
// serving IMAP and SMTP on free 127.0.0.1 ports for one user, the shop's
// address, with a fresh random password. A nil log means logrus's
// standard logger.
func StartServer(d assets.Demo, now time.Time, log logrus.FieldLogger) (*Server, error) {
	if log == nil {
		log = logrus.StandardLogger()
	}
	password, err := randomPassword()
	if err != nil {
		return nil, err
	}
	s := &Server{log: log, email: d.Shop.Email, displayName: d.Shop.Name, password: password}
	user := imapmemserver.NewUser(s.email, password)
	n, err := seed(user, d, now)
	if err != nil {
		return nil, fmt.Errorf("demo mail server: %w", err)
	}
	mem := imapmemserver.New()
	mem.AddUser(user)

	imapLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo IMAP server: %w", err)
	}
	smtpLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		imapLn.Close()
		return nil, fmt.Errorf("demo SMTP server: %w", err)
	}
	s.imapAddr, s.smtpAddr = imapLn.Addr().String(), smtpLn.Addr().String()
	s.listeners = []net.Listener{imapLn, smtpLn}
	s.imap = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:   imapCaps(),
		Logger: log.WithField("server", "imap"),
		// Loopback only: nothing crosses a network.
		InsecureAuth: true,
	})
	s.smtp = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s}, nil
	}))
	s.smtp.Domain = "localhost"
	s.smtp.AllowInsecureAuth = true
	s.smtp.MaxMessageBytes = 32 << 20
	s.smtp.ReadTimeout = 5 * time.Minute
	s.smtp.WriteTimeout = time.Minute
	s.smtp.ErrorLog = log.WithField("server", "smtp")

	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		s.imap.Serve(imapLn)
	}()
	go func() {
		defer s.wg.Done()
		s.smtp.Serve(smtpLn)
	}()
	log.WithFields(logrus.Fields{"imap": s.imapAddr, "smtp": s.smtpAddr, "user": s.email,
		"inbox": n[InboxFolder], "sent": n[SentFolder]}).Info("demo mail server started")
	return s, nil
}

// seed fills INBOX with the customers' mail and Sent with the shop's, in
// the demo's order (the order demo.Seed numbers them in), each with its
// date as INTERNALDATE. Mail the shop has dealt with is \Seen, and
// customer mail of conversations no longer waiting on us \Answered, as
// demo.Seed records them.
func seed(user *imapmemserver.User, d assets.Demo, now time.Time) (map[string]int, error) {
	mails, err := Render(d, now)
	if err != nil {
		return nil, err
	}
	for _, f := range []string{InboxFolder, SentFolder} {
		if err := user.Create(f, nil); err != nil {
			return nil, fmt.Errorf("create %s: %w", f, err)
		}
		if err := user.Subscribe(f); err != nil {
			return nil, fmt.Errorf("subscribe %s: %w", f, err)
		}
	}
	counts := map[string]int{}
	for _, ml := range mails {
		conv, ok := d.Conversation(ml.Conversation)
		if !ok || ml.Index >= len(conv.Messages) {
			return nil, fmt.Errorf("message %s: no conversation %s message %d", ml.MessageID, ml.Conversation, ml.Index+1)
		}
		folder, flags := InboxFolder, []imap.Flag(nil)
		if conv.Messages[ml.Index].Direction == "out" {
			folder, flags = SentFolder, []imap.Flag{imap.FlagSeen}
		} else if conv.Status != "open" {
			flags = []imap.Flag{imap.FlagSeen, imap.FlagAnswered}
		}
		opts := &imap.AppendOptions{Flags: flags, Time: ml.Date}
		if _, err := user.Append(folder, literal{bytes.NewReader(ml.Raw)}, opts); err != nil {
			return nil, fmt.Errorf("append %s to %s: %w", ml.MessageID, folder, err)
		}
		counts[folder]++
	}
	return counts, nil
}

// literal feeds bytes to imapmemserver's Append.
type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }

func randomPassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("demo password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Account is the mail account to configure for the demo: plain text on
// loopback (security none), logging in as the shop's address.
func (s *Server) Account() storage.Account {
	return storage.Account{
		Name: Account, Email: s.email, DisplayName: s.displayName,
		IMAP: s.imapAddr, SMTP: s.smtpAddr, Username: s.email,
		Security: storage.SecurityNone, SentFolder: SentFolder,
	}
}

// Password is the demo user's password, made afresh at each start.
func (s *Server) Password() string { return s.password }

// Received returns the messages sent through the demo SMTP server.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Close stops both servers and cuts their connections.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		err = errors.Join(s.imap.Close(), s.smtp.Close())
		// A Close that comes before Serve has registered its listener
		// would leave it open (go-smtp keeps serving): close them here.
		for _, l := range s.listeners {
			l.Close()
		}
		s.wg.Wait()
		s.log.Info("demo mail server stopped")
	})
	return err
}

func (s *Server) keep(from string, to []string, raw []byte) {
	r := Received{From: from, To: to, Raw: raw, At: time.Now()}
	s.mu.Lock()
	s.received = append(s.received, r)
	s.mu.Unlock()
	fields := logrus.Fields{"from": from, "to": to, "bytes": len(raw)}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		fields["message_id"] = msg.Header.Get("Message-ID")
		dec := mime.WordDecoder{CharsetReader: charset.Reader}
		subject := msg.Header.Get("Subject")
		if decoded, err := dec.DecodeHeader(subject); err == nil {
			subject = decoded
		}
		fields["subject"] = subject
	}
	s.log.WithFields(fields).Info("demo SMTP server received a message (kept, not delivered)")
}

// smtpSession takes mail from the logged-in shop user only.
type smtpSession struct {
	s        *Server
	loggedIn bool
	from     string
	to       []string
}

var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		ok := (identity == "" || identity == username) && username == ss.s.email &&
			subtle.ConstantTimeCompare([]byte(password), []byte(ss.s.password)) == 1
		if !ok {
			return smtp.ErrAuthFailed
		}
		ss.loggedIn = true
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if !ss.loggedIn {
		return errAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.keep(ss.from, ss.to, raw)
	return nil
}

func (ss *smtpSession) Reset() { ss.from, ss.to = "", nil }

func (ss *smtpSession) Logout() error { return nil }

var _ smtp.AuthSession = (*smtpSession)(nil)
