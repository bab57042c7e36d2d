package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/storage"
)

// version is the release, set with -ldflags "-X main.version=..." by packagers.
var version = "0.1.0"

// Exit codes scripts can rely on.
const (
	exitOK      = 0
	exitError   = 1
	exitUsage   = 2
	exitRunning = 3 // another Shopdesk holds the data folder
)

const usage = `Usage: shopdesk [--data-dir DIR] [--log-level LEVEL] [COMMAND]

Commands:
  (none)          open the desk
  demo            open the desk on sample data in a temporary folder
  version         print the version
  backup FILE     write a consistent copy of the database to FILE (safe while the desk runs)
  restore FILE    replace the database with the backup FILE (the desk must be closed)
  account add|list|remove
                  manage mail accounts (passwords go to the OS keyring)
  sync [--account N] [--once]
                  fetch new mail; without --once, stay and follow it (IDLE)
  send-queue [--account N]
                  send the replies waiting in the outbox
  list KIND [--json]
                  print customers, conversations, messages, orders, calls or followups,
                  one JSON object a line with --json
  replies list|export|import|render
                  canned replies: list [--json], export FILE, import FILE [--dry-run], render SHORTCUT --customer EMAIL [--order N]
  import customers|orders FILE [--preset P] [--map field=Column ...] [--dry-run] [--json]
                  customers or orders from CSV, XLSX or vCard (Taobao, Shopee, Amazon, Shopify, Shopdesk
                  layouts detected); matched rows are updated; bad rows reported by line
  import mail FILE|FOLDER ... [--dry-run] [--json]
                  old mail from mbox or .eml files into the customers' timelines
  customer add|show|merge
                  add --name N [--email E]... [--phone P]...; show EMAIL|PHONE|ID; merge KEEP GONE
  order add|update
                  add --customer EMAIL|ID --number N [--total 12.50 --status S ...]; update NUMBER [--status S ...]
  call log --customer EMAIL|PHONE|ID --direction in|out --duration 5m --summary S --outcome O
                  [--phone P] [--start T] [--due T] [--severity low|medium|high] [--json]
  followup list [--due] [--json]
                  open follow-ups, earliest due first; --due: only those due now
  followup done ID [--rating 1-5|satisfied|neutral|dissatisfied] [--comment TEXT] [--json]
  stats [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                  the desk's figures (response times, workload, satisfaction, conversion);
                  default: the last 30 days
  export customer EMAIL|ID --out FILE.zip | customers --format csv|xlsx|vcf --out FILE
         | orders --format csv|xlsx --out FILE | all --out DIR|FILE.zip
                  write one customer's archive, the lists, or everything (progress on stderr)
  forget EMAIL|ID [--trash-on-server] --yes
                  remove a customer and everything linked to them, on their request
  search QUERY [--json] [--limit N]
                  find messages, customers, orders, calls and notes: words, Chinese or Japanese
                  text, order and tracking numbers; filters from: to: tag: status:
                  before:YYYY-MM-DD after:YYYY-MM-DD has:attachment
  reindex         build the search index and print how many records it holds
`

// env is what a command needs from the process: its streams and logger.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *logrus.Logger
	dataDir        string
	secretStore    passwordStore // account passwords; nil means the OS keyring (account.go)
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("shopdesk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	dataDir := fs.String("data-dir", "", "data folder (default: the user config folder's shopdesk)")
	level := fs.String("log-level", "info", "log level: trace (adds the mail protocol, passwords and mail text left out), debug, info, warn, error")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	lvl, err := logrus.ParseLevel(*level)
	if err != nil {
		fmt.Fprintf(stderr, "shopdesk: %v\n", err)
		return exitUsage
	}
	if *dataDir == "" {
		if *dataDir, err = defaultDataDir(); err != nil {
			fmt.Fprintf(stderr, "shopdesk: %v\n", err)
			return exitError
		}
	}
	log, closeLog := newLogger(lvl, stderr)
	defer closeLog()
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, log: log, dataDir: *dataDir}

	cmd, rest := "", fs.Args()
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	var cmdErr error
	switch cmd {
	case "":
		cmdErr = e.gui()
	case "demo":
		cmdErr = e.demo()
	case "version":
		fmt.Fprintf(stdout, "shopdesk %s (schema %d)\n", version, storage.SchemaVersion)
	case "backup":
		cmdErr = e.backup(rest)
	case "restore":
		cmdErr = e.restore(rest)
	case "list":
		cmdErr = e.list(rest)
	case "account":
		cmdErr = e.account(rest)
	case "sync":
		cmdErr = e.syncCmd(rest)
	case "send-queue":
		cmdErr = e.sendQueue(rest)
	case "replies":
		return e.replies(rest)
	case "import":
		return e.importCmd(rest)
	case "customer":
		cmdErr = e.customer(rest)
	case "order":
		cmdErr = e.order(rest)
	case "call":
		cmdErr = e.call(rest)
	case "followup":
		cmdErr = e.followUp(rest)
	case "stats":
		cmdErr = e.statsCmd(rest)
	case "export":
		cmdErr = e.export(rest)
	case "forget":
		cmdErr = e.forget(rest)
	case "search":
		cmdErr = e.searchCmd(rest)
	case "reindex":
		cmdErr = e.reindex(rest)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "shopdesk: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	return exitCode(cmdErr, stderr)
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "shopdesk: %v\n", err)
	var ue usageError
	switch {
	case errors.Is(err, storage.ErrAlreadyRunning):
		return exitRunning
	case errors.As(err, &ue):
		return exitUsage
	}
	return exitError
}

func defaultDataDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user config folder (use --data-dir): %w", err)
	}
	return filepath.Join(dir, "shopdesk"), nil
}

func (e *env) open() (*storage.Store, error) {
	st, err := storage.Open(e.dataDir)
	if err != nil {
		return nil, err
	}
	e.log.WithFields(logrus.Fields{"path": st.Path(), "schema": storage.SchemaVersion}).Debug("database open")
	return st, nil
}

func (e *env) backup(args []string) error {
	if len(args) != 1 {
		return usageError{"usage: shopdesk backup FILE"}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(args[0]); err != nil {
		return err
	}
	e.log.WithField("file", args[0]).Info("backup written")
	return nil
}

func (e *env) restore(args []string) error {
	if len(args) != 1 {
		return usageError{"usage: shopdesk restore FILE"}
	}
	if err := storage.Restore(e.dataDir, args[0]); err != nil {
		return err
	}
	e.log.WithFields(logrus.Fields{"file": args[0], "data_dir": e.dataDir}).Info("database restored")
	return nil
}
