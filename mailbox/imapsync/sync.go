// Package imapsync mirrors an account's IMAP folders into the store. One
// Syncer owns one connection. It only reads the server (EXAMINE and
// BODY.PEEK): it never deletes, moves or flags anything there.
package imapsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// Options configure a Syncer.
type Options struct {
	Account  storage.Account
	Password string
	Connect  mailbox.ConnectOptions
	Log      logrus.FieldLogger
	// Batch is how many messages commit in one transaction (default 500).
	Batch int
	// Progress, when set, hears how a folder's download goes.
	Progress func(Progress)
	// Status, when set, hears what Run is doing, for a status bar.
	Status func(Status)
	// History is how far back a first sync lets inbound mail open
	// conversations (default 14 days); older mail arrives closed.
	History time.Duration
	// Now is the clock (tests fix it).
	Now func() time.Time
}

// Progress reports a folder's download.
type Progress struct {
	Folder   string
	Messages int   // fetched so far in this run
	Bytes    int64 // raw bytes fetched so far
	Total    int   // messages the folder had to fetch, when known
	Elapsed  time.Duration
	Done     bool
}

// Stats sums up one sync run.
type Stats struct {
	Folders     int
	New         int // messages stored
	Relocated   int // known messages found at a new place (moves, UIDVALIDITY change)
	Flags       int // messages whose flags changed
	Gone        int // locations removed after an expunge
	Quarantined int
	Bytes       int64
}

func (s *Stats) add(o Stats) {
	s.Folders += o.Folders
	s.New += o.New
	s.Relocated += o.Relocated
	s.Flags += o.Flags
	s.Gone += o.Gone
	s.Quarantined += o.Quarantined
	s.Bytes += o.Bytes
}

// Syncer syncs one account.
type Syncer struct {
	st     *storage.Store
	o      Options
	status statusState // the last Status reported
}

// New makes a Syncer for the account.
func New(st *storage.Store, o Options) *Syncer {
	if o.Batch <= 0 {
		o.Batch = 500
	}
	if o.History == 0 {
		o.History = 14 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		l := logrus.New()
		l.SetLevel(logrus.WarnLevel)
		o.Log = l
	}
	o.Log = o.Log.WithField("account", o.Account.Name)
	return &Syncer{st: st, o: o}
}

// Once connects, syncs every folder and disconnects.
func (s *Syncer) Once(ctx context.Context) (Stats, error) {
	c, err := s.dial(ctx, nil)
	if err != nil {
		return Stats{}, err
	}
	defer c.Close()
	st, err := s.syncAll(ctx, c)
	if err == nil {
		err = c.Logout().Wait()
	}
	return st, err
}

func (s *Syncer) dial(ctx context.Context, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	o := s.o.Connect
	o.Handler = h
	c, err := mailbox.DialIMAP(s.o.Account, s.o.Password, o)
	if err != nil {
		return nil, err
	}
	// The client blocks in I/O; closing it is how a cancel gets through.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	go func() {
		<-c.Closed()
		stop()
	}()
	return c, nil
}

func (s *Syncer) syncAll(ctx context.Context, c *imapclient.Client) (Stats, error) {
	folders, err := s.folders(c)
	if err != nil {
		return Stats{}, err
	}
	var total Stats
	for _, f := range folders {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		st, err := s.syncFolder(ctx, c, f.name, f.role)
		total.add(st)
		if err != nil {
			return total, fmt.Errorf("sync %s: %w", f.name, err)
		}
	}
	return total, nil
}

type folder struct {
	name string
	role storage.FolderRole
}

// folders lists INBOX, the Sent folder and the folders the seller added.
func (s *Syncer) folders(c *imapclient.Client) ([]folder, error) {
	opts := &imap.ListOptions{}
	if c.Caps().Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	list, err := c.List("", "*", opts).Collect()
	if err != nil {
		return nil, fmt.Errorf("list folders: %w", err)
	}
	exists := map[string]bool{}
	sent := s.o.Account.SentFolder
	for _, l := range list {
		exists[l.Mailbox] = true
		if sent == "" && slices.Contains(l.Attrs, imap.MailboxAttrSent) {
			sent = l.Mailbox
		}
	}
	if sent == "" {
		for _, n := range mailbox.SentFolderNames { // no SPECIAL-USE: the usual names
			for name := range exists {
				if strings.EqualFold(name, n) {
					sent = name
				}
			}
			if sent != "" {
				break
			}
		}
	}
	out := []folder{{"INBOX", storage.RoleInbox}}
	if sent != "" && exists[sent] {
		out = append(out, folder{sent, storage.RoleSent})
	}
	for _, f := range s.o.Account.Folders {
		if !exists[f] {
			s.o.Log.WithField("folder", f).Warn("folder not on the server; skipped")
			continue
		}
		if !slices.ContainsFunc(out, func(x folder) bool { return x.name == f }) {
			out = append(out, folder{f, storage.RoleOther})
		}
	}
	return out, nil
}

// Run syncs until ctx ends: a full sync, then IDLE on INBOX (polling
// where the server has no IDLE), reconnecting with backoff after any error.
func (s *Syncer) Run(ctx context.Context) error {
	backoff := time.Second
	for {
		err := s.session(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.o.Log.WithError(err).WithField("retry_in", backoff).Warn("sync connection lost")
		s.reportError(err, backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Minute)
		if errors.Is(err, errSessionWasHealthy) {
			backoff = time.Second
		}
	}
}

var errSessionWasHealthy = errors.New("session ended after a successful sync")

// fullEvery is how often a long-lived session re-syncs every folder, not
// only INBOX (Sent changes too, and IDLE does not watch it).
const fullEvery = 15 * time.Minute

func (s *Syncer) session(ctx context.Context) error {
	wake := make(chan struct{}, 1)
	notify := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	h := &imapclient.UnilateralDataHandler{
		Expunge: func(uint32) { notify() },
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				notify()
			}
		},
	}
	s.reportConnecting()
	c, err := s.dial(ctx, h)
	if err != nil {
		return err
	}
	defer c.Close()
	healthy := false
	for {
		st, err := s.syncAll(ctx, c)
		if err != nil {
			if healthy {
				return fmt.Errorf("%w: %v", errSessionWasHealthy, err)
			}
			return err
		}
		healthy = true
		s.o.Log.WithFields(logrus.Fields{"new": st.New, "flags": st.Flags, "gone": st.Gone}).Info("synced")
		s.reportIdle()
		if err := s.wait(ctx, c, wake); err != nil {
			return fmt.Errorf("%w: %v", errSessionWasHealthy, err)
		}
	}
}

// wait idles on INBOX until the server reports a change, fullEvery
// passes or ctx ends.
func (s *Syncer) wait(ctx context.Context, c *imapclient.Client, wake <-chan struct{}) error {
	timer := time.NewTimer(fullEvery)
	defer timer.Stop()
	if !c.Caps().Has(imap.CapIdle) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		case <-time.After(2 * time.Minute):
		}
		return nil
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return fmt.Errorf("select INBOX for IDLE: %w", err)
	}
	idle, err := c.Idle()
	if err != nil {
		return fmt.Errorf("IDLE: %w", err)
	}
	select {
	case <-ctx.Done():
	case <-wake:
	case <-timer.C:
	case <-c.Closed():
	}
	if err := idle.Close(); err != nil {
		return err
	}
	if err := idle.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}
