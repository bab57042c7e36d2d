// Package mailimport brings old mail into the timeline from files: mbox
// (mboxo and mboxrd, LF or CRLF) and .eml, one file or a folder of them.
// Each message is stored with its raw bytes and parsed as synced mail is,
// then filed with the customer and conversation by mailbox.Linker. A
// message already held (same bytes, or the same Message-ID, sender and
// date re-saved by a mail program) is skipped; a message that cannot be
// parsed is still stored and shown raw. Imported mail has no server
// location.
package mailimport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// Store is what an import needs from the database.
type Store interface {
	View(func(*storage.Tx) error) error
	Update(func(*storage.Tx) error) error
}

// Options say how to import.
type Options struct {
	DryRun bool
	// BatchSize is how many messages commit together (200 by default).
	BatchSize int
	// Progress hears how many bytes of the files are read, of the total.
	Progress func(done, total int64)
	// Now is the import's time: imported mail older than it never opens
	// a conversation in the inbox (it is history). Default time.Now.
	Now func() time.Time
}

// Issue codes.
const (
	CodeUnreadable = "unreadable" // a file could not be read
	CodeMalformed  = "malformed"  // stored, but shown raw: the parser could not read it
)

// Issue is a problem with one file or message: Line is where the message
// starts in an mbox (0 for an .eml).
type Issue struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Code   string `json:"code"`
	Detail string `json:"detail,omitempty"`
}

// Report is what an import did, or in a dry run would do.
type Report struct {
	Files      int     `json:"files"`
	Messages   int     `json:"messages"`   // messages read
	Imported   int     `json:"imported"`   // stored
	Duplicates int     `json:"duplicates"` // already held, skipped
	Malformed  int     `json:"malformed"`  // stored raw (also counted in Imported)
	Issues     []Issue `json:"issues,omitempty"`
	DryRun     bool    `json:"dry_run,omitempty"`
	Cancelled  bool    `json:"cancelled,omitempty"`
}

const (
	defaultBatch = 200
	batchBytes   = 16 << 20 // a transaction holds at most this much raw mail
)

// ErrNoMail is returned when the paths hold no mbox or .eml file.
var ErrNoMail = errors.New("no mbox or .eml file found")

var errRollback = errors.New("dry run")

// Import reads the files (mbox or .eml) and folders (searched for both)
// into the store. The error is for the store or for paths that cannot be
// read at all; problems with single messages are in the report.
func Import(ctx context.Context, st Store, paths []string, opt Options) (Report, error) {
	rep := Report{DryRun: opt.DryRun}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	files, total, err := collect(paths)
	if err != nil {
		return rep, err
	}
	if len(files) == 0 {
		return rep, ErrNoMail
	}
	var accounts []storage.Account
	if err := st.View(func(tx *storage.Tx) error {
		accounts, err = tx.Accounts()
		return err
	}); err != nil {
		return rep, fmt.Errorf("read the mail accounts: %w", err)
	}
	im := &importer{st: st, opt: opt, rep: &rep, own: mailbox.OwnAddresses(accounts...), accounts: accounts,
		total: total, seen: map[string]bool{}}
	for _, f := range files {
		if ctx.Err() != nil {
			rep.Cancelled = true
			break
		}
		rep.Files++
		if err := im.file(ctx, f); err != nil {
			return rep, err
		}
	}
	if err := im.flush(); err != nil {
		return rep, err
	}
	rep.Cancelled = rep.Cancelled || ctx.Err() != nil
	return rep, nil
}

type source struct {
	path string
	mbox bool
	size int64
}

// collect lists the files to read: named files as they are, folders
// searched for .eml files and mbox files (recognised by their first line,
// as Thunderbird keeps them without an extension).
func collect(paths []string) ([]source, int64, error) {
	var out []source
	var total int64
	add := func(path string, size int64, named bool) error {
		kind, err := sniff(path)
		if err != nil {
			if named {
				return err
			}
			return nil
		}
		switch {
		case kind == "mbox":
			out = append(out, source{path: path, mbox: true, size: size})
		case kind == "eml" && (named || strings.EqualFold(filepath.Ext(path), ".eml")):
			out = append(out, source{path: path, size: size})
		default:
			return nil
		}
		total += size
		return nil
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, 0, fmt.Errorf("open %s: %w", p, err)
		}
		if !info.IsDir() {
			if err := add(p, info.Size(), true); err != nil {
				return nil, 0, err
			}
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, 0, fmt.Errorf("read folder %s: %w", p, err)
		}
		sort.Strings(found)
		for _, path := range found {
			info, err := os.Stat(path)
			if err != nil {
				continue
			}
			if err := add(path, info.Size(), false); err != nil {
				return nil, 0, err
			}
		}
	}
	return out, total, nil
}

// sniff tells an mbox (first line "From ...") from a single message.
func sniff(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	if isSeparator(firstLine(head)) {
		return "mbox", nil
	}
	if n == 0 {
		return "", fmt.Errorf("%s is empty", path)
	}
	return "eml", nil
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

// separatorRE is the mbox "From " line: a sender (possibly empty or
// MAILER-DAEMON) and a ctime-style date with a time of day and a year.
var separatorRE = regexp.MustCompile(`^From \S*\s+.*\d{1,2}:\d{2}(:\d{2})?.*\d{4}`)

func isSeparator(line []byte) bool {
	return bytes.HasPrefix(line, []byte("From ")) && separatorRE.Match(bytes.TrimRight(line, "\r\n"))
}

// separatorDate reads the date of a "From sender Mon Jan  2 15:04:05 2006" line.
func separatorDate(line []byte) time.Time {
	f := strings.Fields(string(line))
	for i := 2; i+5 <= len(f); i++ {
		if t, err := time.Parse(time.ANSIC, strings.Join(f[i:i+5], " ")); err == nil {
			return t
		}
	}
	return time.Time{}
}

// fromQuoted is an mboxrd (or mboxo) quoted body line: ">From ", ">>From ".
var fromQuoted = regexp.MustCompile(`^>+From `)

// importer holds one import's state.
type importer struct {
	st       Store
	opt      Options
	rep      *Report
	own      func(string) bool
	accounts []storage.Account
	total    int64
	done     int64
	pending  []pending
	size     int
	// seen holds the hashes of this import's messages, so a dry run
	// (whose batches roll back) still counts duplicates within the files.
	seen map[string]bool
}

type pending struct {
	raw      []byte
	file     string
	line     int
	fallback time.Time
}

func (im *importer) file(ctx context.Context, s source) error {
	f, err := os.Open(s.path)
	if err != nil {
		im.rep.Issues = append(im.rep.Issues, Issue{File: s.path, Code: CodeUnreadable, Detail: err.Error()})
		return nil
	}
	defer f.Close()
	info, _ := f.Stat()
	mtime := time.Time{}
	if info != nil {
		mtime = info.ModTime()
	}
	if !s.mbox {
		raw, err := io.ReadAll(f)
		if err != nil {
			im.rep.Issues = append(im.rep.Issues, Issue{File: s.path, Code: CodeUnreadable, Detail: err.Error()})
			return nil
		}
		im.done += int64(len(raw))
		return im.add(pending{raw: raw, file: s.path, fallback: mtime})
	}
	return readMbox(ctx, f, func(raw []byte, line int, date time.Time, read int64) error {
		im.done += read
		if date.IsZero() {
			date = mtime
		}
		return im.add(pending{raw: raw, file: s.path, line: line, fallback: date})
	})
}

// readMbox calls fn with each message of an mbox: its bytes with the
// separator line removed and ">From " lines unquoted, the line it starts
// on, the separator's date, and how many bytes of the file it took.
func readMbox(ctx context.Context, r io.Reader, fn func(raw []byte, line int, date time.Time, read int64) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var cur bytes.Buffer
	var start, n int
	var date time.Time
	var read int64
	inMsg, prevBlank := false, true
	flush := func() error {
		if !inMsg {
			return nil
		}
		raw := cur.Bytes()
		// The blank line before the next separator belongs to the mbox.
		switch {
		case bytes.HasSuffix(raw, []byte("\r\n\r\n")):
			raw = raw[:len(raw)-2]
		case bytes.HasSuffix(raw, []byte("\n\n")):
			raw = raw[:len(raw)-1]
		}
		out := bytes.Clone(raw)
		cur.Reset()
		err := fn(out, start, date, read)
		read = 0
		return err
	}
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > 0 {
			n++
			read += int64(len(line))
			switch {
			case prevBlank && isSeparator(line):
				if err := flush(); err != nil {
					return err
				}
				if ctx.Err() != nil {
					return nil
				}
				inMsg, start, date = true, n, separatorDate(line)
			case inMsg:
				if fromQuoted.Match(line) {
					line = line[1:]
				}
				cur.Write(line)
			}
			prevBlank = len(bytes.TrimRight(line, "\r\n")) == 0
		}
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			return fmt.Errorf("read mbox: %w", err)
		}
	}
}

// canonical gives a message CRLF line ends, as servers hold mail: an
// mbox or .eml saved with LF then has the same bytes, and so the same
// identity, as the copy the sync fetches.
func canonical(raw []byte) []byte {
	if !bytes.Contains(raw, []byte("\n")) {
		return raw
	}
	var b bytes.Buffer
	b.Grow(len(raw) + bytes.Count(raw, []byte("\n")))
	for i, c := range raw {
		if c == '\n' && (i == 0 || raw[i-1] != '\r') {
			b.WriteByte('\r')
		}
		b.WriteByte(c)
	}
	return b.Bytes()
}

func (im *importer) add(p pending) error {
	p.raw = canonical(p.raw)
	im.rep.Messages++
	im.pending = append(im.pending, p)
	im.size += len(p.raw)
	batch := im.opt.BatchSize
	if batch <= 0 {
		batch = defaultBatch
	}
	if len(im.pending) >= batch || im.size >= batchBytes {
		return im.flush()
	}
	return nil
}

// prepared is a message parsed and packed, ready for its transaction.
type prepared struct {
	pending
	msg    storage.Message
	packed storage.Packed
}

// flush stores the pending messages in one transaction.
func (im *importer) flush() error {
	if len(im.pending) == 0 {
		return nil
	}
	batch := make([]prepared, 0, len(im.pending))
	for _, p := range im.pending {
		packed, err := storage.Pack(p.raw)
		if err != nil {
			return err
		}
		m := storage.Message{}
		parsed, perr := mailbox.Parse(p.raw)
		if perr != nil {
			m.ParseError = perr.Error()
		}
		parsed.Fill(&m)
		if m.Date.IsZero() {
			m.Date = p.fallback
		}
		batch = append(batch, prepared{pending: p, msg: m, packed: packed})
	}
	im.pending, im.size = nil, 0
	var imported, dups, malformed int
	var issues []Issue
	seen := map[string]bool{}
	err := im.st.Update(func(tx *storage.Tx) error {
		imported, dups, malformed, issues = 0, 0, 0, nil
		clear(seen)
		for i := range batch {
			b := &batch[i]
			dup, err := im.duplicate(tx, b)
			if err != nil {
				return err
			}
			if dup || seen[b.packed.Hash] {
				dups++
				continue
			}
			seen[b.packed.Hash] = true
			m := b.msg
			if err := im.linker(&m).Link(tx, &m); err != nil {
				return fmt.Errorf("file message from %s: %w", b.file, err)
			}
			if err := tx.SavePacked(&m, b.packed); err != nil {
				return fmt.Errorf("store message from %s: %w", b.file, err)
			}
			imported++
			if m.ParseError != "" {
				malformed++
				issues = append(issues, Issue{File: b.file, Line: b.line, Code: CodeMalformed, Detail: m.ParseError})
			}
		}
		if im.opt.DryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return fmt.Errorf("import mail: %w", err)
	}
	for h := range seen {
		im.seen[h] = true
	}
	im.rep.Imported += imported
	im.rep.Duplicates += dups
	im.rep.Malformed += malformed
	im.rep.Issues = append(im.rep.Issues, issues...)
	if im.opt.Progress != nil {
		im.opt.Progress(im.done, im.total)
	}
	return nil
}

// duplicate reports whether the store (or, in a dry run, this import)
// already holds the message: the same bytes, or the same Message-ID from
// the same sender at the same time (a mail program re-saved it with its
// own status headers).
func (im *importer) duplicate(tx *storage.Tx, b *prepared) (bool, error) {
	if im.seen[b.packed.Hash] {
		return true, nil
	}
	if _, err := tx.MessageByHash(b.packed.Hash); err == nil {
		return true, nil
	} else if !errors.Is(err, storage.ErrNotFound) {
		return false, err
	}
	if b.msg.MessageID == "" {
		return false, nil
	}
	same, err := tx.MessagesByMessageID(b.msg.MessageID)
	if err != nil {
		return false, err
	}
	for _, m := range same {
		if strings.EqualFold(m.From.Email, b.msg.From.Email) && m.Date.Equal(b.msg.Date) {
			return true, nil
		}
	}
	return false, nil
}

// linker files the message under the account whose address it names (the
// only account when it names none), as history: it opens nothing.
func (im *importer) linker(m *storage.Message) mailbox.Linker {
	account := ""
	if len(im.accounts) == 1 {
		account = im.accounts[0].Name
	}
	for _, a := range append(append([]storage.Address{m.From}, m.To...), m.Cc...) {
		for _, acc := range im.accounts {
			if strings.EqualFold(strings.TrimSpace(acc.Email), a.Email) {
				account = acc.Name
			}
		}
	}
	return mailbox.Linker{Account: account, Own: im.own, QuietBefore: im.opt.Now()}
}
