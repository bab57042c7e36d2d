package mailbox

import (
	"bytes"
	"strings"
)

// decodeText decodes an unstructured header value (Subject, a display
// name, a file name) into clean one-line UTF-8.
//
// It does not use mime.WordDecoder, which decodes each encoded-word on its
// own: real mailers cut words in the middle of a multibyte character
// ("=?GBK?B?ttTE?= =?GBK?B?48PH?="), so adjacent words of one charset are
// joined as bytes first and decoded once. It also decodes words that are
// glued to text or sit inside quotes, which RFC 2047 forbids and mailers
// (Foxmail, Outlook) write anyway, and raw 8-bit bytes outside any word.
func (p *parser) decodeText(v []byte) string {
	if len(v) == 0 {
		return ""
	}
	if bytes.Index(v, []byte("=?")) < 0 {
		if isASCII(v) {
			return cleanLine(string(v))
		}
		return cleanLine(p.decodeRawHeader(v))
	}
	var out strings.Builder
	out.Grow(len(v))
	var (
		pendCharset string // charset of the words collected in pend
		pend        []byte // decoded bytes of adjacent same-charset words
		gap         []byte // whitespace seen since the last word
		afterWord   bool
	)
	flush := func() {
		if pend == nil {
			return
		}
		s, problem := p.dec.decodeLabelled(pendCharset, pend)
		if problem != "" {
			p.note("header: " + problem)
		}
		out.WriteString(s)
		pend, pendCharset = nil, ""
	}
	literal := func(lit []byte) {
		if len(lit) == 0 {
			return
		}
		flush()
		if isASCII(lit) {
			out.Write(lit)
		} else {
			out.WriteString(p.decodeRawHeader(lit))
		}
	}
	rest := v
	for len(rest) > 0 {
		i := bytes.Index(rest, []byte("=?"))
		if i < 0 {
			literal(gap)
			literal(rest)
			gap = nil
			break
		}
		w, ok := scanEncodedWord(rest[i:])
		if !ok {
			// Not a word: "=?" is plain text. Emit through the "=?".
			literal(gap)
			literal(rest[:i+2])
			gap, afterWord = nil, false
			rest = rest[i+2:]
			continue
		}
		before := rest[:i]
		if afterWord && len(trimWSP(before)) == 0 {
			gap = nil // whitespace between two encoded-words is not text
		} else {
			literal(gap)
			literal(before)
			gap = nil
		}
		if pend != nil && !strings.EqualFold(normalizeLabel(w.charset), normalizeLabel(pendCharset)) {
			flush()
		}
		if pend == nil {
			pendCharset = w.charset
			pend = make([]byte, 0, len(w.text))
		}
		pend = w.appendDecoded(pend)
		afterWord = true
		rest = rest[i+w.n:]
		// Hold back whitespace: it is dropped if another word follows.
		ws := 0
		for ws < len(rest) && (rest[ws] == ' ' || rest[ws] == '\t') {
			ws++
		}
		gap, rest = rest[:ws], rest[ws:]
	}
	literal(gap)
	flush()
	return cleanLine(out.String())
}

// encodedWord is one "=?charset?B|Q?text?=" found in a header.
type encodedWord struct {
	charset string
	b       bool   // B (base64) rather than Q encoding
	text    []byte // still encoded
	n       int    // bytes of the header it spans
}

// scanEncodedWord reads an encoded-word at the start of b (which starts
// with "=?"). Spaces inside Q text are tolerated: some mailers forget to
// encode them.
func scanEncodedWord(b []byte) (encodedWord, bool) {
	// Every scan below stops at the next '?', and every later "=?"
	// holds one, so scanning a header full of false starts stays linear.
	q1 := bytes.IndexByte(b[2:], '?')
	if q1 <= 0 || q1 > 75 {
		return encodedWord{}, false
	}
	cs := b[2 : 2+q1]
	if bytes.ContainsAny(cs, " \t\"()<>,;=") {
		return encodedWord{}, false
	}
	rest := b[2+q1+1:]
	if len(rest) < 2 || rest[1] != '?' {
		return encodedWord{}, false
	}
	enc := rest[0] | 0x20
	if enc != 'b' && enc != 'q' {
		return encodedWord{}, false
	}
	text := rest[2:]
	end := bytes.IndexByte(text, '?') // the text holds no '?': this must be "?="
	if end < 0 || end+1 >= len(text) || text[end+1] != '=' {
		return encodedWord{}, false
	}
	text = text[:end]
	if bytes.ContainsAny(text, "\r\n") {
		return encodedWord{}, false
	}
	return encodedWord{charset: string(cs), b: enc == 'b', text: text, n: 2 + q1 + 1 + 2 + end + 2}, true
}

// appendDecoded appends the word's bytes, still in its charset.
func (w encodedWord) appendDecoded(out []byte) []byte {
	if w.b {
		raw, _ := decodeBase64(w.text, -1)
		return append(out, raw...)
	}
	return appendQWord(out, w.text)
}

// appendQWord decodes the Q encoding of RFC 2047 4.2; malformed escapes
// are kept literally.
func appendQWord(out, t []byte) []byte {
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(t) && isHex(t[i+1]) && isHex(t[i+2]):
			out = append(out, unhex(t[i+1])<<4|unhex(t[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

// decodeRawHeader decodes raw 8-bit header bytes (no encoded-word), noting
// a problem unless they were valid UTF-8 (RFC 6532 allows that).
func (p *parser) decodeRawHeader(b []byte) string {
	s, used := p.dec.decodeRaw(b)
	if used != "" {
		p.note("raw 8-bit header decoded as " + used)
	}
	return s
}

// cleanLine makes decoded header text safe to show and to reuse in a
// reply header: no control characters, no line breaks, trimmed.
func cleanLine(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\t' || c == '\r' || c == '\n':
			b.WriteByte(' ')
		case c < 0x20 || c == 0x7f:
			// dropped
		default:
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String())
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
