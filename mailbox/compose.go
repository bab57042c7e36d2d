package mailbox

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/emersion/go-message/mail"

	"github.com/shopdesk/shopdesk/storage"
)

// MaxReplyReferences caps the References of a reply: the thread root and
// the newest ancestors are what threading needs, and some servers refuse
// very long header fields.
const MaxReplyReferences = 20

// Draft is an outgoing message. MessageID and Date are frozen when the
// reply is queued, so that a retry after a crash sends the very same
// message and never a second copy under a new ID.
type Draft struct {
	From    storage.Address
	To      []storage.Address
	Cc      []storage.Address
	Bcc     []storage.Address // never written into the message; see Recipients
	ReplyTo []storage.Address // optional
	Subject string
	// MessageID is the ID without angle brackets, from NewMessageID.
	MessageID   string
	Date        time.Time
	InReplyTo   string   // parent's Message-ID, without brackets
	References  []string // from ReplyReferences, without brackets
	Text        string
	HTML        string // optional HTML alternative of Text
	Attachments []DraftAttachment
}

// DraftAttachment is a file sent with a draft.
type DraftAttachment struct {
	Name string
	Type string // MIME type; application/octet-stream when empty
	Data []byte
}

// Recipients lists the envelope recipients (To, Cc and Bcc), each once.
func (d *Draft) Recipients() []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range [][]storage.Address{d.To, d.Cc, d.Bcc} {
		for _, a := range list {
			k := strings.ToLower(a.Email)
			if a.Email != "" && !seen[k] {
				seen[k] = true
				out = append(out, a.Email)
			}
		}
	}
	return out
}

// Compose renders d as RFC 5322 bytes (CRLF line ends): UTF-8 text/plain in
// quoted-printable, an optional HTML alternative, attachments in base64
// with RFC 2231 file names. Non-ASCII names and subjects are RFC 2047
// B-encoded (shorter than Q for Chinese, and what Chinese webmail writes).
func Compose(d Draft) ([]byte, error) {
	if err := d.validate(); err != nil {
		return nil, errorf("compose: %w", err)
	}
	// go-message writes the fields it was given last first: set them
	// bottom-up so the message reads Date, From, To ... References.
	var h gomail.Header
	if refs := cleanIDs(d.References); len(refs) > 0 {
		h.Set("References", "<"+strings.Join(refs, "> <")+">")
	}
	if d.InReplyTo != "" && validID(d.InReplyTo) {
		h.Set("In-Reply-To", "<"+d.InReplyTo+">")
	}
	h.Set("Message-Id", "<"+d.MessageID+">")
	h.Set("Subject", encodeText(d.Subject))
	if len(d.ReplyTo) > 0 {
		h.Set("Reply-To", formatAddressList(d.ReplyTo))
	}
	if len(d.Cc) > 0 {
		h.Set("Cc", formatAddressList(d.Cc))
	}
	if len(d.To) > 0 {
		h.Set("To", formatAddressList(d.To))
	}
	h.Set("From", formatAddress(d.From))
	h.SetDate(d.Date)

	var buf bytes.Buffer
	buf.Grow(len(d.Text) + len(d.HTML) + 2048)
	var err error
	switch {
	case len(d.Attachments) > 0:
		err = writeMixed(&buf, h, d)
	case d.HTML != "":
		err = writeAlternative(&buf, h, d)
	default:
		err = writeSingle(&buf, h, d.Text)
	}
	if err != nil {
		return nil, errorf("compose %s: %w", d.MessageID, err)
	}
	return buf.Bytes(), nil
}

func (d *Draft) validate() error {
	if !validEmail(d.From.Email) {
		return fmt.Errorf("invalid From address %q", d.From.Email)
	}
	if len(d.To)+len(d.Cc)+len(d.Bcc) == 0 {
		return errors.New("no recipients")
	}
	for _, list := range [][]storage.Address{d.To, d.Cc, d.Bcc, d.ReplyTo} {
		for _, a := range list {
			if !validEmail(a.Email) {
				return fmt.Errorf("invalid address %q", a.Email)
			}
		}
	}
	if !validID(d.MessageID) || !strings.Contains(d.MessageID, "@") {
		return fmt.Errorf("invalid Message-ID %q (use NewMessageID)", d.MessageID)
	}
	if d.Date.IsZero() {
		return errors.New("no Date (set it when the reply is queued)")
	}
	return nil
}

func validEmail(s string) bool {
	return plausibleEmail([]byte(s)) && !strings.ContainsAny(s, "\"()[]\\\x00\x7f") && isPrintable(s)
}

func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 {
			return false
		}
	}
	return true
}

// validID: a msg-id body we can write between angle brackets.
func validID(id string) bool {
	return id != "" && len(id) < 500 && !strings.ContainsAny(id, " \t\r\n<>\"") && isPrintable(id)
}

func cleanIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		id = strings.Trim(strings.TrimSpace(id), "<>")
		if validID(id) {
			out = append(out, id)
		}
	}
	return out
}

func inlineHeader(typ string) gomail.InlineHeader {
	var h gomail.InlineHeader
	h.Set("Content-Type", typ+"; charset=utf-8")
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	return h
}

func writeSingle(w io.Writer, h gomail.Header, text string) error {
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	body, err := gomail.CreateSingleInlineWriter(w, h)
	if err != nil {
		return err
	}
	return writeClose(body, textBody(text))
}

func writeAlternative(w io.Writer, h gomail.Header, d Draft) error {
	iw, err := gomail.CreateInlineWriter(w, h)
	if err != nil {
		return err
	}
	if err := writeInlineParts(iw, d); err != nil {
		return err
	}
	return iw.Close()
}

func writeInlineParts(iw *gomail.InlineWriter, d Draft) error {
	for _, part := range []struct{ typ, body string }{{"text/plain", textBody(d.Text)}, {"text/html", d.HTML}} {
		pw, err := iw.CreatePart(inlineHeader(part.typ))
		if err != nil {
			return err
		}
		if err := writeClose(pw, part.body); err != nil {
			return err
		}
	}
	return nil
}

func writeMixed(w io.Writer, h gomail.Header, d Draft) error {
	mw, err := gomail.CreateWriter(w, h)
	if err != nil {
		return err
	}
	if d.HTML != "" {
		iw, err := mw.CreateInline()
		if err != nil {
			return err
		}
		if err := writeInlineParts(iw, d); err != nil {
			return err
		}
		if err := iw.Close(); err != nil {
			return err
		}
	} else {
		pw, err := mw.CreateSingleInline(inlineHeader("text/plain"))
		if err != nil {
			return err
		}
		if err := writeClose(pw, textBody(d.Text)); err != nil {
			return err
		}
	}
	for i, a := range d.Attachments {
		if err := writeAttachment(mw, a); err != nil {
			return fmt.Errorf("attachment %d: %w", i+1, err)
		}
	}
	return mw.Close()
}

func writeAttachment(mw *gomail.Writer, a DraftAttachment) error {
	name := baseName(cleanLine(a.Name))
	if name == "" {
		name = "attachment"
	}
	typ := strings.ToLower(strings.TrimSpace(a.Type))
	if !validMediaType(typ) {
		typ = "application/octet-stream"
	}
	var h gomail.AttachmentHeader
	// name= in Content-Type (RFC 2047) is for old Outlook and Chinese
	// webmail; filename*= (RFC 2231) in Content-Disposition is the standard.
	h.Set("Content-Type", mime.FormatMediaType(typ, map[string]string{"name": encodeText(name)}))
	h.Set("Content-Disposition", formatDisposition(name))
	h.Set("Content-Transfer-Encoding", "base64")
	aw, err := mw.CreateAttachment(h)
	if err != nil {
		return err
	}
	if _, err := aw.Write(a.Data); err != nil {
		aw.Close()
		return err
	}
	return aw.Close()
}

func writeClose(wc io.WriteCloser, s string) error {
	if _, err := io.WriteString(wc, s); err != nil {
		wc.Close()
		return err
	}
	return wc.Close()
}

// textBody gives the text LF line ends (quoted-printable turns them into
// CRLF) and a final newline.
func textBody(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// encodeText makes one-line header text: ASCII stays readable, anything
// else becomes RFC 2047 B words.
func encodeText(s string) string {
	s = cleanLine(s)
	if isASCIIString(s) {
		return s
	}
	return encodeWords(s)
}

// encodeWords B-encodes s in words short enough (about 60 columns) that
// "Subject: " plus one word fits a 78-column line; mime.BEncoding alone
// fills words to 75 columns. Words are cut on character boundaries, and
// readers join adjacent words without the space between them.
func encodeWords(s string) string {
	const maxBytes = 36 // 48 base64 characters + "=?UTF-8?b?" + "?="
	var words []string
	for len(s) > 0 {
		n := min(maxBytes, len(s))
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n--
		}
		// Encode every chunk, ASCII ones too: a bare chunk next to a word
		// would keep the space that joins them.
		words = append(words, "=?UTF-8?B?"+base64.StdEncoding.EncodeToString([]byte(s[:n]))+"?=")
		s = s[n:]
	}
	return strings.Join(words, " ")
}

func formatAddress(a storage.Address) string {
	name := cleanLine(a.Name)
	if name == "" {
		return "<" + a.Email + ">"
	}
	if isASCIIString(name) {
		return (&mail.Address{Name: name, Address: a.Email}).String()
	}
	return encodeWords(name) + " <" + a.Email + ">"
}

func formatAddressList(as []storage.Address) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = formatAddress(a)
	}
	return strings.Join(parts, ", ")
}

// formatDisposition writes "attachment; filename=..." with RFC 2231 for
// non-ASCII names, split into continuations (filename*0*=, filename*1*=)
// so that no header line grows past what servers accept.
func formatDisposition(name string) string {
	if isASCIIString(name) {
		return mime.FormatMediaType("attachment", map[string]string{"filename": name})
	}
	const chunk = 48 // keeps each continuation within a 76-column line
	var sb strings.Builder
	enc := percentEncode(name)
	if len(enc) <= chunk {
		return "attachment; filename*=UTF-8''" + enc
	}
	sb.WriteString("attachment")
	for n := 0; len(enc) > 0; n++ {
		cut := min(chunk, len(enc))
		// never split a %XX escape
		if i := strings.LastIndexByte(enc[:cut], '%'); i >= 0 && i > cut-3 && cut < len(enc) {
			cut = i
		}
		sb.WriteString("; filename*" + strconv.Itoa(n) + "*=")
		if n == 0 {
			sb.WriteString("UTF-8''")
		}
		sb.WriteString(enc[:cut])
		enc = enc[cut:]
	}
	return sb.String()
}

// percentEncode escapes all but RFC 2231 attribute-chars.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// NewMessageID makes a Message-ID (without angle brackets) for a reply
// from domain, normally the domain of the From address. Call it once when
// the reply is queued and store it with the draft.
func NewMessageID(domain string) string {
	domain = strings.ToLower(strings.TrimSpace(domain))
	var d strings.Builder
	for i := 0; i < len(domain); i++ {
		if c := domain[i]; 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' {
			d.WriteByte(c)
		}
	}
	host := strings.Trim(d.String(), ".-")
	if host == "" {
		host = "shopdesk.local"
	}
	return strconv.FormatInt(time.Now().UnixNano(), 36) + "." + strings.ToLower(rand.Text()) + "@" + host
}

// DomainOf returns the domain part of an email address ("" if none).
func DomainOf(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return email[i+1:]
	}
	return ""
}

// ReplyReferences is the References of a reply to a message with the
// given References and Message-ID: the parent's list plus the parent,
// without repeats, capped at MaxReplyReferences (root kept).
func ReplyReferences(parentRefs []string, parentID string) []string {
	all := append(append([]string{}, parentRefs...), parentID)
	var out []string
	seen := map[string]bool{}
	for _, id := range cleanIDs(all) {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return capReferences(out, MaxReplyReferences)
}

// replyPrefixes are what mail clients put before a subject they answer,
// lower-case, without the colon (ASCII or full-width) that must follow.
var replyPrefixes = []string{"re", "aw", "sv", "antw", "vs", "odp", "res", "回复", "回覆", "答复", "答覆", "返信"}

// BaseSubject strips reply prefixes ("Re:", "RE :", "Re[2]:", "AW:",
// "Sv:", "回复：", "答复:" ...), however many, for threading by subject.
func BaseSubject(s string) string {
	s = strings.TrimSpace(s)
	for {
		rest, ok := cutReplyPrefix(s)
		if !ok {
			return s
		}
		s = strings.TrimSpace(rest)
	}
}

// ReplySubject is the subject of a reply: "Re: " once, whatever prefixes
// the parent carried.
func ReplySubject(s string) string {
	base := BaseSubject(cleanLine(s))
	if base == "" {
		return "Re:"
	}
	return "Re: " + base
}

func cutReplyPrefix(s string) (string, bool) {
	for _, p := range replyPrefixes {
		if len(s) < len(p) || !strings.EqualFold(s[:len(p)], p) {
			continue
		}
		rest := s[len(p):]
		// optional counter: Re[2]: Re(2):
		if len(rest) > 0 && (rest[0] == '[' || rest[0] == '(') {
			close := strings.IndexAny(rest, "])")
			if close < 0 || close > 4 {
				continue
			}
			if _, err := strconv.Atoi(rest[1:close]); err != nil {
				continue
			}
			rest = rest[close+1:]
		}
		rest = strings.TrimLeft(rest, " \t")
		switch {
		case strings.HasPrefix(rest, ":"):
			return rest[1:], true
		case strings.HasPrefix(rest, "："):
			return rest[len("："):], true
		}
	}
	return s, false
}
