package imapsync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox/demo"
	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/storage"
)

// Helpers shared by robust_test.go, charset_test.go, link_test.go and
// kill_test.go.

// directClient is what both test servers offer besides server: a
// logged-in connection to the server itself, never through a proxy.
type directClient interface {
	Client(t testing.TB) *imapclient.Client
}

// appendAll appends the messages to the mailbox over one connection (the
// Append helper logs in once per message, which costs Dovecot ~20 ms
// each) and returns their UIDs.
func appendAll(t testing.TB, s server, mailbox string, raws [][]byte) []uint32 {
	t.Helper()
	dc, ok := s.(directClient)
	if !ok {
		t.Fatalf("server %T has no direct client", s)
	}
	c := dc.Client(t)
	uids := make([]uint32, 0, len(raws))
	for i, raw := range raws {
		cmd := c.Append(mailbox, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			t.Fatalf("append %d to %s: write: %v", i, mailbox, err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatalf("append %d to %s: close: %v", i, mailbox, err)
		}
		data, err := cmd.Wait()
		if err != nil {
			t.Fatalf("append %d to %s: %v", i, mailbox, err)
		}
		if data.UID == 0 {
			t.Fatalf("append %d to %s: no APPENDUID", i, mailbox)
		}
		uids = append(uids, uint32(data.UID))
	}
	if err := c.Logout().Wait(); err != nil {
		t.Fatalf("append to %s: logout: %v", mailbox, err)
	}
	return uids
}

// loadDemoFast is loadDemo over one connection per folder.
func loadDemoFast(t testing.TB, s server) []demo.Mail {
	t.Helper()
	d, err := assets.LoadDemo()
	if err != nil {
		t.Fatalf("load demo: %v", err)
	}
	mails, err := demo.Render(d, time.Now())
	if err != nil {
		t.Fatalf("render demo: %v", err)
	}
	var inbox, sent [][]byte
	for _, m := range mails {
		conv, _ := d.Conversation(m.Conversation)
		if conv.Messages[m.Index].Direction == "out" {
			sent = append(sent, m.Raw)
		} else {
			inbox = append(inbox, m.Raw)
		}
	}
	appendAll(t, s, "INBOX", inbox)
	appendAll(t, s, "Sent", sent)
	return mails
}

// simpleMail is a plain message from a customer (or from us, when from is
// shopEmail) with an optional base64 attachment of attachKB kilobytes.
type simpleMail struct {
	id, from, fromName, to, subject, inReplyTo, body string
	date                                             time.Time
	attachKB                                         int
}

func (m simpleMail) raw() []byte {
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("Message-ID", "<"+m.id+">")
	h("Date", m.date.Format(time.RFC1123Z))
	if m.from != "" {
		if m.fromName != "" {
			h("From", fmt.Sprintf("%q <%s>", m.fromName, m.from))
		} else {
			h("From", m.from)
		}
	}
	h("To", m.to)
	h("Subject", m.subject)
	if m.inReplyTo != "" {
		h("In-Reply-To", "<"+m.inReplyTo+">")
	}
	h("MIME-Version", "1.0")
	text := "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(m.body, "\n", "\r\n") + "\r\n"
	if m.attachKB == 0 {
		b.WriteString(text)
		return b.Bytes()
	}
	boundary := "b-" + strings.NewReplacer("@", "-", ".", "-").Replace(m.id)
	h("Content-Type", `multipart/mixed; boundary="`+boundary+`"`)
	fmt.Fprintf(&b, "\r\n--%s\r\n%s--%s\r\n", boundary, text, boundary)
	b.WriteString("Content-Type: application/octet-stream; name=\"photo.bin\"\r\n" +
		"Content-Disposition: attachment; filename=\"photo.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	payload := bytes.Repeat([]byte(m.id+" "), m.attachKB*1024/(len(m.id)+1)+1)[:m.attachKB*1024]
	enc := base64.StdEncoding.EncodeToString(payload)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	fmt.Fprintf(&b, "%s\r\n--%s--\r\n", enc, boundary)
	return b.Bytes()
}

// shopMail makes customer messages first..first+n-1 for INBOX and, for
// every third one, our reply for Sent: a mailbox that looks like a
// shop's. Every fourth customer message carries an attachment of
// attachKB kilobytes.
func shopMail(first, n, attachKB int) (inbox, sent [][]byte) {
	base := time.Now().Add(-72 * time.Hour).Truncate(time.Second)
	for i := first; i < first+n; i++ {
		cust := fmt.Sprintf("buyer%02d@customers.example", i%23)
		m := simpleMail{id: fmt.Sprintf("gen-%04d@customers.example", i), from: cust, fromName: fmt.Sprintf("Buyer %d", i%23),
			to: shopEmail, subject: fmt.Sprintf("Order %d question", 1000+i%41), date: base.Add(time.Duration(i) * time.Minute),
			body: fmt.Sprintf("Hello,\nwhere is parcel %d?\n您好，包裹什么时候到？", i)}
		if i%4 == 0 {
			m.attachKB = attachKB
		}
		inbox = append(inbox, m.raw())
		if i%3 == 0 {
			r := simpleMail{id: fmt.Sprintf("reply-%04d@bamboolinen.example", i), from: shopEmail, fromName: "Bamboo Linen",
				to: cust, subject: "Re: " + m.subject, inReplyTo: m.id, date: m.date.Add(30 * time.Second),
				body: fmt.Sprintf("Dear customer,\nparcel %d is on its way.", i)}
			sent = append(sent, r.raw())
		}
	}
	return inbox, sent
}

// mirror checks the store against the server's folders:
//   - each server message is stored exactly once at its (folder, UID),
//     and the stored raw bytes are the server's;
//   - no location is held by two messages, none points at a UID the
//     server does not have (or holds other bytes);
//   - with exact, the store holds nothing else; without it, messages that
//     left the server may stay (sync keeps history) but with no location
//     in these folders;
//   - no conversation without messages, no quarantine left, and the
//     database checks clean.
func mirror(t testing.TB, st *storage.Store, s server, exact bool, folders ...string) {
	t.Helper()
	onServer := map[storage.Location][32]byte{} // by folder and UID only
	for _, f := range folders {
		for _, m := range s.Messages(t, f) {
			onServer[storage.Location{Folder: f, UID: m.UID}] = sha256.Sum256(m.Raw)
		}
	}
	if err := st.Check(); err != nil {
		t.Errorf("store check: %v", err)
	}
	if err := st.VerifyIndexes(); err != nil {
		t.Errorf("store indexes: %v", err)
	}
	err := st.View(func(tx *storage.Tx) error {
		ms, err := tx.Messages(0, 0)
		if err != nil {
			return fmt.Errorf("list messages: %w", err)
		}
		seenHash := map[string]uint64{}
		held := map[storage.Location]uint64{}
		for _, m := range ms {
			if prev, dup := seenHash[m.Hash]; dup {
				t.Errorf("messages %d and %d have the same bytes (%s %q)", prev, m.ID, m.MessageID, m.Subject)
			}
			seenHash[m.Hash] = m.ID
			raw, err := tx.Raw(m.ID)
			if err != nil {
				return fmt.Errorf("raw of message %d: %w", m.ID, err)
			}
			sum := sha256.Sum256(raw)
			located := false
			for _, l := range m.Locations {
				if !slices.Contains(folders, l.Folder) {
					continue
				}
				located = true
				key := storage.Location{Folder: l.Folder, UID: l.UID}
				if prev, dup := held[key]; dup {
					t.Errorf("%s UID %d held by messages %d and %d", l.Folder, l.UID, prev, m.ID)
				}
				held[key] = m.ID
				want, ok := onServer[key]
				switch {
				case !ok:
					t.Errorf("message %d (%s) located at %s UID %d, which the server does not have", m.ID, m.MessageID, l.Folder, l.UID)
				case want != sum:
					t.Errorf("message %d at %s UID %d: stored bytes differ from the server's", m.ID, l.Folder, l.UID)
				}
			}
			if exact && !located {
				t.Errorf("message %d (%s %q) is stored but on no server folder", m.ID, m.MessageID, m.Subject)
			}
			if m.ConversationID == 0 {
				t.Errorf("message %d has no conversation", m.ID)
			}
		}
		for key := range onServer {
			if _, ok := held[key]; !ok {
				t.Errorf("%s UID %d is not stored", key.Folder, key.UID)
			}
		}
		cs, err := tx.Conversations(0, 0)
		if err != nil {
			return fmt.Errorf("list conversations: %w", err)
		}
		for _, c := range cs {
			if msgs, err := tx.MessagesOf(c.ID); err != nil || len(msgs) == 0 {
				t.Errorf("conversation %d %q has no messages (%v): half a batch committed?", c.ID, c.Subject, err)
			}
		}
		for _, f := range folders {
			qs, err := tx.QuarantinedIn("shop", f)
			if err != nil {
				return fmt.Errorf("quarantine of %s: %w", f, err)
			}
			for _, q := range qs {
				t.Errorf("%s UID %d still quarantined: %s", f, q.UID, q.Error)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read store: %v", err)
	}
}

// storedSubsetOfServer checks a store after an interrupted sync: whatever
// it holds is byte-identical to a server message and held once, and the
// database checks clean. It returns how many messages are stored.
func storedSubsetOfServer(t testing.TB, st *storage.Store, serverRaw map[[32]byte]bool) int {
	t.Helper()
	if err := st.Check(); err != nil {
		t.Errorf("store check: %v", err)
	}
	if err := st.VerifyIndexes(); err != nil {
		t.Errorf("store indexes: %v", err)
	}
	n := 0
	err := st.View(func(tx *storage.Tx) error {
		ms, err := tx.Messages(0, 0)
		if err != nil {
			return err
		}
		seen := map[[32]byte]bool{}
		for _, m := range ms {
			raw, err := tx.Raw(m.ID)
			if err != nil {
				return fmt.Errorf("raw of message %d: %w", m.ID, err)
			}
			sum := sha256.Sum256(raw)
			if !serverRaw[sum] {
				t.Errorf("message %d (%s, %d bytes) is not byte-identical to any message the server had (a cut-off literal, an empty answer?)", m.ID, m.MessageID, len(raw))
			}
			if seen[sum] {
				t.Errorf("message %d (%s) stored twice", m.ID, m.MessageID)
			}
			seen[sum] = true
		}
		n = len(ms)
		return nil
	})
	if err != nil {
		t.Fatalf("read store: %v", err)
	}
	return n
}

func serverHashes(t testing.TB, s server, folders ...string) map[[32]byte]bool {
	t.Helper()
	out := map[[32]byte]bool{}
	for _, f := range folders {
		for _, m := range s.Messages(t, f) {
			out[sha256.Sum256(m.Raw)] = true
		}
	}
	return out
}

// newSyncer makes a Syncer for the shop account at addr (the server or a
// proxy in front of it).
func newSyncer(st *storage.Store, s server, addr string, o Options) *Syncer {
	a := account(s)
	a.IMAP = addr
	o.Account = a
	o.Password = s.Password()
	if o.History == 0 {
		o.History = 365 * 24 * time.Hour
	}
	return New(st, o)
}

// once runs one sync with a deadline, so a hang fails the test instead of
// stalling it.
func once(sy *Syncer) (Stats, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return sy.Once(ctx)
}

// literalAt returns N when an IMAP line ends with a literal {N}, else -1.
func literalAt(line []byte) int64 {
	l := bytes.TrimRight(line, "\r\n")
	if !bytes.HasSuffix(l, []byte("}")) {
		return -1
	}
	open := bytes.LastIndexByte(l, '{')
	if open < 0 {
		return -1
	}
	var n int64
	if _, err := fmt.Sscanf(string(bytes.TrimSuffix(l[open+1:len(l)-1], []byte("+"))), "%d", &n); err != nil {
		return -1
	}
	return n
}

// lineFilter adapts functions to mailtest.LineFilter. It tracks whether
// INBOX is the selected folder (for filters that act on INBOX only) and
// may act on client commands (fromClient sees each line before the
// server does).
type lineFilter struct {
	fromServer func(line []byte, inbox bool) []byte
	fromClient func(line []byte)
	inbox      *bool
}

func newLineFilter(fromServer func(line []byte, inbox bool) []byte, fromClient func(line []byte)) *lineFilter {
	return &lineFilter{fromServer: fromServer, fromClient: fromClient, inbox: new(bool)}
}

func (f *lineFilter) FromClient(line []byte) ([]byte, []byte) {
	if fs := bytes.Fields(bytes.ToUpper(line)); len(fs) >= 3 && (string(fs[1]) == "SELECT" || string(fs[1]) == "EXAMINE") {
		*f.inbox = string(bytes.Trim(fs[2], `"`)) == "INBOX"
	}
	if f.fromClient != nil {
		f.fromClient(line)
	}
	return line, nil
}

func (f *lineFilter) FromServer(line []byte) []byte {
	if f.fromServer == nil {
		return line
	}
	return f.fromServer(line, *f.inbox)
}

var _ mailtest.LineFilter = (*lineFilter)(nil)
