package mailtest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/storage"
)

func TestRequireIDBeforeSelect(t *testing.T) {
	cases := []struct {
		name   string
		start  func(t *testing.T) (addr, user, password string)
		idName string // the name in the ID answer: who answered it
	}{
		{"memserver", func(t *testing.T) (string, string, string) {
			m := mailtest.StartMemServer(t, mailtest.MemServerOptions{RequireIDBeforeSelect: true})
			return m.Addr(), m.User(), m.Password()
		}, "mailtest"},
		{"dovecot behind a proxy", func(t *testing.T) (string, string, string) {
			d := mailtest.StartDovecot(t, mailtest.DovecotOptions{})
			p := mailtest.NewProxy(t, d.Addr())
			p.SetFilter(mailtest.RequireID)
			return p.Addr(), d.User(), d.Password()
		}, "Dovecot"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr, user, password := tc.start(t)

			c, err := imapclient.DialInsecure(addr, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Login(user, password).Wait(); err != nil {
				t.Fatal(err)
			}
			if !c.Caps().Has(imap.CapID) {
				t.Fatalf("capabilities %v do not offer ID", c.Caps())
			}
			for _, readOnly := range []bool{false, true} {
				_, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: readOnly}).Wait()
				var imapErr *imap.Error
				if err == nil || !errors.As(err, &imapErr) || imapErr.Type != imap.StatusResponseTypeNo || !strings.Contains(imapErr.Text, "ID required") {
					t.Errorf("select (read-only %v) before ID: %v, want NO ... ID required", readOnly, err)
				}
			}
			id, err := c.ID(&imap.IDData{Name: "test"}).Wait()
			if err != nil {
				t.Fatalf("ID: %v", err)
			}
			if id == nil || id.Name != tc.idName {
				t.Errorf("ID answered by %+v, want name %q", id, tc.idName)
			}
			if _, err := c.Select("INBOX", nil).Wait(); err != nil {
				t.Errorf("select after ID: %v", err)
			}

			// The engine's own dial sends ID when offered, so SELECT works.
			acct := storage.Account{Name: "t", IMAP: addr, Username: user, Security: storage.SecurityNone}
			dc, err := mailbox.DialIMAP(acct, password, mailbox.ConnectOptions{})
			if err != nil {
				t.Fatalf("DialIMAP: %v", err)
			}
			defer dc.Close()
			if _, err := dc.Select("INBOX", nil).Wait(); err != nil {
				t.Errorf("select after DialIMAP: %v", err)
			}
		})
	}
}

func TestRequireIDFilterLines(t *testing.T) {
	f := mailtest.RequireID()
	steps := []struct {
		fromServer, toClient string // a server line and what the client gets
		fromClient, toServer string // or a client line, what the server gets
		answer               string // and what the filter answers itself
	}{
		{fromServer: "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n", toClient: "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN ID] ready\r\n"},
		{fromClient: "a1 LOGIN u p\r\n", toServer: "a1 LOGIN u p\r\n"},
		{fromServer: "a1 OK [CAPABILITY IMAP4rev1 UIDPLUS] Logged in\r\n", toClient: "a1 OK [CAPABILITY IMAP4rev1 UIDPLUS ID] Logged in\r\n"},
		{fromServer: "* CAPABILITY IMAP4rev1 MOVE\r\n", toClient: "* CAPABILITY IMAP4rev1 MOVE ID\r\n"},
		{fromServer: "* 1 FETCH (BODY[] {12}\r\n", toClient: "* 1 FETCH (BODY[] {12}\r\n"},
		{fromClient: "a2 select INBOX\r\n", answer: "a2 NO " + mailtest.IDRequiredText + "\r\n"},
		{fromClient: "a3 EXAMINE \"Sent\"\r\n", answer: "a3 NO " + mailtest.IDRequiredText + "\r\n"},
		{fromClient: "a4 ID (\"name\" \"x\")\r\n", answer: "* ID (\"name\" \"mailtest\" \"vendor\" \"shopdesk\")\r\na4 OK ID completed\r\n"},
		{fromClient: "a5 SELECT INBOX\r\n", toServer: "a5 SELECT INBOX\r\n"},
	}
	for i, s := range steps {
		if s.fromServer != "" {
			if got := string(f.FromServer([]byte(s.fromServer))); got != s.toClient {
				t.Errorf("step %d: server line %q reached the client as %q, want %q", i, s.fromServer, got, s.toClient)
			}
			continue
		}
		toServer, answer := f.FromClient([]byte(s.fromClient))
		if string(toServer) != s.toServer || string(answer) != s.answer {
			t.Errorf("step %d: client line %q: server got %q, client got %q; want %q and %q", i, s.fromClient, toServer, answer, s.toServer, s.answer)
		}
	}

	// A server that speaks ID gets the client's ID itself.
	f = mailtest.RequireID()
	f.FromServer([]byte("* CAPABILITY IMAP4rev1 ID\r\n"))
	if toServer, answer := f.FromClient([]byte("a1 ID NIL\r\n")); string(toServer) != "a1 ID NIL\r\n" || answer != nil {
		t.Errorf("ID to a server with ID: server got %q, filter answered %q", toServer, answer)
	}
}
