package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox/imapsync"
	"github.com/shopdesk/shopdesk/storage"
)

// syncCmd runs `shopdesk sync [--account N] [--once]`.
func (e *env) syncCmd(args []string) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	name := fs.String("account", "", "the account to sync (default: all)")
	once := fs.Bool("once", false, "sync once and exit (default: stay and follow new mail)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input when no keyring holds it")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return usageError{"usage: shopdesk sync [--account N] [--once] [--password-stdin]"}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	accounts, err := e.accountsNamed(st, *name)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	errs := make(chan error, len(accounts))
	passwords := e.passwords(*fromStdin)
	for _, a := range accounts {
		password, err := passwords.Get(a.Name)
		if err != nil {
			return err
		}
		s := imapsync.New(st, imapsync.Options{Account: a, Password: password, Log: e.log, Progress: e.progressPrinter(a.Name), Connect: e.connectOptions()})
		go func() {
			if *once {
				stats, err := s.Once(ctx)
				if err == nil {
					fmt.Fprintf(e.stderr, "%s: %d new, %d moved, %d flag changes, %d gone, %d quarantined (%.1f MB)\n",
						a.Name, stats.New, stats.Relocated, stats.Flags, stats.Gone, stats.Quarantined, float64(stats.Bytes)/1e6)
				}
				errs <- err
				return
			}
			errs <- s.Run(ctx)
		}()
	}
	var all []error
	for range accounts {
		if err := <-errs; err != nil && !errors.Is(err, context.Canceled) {
			all = append(all, err)
		}
	}
	return errors.Join(all...)
}

// accountsNamed returns the named account, or all of them for "".
func (e *env) accountsNamed(st *storage.Store, name string) ([]storage.Account, error) {
	var out []storage.Account
	err := st.View(func(tx *storage.Tx) error {
		var err error
		out, err = tx.Accounts()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	if name != "" {
		out = slices.DeleteFunc(out, func(a storage.Account) bool { return a.Name != name })
		if len(out) == 0 {
			return nil, usageError{fmt.Sprintf("no account named %q (see `shopdesk account list`)", name)}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no mail account yet: add one with `shopdesk account add`")
	}
	return out, nil
}

// progressPrinter shows a folder's download on stderr at most twice a second.
func (e *env) progressPrinter(account string) func(imapsync.Progress) {
	var last time.Time
	return func(p imapsync.Progress) {
		if !p.Done && time.Since(last) < 500*time.Millisecond {
			return
		}
		last = time.Now()
		rate := 0.0
		if s := p.Elapsed.Seconds(); s > 0 {
			rate = float64(p.Messages) / s
		}
		of := ""
		if p.Total > 0 {
			of = fmt.Sprintf("/%d", p.Total)
		}
		e.log.WithFields(logrus.Fields{"account": account, "folder": p.Folder}).Debug("progress")
		fmt.Fprintf(e.stderr, "%s %s: %d%s messages, %.1f MB, %.0f msg/s\n", account, p.Folder, p.Messages, of, float64(p.Bytes)/1e6, rate)
	}
}
