// Package mailbox is the mail engine: MIME parsing and composing here,
// IMAP sync and SMTP sending on top of it.
package mailbox

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopdesk/shopdesk/storage"
)

// Limits against crafted mail. Beyond them Parse stops descending, notes a
// Problem and keeps what it has.
const (
	MaxParts = 1000    // MIME entities read from one message
	MaxDepth = 30      // multipart nesting
	MaxText  = 1 << 20 // bytes of Text (and of HTML) kept
	// textBudget bounds the text bytes decoded over all parts (the plain
	// and the HTML alternative, forwarded messages ...).
	textBudget  = 4 * MaxText
	maxProblems = 32
)

// Parsed is what one RFC 5322 message says, decoded to UTF-8. The raw
// bytes stay the source of truth; Parsed can always be made again.
type Parsed struct {
	MessageID  string   // without angle brackets
	InReplyTo  string   // first ID of In-Reply-To, without brackets
	References []string // without brackets, oldest first, at most 100
	From       storage.Address
	To         []storage.Address
	Cc         []storage.Address
	ReplyTo    []storage.Address
	// Date is the Date header, or the newest Received stamp when that is
	// missing or unreadable; zero when neither is usable.
	Date    time.Time
	Subject string
	// Text is the text/plain body, or the HTML body turned into text when
	// there is no plain one. Never rendered as HTML or Markdown.
	Text string
	// HasHTML: the message has an HTML body. Its source is not decoded
	// here (that would double the cost of Parse); HTMLSource gets it.
	HasHTML     bool
	Attachments []storage.Attachment
	// Problems says what had to be salvaged (unknown charset, missing
	// boundary, limits hit ...), in English, for logs and a "shown as
	// best we could" hint. Empty for well-formed mail.
	Problems []string
}

// ErrNothingUseful is returned (wrapped) when the input has neither a
// header nor any content. The caller keeps the raw bytes regardless.
var ErrNothingUseful = errors.New("no header fields and no content")

// errPanic marks a bug caught by Parse's safety net (see Parse).
var errPanic = errors.New("parser bug")

// Parse decodes one message. It returns an error only when nothing useful
// could be extracted; otherwise damaged input gives a best-effort Parsed
// whose Problems say what was salvaged.
func Parse(raw []byte) (out Parsed, err error) {
	// FuzzParse finds no panic, but a bug found later by some customer's
	// mail must cost that one message (kept raw by the caller), not the
	// sync that runs Parse.
	defer func() {
		if r := recover(); r != nil {
			out, err = Parsed{}, errorf("parse message of %d bytes: %w: %v", len(raw), errPanic, r)
		}
	}()
	p := &parser{textBudget: textBudget}
	h, body := readHeader(raw, p)
	// The body goes first: the charset its text declares is the best
	// guess for raw 8-bit bytes in the header.
	root := p.entity(&h, body, 0, "text/plain")

	out.MessageID = firstID(h.get("message-id"))
	out.InReplyTo = firstID(h.get("in-reply-to"))
	out.References = p.references(h.get("references"))
	out.From = p.from(&h)
	out.To = p.addressList(h.get("to"))
	out.Cc = p.addressList(h.get("cc"))
	out.ReplyTo = p.addressList(h.get("reply-to"))
	out.Date = p.date(&h)
	out.Subject = p.decodeText(h.get("subject"))
	out.Text = p.capText(strings.TrimRight(strings.TrimLeft(p.textOf(root), "\n"), " \t\n"), "text")
	out.HasHTML = len(root.html) > 0
	out.Attachments = p.attachments

	if len(h.fields) == 0 {
		p.note("no header fields")
	}
	out.Problems = p.problems
	if len(h.fields) == 0 && strings.TrimSpace(out.Text) == "" && len(out.Attachments) == 0 {
		return out, errorf("parse message of %d bytes: %w", len(raw), ErrNothingUseful)
	}
	return out, nil
}

// HTMLSource returns the decoded source of the message's HTML body (the
// one Parse turns into Text when there is no plain text), or "" when it
// has none: for a "show the HTML version" view, which must still show it
// as text (HTMLToText), never render it.
func HTMLSource(raw []byte) (s string) {
	defer func() { // the same safety net as Parse
		if recover() != nil {
			s = ""
		}
	}()
	return htmlSource(raw)
}

func htmlSource(raw []byte) string {
	p := &parser{textBudget: textBudget}
	h, body := readHeader(raw, p)
	root := p.entity(&h, body, 0, "text/plain")
	return p.capText(p.htmlSource(root.html), "HTML")
}

// Fill copies the parsed fields into m, leaving what the store and the
// sync own (IDs, direction, locations, flags, size, hash) alone. The
// caller sets m.ParseError when Parse failed.
func (p *Parsed) Fill(m *storage.Message) {
	m.MessageID = p.MessageID
	m.InReplyTo = p.InReplyTo
	m.References = append([]string(nil), p.References...)
	m.From = p.From
	m.To = append([]storage.Address(nil), p.To...)
	m.Cc = append([]storage.Address(nil), p.Cc...)
	m.ReplyTo = append([]storage.Address(nil), p.ReplyTo...)
	m.Problems = append([]string(nil), p.Problems...)
	m.Date = p.Date
	m.Subject = p.Subject
	m.Text = p.Text
	m.Attachments = append([]storage.Attachment(nil), p.Attachments...)
}

// parser holds the state of one Parse call.
type parser struct {
	dec         decoder
	problems    []string
	parts       int
	textBudget  int
	attachments []storage.Attachment
	// capture, when set, collects one attachment's decoded bytes
	// (AttachmentData); Parse leaves it nil.
	capture *attachmentCapture
}

// note records a problem once; past maxProblems only the count matters.
func (p *parser) note(s string) {
	for _, q := range p.problems {
		if q == s {
			return
		}
	}
	switch {
	case len(p.problems) < maxProblems:
		p.problems = append(p.problems, s)
	case len(p.problems) == maxProblems:
		p.problems = append(p.problems, "more problems not listed")
	}
}

// from is the From address; a message without one falls back to Sender
// and then Return-Path so that the seller can still answer.
func (p *parser) from(h *header) storage.Address {
	for _, name := range [...]string{"from", "sender", "return-path"} {
		if as := p.addressList(h.get(name)); len(as) > 0 {
			if name != "from" {
				p.note("no usable From; taken from " + name)
			}
			return as[0]
		}
	}
	p.note("no From")
	return storage.Address{}
}

func firstID(v []byte) string {
	if ids := msgIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// capText cuts s to MaxText bytes on a character boundary.
func (p *parser) capText(s, what string) string {
	if len(s) <= MaxText {
		return s
	}
	n := MaxText
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	p.note(what + " longer than " + strconv.Itoa(MaxText>>20) + " MB; cut")
	return s[:n]
}
