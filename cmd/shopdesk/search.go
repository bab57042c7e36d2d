package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/search"
)

// The search index lives in memory (storage/search says why); the
// command line builds it from the database for each run, which takes
// about two seconds for 100,000 messages.

func (e *env) searchCmd(args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "one JSON object a line: each kind's total and hits")
	limit := fs.Int("limit", 10, "hits listed per kind")
	// Flags may come before or after the query words.
	var words []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) > 0 {
			words, args = append(words, args[0]), args[1:]
		}
	}
	query := strings.TrimSpace(strings.Join(words, " "))
	if query == "" || *limit <= 0 {
		return usageError{"usage: shopdesk search QUERY [--json] [--limit N]\n" +
			"  QUERY: words (prefixes), Chinese or Japanese text, order or tracking numbers, \"a phrase\",\n" +
			"  and filters from: to: tag: status: before:YYYY-MM-DD after:YYYY-MM-DD has:attachment"}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	ix := search.New()
	if err := ix.Build(context.Background(), st, nil); err != nil {
		return fmt.Errorf("build the search index: %w", err)
	}
	res, err := ix.Search(st, query, search.Options{Limit: *limit})
	var qe *search.QueryError
	if errors.As(err, &qe) {
		return usageError{fmt.Sprintf("%s:%s: %s", qe.Key, qe.Value, filterHelp(qe.Key))}
	}
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, g := range res.Groups {
			if err := enc.Encode(g); err != nil {
				return err
			}
		}
		return nil
	}
	printResults(e.stdout, res, isTerminal(e.stdout))
	return nil
}

func filterHelp(key string) string {
	switch key {
	case "before", "after":
		return "use a date as YYYY-MM-DD"
	case "has":
		return "the filter is has:attachment"
	}
	return "not understood"
}

var kindTitles = map[storage.Kind]string{
	storage.KindMessage: "Messages", storage.KindCustomer: "Customers", storage.KindOrder: "Orders",
	storage.KindCall: "Calls", storage.KindNote: "Notes",
}

// printResults writes the hits grouped by kind, matches in bold on a
// terminal and between » « otherwise.
func printResults(w io.Writer, res search.Results, term bool) {
	if res.Total == 0 {
		fmt.Fprintln(w, "Nothing found.")
		return
	}
	open, closing := "»", "«"
	if term {
		open, closing = "\x1b[1;4m", "\x1b[0m"
	}
	mark := func(s string, rs []search.Range) string {
		var b strings.Builder
		at := 0
		for _, r := range rs {
			b.WriteString(s[at:r.Start])
			b.WriteString(open + s[r.Start:r.End] + closing)
			at = r.End
		}
		b.WriteString(s[at:])
		return b.String()
	}
	for i, g := range res.Groups {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s (%d)\n", kindTitles[g.Kind], g.Total)
		for _, h := range g.Hits {
			date := "          "
			if !h.Date.IsZero() {
				date = h.Date.In(time.Local).Format("2006-01-02")
			}
			fmt.Fprintf(w, "  %s  #%-6d %s\n", date, h.ID, mark(h.Title, h.TitleMatches))
			if h.Snippet != "" {
				fmt.Fprintf(w, "              %s\n", mark(h.Snippet, h.SnippetMatches))
			}
		}
		if more := g.Total - len(g.Hits); more > 0 {
			fmt.Fprintf(w, "  … %d more\n", more)
		}
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb"
}
