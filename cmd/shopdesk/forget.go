package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

const forgetUsage = `usage: shopdesk forget EMAIL|PHONE|ID [--trash-on-server] [--password-stdin] --yes
  removes the customer and everything linked to them; this cannot be undone
  (export their archive first if you need it). --trash-on-server also moves
  their mail on the mail server to its Trash folder.`

func (e *env) forget(args []string) error {
	fs := flag.NewFlagSet("forget", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	trash := fs.Bool("trash-on-server", false, "also move their mail on the server to Trash")
	yes := fs.Bool("yes", false, "confirm: forget the customer for good")
	fromStdin := fs.Bool("password-stdin", false, "read the account password from standard input when no keyring holds it")
	var ref string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		ref, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usageError{forgetUsage}
	}
	if ref == "" && fs.NArg() == 1 {
		ref = fs.Arg(0)
	} else if fs.NArg() > 0 || ref == "" {
		return usageError{forgetUsage}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var c storage.Customer
	if err := st.View(func(tx *storage.Tx) error {
		c, err = findCustomer(tx, ref)
		return err
	}); err != nil {
		return err
	}
	if !*yes {
		return usageError{fmt.Sprintf("forget: customer %d (%s) would be removed for good; add --yes to confirm\n%s", c.ID, c.Name, forgetUsage)}
	}
	var opt *mailbox.TrashOptions
	if *trash {
		opt = &mailbox.TrashOptions{Password: e.passwords(*fromStdin).Get}
		fmt.Fprintln(e.stderr, "forget: moving their mail to Trash on the server…")
	}
	f, moved, err := mailbox.Forget(st, c.ID, opt)
	if err != nil {
		return fmt.Errorf("forget customer %d: %w", c.ID, err)
	}
	// Log counts only: the customer's name and addresses are gone for good.
	e.log.WithFields(logrus.Fields{"conversations": f.Conversations, "messages": f.Messages, "orders": f.Orders,
		"trashed": moved.Moved}).Info("customer forgotten")
	fmt.Fprintf(e.stdout, "forgotten: %d conversations, %d messages, %d orders, %d calls, %d notes, %d follow-ups, %d drafts, %d outbox items\n",
		f.Conversations, f.Messages, f.Orders, f.Calls, f.Notes, f.FollowUps, f.Drafts, f.Outbox)
	if *trash {
		fmt.Fprintf(e.stdout, "moved to Trash on the server: %d (%d were no longer there)\n", moved.Moved, moved.Missing)
	}
	return nil
}
