package mailtest

import (
	"cmp"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Message is one message as the server holds it.
type Message struct {
	UID          uint32
	Flags        []imap.Flag
	InternalDate time.Time
	Raw          []byte
}

// account is what the servers share: where to log in, and helpers that
// change or read the mailbox through IMAP, as another client would.
type account struct {
	addr     string // what the code under test dials (perhaps a proxy)
	direct   string // the server itself: helpers never go through a proxy
	user     string
	password string
}

// Addr is the host:port the code under test connects to.
func (a *account) Addr() string { return a.addr }

// User is the login name.
func (a *account) User() string { return a.user }

// Password is the login password.
func (a *account) Password() string { return a.password }

// Client returns a logged-in IMAP client to the server itself (never
// through a proxy); it is closed when the test ends.
func (a *account) Client(t testing.TB) *imapclient.Client {
	t.Helper()
	c, err := a.dial()
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (a *account) dial() (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(a.direct, &imapclient.Options{Dialer: &net.Dialer{Timeout: 10 * time.Second}})
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", a.direct, err)
	}
	if err := c.Login(a.user, a.password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("login to %s as %s: %w", a.direct, a.user, err)
	}
	return c, nil
}

// session runs f on a fresh logged-in connection and logs out.
func (a *account) session(t testing.TB, what string, f func(c *imapclient.Client) error) {
	t.Helper()
	c, err := a.dial()
	if err != nil {
		t.Fatalf("mailtest: %s: %v", what, err)
	}
	defer c.Close()
	if err := f(c); err != nil {
		t.Fatalf("mailtest: %s: %v", what, err)
	}
	if err := c.Logout().Wait(); err != nil {
		t.Fatalf("mailtest: %s: logout: %v", what, err)
	}
}

// Append stores raw in the mailbox with the flags and returns its UID
// (from the server's APPENDUID answer).
func (a *account) Append(t testing.TB, mailbox string, raw []byte, flags ...imap.Flag) uint32 {
	t.Helper()
	return a.AppendAt(t, mailbox, raw, time.Time{}, flags...)
}

// AppendAt is Append with an INTERNALDATE; the zero time lets the server
// choose (now).
func (a *account) AppendAt(t testing.TB, mailbox string, raw []byte, date time.Time, flags ...imap.Flag) uint32 {
	t.Helper()
	var uid uint32
	a.session(t, "append to "+mailbox, func(c *imapclient.Client) error {
		var err error
		uid, err = appendMessage(c, mailbox, raw, date, flags)
		return err
	})
	return uid
}

func appendMessage(c *imapclient.Client, mailbox string, raw []byte, date time.Time, flags []imap.Flag) (uint32, error) {
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Flags: flags, Time: date})
	if _, err := cmd.Write(raw); err != nil {
		cmd.Close()
		return 0, fmt.Errorf("write message: %w", err)
	}
	if err := cmd.Close(); err != nil {
		return 0, fmt.Errorf("finish message: %w", err)
	}
	data, err := cmd.Wait()
	if err != nil {
		return 0, err
	}
	if data.UID == 0 {
		return 0, fmt.Errorf("server sent no APPENDUID")
	}
	return uint32(data.UID), nil
}

// Expunge removes the message with the UID from the mailbox, leaving any
// other message marked \Deleted alone (UID EXPUNGE).
func (a *account) Expunge(t testing.TB, mailbox string, uid uint32) {
	t.Helper()
	a.session(t, fmt.Sprintf("expunge %s UID %d", mailbox, uid), func(c *imapclient.Client) error {
		if _, err := c.Select(mailbox, nil).Wait(); err != nil {
			return fmt.Errorf("select: %w", err)
		}
		uids := imap.UIDSetNum(imap.UID(uid))
		store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
		if err := c.Store(uids, store, nil).Close(); err != nil {
			return fmt.Errorf("store \\Deleted: %w", err)
		}
		expunged, err := c.UIDExpunge(uids).Collect()
		if err != nil {
			return err
		}
		if len(expunged) != 1 {
			return fmt.Errorf("expunged %d messages, want 1 (no such UID?)", len(expunged))
		}
		return nil
	})
}

// SetFlags adds (add true) or removes flags on a message.
func (a *account) SetFlags(t testing.TB, mailbox string, uid uint32, add bool, flags ...imap.Flag) {
	t.Helper()
	a.session(t, fmt.Sprintf("flags on %s UID %d", mailbox, uid), func(c *imapclient.Client) error {
		if _, err := c.Select(mailbox, nil).Wait(); err != nil {
			return fmt.Errorf("select: %w", err)
		}
		op := imap.StoreFlagsDel
		if add {
			op = imap.StoreFlagsAdd
		}
		return c.Store(imap.UIDSetNum(imap.UID(uid)), &imap.StoreFlags{Op: op, Silent: true, Flags: flags}, nil).Close()
	})
}

// CreateMailbox creates a mailbox.
func (a *account) CreateMailbox(t testing.TB, name string) {
	t.Helper()
	a.session(t, "create "+name, func(c *imapclient.Client) error {
		return c.Create(name, nil).Wait()
	})
}

// UIDValidity is the mailbox's current UIDVALIDITY (from STATUS).
func (a *account) UIDValidity(t testing.TB, mailbox string) uint32 {
	t.Helper()
	var v uint32
	a.session(t, "status "+mailbox, func(c *imapclient.Client) error {
		data, err := c.Status(mailbox, &imap.StatusOptions{UIDValidity: true}).Wait()
		if err != nil {
			return err
		}
		v = data.UIDValidity
		return nil
	})
	return v
}

// Messages returns every message in the mailbox in UID order, read with
// EXAMINE and BODY.PEEK[] so nothing changes on the server.
func (a *account) Messages(t testing.TB, mailbox string) []Message {
	t.Helper()
	var out []Message
	a.session(t, "fetch "+mailbox, func(c *imapclient.Client) error {
		var err error
		out, err = fetchAll(c, mailbox)
		return err
	})
	return out
}

func fetchAll(c *imapclient.Client, mailbox string) ([]Message, error) {
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("examine: %w", err)
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	body := &imap.FetchItemBodySection{Peek: true}
	opts := &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{body}}
	bufs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}, opts).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	out := make([]Message, 0, len(bufs))
	for _, b := range bufs {
		out = append(out, Message{UID: uint32(b.UID), Flags: b.Flags, InternalDate: b.InternalDate, Raw: b.FindBodySection(body)})
	}
	slices.SortFunc(out, func(x, y Message) int { return cmp.Compare(x.UID, y.UID) })
	return out, nil
}

// HasFlag reports whether the message carries the flag (case-insensitive,
// as IMAP compares system flags).
func (m Message) HasFlag(f imap.Flag) bool {
	return slices.ContainsFunc(m.Flags, func(g imap.Flag) bool { return strings.EqualFold(string(g), string(f)) })
}
