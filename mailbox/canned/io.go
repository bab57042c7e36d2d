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
	"mime"
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
	// MaxAttachmentBytes is what a reply's files may add up to: what mail
	// servers take in one message, as the composer allows.
	MaxAttachmentBytes = 25 << 20
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

// fileRecord is an attachment in a JSON export: the stored record plus
// its bytes (base64 in JSON), so the file travels with the reply.
type fileRecord struct {
	storage.CannedAttachment
	Data []byte `json:"data,omitempty"`
}

// replyRecord is a reply in a JSON export; its attachments carry their bytes.
type replyRecord struct {
	storage.CannedReply
	Attachments []fileRecord `json:"attachments,omitempty"`
}

// Files are attachment bytes by hash (storage.CannedFileHash).
type Files map[string][]byte

// LoadFiles reads the bytes of every file the replies attach, for an export.
func LoadFiles(tx *storage.Tx, all []storage.CannedReply) (Files, error) {
	files := Files{}
	for _, r := range all {
		for _, a := range r.Attachments {
			if _, ok := files[a.Hash]; ok {
				continue
			}
			data, err := tx.CannedFile(a.Hash)
			if err != nil {
				return nil, fmt.Errorf("canned reply %q: attachment %s: %w", r.Title, a.Name, err)
			}
			files[a.Hash] = data
		}
	}
	return files, nil
}

// WriteJSON writes the replies as an indented JSON array (an export),
// each attachment with its bytes from files.
func WriteJSON(w io.Writer, all []storage.CannedReply, files Files) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	out := make([]replyRecord, len(all))
	for i, r := range all {
		out[i].CannedReply = r
		for _, a := range r.Attachments {
			data, ok := files[a.Hash]
			if !ok {
				return fmt.Errorf("canned reply %q: attachment %s: the file's bytes are missing", r.Title, a.Name)
			}
			out[i].Attachments = append(out[i].Attachments, fileRecord{CannedAttachment: a, Data: data})
		}
	}
	return enc.Encode(out)
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
// file under the name. A JSON export carries the attachments' bytes from
// files; a CSV carries no attachments.
func Export(name string, all []storage.CannedReply, files Files) error {
	kind, err := FileKind(name)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if kind == "json" {
		err = WriteJSON(&buf, all, files)
	} else {
		err = WriteCSV(&buf, all)
	}
	if err != nil {
		return err
	}
	return storage.WriteFileAtomic(name, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
}

// Reason says why a row was refused, for the desk to say in the seller's
// language (RowError's other fields carry the details); the CLI prints
// RowError.Msg, in English.
type Reason string

const (
	ReasonUnclosedQuote    Reason = "unclosed_quote"    // a quoted field runs to the end of the file
	ReasonBadQuote         Reason = "bad_quote"         // N: the column
	ReasonCSV              Reason = "csv"               // another CSV syntax error; Value: the reader's words
	ReasonColumns          Reason = "columns"           // N columns, at least Max wanted
	ReasonPlainColumns     Reason = "plain_columns"     // N columns, 2 wanted (shortcut,text)
	ReasonRecord           Reason = "record"            // a JSON record that is not an object
	ReasonFieldType        Reason = "field_type"        // Field: the JSON field whose value has the wrong type
	ReasonNoText           Reason = "no_text"           //
	ReasonNoTitle          Reason = "no_title"          // neither a title nor a shortcut
	ReasonShortcutSpace    Reason = "shortcut_space"    // Value: the shortcut
	ReasonTooLong          Reason = "too_long"          // Field ("shortcut", "title", "category", "text"), N, Max
	ReasonTooManyVariants  Reason = "too_many_variants" // N, Max
	ReasonEmptyVariant     Reason = "empty_variant"     // N: the variant
	ReasonAttachment       Reason = "attachment"        // Value: the file name; its bytes do not match its hash
	ReasonAttachmentGone   Reason = "attachment_gone"   // Value: the file name; no bytes, none stored
	ReasonAttachmentsLarge Reason = "attachments_large" // N bytes in all, Max
	ReasonStore            Reason = "store"             // the database refused the reply; Value: why
)

// RowError is one record that could not be imported.
type RowError struct {
	Line   int  // CSV line, or JSON record, counted from 1; 0 for the file
	Record bool // Line counts JSON records
	Reason Reason
	Field  string
	N, Max int
	Value  string
	Msg    string // in English
}

// Where is "line 4", "record 2" or "file".
func (r RowError) Where() string {
	switch {
	case r.Line == 0:
		return "file"
	case r.Record:
		return fmt.Sprintf("record %d", r.Line)
	}
	return fmt.Sprintf("line %d", r.Line)
}

func (r RowError) String() string { return r.Where() + ": " + r.Msg }

// FileError is a file that cannot be imported at all.
type FileError struct {
	Reason FileReason
	Line   int // the line at fault, when there is one
	Err    error
}

// FileReason says why a whole file was refused.
type FileReason string

const (
	FileEncoding FileReason = "encoding"  // neither UTF-8 nor GB18030
	FileNotJSON  FileReason = "not_json"  // not a JSON array
	FileNotCSV   FileReason = "not_csv"   // a header that is not ours nor shortcut,text
	FileKindName FileReason = "file_kind" // not named .json or .csv
)

func (e *FileError) Error() string { return e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// Batch is what a file holds: the replies that can be imported, where
// each came from, and the rows refused.
type Batch struct {
	Replies []storage.CannedReply
	Lines   []int // Lines[i] is Replies[i]'s line (CSV) or record (JSON) number
	Bad     []RowError
	CSV     bool  // a CSV carries no attachments
	Files   Files // a JSON export's attachment bytes, by hash
}

// at is a row error at the batch's i-th reply.
func (b *Batch) at(i int) RowError { return RowError{Line: b.Lines[i], Record: !b.CSV} }

// ReadFile reads an import file, JSON or CSV by its extension. An error
// is for a file that cannot be read at all; bad rows are in Batch.Bad.
func ReadFile(name string) (*Batch, error) {
	if _, err := fileKind(name); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return Read(name, data)
}

func fileKind(name string) (string, error) {
	kind, err := FileKind(name)
	if err != nil {
		return "", &FileError{Reason: FileKindName, Err: err}
	}
	return kind, nil
}

// Read reads an import file's contents; name gives the kind by its extension.
func Read(name string, data []byte) (*Batch, error) {
	kind, err := fileKind(name)
	if err != nil {
		return nil, err
	}
	text, err := decodeText(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	b := &Batch{CSV: kind == "csv", Files: Files{}}
	if kind == "json" {
		err = b.parseJSON(text)
	} else {
		err = b.parseCSV(text)
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
		return "", &FileError{Reason: FileEncoding, Err: fmt.Errorf("the file is neither UTF-8 nor GBK/GB18030: %w", err)}
	}
	return string(out), nil
}

// parseJSON reads an export: an array of full records, attachments with
// their bytes.
func (b *Batch) parseJSON(text string) error {
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return &FileError{Reason: FileNotJSON, Err: fmt.Errorf("not a canned-reply export (a JSON array): %w", err)}
	}
	for i, m := range raw {
		at := RowError{Line: i + 1, Record: true}
		var rec replyRecord
		if err := json.Unmarshal(m, &rec); err != nil {
			at.Reason, at.Msg = ReasonRecord, "not a canned reply (an object with title, language and variants)"
			var ute *json.UnmarshalTypeError
			if errors.As(err, &ute) && ute.Field != "" {
				at.Field = ute.Field[strings.LastIndex(ute.Field, ".")+1:]
				at.Reason, at.Msg = ReasonFieldType, fmt.Sprintf("%q is a %s, the wrong type", at.Field, ute.Value)
			}
			b.Bad = append(b.Bad, at)
			continue
		}
		r := rec.CannedReply
		r.Attachments = nil
		files := Files{}
		var size int64
		bad := false
		for _, f := range rec.Attachments {
			a := f.CannedAttachment
			a.Name = AttachmentName(a.Name)
			if f.Data != nil {
				hash := storage.CannedFileHash(f.Data)
				if a.Hash != "" && a.Hash != hash {
					at.Reason, at.Value = ReasonAttachment, a.Name
					at.Msg = fmt.Sprintf("attachment %s: its data does not match its hash", a.Name)
					bad = true
					break
				}
				a.Hash, a.Size = hash, int64(len(f.Data))
				files[hash] = f.Data
			} else if a.Hash == "" {
				at.Reason, at.Value = ReasonAttachmentGone, a.Name
				at.Msg = fmt.Sprintf("attachment %s has no data", a.Name)
				bad = true
				break
			}
			if a.Type == "" {
				a.Type = AttachmentType(a.Name)
			}
			size += a.Size
			r.Attachments = append(r.Attachments, a)
		}
		if !bad && size > MaxAttachmentBytes {
			at.Reason, at.N, at.Max = ReasonAttachmentsLarge, int(size), MaxAttachmentBytes
			at.Msg = fmt.Sprintf("attachments of %d bytes, at most %d", size, MaxAttachmentBytes)
			bad = true
		}
		if !bad {
			if e, ok := checkReply(&r); !ok {
				at.Reason, at.Field, at.N, at.Max, at.Value, at.Msg = e.Reason, e.Field, e.N, e.Max, e.Value, e.Msg
				bad = true
			}
		}
		if bad {
			b.Bad = append(b.Bad, at)
			continue
		}
		for h, d := range files {
			b.Files[h] = d
		}
		b.Replies, b.Lines = append(b.Replies, r), append(b.Lines, i+1)
	}
	return nil
}

// AttachmentName is a file name safe to show and to save under: the last
// element of any path, without control characters.
func AttachmentName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" || name == "." || name == ".." {
		return "attachment"
	}
	return name
}

// AttachmentType is a file's MIME type by its extension.
func AttachmentType(name string) string {
	if t, _, err := mime.ParseMediaType(mime.TypeByExtension(filepath.Ext(name))); err == nil {
		return t
	}
	return "application/octet-stream"
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
				e := csvReason(pe)
				e.Line = offset + pe.StartLine
				if e.Reason == ReasonBadQuote && offset+pe.Line-1 < len(lines) {
					line := lines[offset+pe.Line-1]
					if errors.Is(pe.Err, csv.ErrQuote) && pe.Column > len(strings.TrimRight(line, "\r\n")) {
						// The quote opened on the file's last line runs to its end.
						e = RowError{Line: e.Line, Reason: ReasonUnclosedQuote, Msg: "a quoted field is not closed"}
					} else {
						e.N = runeColumn(line, pe.Column)
						e.Msg = badQuoteMsg(e.N)
					}
				}
				bad = append(bad, e)
				if pe.Line > pe.StartLine {
					offset += pe.StartLine
					restart = true
					break
				}
				continue
			}
			if err != nil {
				bad = append(bad, RowError{Reason: ReasonCSV, Value: err.Error(), Msg: err.Error()})
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

func csvReason(pe *csv.ParseError) RowError {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
		return RowError{Reason: ReasonUnclosedQuote, Msg: "a quoted field is not closed"}
	case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
		return RowError{Reason: ReasonBadQuote, N: pe.Column, Msg: badQuoteMsg(pe.Column)}
	}
	return RowError{Reason: ReasonCSV, Value: pe.Err.Error(), Msg: pe.Err.Error()}
}

func badQuoteMsg(col int) string {
	return fmt.Sprintf("bad quote in column %d (double a quote inside a quoted field: \"\")", col)
}

// runeColumn turns the CSV reader's byte column (from 1) into a
// character column, as an editor counts it: Chinese takes 3 bytes a character.
func runeColumn(line string, byteCol int) int {
	if byteCol < 1 || byteCol > len(line)+1 {
		return byteCol
	}
	return utf8.RuneCountInString(line[:byteCol-1]) + 1
}

// parseCSV reads our export format (a header starting
// category,title,shortcut,language), or the plain "shortcut,text" CSV other
// seller tools write, with or without that header.
func (b *Batch) parseCSV(text string) error {
	recs, bad := readCSV(text)
	b.Bad = bad
	if len(recs) == 0 {
		return nil
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
		return &FileError{Reason: FileNotCSV, Line: recs[0].line, Err: fmt.Errorf("line %d: not a canned-reply CSV: want the header category,title,shortcut,language,variant1... or two columns shortcut,text", recs[0].line)}
	}
	for _, rec := range recs {
		at := RowError{Line: rec.line}
		f := rec.fields
		if len(f) == 1 && strings.TrimSpace(f[0]) == "" {
			continue // blank line
		}
		var r storage.CannedReply
		if ours {
			if len(f) < 4 {
				at.Reason, at.N, at.Max = ReasonColumns, len(f), 5
				at.Msg = fmt.Sprintf("%d columns, want at least 5", len(f))
				b.Bad = append(b.Bad, at)
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
				at.Reason, at.N, at.Max = ReasonPlainColumns, len(f), 2
				at.Msg = fmt.Sprintf("%d columns, want 2 (shortcut,text)", len(f))
				b.Bad = append(b.Bad, at)
				continue
			}
			r = storage.CannedReply{Shortcut: strings.TrimSpace(f[0]), Language: guessLanguage(f[1])}
			if strings.TrimSpace(f[1]) != "" {
				r.Variants = []storage.CannedVariant{{Body: f[1]}}
			}
		}
		if e, ok := checkReply(&r); !ok {
			e.Line = rec.line
			b.Bad = append(b.Bad, e)
			continue
		}
		b.Replies, b.Lines = append(b.Replies, r), append(b.Lines, rec.line)
	}
	return nil
}

// guessLanguage is for files that do not say: Chinese text is zh-Hans.
func guessLanguage(text string) string {
	if strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return "zh-Hans"
	}
	return "en"
}

// checkReply tidies an imported reply and says what is wrong with it
// (ok false), with no line set.
func checkReply(r *storage.CannedReply) (RowError, bool) {
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
	tooLong := func(field string, got, most int) (RowError, bool) {
		return RowError{Reason: ReasonTooLong, Field: field, N: got, Max: most,
			Msg: fmt.Sprintf("%s too long (%d characters, at most %d)", field, got, most)}, false
	}
	switch {
	case len(r.Variants) == 0:
		return RowError{Reason: ReasonNoText, Msg: "no text"}, false
	case r.Title == "":
		return RowError{Reason: ReasonNoTitle, Msg: "no title or shortcut"}, false
	case strings.ContainsFunc(r.Shortcut, unicode.IsSpace):
		return RowError{Reason: ReasonShortcutSpace, Value: r.Shortcut, Msg: fmt.Sprintf("shortcut %q has a space", r.Shortcut)}, false
	case n(r.Shortcut) > MaxShortcut:
		return tooLong("shortcut", n(r.Shortcut), MaxShortcut)
	case n(r.Title) > MaxTitle:
		return tooLong("title", n(r.Title), MaxTitle)
	case n(r.Category) > MaxCategory:
		return tooLong("category", n(r.Category), MaxCategory)
	case len(r.Variants) > MaxVariants:
		return RowError{Reason: ReasonTooManyVariants, N: len(r.Variants), Max: MaxVariants,
			Msg: fmt.Sprintf("%d variants, at most %d", len(r.Variants), MaxVariants)}, false
	}
	for i, v := range r.Variants {
		if strings.TrimSpace(v.Body) == "" {
			return RowError{Reason: ReasonEmptyVariant, N: i + 1, Msg: fmt.Sprintf("variant %d has no text", i+1)}, false
		}
		if n(v.Body) > MaxVariant {
			return tooLong("text", n(v.Body), MaxVariant)
		}
	}
	return RowError{}, true
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
// added. A JSON export's attachment bytes are stored with their replies;
// one naming a file neither in the batch nor stored is refused. With dryRun
// nothing is written. bad are rows the store refused.
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
		if e, ok := b.putFiles(tx, r, dryRun); !ok {
			e.Line, e.Record = b.Lines[i], !b.CSV
			bad = append(bad, e)
			continue
		}
		if !dryRun {
			if err := tx.SaveCannedReply(&r); err != nil {
				e := b.at(i)
				e.Reason, e.Value, e.Msg = ReasonStore, err.Error(), err.Error()
				bad = append(bad, e)
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
	if !dryRun {
		// Files of attachments an update replaced.
		if _, err := tx.PruneCannedFiles(); err != nil {
			return added, updated, bad, err
		}
	}
	return added, updated, bad, nil
}

// putFiles stores the bytes of the reply's attachments that the batch
// carries; ok is false when one is neither in the batch nor stored.
func (b *Batch) putFiles(tx *storage.Tx, r storage.CannedReply, dryRun bool) (RowError, bool) {
	for _, a := range r.Attachments {
		data, ok := b.Files[a.Hash]
		switch {
		case !ok && !tx.HasCannedFile(a.Hash):
			return RowError{Reason: ReasonAttachmentGone, Value: a.Name,
				Msg: fmt.Sprintf("attachment %s has no data and is not in the library", a.Name)}, false
		case ok && !dryRun:
			if _, err := tx.PutCannedFile(data); err != nil {
				return RowError{Reason: ReasonStore, Value: err.Error(), Msg: err.Error()}, false
			}
		}
	}
	return RowError{}, true
}
