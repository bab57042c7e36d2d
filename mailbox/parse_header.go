package mailbox

import (
	"bytes"
	"strconv"
)

// maxHeaderFields bounds the fields kept from one header block; a crafted
// message with millions of header lines must not cost millions of
// allocations. Real messages have tens.
const maxHeaderFields = 2000

// field is one header field. Its value is src[start:end] of the header,
// still holding the folds (CRLF + WSP) of the original, so that fields
// nobody asks for (Received, DKIM-Signature) cost no copy; value unfolds
// on demand.
type field struct {
	name       []byte
	start, end int
	folded     bool
}

// value returns the unfolded field value, trimmed. Each fold (line break
// plus the whitespace around it) becomes one space, as go-message does.
func (h *header) value(f *field) []byte {
	raw := h.src[f.start:f.end]
	if !f.folded {
		return trimWSP(raw)
	}
	out := make([]byte, 0, len(raw))
	rest := raw
	for {
		i := bytes.IndexByte(rest, '\n')
		var line []byte
		if i < 0 {
			line = rest
		} else {
			line = rest[:i]
		}
		line = trimWSP(bytes.TrimSuffix(line, []byte{'\r'}))
		if len(line) > 0 {
			if len(out) > 0 {
				out = append(out, ' ')
			}
			out = append(out, line...)
		}
		if i < 0 {
			return out
		}
		rest = rest[i+1:]
	}
}

// header is a parsed header block, in the order the fields appeared.
type header struct {
	src    []byte
	fields []field
}

// get returns the first field called name (lower-case), or nil.
func (h *header) get(name string) []byte {
	for i := range h.fields {
		if equalFoldASCII(h.fields[i].name, name) {
			return h.value(&h.fields[i])
		}
	}
	return nil
}

// has reports whether any field called name exists, even if empty.
func (h *header) has(name string) bool {
	for i := range h.fields {
		if equalFoldASCII(h.fields[i].name, name) {
			return true
		}
	}
	return false
}

// all returns every field called name, in order.
func (h *header) all(name string) [][]byte {
	var out [][]byte
	for i := range h.fields {
		if equalFoldASCII(h.fields[i].name, name) {
			out = append(out, h.value(&h.fields[i]))
		}
	}
	return out
}

// readHeader splits b into its header block and body. It never fails: it
// salvages what a strict reader (go-message's textproto, net/textproto)
// would reject and stop at, and notes what it did in p.
//   - an mbox "From " line before the header is skipped;
//   - a line that is no field and no continuation ends the header and is
//     the first body line (Python's email package does the same);
//   - a header that runs to the end of the input has an empty body;
//   - blank lines before the first field are skipped.
func readHeader(b []byte, p *parser) (header, []byte) {
	h := header{src: b}
	pos := 0
	if bytes.HasPrefix(b, []byte("From ")) {
		pos = nextLine(b, 0)
	}
	for pos < len(b) && (b[pos] == '\n' || b[pos] == '\r') && looksLikeField(b[skipBlankLines(b, pos):]) {
		pos = skipBlankLines(b, pos)
	}
	dropped := 0
	for pos < len(b) {
		end := nextLine(b, pos)
		line := b[pos:end]
		content := bytes.TrimRight(line, "\r\n")
		if len(content) == 0 { // blank line: the body follows
			return h, b[end:]
		}
		if content[0] == ' ' || content[0] == '\t' {
			if n := len(h.fields); n > 0 && dropped == 0 {
				f := &h.fields[n-1]
				f.end = pos + len(content)
				f.folded = true
			}
			pos = end
			continue
		}
		colon := bytes.IndexByte(content, ':')
		if colon <= 0 || !validFieldName(trimWSP(content[:colon])) {
			if len(h.fields) > 0 || pos > 0 {
				p.note("header ended without a blank line")
			}
			return h, b[pos:]
		}
		if len(h.fields) >= maxHeaderFields {
			if dropped == 0 {
				p.note("more than " + strconv.Itoa(maxHeaderFields) + " header fields; the rest were skipped")
			}
			dropped++
			pos = end
			continue
		}
		start := pos + colon + 1
		h.fields = append(h.fields, field{name: trimWSP(content[:colon]), start: start, end: pos + len(content)})
		pos = end
	}
	return h, nil
}

func nextLine(b []byte, pos int) int {
	if i := bytes.IndexByte(b[pos:], '\n'); i >= 0 {
		return pos + i + 1
	}
	return len(b)
}

func skipBlankLines(b []byte, pos int) int {
	for pos < len(b) && (b[pos] == '\n' || b[pos] == '\r') {
		pos++
	}
	return pos
}

// looksLikeField reports whether b starts with "Name:".
func looksLikeField(b []byte) bool {
	line := b[:nextLine(b, 0)]
	colon := bytes.IndexByte(line, ':')
	return colon > 0 && validFieldName(trimWSP(line[:colon]))
}

// validFieldName: printable ASCII without colon or space (RFC 5322 2.2).
func validFieldName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

func trimWSP(b []byte) []byte {
	return bytes.Trim(b, " \t\r\n")
}

// equalFoldASCII compares a header name with a lower-case ASCII key.
func equalFoldASCII(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
