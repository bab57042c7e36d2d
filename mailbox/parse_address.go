package mailbox

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/shopdesk/shopdesk/storage"
)

// maxAddresses bounds the addresses kept from one header field.
const maxAddresses = 1000

// addressList parses From, To, Cc or Reply-To leniently. net/mail (behind
// go-message's Header.AddressList) rejects the whole list for one bad
// address and for 8-bit bytes outside UTF-8, and decodes encoded-words one
// by one; here every address that can be salvaged is kept, and an item
// with no usable address keeps its text as the Name so nothing is lost.
func (p *parser) addressList(v []byte) []storage.Address {
	v = trimWSP(v)
	if len(v) == 0 {
		return nil
	}
	if !isASCII(v) {
		// Decode raw 8-bit first: GBK and Big5 trail bytes include '"',
		// '<', '@' and '\', which would mislead the splitter below.
		v = []byte(p.decodeRawHeader(v))
	}
	var out []storage.Address
	for _, item := range splitAddressList(v) {
		if len(out) >= maxAddresses {
			p.note("more than " + strconv.Itoa(maxAddresses) + " addresses in one field; the rest were skipped")
			break
		}
		item = trimWSP(item)
		if len(item) == 0 {
			continue
		}
		a, ok := p.address(item)
		if !ok {
			p.note("unreadable address " + strconv.Quote(truncate(a.Name, 60)) + " kept as a name")
		}
		if a.Name != "" || a.Email != "" {
			out = append(out, a)
		}
	}
	return out
}

// splitAddressList cuts a list at top-level commas and semicolons, and
// drops group names ("undisclosed-recipients:;", "Team: a@x, b@y;").
func splitAddressList(v []byte) [][]byte {
	var items [][]byte
	start := 0
	inQuote, inAngle := false, false
	depth := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && (inQuote || depth > 0):
			i++
		case c == '"' && depth == 0:
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth > 0:
		case c == '<':
			inAngle = true
		case c == '>':
			inAngle = false
		case inAngle:
		case c == '=' && i+1 < len(v) && v[i+1] == '?':
			// A Q-encoded word may hold a raw comma ("=?utf-8?Q?Smith,_J?=").
			if w, ok := scanEncodedWord(v[i:]); ok {
				i += w.n - 1
			}
		case c == ':':
			// group name: only if nothing address-like came before it
			if seg := v[start:i]; bytes.IndexAny(seg, "@<") < 0 {
				start = i + 1
			}
		case c == ',' || c == ';':
			items = append(items, v[start:i])
			start = i + 1
		}
	}
	return append(items, v[start:])
}

// address parses one item. ok is false when no address could be found; the
// item's text is then returned as the Name.
func (p *parser) address(item []byte) (storage.Address, bool) {
	lt, gt := topLevelAngle(item)
	if lt < 0 {
		// Unbalanced quotes hide the brackets from topLevelAngle, and a
		// cut-off header loses the '>'.
		if lt = bytes.LastIndexByte(item, '<'); lt >= 0 {
			if gt = bytes.IndexByte(item[lt:], '>'); gt >= 0 {
				gt += lt
			} else {
				gt = len(item)
			}
		}
	}
	var name, email []byte
	if lt >= 0 {
		email = item[lt+1 : gt]
		name = trimWSP(item[:lt])
		if gt < len(item) {
			if tail := trimWSP(item[gt+1:]); len(name) == 0 && len(tail) > 0 {
				name = stripParens(tail) // "<a@b> (Name)"
			}
		}
	} else {
		email, name = splitComment(item) // "a@b (Name)" or just "a@b"
	}
	email = cleanEmail(email)
	if !plausibleEmail(email) {
		return storage.Address{Name: p.decodeText(item)}, false
	}
	return storage.Address{Name: p.displayName(name), Email: string(email)}, true
}

// topLevelAngle finds the last <...> outside quotes and comments.
func topLevelAngle(b []byte) (lt, gt int) {
	lt, gt = -1, -1
	inQuote, depth := false, 0
	open := -1
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\\' && (inQuote || depth > 0):
			i++
		case c == '"' && depth == 0:
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth > 0:
		case c == '<':
			open = i
		case c == '>' && open >= 0:
			lt, gt, open = open, i, -1
		}
	}
	return lt, gt
}

// splitComment splits "a@b (Name)" into the address and the comment text.
func splitComment(b []byte) (email, comment []byte) {
	i := bytes.IndexByte(b, '(')
	if i < 0 {
		return trimWSP(b), nil
	}
	j := bytes.LastIndexByte(b, ')')
	if j < i {
		j = len(b)
	}
	comment = b[i+1 : j]
	rest := append(append([]byte{}, b[:i]...), b[min(j+1, len(b)):]...)
	return trimWSP(rest), trimWSP(comment)
}

func stripParens(b []byte) []byte {
	if len(b) >= 2 && b[0] == '(' && b[len(b)-1] == ')' {
		return trimWSP(b[1 : len(b)-1])
	}
	return b
}

// displayName unquotes and decodes a display name. Encoded-words inside
// the quotes are decoded too: Foxmail writes "=?gbk?B?...?=" <a@b>.
func (p *parser) displayName(b []byte) string {
	b = trimWSP(b)
	if len(b) >= 2 && b[0] == '"' {
		inner, _ := readQuoted(b[1:])
		b = inner
	} else if len(b) >= 2 && b[0] == '\'' && b[len(b)-1] == '\'' {
		b = b[1 : len(b)-1] // Outlook's 'Name' <a@b>
	}
	return p.decodeText(b)
}

// cleanEmail trims what mailers wrap around an address.
func cleanEmail(b []byte) []byte {
	b = trimWSP(b)
	if len(b) >= 7 && strings.EqualFold(string(b[:7]), "mailto:") {
		b = b[7:]
	}
	b = bytes.Trim(b, " \t<>\"'")
	return b
}

// plausibleEmail: local@domain with no whitespace or angle brackets. The
// check is deliberately loose; the address is data, not a route.
func plausibleEmail(b []byte) bool {
	at := bytes.LastIndexByte(b, '@')
	if at <= 0 || at == len(b)-1 {
		return false
	}
	return bytes.IndexAny(b, " \t<>,;\r\n") < 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "..."
}
