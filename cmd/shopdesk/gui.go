package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox"
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
	// A restore chosen in the desk last run takes the database's place
	// before it is opened; the replaced one stays as .before-restore.
	if applied, err := storage.ApplyStagedRestore(e.dataDir, time.Now()); err != nil {
		e.log.WithError(err).Error("restore from backup")
	} else if applied {
		e.log.WithField("data_dir", e.dataDir).Info("restored the database from a backup")
	}
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
	stopRules := startTimedRules(st, e.log)
	defer stopRules()
	backups, stopBackups := context.WithCancel(context.Background())
	defer stopBackups()
	go st.RunDailyBackups(backups, e.dataDir, time.Hour, func(path string, err error) {
		if err != nil {
			e.log.WithError(err).Error("automatic backup")
			return
		}
		e.log.WithField("path", path).Info("automatic backup")
	})
	e.log.WithField("data_dir", e.dataDir).Info("desk starting")
	return ui.Run(st, e.log, ui.Options{Sync: board, Connect: m.connect, Passwords: m.passwords.Get})
}

// mailWorkers runs the desk's mail workers: one sync worker per account whose
// password is at hand, and the outbox sender. Accounts added, changed or
// removed in the desk take effect at once: the workers follow the store.
type mailWorkers struct {
	e         *env
	st        *storage.Store
	status    func(imapsync.Status)
	typed     *secrets.Memory // passwords the seller typed this run
	keyring   secrets.Store
	passwords secrets.Getter // typed first, then the saved ones
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	unsub     func()
	stopOnce  sync.Once

	refreshMu sync.Mutex // one refresh at a time
	mu        sync.Mutex
	running   map[string]*syncWorker
}

// syncWorker is one account's running sync, with what it was started on.
type syncWorker struct {
	account  storage.Account
	password string
	cancel   context.CancelFunc
}

// startMail starts the workers; each tells status what it is doing.
func (e *env) startMail(st *storage.Store, passwords secrets.Getter, status func(imapsync.Status)) (*mailWorkers, error) {
	m := &mailWorkers{e: e, st: st, status: status, typed: &secrets.Memory{}, keyring: e.secrets(), running: map[string]*syncWorker{}}
	// A typed password wins over the saved ones for the rest of the run.
	m.passwords = firstOf{m.typed, passwords}
	// Nothing else sends while this process holds the database.
	requeued, uncertain, err := outbox.Recover(st)
	if err != nil {
		return nil, err
	}
	if requeued+uncertain > 0 {
		e.log.WithFields(logrus.Fields{"requeued": requeued, "uncertain": uncertain}).Warn("the last run stopped mid-send")
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	sender := outbox.NewSender(st, m.passwords, e.log)
	sender.DialSMTP = func(a storage.Account, password string) (*smtp.Client, error) {
		return mailbox.DialSMTP(a, password, e.connectOptions())
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		e.sendLoop(m.ctx, st, sender)
	}()
	if err := m.refresh(); err != nil {
		m.stop()
		return nil, err
	}
	// Store events arrive on the writer's goroutine, which must not wait.
	m.unsub = st.Subscribe(func(events []storage.Event) {
		if slices.ContainsFunc(events, func(ev storage.Event) bool { return ev.Kind == storage.KindAccount }) {
			go func() {
				if err := m.refresh(); err != nil && m.ctx.Err() == nil {
					e.log.WithError(err).Error("follow the accounts")
				}
			}()
		}
	})
	return m, nil
}

// refresh matches the running syncs to the stored accounts: it starts
// the new ones that have a password, restarts those whose settings or
// password changed, and stops (and forgets the password of) the removed.
func (m *mailWorkers) refresh() error {
	m.refreshMu.Lock()
	defer m.refreshMu.Unlock()
	if m.ctx.Err() != nil {
		return nil
	}
	var accounts []storage.Account
	if err := m.st.View(func(tx *storage.Tx) error {
		var err error
		accounts, err = tx.Accounts()
		return err
	}); err != nil {
		return fmt.Errorf("read the accounts: %w", err)
	}
	m.mu.Lock()
	var gone []string
	for name, w := range m.running {
		if !slices.ContainsFunc(accounts, func(a storage.Account) bool { return a.Name == name }) {
			w.cancel()
			delete(m.running, name)
			gone = append(gone, name)
		}
	}
	m.mu.Unlock()
	for _, name := range gone {
		m.forget(name)
	}
	for _, a := range accounts {
		m.mu.Lock()
		w := m.running[a.Name]
		m.mu.Unlock()
		password, err := m.passwords.Get(a.Name)
		if err != nil {
			if w == nil {
				// The desk asks for it; until then this account stays offline.
				m.e.log.WithError(err).WithField("account", a.Name).Warn("no password: mail for this account waits for one")
				m.status(imapsync.Status{Account: a.Name, State: imapsync.StateError, Problem: imapsync.ProblemNoPassword, Err: err})
			}
			continue
		}
		if w != nil && reflect.DeepEqual(w.account, a) && w.password == password {
			continue
		}
		if w != nil {
			m.e.log.WithField("account", a.Name).Info("account changed: sync restarts")
		}
		m.sync(a, password)
	}
	return nil
}

// forget removes a removed account's password from this run and from the
// keyring, as account remove does.
func (m *mailWorkers) forget(account string) {
	log := m.e.log.WithField("account", account)
	_ = m.typed.Delete(account)
	switch err := m.keyring.Delete(account); {
	case err == nil:
		log.Info("account removed: its password is removed from the OS keyring")
	case errors.Is(err, secrets.ErrNotFound), errors.Is(err, secrets.ErrNoKeyring):
	default:
		log.WithError(err).Warn("account removed, but its password is still in the OS keyring")
	}
}

// sync starts (or restarts) the account's sync worker.
func (m *mailWorkers) sync(a storage.Account, password string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ctx.Err() != nil {
		return
	}
	if w := m.running[a.Name]; w != nil {
		w.cancel()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.running[a.Name] = &syncWorker{account: a, password: password, cancel: cancel}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		err := imapsync.New(m.st, imapsync.Options{Account: a, Password: password, Log: m.e.log, Status: m.status, Connect: m.e.connectOptions()}).Run(ctx)
		if err != nil && !errors.Is(err, context.Canceled) {
			m.e.log.WithError(err).WithField("account", a.Name).Error("sync stopped")
		}
	}()
}

// connect takes a password the seller typed (asked for, or given in the
// account setup): kept for this run, saved in the keyring where there is
// one, and the account's sync (re)starts. An error wrapping
// secrets.ErrNoKeyring means the password lasts only this run; the mail
// starts all the same.
func (m *mailWorkers) connect(account, password string) error {
	if err := m.typed.Set(account, password); err != nil {
		return err
	}
	kerr := m.keyring.Set(account, password)
	if kerr != nil && !errors.Is(kerr, secrets.ErrNoKeyring) {
		m.e.log.WithError(kerr).WithField("account", account).Warn("the keyring did not take the password; it lasts this run")
	}
	if err := m.refresh(); err != nil {
		return err
	}
	if errors.Is(kerr, secrets.ErrNoKeyring) {
		return kerr
	}
	return nil
}

// stop ends every worker and waits for them; later calls do nothing.
func (m *mailWorkers) stop() {
	m.stopOnce.Do(func() {
		if m.unsub != nil {
			m.unsub()
		}
		m.refreshMu.Lock() // no refresh starts a worker after this
		m.cancel()
		m.refreshMu.Unlock()
		m.wg.Wait()
	})
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

// sendLoop flushes the outbox of every account whenever the outbox or
// the accounts change, and every retryEvery.
func (e *env) sendLoop(ctx context.Context, st *storage.Store, s *outbox.Sender) {
	changed := make(chan struct{}, 1)
	unsub := st.Subscribe(func(events []storage.Event) {
		for _, ev := range events {
			if ev.Kind == storage.KindOutbox || ev.Kind == storage.KindAccount {
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
		var accounts []storage.Account
		err := st.View(func(tx *storage.Tx) error {
			var err error
			accounts, err = tx.Accounts()
			return err
		})
		if err != nil && ctx.Err() == nil {
			e.log.WithError(err).Warn("outbox: read the accounts")
		}
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
	stats, err := imapsync.New(st, imapsync.Options{Account: a, Password: srv.Password(), Log: e.log, Connect: e.connectOptions()}).Once(context.Background())
	if err != nil {
		return fmt.Errorf("demo sync: %w", err)
	}
	if err := demo.Annotate(st, d, now); err != nil {
		return err
	}
	e.log.WithFields(logrus.Fields{"data_dir": dir, "messages": stats.New, "took": time.Since(start).Round(time.Millisecond)}).Info("demo shop ready")
	return nil
}
