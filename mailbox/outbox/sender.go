package outbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-smtp"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// Default timeouts; a desktop app should notice a dead server within
// minutes, not hang for the RFC's maximum.
const (
	DefaultCommandTimeout    = 2 * time.Minute
	DefaultSubmissionTimeout = 10 * time.Minute // the server may scan the message before it answers
	DefaultWriteTimeout      = 5 * time.Minute
)

// Retry backoff: 1 min, 2, 4 ... capped at 1 hour.
const (
	firstBackoff = time.Minute
	maxBackoff   = time.Hour
)

// Sender flushes the outbox. Use one Sender per store: it serialises its
// own flushes, and the store's per-item claims keep any item from being
// sent twice.
type Sender struct {
	Store   *storage.Store
	Secrets Secrets
	Log     logrus.FieldLogger
	// DialSMTP connects and logs in (default mailbox.DialSMTP).
	DialSMTP func(a storage.Account, password string) (*smtp.Client, error)
	// DialFiler opens the IMAP side (default DialFiler).
	DialFiler func(a storage.Account, password string) (Filer, error)
	// Now is the clock for backoff and acceptance times (default time.Now).
	Now func() time.Time

	CommandTimeout    time.Duration // each SMTP command
	SubmissionTimeout time.Duration // the server's reply to the final dot
	WriteTimeout      time.Duration // handing the message over

	mu sync.Mutex
}

// NewSender returns a Sender that talks to the real servers. A nil log
// discards the Sender's messages.
func NewSender(st *storage.Store, secrets Secrets, log logrus.FieldLogger) *Sender {
	if log == nil {
		l := logrus.New()
		l.SetOutput(io.Discard)
		log = l
	}
	s := &Sender{Store: st, Secrets: secrets, Log: log, Now: time.Now,
		CommandTimeout: DefaultCommandTimeout, SubmissionTimeout: DefaultSubmissionTimeout, WriteTimeout: DefaultWriteTimeout}
	s.DialSMTP = func(a storage.Account, password string) (*smtp.Client, error) {
		return mailbox.DialSMTP(a, password, mailbox.ConnectOptions{})
	}
	s.DialFiler = func(a storage.Account, password string) (Filer, error) { return DialFiler(a, password, s.Log) }
	return s
}

// Flush moves the account's outbox items as far as they go now: due
// queued items are sent, accepted ones filed in Sent, filed ones marked
// done. It returns where each item it touched ended. A cancelled ctx stops
// it between steps; a message being handed over is never abandoned
// midway. The error is about the store or the account, not an item: an
// item's trouble is in its state and LastError.
func (s *Sender) Flush(ctx context.Context, account string) ([]Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	var acct storage.Account
	var work []storage.OutboxItem
	now := s.Now()
	err := s.Store.View(func(tx *storage.Tx) error {
		var err error
		if acct, err = tx.Account(account); err != nil {
			return err
		}
		for _, state := range []storage.OutboxState{storage.OutAccepted, storage.OutFiled, storage.OutQueued} {
			items, err := tx.OutboxByState(state)
			if err != nil {
				return err
			}
			for _, it := range items {
				if it.Account == account && !it.NextAttempt.After(now) {
					work = append(work, it)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("flush outbox of %s: %w", account, err)
	}
	if len(work) == 0 {
		return nil, nil
	}
	password, err := s.Secrets.Get(account)
	if err != nil {
		return nil, fmt.Errorf("password for account %s: %w", account, err)
	}

	r := &run{s: s, acct: acct, password: password, log: s.Log.WithField("account", account)}
	defer r.close()
	results := make([]Result, 0, len(work))
	for _, it := range work {
		if ctx.Err() != nil {
			break
		}
		it, err := r.advance(ctx, it)
		results = append(results, resultOf(it))
		if err != nil {
			return results, err
		}
	}
	return results, ctx.Err()
}

// run is one flush of one account: its connections, opened on demand.
type run struct {
	s        *Sender
	acct     storage.Account
	password string
	log      logrus.FieldLogger

	smtp    *smtp.Client
	smtpErr error // the SMTP server cannot be reached this flush
	filer   Filer
	imapErr error // the IMAP server cannot be reached this flush
}

// advance takes the item step by step until it stops moving.
func (r *run) advance(ctx context.Context, it storage.OutboxItem) (storage.OutboxItem, error) {
	for ctx.Err() == nil {
		before := it.State
		var err error
		switch it.State {
		case storage.OutQueued:
			it, err = r.send(it)
		case storage.OutAccepted:
			it, err = r.file(it)
		case storage.OutFiled:
			it, err = r.finish(it)
		}
		if err != nil || it.State == before {
			return it, err
		}
	}
	return it, nil
}

// file puts the copy in Sent (accepted -> filed).
func (r *run) file(it storage.OutboxItem) (storage.OutboxItem, error) {
	f, err := r.imap()
	if err != nil {
		return r.note(it, "file in Sent: "+err.Error())
	}
	var raw []byte
	if err := r.s.Store.View(func(tx *storage.Tx) error { raw, err = tx.OutboxRaw(it.ID); return err }); err != nil {
		return it, err
	}
	loc, appended, err := f.FileSent(it.MessageID, raw, it.Accepted)
	if err != nil {
		r.dropIMAP()
		return r.note(it, "file in Sent: "+err.Error())
	}
	r.itemLog(it).WithFields(logrus.Fields{"folder": loc.Folder, "uid": loc.UID, "appended": appended}).Debug("filed in Sent")
	err = r.s.Store.Update(func(tx *storage.Tx) error {
		it.State, it.LastError = storage.OutFiled, ""
		if err := tx.SaveOutboxItem(&it); err != nil {
			return err
		}
		return addLocation(tx, it.MessageID, loc)
	})
	return it, err
}

// finish sets \Answered on the message replied to (filed -> done).
func (r *run) finish(it storage.OutboxItem) (storage.OutboxItem, error) {
	var parent storage.Message
	if it.ReplyTo != 0 {
		err := r.s.Store.View(func(tx *storage.Tx) error {
			var err error
			parent, err = tx.Message(it.ReplyTo)
			return err
		})
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return it, err
		}
	}
	for _, l := range parent.Locations {
		if l.Account != it.Account {
			continue
		}
		f, err := r.imap()
		if err != nil {
			return r.note(it, "mark answered: "+err.Error())
		}
		err = f.MarkAnswered(l, parent.MessageID)
		var refused *imap.Error
		if errors.As(err, &refused) {
			// The folder is gone or read-only: the flag is a courtesy,
			// not worth holding the reply back for.
			r.itemLog(it).WithFields(logrus.Fields{"folder": l.Folder, "error": err}).Warn("could not set \\Answered")
		} else if err != nil {
			r.dropIMAP()
			return r.note(it, "mark answered: "+err.Error())
		}
	}
	err := r.s.Store.Update(func(tx *storage.Tx) error {
		it.State, it.LastError = storage.OutDone, ""
		if err := tx.SaveOutboxItem(&it); err != nil {
			return err
		}
		if it.ReplyTo == 0 {
			return nil
		}
		return markAnswered(tx, it.ReplyTo)
	})
	if err == nil {
		r.itemLog(it).Info("reply done")
	}
	return it, err
}

// note keeps why the item did not move on, for the seller to see.
func (r *run) note(it storage.OutboxItem, msg string) (storage.OutboxItem, error) {
	r.itemLog(it).WithField("error", msg).Warn("outbox item waits")
	it.LastError = msg
	return it, r.save(&it)
}

func (r *run) save(it *storage.OutboxItem) error {
	return r.s.Store.Update(func(tx *storage.Tx) error { return tx.SaveOutboxItem(it) })
}

func (r *run) itemLog(it storage.OutboxItem) logrus.FieldLogger {
	return r.log.WithFields(logrus.Fields{"outbox": it.ID, "message_id": it.MessageID})
}

// imap returns the IMAP side, connecting on first use; after one failed
// connection the flush stops trying.
func (r *run) imap() (Filer, error) {
	if r.filer == nil && r.imapErr == nil {
		r.filer, r.imapErr = r.s.DialFiler(r.acct, r.password)
	}
	return r.filer, r.imapErr
}

func (r *run) dropIMAP() {
	if r.filer != nil {
		r.filer.Close()
		r.filer = nil
	}
}

func (r *run) close() {
	r.dropSMTP(true)
	r.dropIMAP()
}

// backoff is the wait before attempt number attempts+1.
func backoff(attempts int) time.Duration {
	d := firstBackoff
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}
