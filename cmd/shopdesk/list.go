package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/shopdesk/shopdesk/storage"
)

// pageSize bounds how many records one read transaction holds in memory.
const pageSize = 500

// lister pages through one record type by ID.
type lister func(tx *storage.Tx, after uint64) (items []any, last uint64, err error)

func pager[T any](page func(*storage.Tx, uint64, int) ([]T, error), id func(T) uint64) lister {
	return func(tx *storage.Tx, after uint64) ([]any, uint64, error) {
		recs, err := page(tx, after, pageSize)
		items := make([]any, len(recs))
		for i, r := range recs {
			items[i], after = r, id(r)
		}
		return items, after, err
	}
}

var listers = map[string]lister{
	"customers":     pager((*storage.Tx).Customers, func(c storage.Customer) uint64 { return c.ID }),
	"conversations": pager((*storage.Tx).Conversations, func(c storage.Conversation) uint64 { return c.ID }),
	"messages":      pager((*storage.Tx).Messages, func(m storage.Message) uint64 { return m.ID }),
	"orders":        pager((*storage.Tx).Orders, func(o storage.Order) uint64 { return o.ID }),
	"calls":         pager((*storage.Tx).Calls, func(c storage.Call) uint64 { return c.ID }),
	"followups":     pager((*storage.Tx).FollowUps, func(f storage.FollowUp) uint64 { return f.ID }),
}

func (e *env) list(args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "one JSON object a line")
	// Accept the kind before or after the flags.
	var kind string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		kind, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if kind == "" && fs.NArg() == 1 {
		kind = fs.Arg(0)
	}
	next, ok := listers[kind]
	if !ok {
		kinds := make([]string, 0, len(listers))
		for k := range listers {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		return usageError{fmt.Sprintf("usage: shopdesk list %s [--json]", strings.Join(kinds, "|"))}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for after := uint64(0); ; {
		var items []any
		err := st.View(func(tx *storage.Tx) error {
			var err error
			items, after, err = next(tx, after)
			return err
		})
		if err != nil {
			return fmt.Errorf("list %s: %w", kind, err)
		}
		for _, it := range items {
			if *asJSON {
				err = enc.Encode(it)
			} else {
				err = writeLine(e.stdout, it)
			}
			if err != nil {
				return err
			}
		}
		if len(items) < pageSize {
			return nil
		}
	}
}

// writeLine prints a record as one readable line.
func writeLine(w io.Writer, it any) error {
	var err error
	switch r := it.(type) {
	case storage.Customer:
		_, err = fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", r.ID, r.Name, r.Segment, strings.Join(r.Emails, ", "))
	case storage.Conversation:
		_, err = fmt.Fprintf(w, "%d\t%s\t%s\tcustomer %d\n", r.ID, r.Status, r.Subject, r.CustomerID)
	case storage.Message:
		_, err = fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", r.ID, r.Date.Format("2006-01-02 15:04"), r.Direction, r.From.Email, r.Subject)
	case storage.Order:
		_, err = fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s %s\n", r.ID, r.Platform, r.Number, r.Status, r.Carrier, r.Tracking)
	case storage.Call:
		_, err = fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", r.ID, r.Start.Format("2006-01-02 15:04"), r.Direction, r.Outcome, r.Summary)
	case storage.FollowUp:
		_, err = fmt.Fprintf(w, "%d\t%s\t%s\tcustomer %d\t%s\n", r.ID, r.Due.Format("2006-01-02 15:04"), r.Kind, r.CustomerID, r.Note)
	}
	return err
}
