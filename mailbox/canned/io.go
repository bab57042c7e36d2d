package canned

// Import and export of the canned-reply library as JSON (full records)
// and CSV (our columns, or the plain "shortcut,text" other seller tools
// write). The CLI (shopdesk replies import/export) and the management
// screen share it.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shopdesk/shopdesk/storage"
)

// Limits on imported replies: a row past them is refused with its line number.
const (
	MaxShortcut = 32
	MaxTitle    = 120
	MaxCategory = 120
	MaxVariant  = 4000 // runes
	MaxVariants = 20
)

// UTF8BOM makes Excel read a CSV file as UTF-8 (Chinese shows instead of mojibake).
const UTF8BOM = "\ufeff"

// FileKind is "json" or "csv", from the file's extension.
func FileKind(name string) (string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return "json", nil
	case ".csv", ".txt":
		return "csv", nil
	}
	return "", fmt.Errorf("%s: name the file .json or .csv", name)
}

// WriteJSON writes the replies as an indented JSON array (an export).
func WriteJSON(w io.Writer, all []storage.CannedReply) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if all == nil {
		all = []storage.CannedReply{}
	}
	return enc.Encode(all)
}

// WriteCSV writes the replies as CSV with a UTF-8 BOM and CRLF line ends
// (what Excel reads and writes): category,title,shortcut,language,variant1...
func WriteCSV(out io.Writer, all []storage.CannedReply) error {
	n := 1
	for _, r := range all {
		n = max(n, len(r.Variants))
	}
	if _, err := io.WriteString(out, UTF8BOM); err != nil {
		return err
	}
	w := csv.NewWriter(out)
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
	w.Flush()
	return w.Error()
}

// Export writes the replies to the file, JSON or CSV by its extension,
// 0600, through a temporary file so a failed export never leaves half a
// file under the name.
func Export(name string, all []storage.CannedReply) error {
	kind, err := FileKind(name)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if kind == "json" {
		err = WriteJSON(&buf, all)
	} else {
		err = WriteCSV(&buf, all)
	}
	if err != nil {
		return err
	}
	return WriteFileAtomic(name, buf.Bytes())
}

// WriteFileAtomic writes a 0600 file through a temporary one, so a failed
// export never leaves half a file under the name.
func WriteFileAtomic(name string, data []byte) error {
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

// RowError is one record that could not be imported.
type RowError struct {
	Where string // "line 4", "record 2"
	Msg   string
}

func (r RowError) String() string { return r.Where + ": " + r.Msg }

// Batch is what a file holds: the replies that can be imported, where
// each came from, and the rows refused.
type Batch struct {
	Replies []storage.CannedReply
	Where   []string // Where[i] is Replies[i]'s "line 4" or "record 2"
	Bad     []RowError
	CSV     bool // a CSV carries no attachments
}

// ReadFile reads an import file, JSON or CSV by its extension. An error
// is for a file that cannot be read at all; bad rows are in Batch.Bad.
func ReadFile(name string) (*Batch, error) {
	if _, err := FileKind(name); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return Read(name, data)
}

// Read reads an import file's contents; name gives the kind by its extension.
func Read(name string, data []byte) (*Batch, error) {
	kind, err := FileKind(name)
	if err != nil {
		return nil, err
	}
	text, err := decodeText(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	b := &Batch{CSV: kind == "csv"}
	if kind == "json" {
		b.Replies, b.Where, b.Bad, err = parseRepliesJSON(text)
	} else {
		b.Replies, b.Where, b.Bad, err = parseRepliesCSV(text)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

// decodeText reads a text file as UTF-8 (a BOM is dropped); a file that is
// not valid UTF-8 is read as GB18030, which covers GBK, what Excel in
// China saves.
func decodeText(data []byte) (string, error) {
	data = bytes.TrimPrefix(data, []byte(UTF8BOM))
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
func parseRepliesJSON(text string) ([]storage.CannedReply, []string, []RowError, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, nil, nil, fmt.Errorf("not a canned-reply export (a JSON array): %w", err)
	}
	var out []storage.CannedReply
	var where []string
	var bad []RowError
	for i, m := range raw {
		at := fmt.Sprintf("record %d", i+1)
		var r storage.CannedReply
		if err := json.Unmarshal(m, &r); err != nil {
			bad = append(bad, RowError{at, err.Error()})
			continue
		}
		if msg := checkReply(&r); msg != "" {
			bad = append(bad, RowError{at, msg})
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
func readCSV(text string) ([]csvRecord, []RowError) {
	lines := strings.SplitAfter(text, "\n")
	var recs []csvRecord
	var bad []RowError
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
				bad = append(bad, RowError{fmt.Sprintf("line %d", offset+pe.StartLine), csvReason(pe)})
				if pe.Line > pe.StartLine {
					offset += pe.StartLine
					restart = true
					break
				}
				continue
			}
			if err != nil {
				bad = append(bad, RowError{"file", err.Error()})
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
func parseRepliesCSV(text string) ([]storage.CannedReply, []string, []RowError, error) {
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
				bad = append(bad, RowError{at, fmt.Sprintf("%d columns, want at least 5", len(f))})
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
				bad = append(bad, RowError{at, fmt.Sprintf("%d columns, want 2 (shortcut,text)", len(f))})
				continue
			}
			r = storage.CannedReply{Shortcut: strings.TrimSpace(f[0]), Language: guessLanguage(f[1])}
			if strings.TrimSpace(f[1]) != "" {
				r.Variants = []storage.CannedVariant{{Body: f[1]}}
			}
		}
		if msg := checkReply(&r); msg != "" {
			bad = append(bad, RowError{at, msg})
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
	r.Shortcut = NormalizeShortcut(r.Shortcut)
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
	case n(r.Shortcut) > MaxShortcut:
		return fmt.Sprintf("shortcut too long (%d characters, at most %d)", n(r.Shortcut), MaxShortcut)
	case n(r.Title) > MaxTitle:
		return fmt.Sprintf("title too long (%d characters, at most %d)", n(r.Title), MaxTitle)
	case n(r.Category) > MaxCategory:
		return fmt.Sprintf("category too long (%d characters, at most %d)", n(r.Category), MaxCategory)
	case len(r.Variants) > MaxVariants:
		return fmt.Sprintf("%d variants, at most %d", len(r.Variants), MaxVariants)
	}
	for i, v := range r.Variants {
		if strings.TrimSpace(v.Body) == "" {
			return fmt.Sprintf("variant %d has no text", i+1)
		}
		if n(v.Body) > MaxVariant {
			return fmt.Sprintf("text too long (%d characters, at most %d)", n(v.Body), MaxVariant)
		}
	}
	return ""
}

// replyKey is what makes two replies the same one on re-import: the
// shortcut (the title when there is none) and the language.
func replyKey(r storage.CannedReply) string {
	id := "/" + NormalizeShortcut(r.Shortcut)
	if id == "/" {
		id = "title:" + strings.TrimSpace(r.Title)
	}
	return id + "\x00" + strings.ToLower(strings.TrimSpace(r.Language))
}

// Merge saves the batch's replies: one with the same shortcut (the title
// when there is none) and language as a reply in the library updates it
// (keeping its ID, usage and, from a CSV, its attachments), the others are
// added. With dryRun nothing is written. bad are rows the store refused.
func Merge(tx *storage.Tx, b *Batch, dryRun bool) (added, updated int, bad []RowError, err error) {
	existing, err := tx.CannedReplies()
	if err != nil {
		return 0, 0, nil, err
	}
	byKey := make(map[string]storage.CannedReply, len(existing))
	for _, r := range existing {
		if _, dup := byKey[replyKey(r)]; !dup {
			byKey[replyKey(r)] = r
		}
	}
	for i, r := range b.Replies {
		r.ID, r.UsageCount, r.LastUsed = 0, 0, time.Time{}
		isNew := true
		if old, ok := byKey[replyKey(r)]; ok {
			r.ID, r.UsageCount, r.LastUsed = old.ID, old.UsageCount, old.LastUsed
			if b.CSV {
				r.Attachments = old.Attachments // a CSV does not carry them
			}
			isNew = false
		}
		if !dryRun {
			if err := tx.SaveCannedReply(&r); err != nil {
				bad = append(bad, RowError{b.Where[i], err.Error()})
				continue
			}
		} else if r.ID == 0 {
			r.ID = uint64(1<<63) + uint64(i) // stands in for the ID it would get
		}
		if isNew {
			added++
		} else {
			updated++
		}
		byKey[replyKey(r)] = r
	}
	return added, updated, bad, nil
}
