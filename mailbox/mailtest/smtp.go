package mailtest

import (
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPStage is where a scripted refusal happens.
type SMTPStage int

const (
	AtMail SMTPStage = iota + 1 // MAIL FROM
	AtRcpt                      // every RCPT TO
	AtData                      // after the final dot: the message is read, then refused
)

func (s SMTPStage) String() string {
	switch s {
	case AtMail:
		return "MAIL"
	case AtRcpt:
		return "RCPT"
	case AtData:
		return "DATA"
	}
	return "accept"
}

// SMTPVerdict is what the server does with one mail transaction.
type SMTPVerdict struct {
	Stage SMTPStage // 0 accepts (unless Drop)
	Code  int       // 4xx or 5xx, with Stage
	Text  string
	// Drop reads the whole message, then closes the connection without
	// answering the final dot: the client cannot know whether it went.
	Drop bool
}

// Accept takes the message with 250.
func Accept() SMTPVerdict { return SMTPVerdict{} }

// Refuse answers code and text at the stage.
func Refuse(stage SMTPStage, code int, text string) SMTPVerdict {
	return SMTPVerdict{Stage: stage, Code: code, Text: text}
}

// DropAfterData closes the connection after the final dot, before a reply.
func DropAfterData() SMTPVerdict { return SMTPVerdict{Drop: true} }

func (v SMTPVerdict) String() string {
	switch {
	case v.Drop:
		return "drop after data"
	case v.Stage == 0:
		return "accept"
	}
	return fmt.Sprintf("%d at %s", v.Code, v.Stage)
}

func (v SMTPVerdict) err() error {
	class := v.Code / 100
	return &smtp.SMTPError{Code: v.Code, EnhancedCode: smtp.EnhancedCode{class, 0, 0}, Message: v.Text}
}

// SMTPOptions tune the test SMTP server.
type SMTPOptions struct {
	User, Password string // AUTH PLAIN credentials; default DefaultUser, DefaultPassword
	// Verdicts decide the first transactions (one per MAIL FROM), in
	// order; once they are used up, mail is accepted. Next adds more.
	Verdicts []SMTPVerdict
}

// SMTPMessage is a message whose data reached the server.
type SMTPMessage struct {
	From    string
	To      []string
	Raw     []byte
	User    string      // who logged in
	Verdict SMTPVerdict // what the server did with it
}

// Accepted reports whether the server answered 250 to the message.
func (m SMTPMessage) Accepted() bool { return m.Verdict == Accept() }

// SMTPServer is a go-smtp server on 127.0.0.1 (plain text, AUTH PLAIN
// allowed without TLS) whose answers the test scripts.
type SMTPServer struct {
	addr, user, password string

	mu       sync.Mutex
	verdicts []SMTPVerdict
	attempts int
	received []SMTPMessage
}

// StartSMTP starts the server; it stops when the test ends.
func StartSMTP(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	if opts.User == "" {
		opts.User = DefaultUser
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	s := &SMTPServer{user: opts.User, password: opts.Password, verdicts: append([]SMTPVerdict(nil), opts.Verdicts...)}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	logger := newTestLogger(t)
	srv.ErrorLog = logger
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: SMTP listen: %v", err)
	}
	s.addr = ln.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		logger.stop()
		srv.Close()
		ln.Close() // go-smtp keeps serving a listener registered after Close
		<-done
	})
	return s
}

// Addr is the server's host:port.
func (s *SMTPServer) Addr() string { return s.addr }

// User is the AUTH PLAIN login name.
func (s *SMTPServer) User() string { return s.user }

// Password is the AUTH PLAIN password.
func (s *SMTPServer) Password() string { return s.password }

// Next queues verdicts for the coming transactions, after any still
// waiting.
func (s *SMTPServer) Next(v ...SMTPVerdict) {
	s.mu.Lock()
	s.verdicts = append(s.verdicts, v...)
	s.mu.Unlock()
}

// Attempts counts the transactions begun (MAIL FROM commands seen).
func (s *SMTPServer) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Received returns every message whose data reached the server, in
// order, whatever the verdict (see SMTPMessage.Accepted).
func (s *SMTPServer) Received() []SMTPMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SMTPMessage(nil), s.received...)
}

// Accepted returns the messages answered with 250.
func (s *SMTPServer) Accepted() []SMTPMessage {
	var out []SMTPMessage
	for _, m := range s.Received() {
		if m.Accepted() {
			out = append(out, m)
		}
	}
	return out
}

func (s *SMTPServer) nextVerdict() SMTPVerdict {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if len(s.verdicts) == 0 {
		return Accept()
	}
	v := s.verdicts[0]
	s.verdicts = s.verdicts[1:]
	return v
}

type smtpSession struct {
	s       *SMTPServer
	conn    *smtp.Conn
	user    string
	verdict SMTPVerdict
	from    string
	to      []string
}

var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			return smtp.ErrAuthFailed
		}
		if username != ss.s.user || password != ss.s.password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.user == "" {
		return errAuthRequired
	}
	ss.verdict = ss.s.nextVerdict()
	if ss.verdict.Stage == AtMail {
		return ss.verdict.err()
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.verdict.Stage == AtRcpt {
		return ss.verdict.err()
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r) // up to the final dot
	if err != nil {
		return err
	}
	v := ss.verdict
	ss.s.mu.Lock()
	ss.s.received = append(ss.s.received, SMTPMessage{From: ss.from, To: ss.to, Raw: raw, User: ss.user, Verdict: v})
	ss.s.mu.Unlock()
	switch {
	case v.Drop:
		ss.conn.Conn().Close()
		return fmt.Errorf("mailtest: connection dropped after data")
	case v.Stage == AtData:
		return v.err()
	}
	return nil
}

func (ss *smtpSession) Reset() {
	ss.verdict, ss.from, ss.to = SMTPVerdict{}, "", nil
}

func (ss *smtpSession) Logout() error { return nil }

var _ smtp.AuthSession = (*smtpSession)(nil)
