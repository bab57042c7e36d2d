package imapsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox/demo"
	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/storage"
)

// server is what the tests need of mailtest's Dovecot and memory server.
type server interface {
	Addr() string
	User() string
	Password() string
	Append(t testing.TB, mailbox string, raw []byte, flags ...imap.Flag) uint32
	Expunge(t testing.TB, mailbox string, uid uint32)
	SetFlags(t testing.TB, mailbox string, uid uint32, add bool, flags ...imap.Flag)
	ResetUIDValidity(t testing.TB, mailbox string) uint32
	Messages(t testing.TB, mailbox string) []mailtest.Message
}

// servers runs a test against both real IMAP servers of DESIGN.md.
var servers = []struct {
	name  string
	start func(t testing.TB) server
}{
	{"memserver", func(t testing.TB) server { return mailtest.StartMemServer(t, mailtest.MemServerOptions{}) }},
	{"dovecot", func(t testing.TB) server { return mailtest.StartDovecot(t, mailtest.DovecotOptions{}) }},
}

const shopEmail = "service@bamboolinen.example"

func account(s server) storage.Account {
	return storage.Account{Name: "shop", Email: shopEmail, IMAP: s.Addr(), Username: s.User(), Security: storage.SecurityNone}
}

// loadDemo puts the demo shop's mail on the server: what customers wrote
// in INBOX, our replies in Sent.
func loadDemo(t testing.TB, s server) []demo.Mail {
	t.Helper()
	d, err := assets.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	mails, err := demo.Render(d, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		conv, _ := d.Conversation(m.Conversation)
		box := "INBOX"
		if conv.Messages[m.Index].Direction == "out" {
			box = "Sent"
		}
		s.Append(t, box, m.Raw)
	}
	return mails
}

func openStore(t testing.TB) *storage.Store {
	t.Helper()
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func syncOnce(t testing.TB, st *storage.Store, a storage.Account, password string) Stats {
	t.Helper()
	s := New(st, Options{Account: a, Password: password, History: 365 * 24 * time.Hour})
	stats, err := s.Once(context.Background())
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return stats
}

// snapshot is everything the store holds about mail, for comparing runs.
type snapshot struct {
	messages map[string]storage.Message // by hash
	raw      map[string][32]byte        // hash of the stored raw bytes, by hash
	convs    int
	custs    []string
}

func snap(t testing.TB, st *storage.Store) snapshot {
	t.Helper()
	s := snapshot{messages: map[string]storage.Message{}, raw: map[string][32]byte{}}
	err := st.View(func(tx *storage.Tx) error {
		ms, err := tx.Messages(0, 0)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if _, dup := s.messages[m.Hash]; dup {
				t.Errorf("message stored twice: %s %q", m.MessageID, m.Subject)
			}
			s.messages[m.Hash] = m
			raw, err := tx.Raw(m.ID)
			if err != nil {
				return err
			}
			s.raw[m.Hash] = sha256.Sum256(raw)
		}
		cs, err := tx.Conversations(0, 0)
		s.convs = len(cs)
		custs, _ := tx.Customers(0, 0)
		for _, c := range custs {
			s.custs = append(s.custs, c.Emails...)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Check(); err != nil {
		t.Fatal(err)
	}
	if err := st.VerifyIndexes(); err != nil {
		t.Fatal(err)
	}
	return s
}

// mustMirror checks the store holds exactly the server's messages of the
// folders, byte for byte, each once, at its current UID.
func mustMirror(t testing.TB, st *storage.Store, s server, folders ...string) {
	t.Helper()
	got := snap(t, st)
	want := 0
	for _, f := range folders {
		for _, m := range s.Messages(t, f) {
			want++
			sum := sha256.Sum256(m.Raw)
			var found bool
			for _, sm := range got.messages {
				if got.raw[sm.Hash] == sum && slices.ContainsFunc(sm.Locations, func(l storage.Location) bool { return l.Folder == f && l.UID == m.UID }) {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("%s UID %d not stored (or not at its UID)", f, m.UID)
			}
		}
	}
	if len(got.messages) != want {
		t.Errorf("store holds %d messages, the server %d", len(got.messages), want)
	}
}

func TestInitialSyncMirrorsTheServer(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			mails := loadDemo(t, s)
			st := openStore(t)
			stats := syncOnce(t, st, account(s), s.Password())
			if stats.New != len(mails) {
				t.Errorf("%d new messages, want %d", stats.New, len(mails))
			}
			mustMirror(t, st, s, "INBOX", "Sent")
			d, _ := assets.LoadDemo()
			got := snap(t, st)
			if got.convs != len(d.Conversations) {
				t.Errorf("%d conversations, want the demo's %d (threading by References and Sent)", got.convs, len(d.Conversations))
			}
			if slices.Contains(got.custs, shopEmail) {
				t.Error("the shop's own address became a customer")
			}
			// Each demo conversation is one stored conversation, whose
			// status follows who wrote last.
			err := st.View(func(tx *storage.Tx) error {
				for _, dc := range d.Conversations {
					var convID uint64
					for i := range dc.Messages {
						ms, err := tx.MessagesByMessageID(mails[indexOf(mails, dc.Key, i)].MessageID)
						if err != nil || len(ms) != 1 {
							t.Fatalf("%s/%d: %v (%d found)", dc.Key, i, err, len(ms))
						}
						if convID == 0 {
							convID = ms[0].ConversationID
						} else if ms[0].ConversationID != convID {
							t.Errorf("conversation %s split", dc.Key)
						}
					}
					c, err := tx.Conversation(convID)
					if err != nil {
						return err
					}
					want := storage.StatusOpen
					if dc.Messages[len(dc.Messages)-1].Direction == "out" {
						want = storage.StatusWaiting
						if dc.Messages[0].Direction == "out" && len(dc.Messages) == 1 {
							want = storage.StatusClosed // we wrote first and nobody answered: nothing waits
						}
					}
					if c.Status != want {
						t.Errorf("conversation %s is %s, want %s", dc.Key, c.Status, want)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// A second sync of the unchanged mailbox changes nothing.
			if again := syncOnce(t, st, account(s), s.Password()); again != (Stats{Folders: 2}) {
				t.Errorf("second sync: %+v", again)
			}
		})
	}
}

func indexOf(mails []demo.Mail, conv string, i int) int {
	return slices.IndexFunc(mails, func(m demo.Mail) bool { return m.Conversation == conv && m.Index == i })
}

func TestFlagsAndExpunges(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			loadDemo(t, s)
			st := openStore(t)
			syncOnce(t, st, account(s), s.Password())
			inbox := s.Messages(t, "INBOX")
			s.SetFlags(t, "INBOX", inbox[0].UID, true, imap.FlagSeen, imap.FlagFlagged)
			s.Expunge(t, "INBOX", inbox[1].UID)
			stats := syncOnce(t, st, account(s), s.Password())
			if stats.Flags != 1 || stats.Gone != 1 || stats.New != 0 {
				t.Errorf("stats %+v, want one flag change and one expunge", stats)
			}
			got := snap(t, st)
			flagged := got.messages[hashOf(inbox[0].Raw)]
			if !slices.Contains(flagged.Flags, `\Flagged`) || !slices.Contains(flagged.Flags, `\Seen`) {
				t.Errorf("flags after the change: %v", flagged.Flags)
			}
			gone, ok := got.messages[hashOf(inbox[1].Raw)]
			if !ok {
				t.Fatal("an expunged message was deleted from the store: it is the customer's history")
			}
			if len(gone.Locations) != 0 {
				t.Errorf("expunged message still located at %+v", gone.Locations)
			}
			mustMirrorCount(t, st, len(inbox)+len(s.Messages(t, "Sent")))
		})
	}
}

func hashOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

func mustMirrorCount(t testing.TB, st *storage.Store, n int) {
	t.Helper()
	if got := len(snap(t, st).messages); got != n {
		t.Errorf("%d messages stored, want %d", got, n)
	}
}

// A new UIDVALIDITY must neither duplicate messages nor cut them from
// their conversations: they are found again by Message-ID and size.
func TestUIDValidityChange(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			loadDemo(t, s)
			st := openStore(t)
			syncOnce(t, st, account(s), s.Password())
			before := snap(t, st)
			newValidity := s.ResetUIDValidity(t, "INBOX")
			stats := syncOnce(t, st, account(s), s.Password())
			inbox := s.Messages(t, "INBOX")
			if stats.New != 0 || stats.Relocated != len(inbox) {
				t.Errorf("stats %+v: want all %d INBOX messages relocated, none new", stats, len(inbox))
			}
			after := snap(t, st)
			for h, m := range before.messages {
				a, ok := after.messages[h]
				if !ok || a.ID != m.ID || a.ConversationID != m.ConversationID {
					t.Errorf("message %s lost its identity or conversation", m.MessageID)
				}
			}
			mustMirror(t, st, s, "INBOX", "Sent")
			for _, m := range after.messages {
				for _, l := range m.Locations {
					if l.Folder == "INBOX" && l.UIDValidity != newValidity {
						t.Errorf("%s still at the old UIDVALIDITY %d", m.MessageID, l.UIDValidity)
					}
				}
			}
		})
	}
}
