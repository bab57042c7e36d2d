package mailbox

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
)

// maxParams bounds the parameters read from one Content-Type or
// Content-Disposition; real ones have a handful.
const maxParams = 64

// param is one "name=value" of a structured header, the value unquoted but
// otherwise raw: RFC 2231 and RFC 2047 decoding happen only for the
// parameters shown to people (names), never for boundary or charset.
type param struct {
	name  string // lower-case
	value []byte
}

// parseParams parses a Content-Type or Content-Disposition value into its
// lower-case first token and its parameters. It is our own because
// mime.ParseMediaType gives up on the whole value for one duplicate or
// stray character, and decodes RFC 2231 only in UTF-8 and US-ASCII, while
// Chinese mailers write filename*=gbk'zh-cn'%B6%A9%B5%A5.csv.
func parseParams(v []byte) (string, []param) {
	v = trimWSP(v)
	end := bytes.IndexByte(v, ';')
	if end < 0 {
		end = len(v)
	}
	first := trimWSP(v[:end])
	rest := v[end:]
	// "text/plain charset=utf-8": a forgotten semicolon.
	if sp := bytes.IndexAny(first, " \t"); sp >= 0 {
		rest = v[sp:]
		first = first[:sp]
	}
	token := strings.ToLower(string(first))
	var params []param
	for len(rest) > 0 && len(params) < maxParams {
		// skip separators
		i := 0
		for i < len(rest) && (rest[i] == ';' || rest[i] == ' ' || rest[i] == '\t') {
			i++
		}
		rest = rest[i:]
		if len(rest) == 0 {
			break
		}
		eq := bytes.IndexAny(rest, "=;")
		if eq < 0 || rest[eq] == ';' { // no value: skip this piece
			if eq < 0 {
				break
			}
			rest = rest[eq:]
			continue
		}
		name := strings.ToLower(string(trimWSP(rest[:eq])))
		rest = rest[eq+1:]
		for len(rest) > 0 && (rest[0] == ' ' || rest[0] == '\t') {
			rest = rest[1:]
		}
		var val []byte
		if len(rest) > 0 && rest[0] == '"' {
			val, rest = readQuoted(rest[1:])
		} else {
			j := bytes.IndexByte(rest, ';')
			if j < 0 {
				j = len(rest)
			}
			val = trimWSP(rest[:j])
			// "utf-8 format=flowed": another forgotten semicolon.
			if k := bytes.IndexAny(val, " \t"); k > 0 && looksLikeParam(val[k:]) {
				j = k
				val = val[:k]
			}
			rest = rest[j:]
		}
		if name != "" {
			params = append(params, param{name: name, value: val})
		}
	}
	return token, params
}

// readQuoted reads a quoted-string body (the opening quote already gone),
// undoing backslash escapes. An unterminated string runs to the end.
func readQuoted(b []byte) (val, rest []byte) {
	end := -1
	escaped := false
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' {
			escaped = true
			i++
			continue
		}
		if b[i] == '"' {
			end = i
			break
		}
	}
	if end < 0 {
		end = len(b)
		rest = nil
	} else {
		rest = b[end+1:]
	}
	val = b[:end]
	if escaped {
		out := make([]byte, 0, len(val))
		for i := 0; i < len(val); i++ {
			if val[i] == '\\' && i+1 < len(val) {
				i++
			}
			out = append(out, val[i])
		}
		val = out
	}
	return val, rest
}

func looksLikeParam(b []byte) bool {
	b = trimWSP(b)
	eq := bytes.IndexByte(b, '=')
	if eq <= 0 {
		return false
	}
	for _, c := range b[:eq] {
		if !(c == '-' || c == '*' || c == '_' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z') {
			return false
		}
	}
	return true
}

// getParam returns the raw value of the first parameter called name.
func getParam(ps []param, name string) ([]byte, bool) {
	for i := range ps {
		if ps[i].name == name {
			return ps[i].value, true
		}
	}
	return nil, false
}

// textParam returns a parameter meant for people (name, filename) as
// UTF-8: RFC 2231 forms (name*=, name*0*=, name*1=) win over the plain
// one, whose value may hold RFC 2047 words or raw 8-bit bytes.
func (p *parser) textParam(ps []param, name string) string {
	type section struct {
		n        int
		extended bool
		value    []byte
	}
	var secs []section
	prefix := name + "*"
	for _, pr := range ps {
		if !strings.HasPrefix(pr.name, prefix) {
			continue
		}
		suffix := pr.name[len(prefix):]
		if suffix == "" { // name*=charset'lang'value
			secs = append(secs[:0], section{0, true, pr.value})
			break
		}
		ext := strings.HasSuffix(suffix, "*")
		n, err := strconv.Atoi(strings.TrimSuffix(suffix, "*"))
		if err != nil || n < 0 || n > 999 {
			continue
		}
		secs = append(secs, section{n, ext, pr.value})
	}
	if len(secs) == 0 {
		v, ok := getParam(ps, name)
		if !ok {
			return ""
		}
		return p.decodeText(v)
	}
	sort.SliceStable(secs, func(i, j int) bool { return secs[i].n < secs[j].n })
	var charset string
	var raw []byte
	for i, s := range secs {
		if i > 0 && s.n == secs[i-1].n {
			continue // duplicate section
		}
		v := s.value
		if i == 0 && s.extended {
			// charset'language'value; tolerate the quotes being absent.
			if a := bytes.IndexByte(v, '\''); a >= 0 {
				if b := bytes.IndexByte(v[a+1:], '\''); b >= 0 {
					charset = string(v[:a])
					v = v[a+1+b+1:]
				}
			}
		}
		if s.extended {
			raw = appendPercentDecoded(raw, v)
		} else {
			raw = append(raw, v...)
		}
	}
	if secs[0].n != 0 {
		p.note("RFC 2231 parameter " + name + " misses its first section")
	}
	if charset == "" {
		if bytes.Contains(raw, []byte("=?")) {
			return p.decodeText(raw)
		}
		if isASCII(raw) {
			return cleanLine(string(raw))
		}
		return cleanLine(p.decodeRawHeader(raw))
	}
	s, problem := p.dec.decodeLabelled(charset, raw)
	if problem != "" {
		p.note(name + ": " + problem)
	}
	return cleanLine(s)
}

func appendPercentDecoded(out, v []byte) []byte {
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]) {
			out = append(out, unhex(v[i+1])<<4|unhex(v[i+2]))
			i += 2
			continue
		}
		out = append(out, v[i])
	}
	return out
}
