package mailtest_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/storage"
)

var smtpMail = []byte("From: shop@example.test\r\nTo: buyer@example.test\r\nSubject: Re: parcel\r\nMessage-ID: <reply-1@example.test>\r\n\r\nIt left the warehouse today.\r\n")

// send delivers smtpMail through the engine's own dial and reports the
// stage that failed, if any.
func send(t *testing.T, s *mailtest.SMTPServer) (stage string, err error) {
	t.Helper()
	acct := storage.Account{Name: "t", SMTP: s.Addr(), Username: s.User(), Security: storage.SecurityNone}
	c, err := mailbox.DialSMTP(acct, s.Password(), mailbox.ConnectOptions{})
	if err != nil {
		t.Fatalf("DialSMTP: %v", err)
	}
	defer c.Close()
	if err := c.Mail("shop@example.test", nil); err != nil {
		return "MAIL", err
	}
	if err := c.Rcpt("buyer@example.test", nil); err != nil {
		return "RCPT", err
	}
	w, err := c.Data()
	if err != nil {
		return "DATA", err
	}
	if _, err := w.Write(smtpMail); err != nil {
		return "DATA", err
	}
	if err := w.Close(); err != nil {
		return "DATA", err
	}
	return "", c.Quit()
}

func TestSMTPVerdicts(t *testing.T) {
	cases := []struct {
		name     string
		verdict  mailtest.SMTPVerdict
		stage    string // where the client sees the failure
		code     int    // 0: not an SMTP reply (connection lost)
		text     string
		received bool // the data reached the server
		accepted bool
	}{
		{"accept", mailtest.Accept(), "", 0, "", true, true},
		{"4xx at MAIL", mailtest.Refuse(mailtest.AtMail, 451, "try again later"), "MAIL", 451, "try again later", false, false},
		{"4xx at RCPT", mailtest.Refuse(mailtest.AtRcpt, 450, "mailbox busy"), "RCPT", 450, "mailbox busy", false, false},
		{"4xx at DATA", mailtest.Refuse(mailtest.AtData, 452, "insufficient storage"), "DATA", 452, "insufficient storage", true, false},
		{"5xx at RCPT", mailtest.Refuse(mailtest.AtRcpt, 550, "no such user"), "RCPT", 550, "no such user", false, false},
		{"5xx at DATA", mailtest.Refuse(mailtest.AtData, 554, "message looks like spam"), "DATA", 554, "message looks like spam", true, false},
		{"drop after the dot", mailtest.DropAfterData(), "DATA", 0, "", true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mailtest.StartSMTP(t, mailtest.SMTPOptions{Verdicts: []mailtest.SMTPVerdict{tc.verdict}})
			stage, err := send(t, s)
			t.Logf("client saw: %v", err)
			if stage != tc.stage {
				t.Fatalf("failed at %q (%v), want %q", stage, err, tc.stage)
			}
			var smtpErr *smtp.SMTPError
			switch {
			case tc.stage == "" && err != nil:
				t.Errorf("accepted mail: QUIT failed: %v", err)
			case tc.code != 0 && (!errors.As(err, &smtpErr) || smtpErr.Code != tc.code || smtpErr.Message != tc.text):
				t.Errorf("error %v, want %d %s", err, tc.code, tc.text)
			case tc.stage != "" && tc.code == 0 && (err == nil || errors.As(err, &smtpErr)):
				t.Errorf("error %v, want a lost connection and no SMTP reply", err)
			}
			got := s.Received()
			if (len(got) == 1) != tc.received || len(got) > 1 {
				t.Fatalf("server holds %d messages, want received=%v", len(got), tc.received)
			}
			if tc.received {
				m := got[0]
				if !bytes.Equal(m.Raw, smtpMail) || m.From != "shop@example.test" || len(m.To) != 1 || m.To[0] != "buyer@example.test" || m.User != s.User() {
					t.Errorf("received %+v", m)
				}
				if m.Accepted() != tc.accepted || m.Verdict != tc.verdict {
					t.Errorf("verdict %v (accepted %v), want %v", m.Verdict, m.Accepted(), tc.verdict)
				}
			}
			if n := len(s.Accepted()); (n == 1) != tc.accepted {
				t.Errorf("%d accepted messages, want accepted=%v", n, tc.accepted)
			}
			// The script is used up: the retry goes through.
			if stage, err := send(t, s); stage != "" || err != nil {
				t.Errorf("second send failed at %q: %v", stage, err)
			}
			if s.Attempts() != 2 {
				t.Errorf("%d attempts, want 2", s.Attempts())
			}
		})
	}
}

func TestSMTPNextAndAuth(t *testing.T) {
	s := mailtest.StartSMTP(t, mailtest.SMTPOptions{User: "seller@example.test", Password: "pw"})
	s.Next(mailtest.Refuse(mailtest.AtMail, 421, "closing"), mailtest.Refuse(mailtest.AtRcpt, 451, "greylisted"))
	for i, want := range []string{"MAIL", "RCPT", ""} {
		if stage, _ := send(t, s); stage != want {
			t.Errorf("send %d failed at %q, want %q", i, stage, want)
		}
	}
	if len(s.Accepted()) != 1 {
		t.Errorf("%d accepted, want 1", len(s.Accepted()))
	}

	// A wrong password is refused, and so is mail without login.
	c, err := smtp.Dial(s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", "seller@example.test", "wrong")); err == nil {
		t.Error("AUTH with a wrong password succeeded")
	}
	var smtpErr *smtp.SMTPError
	if err := c.Mail("seller@example.test", nil); !errors.As(err, &smtpErr) || smtpErr.Code != 530 {
		t.Errorf("MAIL without AUTH: %v, want 530", err)
	}
}
