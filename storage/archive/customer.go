// Package archive writes the shop's data out in forms other tools and
// people read: one customer's archive (a zip fit to answer a PIPL / GDPR
// access request), the customer and order lists as CSV, XLSX and vCard,
// and a full archive of per-customer folders. It reads the store only
// through storage's transactions and never changes it.
package archive

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// Store is what exports read from: the store's read transactions.
type Store interface {
	View(func(*storage.Tx) error) error
}

// AttachmentFunc extracts attachment index (its position in
// Message.Attachments) from a message's raw bytes: a file name already
// made safe for a folder, and the decoded content. The mail parser lives
// in mailbox, which storage must not import, so callers pass it in.
type AttachmentFunc func(raw []byte, index int) (name string, data []byte, err error)

// Options tune an export. The zero value writes an English archive
// without attachment files.
type Options struct {
	Attachments AttachmentFunc
	// Labels translates the headings of index.html (keys are LabelKeys).
	Labels   map[string]string
	Now      func() time.Time
	Progress Progress
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// customerData is everything stored about one customer.
type customerData struct {
	Customer      storage.Customer
	Conversations []storage.Conversation
	Messages      []storage.Message // all conversations, oldest first
	Orders        []storage.Order
	Calls         []storage.Call
	Notes         []storage.Note
	FollowUps     []storage.FollowUp
}

func loadCustomer(st Store, customerID uint64) (customerData, error) {
	var d customerData
	err := st.View(func(tx *storage.Tx) error {
		var err error
		if d.Customer, err = tx.Customer(customerID); err != nil {
			return err
		}
		if d.Conversations, err = tx.ConversationsOf(customerID); err != nil {
			return err
		}
		for _, c := range d.Conversations {
			ms, err := tx.MessagesOf(c.ID)
			if err != nil {
				return err
			}
			d.Messages = append(d.Messages, ms...)
		}
		if d.Orders, err = tx.OrdersOf(customerID); err != nil {
			return err
		}
		if d.Calls, err = tx.CallsOf(customerID); err != nil {
			return err
		}
		if d.Notes, err = tx.NotesOf(customerID); err != nil {
			return err
		}
		d.FollowUps, err = tx.FollowUpsOf(customerID)
		return err
	})
	slices.SortStableFunc(d.Messages, func(a, b storage.Message) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return int(a.ID) - int(b.ID)
	})
	return d, err
}

// ExportCustomer writes one customer's archive as a zip at dst (0600,
// written through a temporary file, so dst is complete or absent).
func ExportCustomer(ctx context.Context, st Store, customerID uint64, dst string, opt Options) error {
	err := storage.WriteFileAtomic(dst, func(w io.Writer) error {
		z := newZipSink(w)
		rec := &recorder{s: z}
		if err := writeCustomer(ctx, st, rec, "", customerID, opt, opt.now(), opt.Progress); err != nil {
			return err
		}
		return z.close()
	})
	if err != nil {
		return fmt.Errorf("export customer %d: %w", customerID, err)
	}
	return nil
}

// messageFile is where a message's original goes in the archive.
func messageFile(m storage.Message) string {
	return "messages/" + m.Date.UTC().Format("20060102-150405") + "-" + strconv.FormatUint(m.ID, 10) + ".eml"
}

// writeCustomer writes the customer's files under prefix ("" or
// "customers/12 Name/") and, last, its manifest.json.
func writeCustomer(ctx context.Context, st Store, rec *recorder, prefix string, customerID uint64,
	opt Options, exported time.Time, progress Progress) error {
	d, err := loadCustomer(st, customerID)
	if err != nil {
		return err
	}
	first := len(rec.files)
	add := func(name string, data []byte) error { return rec.write(prefix+name, exported, data) }

	profile, err := json.MarshalIndent(d.Customer, "", "  ")
	if err != nil {
		return fmt.Errorf("encode profile: %w", err)
	}
	if err := add("profile.json", append(profile, '\n')); err != nil {
		return err
	}
	convs, err := json.MarshalIndent(d.Conversations, "", "  ")
	if err != nil {
		return fmt.Errorf("encode conversations: %w", err)
	}
	if err := add("conversations.json", append(convs, '\n')); err != nil {
		return err
	}
	email := ""
	if len(d.Customer.Emails) > 0 {
		email = d.Customer.Emails[0]
	}
	tables := []struct {
		name   string
		header []string
		rows   [][]string
	}{
		{"profile.csv", CustomerColumns, [][]string{CustomerRow(d.Customer)}},
		{"orders.csv", OrderColumns, rowsOf(d.Orders, func(o storage.Order) []string { return OrderRow(o, email) })},
		{"calls.csv", CallColumns, rowsOf(d.Calls, CallRow)},
		{"notes.csv", NoteColumns, rowsOf(d.Notes, NoteRow)},
		{"followups.csv", FollowUpColumns, rowsOf(d.FollowUps, FollowUpRow)},
	}
	for _, t := range tables {
		data, err := csvBytes(t.header, t.rows)
		if err != nil {
			return fmt.Errorf("write %s: %w", t.name, err)
		}
		if err := add(t.name, data); err != nil {
			return err
		}
	}

	// The originals, then the same mail as one mbox. Raw bytes are read
	// one message at a time so a customer with years of mail does not
	// have to fit in memory.
	total := len(d.Messages)
	attached := map[uint64][]fileLink{}
	var problems []string
	hasRaw := map[uint64]bool{}
	for i, m := range d.Messages {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, err := rawOf(st, m.ID)
		if errors.Is(err, storage.ErrNotFound) {
			problems = append(problems, fmt.Sprintf("message %d: the original is not stored", m.ID))
			continue
		}
		if err != nil {
			return err
		}
		hasRaw[m.ID] = true
		if err := add(messageFile(m), raw); err != nil {
			return err
		}
		if opt.Attachments != nil && len(m.Attachments) > 0 {
			links, errs := writeAttachments(rec, prefix, exported, m, raw, opt.Attachments)
			if errs != nil {
				problems = append(problems, errs...)
			}
			attached[m.ID] = links
		}
		progress.report(i+1, total*2)
	}
	mw, err := rec.create(prefix+"messages.mbox", exported)
	if err != nil {
		return err
	}
	for i, m := range d.Messages {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !hasRaw[m.ID] {
			continue
		}
		raw, err := rawOf(st, m.ID)
		if err != nil {
			return err
		}
		if err := writeMboxMessage(mw, m, raw); err != nil {
			return fmt.Errorf("write messages.mbox: %w", err)
		}
		progress.report(total+i+1, total*2)
	}

	page, err := renderIndex(d, attached, hasRaw, problems, exported, opt.Labels)
	if err != nil {
		return err
	}
	if err := add("index.html", page); err != nil {
		return err
	}
	man := Manifest{Format: ManifestFormat, Exported: exported.UTC(), CustomerID: customerID, Files: rec.since(first, prefix)}
	data, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if total == 0 {
		progress.report(1, 1)
	}
	return add("manifest.json", append(data, '\n'))
}

func rawOf(st Store, id uint64) ([]byte, error) {
	var raw []byte
	err := st.View(func(tx *storage.Tx) error {
		var err error
		raw, err = tx.Raw(id)
		return err
	})
	return raw, err
}

func rowsOf[T any](recs []T, row func(T) []string) [][]string {
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = row(r)
	}
	return out
}

// fileLink is an attachment written into the archive.
type fileLink struct {
	Name string
	Path string // relative to the customer's folder
	Size int
}

func writeAttachments(rec *recorder, prefix string, exported time.Time, m storage.Message, raw []byte, extract AttachmentFunc) ([]fileLink, []string) {
	var links []fileLink
	var problems []string
	dir := "attachments/" + strconv.FormatUint(m.ID, 10) + "/"
	used := map[string]bool{}
	for i := range m.Attachments {
		name, data, err := extract(raw, i)
		if err != nil {
			problems = append(problems, fmt.Sprintf("message %d attachment %d: %v", m.ID, i+1, err))
			continue
		}
		name = safeName(name, 120)
		if used[name] {
			name = strconv.Itoa(i+1) + "-" + name
		}
		used[name] = true
		p := dir + name
		if err := rec.write(prefix+p, exported, data); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		links = append(links, fileLink{Name: name, Path: p, Size: len(data)})
	}
	return links, problems
}

// csvBytes writes a CSV with a UTF-8 byte order mark, which Excel and WPS
// need to show Chinese rather than mojibake.
func csvBytes(header []string, rows [][]string) ([]byte, error) {
	var b bytes.Buffer
	cw := newCSV(&b)
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	for _, r := range rows {
		if err := cw.Write(r); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return b.Bytes(), cw.Error()
}

// csvWriter neutralises cells a spreadsheet would run as a formula.
type csvWriter struct{ *csv.Writer }

// BOM starts every CSV Shopdesk writes.
const BOM = "\uFEFF"

func newCSV(w io.Writer) csvWriter {
	io.WriteString(w, BOM)
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return csvWriter{cw}
}

func (c csvWriter) Write(rec []string) error {
	for i, v := range rec {
		rec[i] = EscapeCell(v)
	}
	return c.Writer.Write(rec)
}
