package ui

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// The composer's text work, free of widgets: who a reply goes to, the
// quoted original, the forwarded block, address fields and placeholders
// left unfilled.

// replyRecipients is who a reply to m goes to: its Reply-To or From (the
// original recipients when m is the shop's own message), and for reply all
// also the other To and Cc, never the shop's own addresses.
func replyRecipients(m storage.Message, mode storage.DraftMode, own func(string) bool) (to, cc []storage.Address) {
	seen := map[string]bool{}
	add := func(list []storage.Address, into *[]storage.Address) {
		for _, a := range list {
			k := strings.ToLower(strings.TrimSpace(a.Email))
			if k == "" || own(k) || seen[k] {
				continue
			}
			seen[k] = true
			*into = append(*into, a)
		}
	}
	primary := m.ReplyTo
	if len(primary) == 0 {
		primary = []storage.Address{m.From}
	}
	if own(m.From.Email) {
		primary = m.To
	}
	add(primary, &to)
	if mode == storage.DraftReplyAll {
		add(m.To, &to)
		add(m.Cc, &cc)
	}
	return to, cc
}

// forwardSubject puts "Fwd: " before a subject once.
func forwardSubject(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"fwd:", "fw:", "转发：", "转发:"} {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			return s
		}
	}
	return "Fwd: " + s
}

// signatureBlock is the account's signature under the usual "-- " line,
// which mail clients recognise and leave out of quotes.
func signatureBlock(sig string) string {
	sig = strings.TrimRight(strings.ReplaceAll(sig, "\r\n", "\n"), "\n ")
	if strings.TrimSpace(sig) == "" {
		return ""
	}
	return "-- \n" + sig + "\n"
}

// senderName is how the quote header names a sender.
func senderName(a storage.Address) string {
	if n := oneLine(a.Name); n != "" {
		return n
	}
	return a.Email
}

// replyBody is a reply's starting text: room to write, the signature,
// then the original quoted with "> ".
func replyBody(m storage.Message, signature string) string {
	var b strings.Builder
	b.WriteString("\n\n")
	if sig := signatureBlock(signature); sig != "" {
		b.WriteString(sig + "\n")
	}
	b.WriteString(lang.L("On {{.Date}}, {{.Name}} wrote:", map[string]any{"Date": formatDate(m.Date), "Name": senderName(m.From)}))
	b.WriteByte('\n')
	for _, line := range strings.Split(strings.TrimRight(normalizeNewlines(m.Text), "\n"), "\n") {
		if line == "" {
			b.WriteString(">\n")
			continue
		}
		b.WriteString("> " + line + "\n")
	}
	return b.String()
}

// forwardBody is a forward's starting text: room to write, the signature,
// then the original's header fields and text. The original's attachments
// are listed, not attached: the store keeps their names, not their bytes.
func forwardBody(m storage.Message, signature string) string {
	var b strings.Builder
	b.WriteString("\n\n")
	if sig := signatureBlock(signature); sig != "" {
		b.WriteString(sig + "\n")
	}
	b.WriteString("---------- " + lang.L("Forwarded message") + " ----------\n")
	field := func(name, value string) {
		if value != "" {
			b.WriteString(name + ": " + value + "\n")
		}
	}
	field(lang.L("From"), formatAddressField([]storage.Address{m.From}))
	if !m.Date.IsZero() {
		field(lang.L("Date"), formatDate(m.Date))
	}
	field(lang.L("Subject"), oneLine(m.Subject))
	field(lang.L("To"), formatAddressField(m.To))
	field(lang.L("Cc"), formatAddressField(m.Cc))
	b.WriteString("\n" + strings.TrimRight(normalizeNewlines(m.Text), "\n") + "\n")
	if len(m.Attachments) > 0 {
		names := make([]string, len(m.Attachments))
		for i, a := range m.Attachments {
			names[i] = fmt.Sprintf("%s (%s)", a.Name, fileSizeText(a.Size))
		}
		b.WriteString("\n" + lang.L("Attachments of the original, not forwarded: {{.Names}}", map[string]any{"Names": strings.Join(names, ", ")}) + "\n")
	}
	return b.String()
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// formatAddressField writes addresses for an editable field: names stay
// readable (Chinese too) and are quoted only when they hold separators.
func formatAddressField(list []storage.Address) string {
	parts := make([]string, 0, len(list))
	for _, a := range list {
		if a.Email == "" {
			continue
		}
		name := oneLine(a.Name)
		switch {
		case name == "" || strings.EqualFold(name, a.Email):
			parts = append(parts, a.Email)
		case strings.ContainsAny(name, `,;<>"@()[]:\`):
			parts = append(parts, `"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)+`" <`+a.Email+`>`)
		default:
			parts = append(parts, name+" <"+a.Email+">")
		}
	}
	return strings.Join(parts, ", ")
}

// separators that sellers type between addresses, the Chinese ones too.
var addressSeparators = strings.NewReplacer("，", ",", "；", ",", ";", ",")

// errAddresses is what an address field says when it cannot be read.
var errAddresses = errors.New("invalid address list")

// parseAddressField reads a comma-separated address field. Blank is no
// addresses; an address given twice is kept once.
func parseAddressField(s string) ([]storage.Address, error) {
	s = strings.Trim(strings.TrimSpace(addressSeparators.Replace(s)), ",")
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	list, err := mail.ParseAddressList(s)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", errAddresses, s, err)
	}
	var out []storage.Address
	for _, a := range list {
		if slices.ContainsFunc(out, func(b storage.Address) bool { return strings.EqualFold(a.Address, b.Email) }) {
			continue
		}
		out = append(out, storage.Address{Name: a.Name, Email: a.Address})
	}
	return out, nil
}

// rePlaceholder finds what looks like a canned-reply placeholder.
var rePlaceholder = regexp.MustCompile(`\{\{\s*([a-z_.]+)[^{}\n]*\}\}`)

// unfilledPlaceholders lists the canned-reply placeholders still in a
// text, as written. Other braces (a customer's quoted text) are left alone.
func unfilledPlaceholders(text string) []string {
	var out []string
	for _, m := range rePlaceholder.FindAllStringSubmatch(text, -1) {
		if slices.Contains(assets.PlaceholderNames, m[1]) && !slices.Contains(out, m[0]) {
			out = append(out, m[0])
		}
	}
	return out
}

// answeredMessage picks the message a reply answers when none was named:
// the customer's latest, else the latest of all.
func answeredMessage(msgs []storage.Message) (storage.Message, bool) {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Direction == storage.Inbound {
			return msgs[i], true
		}
	}
	if len(msgs) > 0 {
		return msgs[len(msgs)-1], true
	}
	return storage.Message{}, false
}

// fileSizeText is a file size for people: "830 B", "12 KB", "3.4 MB".
func fileSizeText(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%d KB", (n+512)/1024)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
}

// replySubjectFor is the subject a new composer starts with.
func replySubjectFor(mode storage.DraftMode, m storage.Message, conv storage.Conversation) string {
	subject := m.Subject
	if m.ID == 0 {
		subject = conv.Subject
	}
	if mode == storage.DraftForward {
		return forwardSubject(subject)
	}
	return mailbox.ReplySubject(subject)
}

// addressesAsTyped keeps an address field for the draft: parsed when it
// parses, else each comma-separated piece as typed, so nothing is lost.
func addressesAsTyped(s string) []storage.Address {
	if list, err := parseAddressField(s); err == nil {
		return list
	}
	var out []storage.Address
	for _, part := range strings.Split(addressSeparators.Replace(s), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, err := mail.ParseAddress(part); err == nil {
			out = append(out, storage.Address{Name: a.Name, Email: a.Address})
		} else {
			out = append(out, storage.Address{Email: part})
		}
	}
	return out
}
