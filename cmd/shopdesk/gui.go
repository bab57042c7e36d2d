package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"
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
	m, err := e.startMail(st, passwords, board.Report)
	if err != nil {
		return err
	}
	defer m.stop()
	e.log.WithField("data_dir", e.dataDir).Info("desk starting")
	return ui.Run(st, e.log, ui.Options{Sync: board, Connect: m.connect})
}

// mailWorkers runs the desk's mail workers: one sync worker per account whose
// password is at hand, and the outbox sender.
type mailWorkers struct {
	e        *env
	st       *storage.Store
	status   func(imapsync.Status)
	typed    *secrets.Memory // passwords the seller typed this run
	keyring  secrets.Store
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	mu       sync.Mutex
	running  map[string]bool
	accounts []storage.Account
}

// startMail starts the workers; each tells status what it is doing.
func (e *env) startMail(st *storage.Store, passwords secrets.Getter, status func(imapsync.Status)) (*mailWorkers, error) {
	m := &mailWorkers{e: e, st: st, status: status, typed: &secrets.Memory{}, keyring: e.secrets(), running: map[string]bool{}}
	if err := st.View(func(tx *storage.Tx) error {
		var err error
		m.accounts, err = tx.Accounts()
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
	m.ctx, m.cancel = context.WithCancel(context.Background())
	// A typed password wins over the saved ones for the rest of the run.
	all := secrets.Getter(firstOf{m.typed, passwords})
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		e.sendLoop(m.ctx, st, outbox.NewSender(st, all, e.log), m.accounts)
	}()
	for _, a := range m.accounts {
		password, err := passwords.Get(a.Name)
		if err != nil {
			// The desk asks for it; until then this account stays offline.
			e.log.WithError(err).WithField("account", a.Name).Warn("no password: mail for this account waits for one")
			status(imapsync.Status{Account: a.Name, State: imapsync.StateError, Problem: imapsync.ProblemNoPassword, Err: err})
			continue
		}
		m.sync(a, password)
	}
	return m, nil
}

func (m *mailWorkers) sync(a storage.Account, password string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.running[a.Name] {
		return
	}
	m.running[a.Name] = true
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		err := imapsync.New(m.st, imapsync.Options{Account: a, Password: password, Log: m.e.log, Status: m.status}).Run(m.ctx)
		if err != nil && !errors.Is(err, context.Canceled) {
			m.e.log.WithError(err).WithField("account", a.Name).Error("sync stopped")
		}
	}()
}

// connect takes a password the seller typed: kept for this run, saved in
// the keyring where there is one, and the account's sync starts.
func (m *mailWorkers) connect(account, password string) error {
	i := slices.IndexFunc(m.accounts, func(a storage.Account) bool { return a.Name == account })
	if i < 0 {
		return fmt.Errorf("no account named %q", account)
	}
	if err := m.typed.Set(account, password); err != nil {
		return err
	}
	if err := m.keyring.Set(account, password); err != nil && !errors.Is(err, secrets.ErrNoKeyring) {
		m.e.log.WithError(err).WithField("account", account).Warn("the keyring did not take the password; it lasts this run")
	}
	m.sync(m.accounts[i], password)
	return nil
}

func (m *mailWorkers) stop() {
	m.cancel()
	m.wg.Wait()
}

// firstOf asks each Getter in turn.
type firstOf []secrets.Getter

func (f firstOf) Get(account string) (string, error) {
	var errs []error
	for _, g := range f {
		p, err := g.Get(account)
		if err == nil {
			return p, nil
		}
		errs = append(errs, err)
	}
	return "", errors.Join(errs...)
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
