package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// exitUnresolved: "replies render" left placeholders unfilled (named on stderr).
const exitUnresolved = 4

const repliesUsage = `usage: shopdesk replies list [--json]
       shopdesk replies export FILE.json|FILE.csv
       shopdesk replies import FILE.json|FILE.csv [--dry-run]
       shopdesk replies render SHORTCUT --customer EMAIL [--order NUMBER] [--variant N]`

// The import limits and the CSV byte-order mark live in mailbox/canned.
const (
	maxVariant = canned.MaxVariant
	utf8BOM    = canned.UTF8BOM
)

// replies runs "shopdesk replies ..." and returns the exit code.
func (e *env) replies(args []string) int {
	if len(args) == 0 {
		return exitCode(usageError{repliesUsage}, e.stderr)
	}
	var err error
	switch args[0] {
	case "list":
		err = e.repliesList(args[1:])
	case "export":
		err = e.repliesExport(args[1:])
	case "import":
		err = e.repliesImport(args[1:])
	case "render":
		var left []string
		if left, err = e.repliesRender(args[1:]); err == nil && len(left) > 0 {
			names := make([]string, len(left))
			for i, n := range left {
				names[i] = "{{" + n + "}}"
			}
			fmt.Fprintf(e.stderr, "shopdesk: unresolved placeholders: %s\n", strings.Join(names, " "))
			return exitUnresolved
		}
	default:
		err = usageError{repliesUsage}
	}
	return exitCode(err, e.stderr)
}

// parseArgs parses flags given before, between or after the positional
// arguments, and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func (e *env) loadReplies() ([]storage.CannedReply, error) {
	st, err := e.open()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var out []storage.CannedReply
	err = st.View(func(tx *storage.Tx) error {
		out, err = tx.CannedReplies()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the canned replies: %w", err)
	}
	return out, nil
}

func (e *env) repliesList(args []string) error {
	fs := flag.NewFlagSet("replies list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "one JSON object a line")
	if pos, err := parseArgs(fs, args); err != nil || len(pos) > 0 {
		return usageError{"usage: shopdesk replies list [--json]"}
	}
	all, err := e.loadReplies()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, r := range all {
		if *asJSON {
			err = enc.Encode(r)
		} else {
			shortcut := ""
			if r.Shortcut != "" {
				shortcut = "/" + canned.NormalizeShortcut(r.Shortcut)
			}
			_, err = fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\t%s\t%d variant(s)\n", r.ID, r.Language, shortcut, r.Category, r.Title, len(r.Variants))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// fileKind is "json" or "csv", from the file's extension.
func fileKind(name string) (string, error) {
	kind, err := canned.FileKind(name)
	if err != nil {
		return "", usageError{err.Error()}
	}
	return kind, nil
}

func (e *env) repliesExport(args []string) error {
	if len(args) != 1 {
		return usageError{"usage: shopdesk replies export FILE.json|FILE.csv"}
	}
	if _, err := fileKind(args[0]); err != nil {
		return err
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var all []storage.CannedReply
	var files canned.Files
	err = st.View(func(tx *storage.Tx) error {
		if all, err = tx.CannedReplies(); err != nil {
			return err
		}
		if kind, _ := canned.FileKind(args[0]); kind == "json" {
			files, err = canned.LoadFiles(tx, all)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("read the canned replies: %w", err)
	}
	if err := canned.Export(args[0], all, files); err != nil {
		return err
	}
	e.log.WithField("file", args[0]).Infof("%d canned replies exported", len(all))
	return nil
}

func (e *env) repliesImport(args []string) error {
	fs := flag.NewFlagSet("replies import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dryRun := fs.Bool("dry-run", false, "check the file and say what would change, change nothing")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return usageError{"usage: shopdesk replies import FILE.json|FILE.csv [--dry-run]"}
	}
	name := pos[0]
	if _, err := fileKind(name); err != nil {
		return err
	}
	batch, err := canned.ReadFile(name)
	if err != nil {
		return err
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var created, updated int
	bad := batch.Bad
	err = st.Update(func(tx *storage.Tx) error {
		var refused []canned.RowError
		var err error
		created, updated, refused, err = canned.Merge(tx, batch, *dryRun)
		bad = append(bad, refused...)
		return err
	})
	if err != nil {
		return fmt.Errorf("import %s: %w", name, err)
	}
	for _, b := range bad {
		fmt.Fprintf(e.stderr, "%s: %s\n", name, b)
	}
	verb := "imported"
	if *dryRun {
		verb = "would import"
	}
	fmt.Fprintf(e.stdout, "%s %d replies: %d new, %d updated; %d rows refused\n", verb, created+updated, created, updated, len(bad))
	if len(bad) > 0 {
		return fmt.Errorf("%d rows of %s were not imported (listed above)", len(bad), name)
	}
	return nil
}

// repliesRender prints the reply for the shortcut, filled for the
// customer; it returns the placeholders it could not fill instead.
func (e *env) repliesRender(args []string) ([]string, error) {
	fs := flag.NewFlagSet("replies render", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	email := fs.String("customer", "", "the customer's email address")
	order := fs.String("order", "", "the order number (default: the customer's latest order)")
	variant := fs.Int("variant", 1, "which phrasing, counting from 1")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 || *email == "" || *variant < 1 {
		return nil, usageError{"usage: shopdesk replies render SHORTCUT --customer EMAIL [--order NUMBER] [--variant N]"}
	}
	st, err := e.open()
	if err != nil {
		return nil, err
	}
	defer st.Close()
	var reply storage.CannedReply
	var ctx canned.Context
	err = st.View(func(tx *storage.Tx) error {
		cust, err := tx.CustomerByEmail(*email)
		if err != nil {
			return err
		}
		all, err := tx.CannedReplies()
		if err != nil {
			return err
		}
		var ok bool
		if reply, ok = canned.Choose(all, pos[0], cust.Language); !ok {
			return fmt.Errorf("no canned reply has the shortcut %q", pos[0])
		}
		ctx, err = canned.LoadContext(tx, 0, cust.ID, *order)
		return err
	})
	if err != nil {
		return nil, err
	}
	if *variant > len(reply.Variants) {
		return nil, usageError{fmt.Sprintf("%q has %d variant(s)", reply.Title, len(reply.Variants))}
	}
	ctx.Now = time.Now()
	text, left := canned.Render(reply.Variants[*variant-1].Body, ctx, reply.Language)
	if len(left) > 0 {
		return left, nil
	}
	_, err = fmt.Fprintln(e.stdout, text)
	return nil, err
}
