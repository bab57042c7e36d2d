package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/emersion/go-smtp"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/outbox"
	"github.com/shopdesk/shopdesk/storage"
)

// sendQueue flushes the outbox: `shopdesk send-queue [--account N]`.
// It prints one line per message it touched, with the state it ended in.
func (e *env) sendQueue(args []string) error {
	fs := flag.NewFlagSet("send-queue", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	account := fs.String("account", "", "send only this account's messages")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input when no keyring holds it")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"usage: shopdesk send-queue [--account NAME] [--password-stdin]"}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()

	// Nothing else sends while this process holds the database.
	requeued, uncertain, err := outbox.Recover(st)
	if err != nil {
		return err
	}
	if requeued+uncertain > 0 {
		e.log.WithFields(logrus.Fields{"requeued": requeued, "uncertain": uncertain}).Warn("an earlier run stopped mid-send")
	}
	accounts, err := e.accountsNamed(st, *account)
	if err != nil {
		return err
	}

	// Ctrl-C stops between messages; one being handed over finishes.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	s := outbox.NewSender(st, e.passwords(*fromStdin), e.log)
	s.DialSMTP = func(a storage.Account, password string) (*smtp.Client, error) {
		return mailbox.DialSMTP(a, password, e.connectOptions()) // the wire at trace level, redacted
	}
	var errs []error
	pending, total := 0, 0
	for _, a := range accounts {
		name := a.Name
		results, err := s.Flush(ctx, name)
		for _, r := range results {
			total++
			if r.State != storage.OutDone {
				pending++
			}
			e.printResult(name, r)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if total == 0 && len(errs) == 0 {
		fmt.Fprintln(e.stdout, "nothing to send")
	}
	if pending > 0 {
		errs = append(errs, fmt.Errorf("%d of %d messages not done (see above)", pending, total))
	}
	return errors.Join(errs...)
}

func (e *env) printResult(account string, r outbox.Result) {
	line := fmt.Sprintf("#%d\t%s\t%s\t%q", r.ID, r.State, account, r.Subject)
	if r.State != storage.OutDone && r.Error != "" {
		line += "\t" + r.Error
	}
	fmt.Fprintln(e.stdout, line)
}
