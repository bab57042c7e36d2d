package main

import (
	"bytes"
	"github.com/shopdesk/shopdesk/mailbox/secrets"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox/outbox"
	"github.com/shopdesk/shopdesk/storage"
)

const (
	sqUser     = "service@shop.example"
	sqPassword = "pw-123"
)

// sqSMTP is a loopback SMTP server that keeps or refuses what it gets.
type sqSMTP struct {
	mu       sync.Mutex
	refuse   bool
	received int
}

func (s *sqSMTP) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.received
}

type sqSession struct{ srv *sqSMTP }

func (s sqSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s sqSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != sqUser || pass != sqPassword {
			return smtp.ErrAuthFailed
		}
		return nil
	}), nil
}
func (s sqSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s sqSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s sqSession) Reset()                               {}
func (s sqSession) Logout() error                        { return nil }
func (s sqSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Relaying denied"}
	}
	s.srv.received++
	return nil
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// sendQueueDesk seeds a data folder with an account on loopback servers
// and one queued reply.
func sendQueueDesk(t *testing.T, srv *sqSMTP) string {
	t.Helper()
	quiet := log.New(io.Discard, "", 0)
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return sqSession{srv}, nil }))
	s.AllowInsecureAuth, s.ErrorLog = true, quiet
	smtpLn := listen(t)
	go s.Serve(smtpLn)
	t.Cleanup(func() { s.Close() })

	mem := imapmemserver.New()
	user := imapmemserver.NewUser(sqUser, sqPassword)
	user.Create("INBOX", nil)
	user.Create("Sent", nil)
	mem.AddUser(user)
	is := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapUIDPlus: {}}, InsecureAuth: true, Logger: quiet,
	})
	imapLn := listen(t)
	go is.Serve(imapLn)
	t.Cleanup(func() { is.Close() })

	dir := t.TempDir()
	st, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Update(func(tx *storage.Tx) error {
		acct := storage.Account{Name: "shop", Email: sqUser, IMAP: imapLn.Addr().String(), SMTP: smtpLn.Addr().String(),
			Username: sqUser, Security: storage.SecurityNone}
		if err := tx.SaveAccount(&acct); err != nil {
			return err
		}
		cust := storage.Customer{Name: "Sarah Lee", Emails: []string{"sarah@example.com"}}
		if err := tx.SaveCustomer(&cust); err != nil {
			return err
		}
		conv := storage.Conversation{CustomerID: cust.ID, Subject: "Refund", FirstInbound: time.Now(), LastInbound: time.Now()}
		return tx.SaveConversation(&conv)
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = outbox.Queue(st, outbox.QueueRequest{Account: "shop", ConversationID: 1,
		To: []storage.Address{{Email: "sarah@example.com"}}, Text: "Your refund is on its way."})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestSendQueue(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		password string
		refuse   bool
		wantOut  []string // substrings of stdout
		wantErr  string   // substring of the error; "" for success
		received int
	}{
		{name: "sent", password: sqPassword, wantOut: []string{"#1\tdone\tshop\t\"Refund\""}, received: 1},
		{name: "one account", args: []string{"--account", "shop"}, password: sqPassword, wantOut: []string{"#1\tdone"}, received: 1},
		{name: "refused", password: sqPassword, refuse: true,
			wantOut: []string{"#1\tfailed\tshop\t\"Refund\"\tmessage: 550 5.7.1 Relaying denied"}, wantErr: "1 of 1 messages not done"},
		{name: "no password", wantErr: "SHOPDESK_PASSWORD is not set"},
		{name: "unknown account", args: []string{"--account", "nope"}, password: sqPassword, wantErr: `no account named "nope"`},
		{name: "stray argument", args: []string{"now"}, password: sqPassword, wantErr: "usage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := &sqSMTP{refuse: c.refuse}
			dir := sendQueueDesk(t, srv)
			t.Setenv("SHOPDESK_PASSWORD", c.password)
			var out, errOut bytes.Buffer
			lg := logrus.New()
			lg.SetOutput(&errOut)
			// An empty keyring: the password comes from the environment.
			e := &env{stdout: &out, stderr: &errOut, log: lg, dataDir: dir, secretStore: &secrets.Memory{}}

			err := e.sendQueue(c.args)
			if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Errorf("error %v, want %q", err, c.wantErr)
			}
			for _, w := range c.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output %q lacks %q", out.String(), w)
				}
			}
			if n := srv.count(); n != c.received {
				t.Errorf("server received %d messages, want %d", n, c.received)
			}
			if c.wantErr == "" {
				// A second run finds nothing left to send.
				out.Reset()
				if err := e.sendQueue(c.args); err != nil || strings.TrimSpace(out.String()) != "nothing to send" {
					t.Errorf("second run: %v, %q", err, out.String())
				}
				if n := srv.count(); n != c.received {
					t.Errorf("second run sent again: %d messages", n)
				}
			}
		})
	}
}
