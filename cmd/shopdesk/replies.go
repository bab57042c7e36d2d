package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// exitUnresolved: "replies render" left placeholders unfilled (named on stderr).
const exitUnresolved = 4

const repliesUsage = `usage: shopdesk replies list [--json]
       shopdesk replies export FILE.json|FILE.csv
       shopdesk replies import FILE.json|FILE.csv [--dry-run]
       shopdesk replies render SHORTCUT --customer EMAIL [--order NUMBER] [--variant N]`

// Limits on imported replies: a row past them is refused with its line number.
const (
	maxShortcut = 32
	maxTitle    = 120
	maxCategory = 120
	maxVariant  = 4000 // runes
	maxVariants = 20
)

// utf8BOM makes Excel read a CSV file as UTF-8 (Chinese shows instead of mojibake).
const utf8BOM = "\ufeff"

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
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return "json", nil
	case ".csv", ".txt":
		return "csv", nil
	}
	return "", usageError{fmt.Sprintf("%s: name the file .json or .csv", name)}
}

func (e *env) repliesExport(args []string) error {
	if len(args) != 1 {
		return usageError{"usage: shopdesk replies export FILE.json|FILE.csv"}
	}
	kind, err := fileKind(args[0])
	if err != nil {
		return err
	}
	all, err := e.loadReplies()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if kind == "json" {
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if all == nil {
			all = []storage.CannedReply{}
		}
		if err := enc.Encode(all); err != nil {
			return err
		}
	} else {
		n := 1
		for _, r := range all {
			n = max(n, len(r.Variants))
		}
		buf.WriteString(utf8BOM)
		w := csv.NewWriter(&buf)
		w.UseCRLF = true // what Excel writes
		head := []string{"category", "title", "shortcut", "language"}
		for i := range n {
			head = append(head, fmt.Sprintf("variant%d", i+1))
		}
		w.Write(head)
		for _, r := range all {
			row := []string{r.Category, r.Title, r.Shortcut, r.Language}
			for i := range n {
				v := ""
				if i < len(r.Variants) {
					v = r.Variants[i].Body
				}
				row = append(row, v)
			}
			w.Write(row)
		}
		if w.Flush(); w.Error() != nil {
			return w.Error()
		}
	}
	if err := writeFileAtomic(args[0], buf.Bytes()); err != nil {
		return err
	}
	e.log.WithField("file", args[0]).Infof("%d canned replies exported", len(all))
	return nil
}

// writeFileAtomic writes a 0600 file through a temporary one, so a failed
// export never leaves half a file under the name.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".shopdesk-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// rowError is one record that could not be imported.
type rowError struct {
	where string // "line 4", "record 2"
	msg   string
}

func (r rowError) String() string { return r.where + ": " + r.msg }

// decodeText reads a text file as UTF-8 (a BOM is dropped); a file that is
// not valid UTF-8 is read as GB18030, which covers GBK, what Excel in
// China saves.
func decodeText(data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	if utf8.Valid(data) {
		return string(data), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", fmt.Errorf("the file is neither UTF-8 nor GBK/GB18030: %w", err)
	}
	return string(out), nil
}

// parseRepliesJSON reads an export: an array of full records.
func parseRepliesJSON(text string) ([]storage.CannedReply, []string, []rowError, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, nil, nil, fmt.Errorf("not a canned-reply export (a JSON array): %w", err)
	}
	var out []storage.CannedReply
	var where []string
	var bad []rowError
	for i, m := range raw {
		at := fmt.Sprintf("record %d", i+1)
		var r storage.CannedReply
		if err := json.Unmarshal(m, &r); err != nil {
			bad = append(bad, rowError{at, err.Error()})
			continue
		}
		if msg := checkReply(&r); msg != "" {
			bad = append(bad, rowError{at, msg})
			continue
		}
		out, where = append(out, r), append(where, at)
	}
	return out, where, bad, nil
}

// csvRecord is a parsed CSV record and the line it starts on.
type csvRecord struct {
	line   int
	fields []string
}

// readCSV reads every record it can. A malformed record is reported with
// its line and skipped; an unclosed quote that swallowed the lines after
// it is reported and reading restarts on the next line.
func readCSV(text string) ([]csvRecord, []rowError) {
	lines := strings.SplitAfter(text, "\n")
	var recs []csvRecord
	var bad []rowError
	offset := 0 // lines before the reader's input
	for offset < len(lines) {
		r := csv.NewReader(strings.NewReader(strings.Join(lines[offset:], "")))
		r.FieldsPerRecord = -1
		restart := false
		for {
			fields, err := r.Read()
			if err == io.EOF {
				return recs, bad
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, rowError{fmt.Sprintf("line %d", offset+pe.StartLine), csvReason(pe)})
				if pe.Line > pe.StartLine {
					offset += pe.StartLine
					restart = true
					break
				}
				continue
			}
			if err != nil {
				bad = append(bad, rowError{"file", err.Error()})
				return recs, bad
			}
			line, _ := r.FieldPos(0)
			recs = append(recs, csvRecord{offset + line, fields})
		}
		if !restart {
			break
		}
	}
	return recs, bad
}

func csvReason(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
		return "a quoted field is not closed"
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("bad quote in column %d (double a quote inside a quoted field: \"\")", pe.Column)
	}
	return pe.Err.Error()
}

// parseRepliesCSV reads our export format (a header starting
// category,title,shortcut,language), or the plain "shortcut,text" CSV other
// seller tools write, with or without that header.
func parseRepliesCSV(text string) ([]storage.CannedReply, []string, []rowError, error) {
	recs, bad := readCSV(text)
	if len(recs) == 0 {
		return nil, nil, bad, nil
	}
	head := make([]string, len(recs[0].fields))
	for i, f := range recs[0].fields {
		head[i] = strings.ToLower(strings.TrimSpace(f))
	}
	ours := len(head) >= 4 && head[0] == "category" && head[1] == "title" && head[2] == "shortcut" && head[3] == "language"
	plainHeader := len(head) == 2 && head[0] == "shortcut" && head[1] == "text"
	switch {
	case ours, plainHeader:
		recs = recs[1:]
	case len(head) == 2:
	default:
		return nil, nil, bad, fmt.Errorf("line %d: not a canned-reply CSV: want the header category,title,shortcut,language,variant1... or two columns shortcut,text", recs[0].line)
	}
	var out []storage.CannedReply
	var where []string
	for _, rec := range recs {
		at := fmt.Sprintf("line %d", rec.line)
		f := rec.fields
		if len(f) == 1 && strings.TrimSpace(f[0]) == "" {
			continue // blank line
		}
		var r storage.CannedReply
		if ours {
			if len(f) < 4 {
				bad = append(bad, rowError{at, fmt.Sprintf("%d columns, want at least 5", len(f))})
				continue
			}
			r = storage.CannedReply{Category: strings.TrimSpace(f[0]), Title: strings.TrimSpace(f[1]),
				Shortcut: strings.TrimSpace(f[2]), Language: strings.TrimSpace(f[3])}
			for _, v := range f[4:] {
				if strings.TrimSpace(v) != "" {
					r.Variants = append(r.Variants, storage.CannedVariant{Body: v})
				}
			}
		} else {
			if len(f) != 2 {
				bad = append(bad, rowError{at, fmt.Sprintf("%d columns, want 2 (shortcut,text)", len(f))})
				continue
			}
			r = storage.CannedReply{Shortcut: strings.TrimSpace(f[0]), Language: guessLanguage(f[1])}
			if strings.TrimSpace(f[1]) != "" {
				r.Variants = []storage.CannedVariant{{Body: f[1]}}
			}
		}
		if msg := checkReply(&r); msg != "" {
			bad = append(bad, rowError{at, msg})
			continue
		}
		out, where = append(out, r), append(where, at)
	}
	return out, where, bad, nil
}

// guessLanguage is for files that do not say: Chinese text is zh-Hans.
func guessLanguage(text string) string {
	if strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return "zh-Hans"
	}
	return "en"
}

// checkReply tidies an imported reply and says what is wrong with it, or "".
func checkReply(r *storage.CannedReply) string {
	r.Shortcut = canned.NormalizeShortcut(r.Shortcut)
	if r.Title == "" {
		r.Title = r.Shortcut
	}
	if r.Language == "" {
		text := ""
		if len(r.Variants) > 0 {
			text = r.Variants[0].Body
		}
		r.Language = guessLanguage(text)
	}
	n := func(s string) int { return utf8.RuneCountInString(s) }
	switch {
	case len(r.Variants) == 0:
		return "no text"
	case r.Title == "":
		return "no title or shortcut"
	case strings.ContainsFunc(r.Shortcut, unicode.IsSpace):
		return fmt.Sprintf("shortcut %q has a space", r.Shortcut)
	case n(r.Shortcut) > maxShortcut:
		return fmt.Sprintf("shortcut too long (%d characters, at most %d)", n(r.Shortcut), maxShortcut)
	case n(r.Title) > maxTitle:
		return fmt.Sprintf("title too long (%d characters, at most %d)", n(r.Title), maxTitle)
	case n(r.Category) > maxCategory:
		return fmt.Sprintf("category too long (%d characters, at most %d)", n(r.Category), maxCategory)
	case len(r.Variants) > maxVariants:
		return fmt.Sprintf("%d variants, at most %d", len(r.Variants), maxVariants)
	}
	for i, v := range r.Variants {
		if strings.TrimSpace(v.Body) == "" {
			return fmt.Sprintf("variant %d has no text", i+1)
		}
		if n(v.Body) > maxVariant {
			return fmt.Sprintf("text too long (%d characters, at most %d)", n(v.Body), maxVariant)
		}
	}
	return ""
}

// replyKey is what makes two replies the same one on re-import: the
// shortcut (the title when there is none) and the language.
func replyKey(r storage.CannedReply) string {
	id := "/" + canned.NormalizeShortcut(r.Shortcut)
	if id == "/" {
		id = "title:" + strings.TrimSpace(r.Title)
	}
	return id + "\x00" + strings.ToLower(strings.TrimSpace(r.Language))
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
	kind, err := fileKind(name)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	text, err := decodeText(data)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	var recs []storage.CannedReply
	var where []string
	var bad []rowError
	if kind == "json" {
		recs, where, bad, err = parseRepliesJSON(text)
	} else {
		recs, where, bad, err = parseRepliesCSV(text)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}

	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var created, updated int
	err = st.Update(func(tx *storage.Tx) error {
		existing, err := tx.CannedReplies()
		if err != nil {
			return err
		}
		byKey := make(map[string]storage.CannedReply, len(existing))
		for _, r := range existing {
			if _, dup := byKey[replyKey(r)]; !dup {
				byKey[replyKey(r)] = r
			}
		}
		for i, r := range recs {
			r.ID, r.UsageCount, r.LastUsed = 0, 0, time.Time{}
			if old, ok := byKey[replyKey(r)]; ok {
				r.ID, r.UsageCount, r.LastUsed = old.ID, old.UsageCount, old.LastUsed
				if kind == "csv" {
					r.Attachments = old.Attachments // a CSV does not carry them
				}
				updated++
			} else {
				created++
			}
			if !*dryRun {
				if err := tx.SaveCannedReply(&r); err != nil {
					bad = append(bad, rowError{where[i], err.Error()})
					continue
				}
			} else if r.ID == 0 {
				r.ID = uint64(1<<63) + uint64(i) // stands in for the ID it would get
			}
			byKey[replyKey(r)] = r
		}
		return nil
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
