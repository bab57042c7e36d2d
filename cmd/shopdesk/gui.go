package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox/demo"
	"github.com/shopdesk/shopdesk/mailbox/imapsync"
	"github.com/shopdesk/shopdesk/mailbox/outbox"
	"github.com/shopdesk/shopdesk/mailbox/secrets"
	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/ui"
)

// gui opens the desk on the data folder, with a mail worker per account.
func (e *env) gui() error {
	return e.desk(e.passwords(false))
}

func (e *env) desk(passwords secrets.Getter) error {
	st, err := e.open()
	if errors.Is(err, storage.ErrAlreadyRunning) && hasDisplay() {
		if uerr := ui.ShowAlreadyRunning(); uerr != nil {
			e.log.WithError(uerr).Warn("cannot show the already-running message")
		}
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if err := seedCannedReplies(st, e.log); err != nil {
		return err
	}
	board := ui.NewSyncBoard()
	stop, err := e.startMail(st, passwords, board.Report)
	if err != nil {
		return err
	}
	defer stop()
	e.log.WithField("data_dir", e.dataDir).Info("desk starting")
	return ui.Run(st, e.log, ui.Options{Sync: board})
}

// startMail runs a sync worker for each account whose password is at
// hand, and the outbox sender, until the returned stop is called. Each
// worker tells status what it is doing.
func (e *env) startMail(st *storage.Store, passwords secrets.Getter, status func(imapsync.Status)) (stop func(), err error) {
	var accounts []storage.Account
	if err := st.View(func(tx *storage.Tx) error {
		accounts, err = tx.Accounts()
		return err
	}); err != nil {
		return nil, err
	}
	// Nothing else sends while this process holds the database.
	requeued, uncertain, err := outbox.Recover(st)
	if err != nil {
		return nil, err
	}
	if requeued+uncertain > 0 {
		e.log.WithFields(logrus.Fields{"requeued": requeued, "uncertain": uncertain}).Warn("the last run stopped mid-send")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.sendLoop(ctx, st, outbox.NewSender(st, passwords, e.log), accounts)
	}()
	for _, a := range accounts {
		log := e.log.WithField("account", a.Name)
		password, err := passwords.Get(a.Name)
		if err != nil {
			// The desk will ask for it; until then this account stays offline.
			log.WithError(err).Warn("no password: mail for this account is not synced this run")
			status(imapsync.Status{Account: a.Name, State: imapsync.StateError, Problem: imapsync.ProblemNoPassword, Err: err})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := imapsync.New(st, imapsync.Options{Account: a, Password: password, Log: e.log, Status: status}).Run(ctx)
			if err != nil && !errors.Is(err, context.Canceled) {
				log.WithError(err).Error("sync stopped")
			}
		}()
	}
	return func() { cancel(); wg.Wait() }, nil
}

// retryEvery is how often the outbox is looked at without a change in it:
// queued replies wait out their backoff.
const retryEvery = 30 * time.Second

// sendLoop flushes the outbox whenever it changes, and every retryEvery.
func (e *env) sendLoop(ctx context.Context, st *storage.Store, s *outbox.Sender, accounts []storage.Account) {
	changed := make(chan struct{}, 1)
	unsub := st.Subscribe(func(events []storage.Event) {
		for _, ev := range events {
			if ev.Kind == storage.KindOutbox {
				select {
				case changed <- struct{}{}:
				default:
				}
				return
			}
		}
	})
	defer unsub()
	tick := time.NewTicker(retryEvery)
	defer tick.Stop()
	for {
		for _, a := range accounts {
			if _, err := s.Flush(ctx, a.Name); err != nil && ctx.Err() == nil {
				e.log.WithError(err).WithField("account", a.Name).Warn("outbox")
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-tick.C:
		}
	}
}

// hasDisplay reports whether a window can open: always on Windows and
// macOS, with an X11 or Wayland display elsewhere.
func hasDisplay() bool {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// demo opens the desk on the sample shop: a mail server on this machine
// seeded with the shop's customer mail, and a temporary data folder
// (removed afterwards) that syncs from it as a real desk would.
func (e *env) demo() error {
	dir, err := os.MkdirTemp("", "shopdesk-demo-")
	if err != nil {
		return fmt.Errorf("create demo folder: %w", err)
	}
	defer os.RemoveAll(dir)
	d, err := assets.LoadDemo()
	if err != nil {
		return err
	}
	now := time.Now()
	srv, err := demo.StartServer(d, now, e.log.WithField("demo", true))
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := e.prepareDemo(dir, d, srv, now); err != nil {
		return err
	}
	e.dataDir = dir
	passwords := &secrets.Memory{}
	if err := passwords.Set(demo.Account, srv.Password()); err != nil {
		return err
	}
	return e.desk(passwords)
}

// prepareDemo fills the demo folder: the shop's records, the account,
// a first sync and the seller's annotations.
func (e *env) prepareDemo(dir string, d assets.Demo, srv *demo.Server, now time.Time) error {
	st, err := storage.Open(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := demo.SeedShop(st, d, now); err != nil {
		return err
	}
	a := srv.Account()
	if err := st.Update(func(tx *storage.Tx) error { return tx.SaveAccount(&a) }); err != nil {
		return err
	}
	start := time.Now()
	stats, err := imapsync.New(st, imapsync.Options{Account: a, Password: srv.Password(), Log: e.log}).Once(context.Background())
	if err != nil {
		return fmt.Errorf("demo sync: %w", err)
	}
	if err := demo.Annotate(st, d, now); err != nil {
		return err
	}
	e.log.WithFields(logrus.Fields{"data_dir": dir, "messages": stats.New, "took": time.Since(start).Round(time.Millisecond)}).Info("demo shop ready")
	return nil
}
