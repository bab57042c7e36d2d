package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"

	"github.com/shopdesk/shopdesk/storage"
)

// vCard 4.0 (RFC 6350) for the customer list: what phones, mail programs
// and other desks exchange. Fields Shopdesk has no standard property for
// (segment) travel as X- properties so a round trip keeps them.

const (
	vcardLineMax = 75 // octets per physical line before folding (RFC 6350 3.2)
	xSegment     = "X-SHOPDESK-SEGMENT"
	xLabel       = "X-LABEL"
	xService     = "X-SERVICE-TYPE"
)

// telTypes are the TEL TYPE values RFC 6350 defines; other labels travel
// in X-LABEL so a label such as "WeChat phone" survives a round trip.
var telTypes = map[string]bool{"text": true, "voice": true, "fax": true, "cell": true,
	"video": true, "pager": true, "textphone": true, "work": true, "home": true}

// WriteVCard writes one customer as a vCard 4.0, CRLF line ends, long
// lines folded without splitting a UTF-8 character.
func WriteVCard(w io.Writer, c storage.Customer) error {
	var b bytes.Buffer
	line := func(name string, params []string, value string) {
		l := name
		for _, p := range params {
			l += ";" + p
		}
		foldLine(&b, l+":"+value)
	}
	line("BEGIN", nil, "VCARD")
	line("VERSION", nil, "4.0")
	line("KIND", nil, "individual")
	name := c.Name
	if name == "" && len(c.Emails) > 0 {
		name = c.Emails[0] // FN is required; an unnamed customer goes by their address
	}
	line("FN", nil, escapeText(name))
	if c.ID != 0 {
		line("UID", nil, "urn:x-shopdesk:customer:"+strconv.FormatUint(c.ID, 10))
	}
	for i, e := range c.Emails {
		var params []string
		if i == 0 {
			params = []string{"PREF=1"}
		}
		line("EMAIL", params, escapeText(e))
	}
	for _, p := range c.Phones {
		params := []string{"VALUE=text"}
		if lb := strings.ToLower(p.Label); lb != "" {
			switch {
			case lb == "mobile":
				params = append(params, "TYPE=cell")
			case telTypes[lb]:
				params = append(params, "TYPE="+lb)
			default:
				params = append(params, xLabel+"="+paramValue(p.Label))
			}
		}
		line("TEL", params, escapeText(p.Number))
	}
	for _, h := range c.IM {
		line("IMPP", []string{xService + "=" + paramValue(h.Network)}, imScheme(h.Network)+":"+h.Handle)
	}
	if c.Address != "" {
		// Shopdesk keeps the address as the seller typed it: all of it goes
		// in the street component, escaped, and in LABEL for display.
		line("ADR", []string{"LABEL=" + paramValue(c.Address)}, ";;"+escapeText(c.Address)+";;;;")
	}
	if c.Language != "" {
		line("LANG", nil, c.Language)
	}
	if bd := vcardDate(c.Birthday); bd != "" {
		line("BDAY", nil, bd)
	}
	if len(c.Tags) > 0 {
		esc := make([]string, len(c.Tags))
		for i, t := range c.Tags {
			esc[i] = escapeText(t)
		}
		line("CATEGORIES", nil, strings.Join(esc, ","))
	}
	if c.Notes != "" {
		line("NOTE", nil, escapeText(c.Notes))
	}
	if c.Segment != "" {
		line(xSegment, nil, escapeText(string(c.Segment)))
	}
	if !c.Updated.IsZero() {
		line("REV", nil, c.Updated.UTC().Format("20060102T150405Z"))
	}
	line("END", nil, "VCARD")
	_, err := w.Write(b.Bytes())
	return err
}

// foldLine writes l with CRLF, folding after 75 octets; a continuation
// line starts with one space, which counts toward its 75.
func foldLine(b *bytes.Buffer, l string) {
	limit := vcardLineMax
	for len(l) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		b.WriteString(l[:cut])
		b.WriteString("\r\n ")
		l = l[cut:]
		limit = vcardLineMax - 1
	}
	b.WriteString(l)
	b.WriteString("\r\n")
}

var textEscaper = strings.NewReplacer(`\`, `\\`, ",", `\,`, ";", `\;`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

func escapeText(s string) string { return textEscaper.Replace(s) }

// paramValue quotes a parameter value, encoding what a quoted value
// cannot hold with RFC 6868's caret escapes.
func paramValue(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '^':
			b.WriteString("^^")
		case '"':
			b.WriteString("^'")
		case '\n':
			b.WriteString("^n")
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			b.WriteString("^n")
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// imScheme turns a network name into a URI scheme ("WeChat" -> "wechat").
func imScheme(network string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(network) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0, (r == '+' || r == '-' || r == '.') && b.Len() > 0:
			b.WriteRune(r)
		default:
			if b.Len() > 0 {
				b.WriteByte('-')
			}
		}
	}
	if b.Len() == 0 {
		return "x-im"
	}
	return b.String()
}

// vcardDate turns Shopdesk's YYYY-MM-DD or --MM-DD into vCard's
// YYYYMMDD or --MMDD; anything else is left out.
func vcardDate(s string) string {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Format("20060102")
	}
	if len(s) == 7 && strings.HasPrefix(s, "--") && s[4] == '-' {
		if _, err := time.Parse("01-02", s[2:]); err == nil {
			return "--" + s[2:4] + s[5:]
		}
	}
	return ""
}

// birthdayFromVCard reads the date forms vCard 3.0 and 4.0 use.
func birthdayFromVCard(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, 'T'); i > 0 {
		v = v[:i] // a date-time: keep the date
	}
	for _, layout := range []string{"20060102", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	for _, layout := range []string{"--0102", "--01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("--01-02"), true
		}
	}
	return "", false
}

// Card is one vCard read back: the customer it describes, where it
// starts, and what was wrong with it.
type Card struct {
	Line     int // line of BEGIN:VCARD, 1-based
	UID      string
	Customer storage.Customer
	// Problems lists properties that could not be read; the rest of the
	// card is still in Customer. A card with no name and no email or
	// phone has Err set instead and should not be imported.
	Problems []string
	Err      error
}

// ErrNoVCard means the input held no BEGIN:VCARD at all.
var ErrNoVCard = errors.New("no vCard in the file")

// ReadVCards reads every vCard (4.0, 3.0 and the 2.1 phones still
// export, with quoted-printable and a charset) from r. A broken card is
// returned with Err set and its line; the others are read normally. The
// error is for input that cannot be read at all.
func ReadVCards(r io.Reader) ([]Card, error) {
	lines, err := unfold(r)
	if err != nil {
		return nil, fmt.Errorf("read vCard: %w", err)
	}
	var cards []Card
	var cur *Card
	finish := func() {
		c := cur
		cur = nil
		if c.Err == nil && c.Customer.Name == "" && len(c.Customer.Emails) == 0 && len(c.Customer.Phones) == 0 {
			c.Err = fmt.Errorf("line %d: vCard has no name, email or phone", c.Line)
		}
		cards = append(cards, *c)
	}
	for _, pl := range lines {
		p, perr := parseProp(pl.text)
		if perr != nil {
			if cur != nil {
				cur.Problems = append(cur.Problems, fmt.Sprintf("line %d: %v", pl.line, perr))
			}
			continue
		}
		switch {
		case p.name == "BEGIN" && strings.EqualFold(p.value, "VCARD"):
			if cur != nil {
				cur.Err = fmt.Errorf("line %d: vCard has no END:VCARD", cur.Line)
				finish()
			}
			cur = &Card{Line: pl.line}
		case cur == nil:
			// Text outside a card: ignored, as other readers do.
		case p.name == "END" && strings.EqualFold(p.value, "VCARD"):
			finish()
		default:
			if err := applyProp(cur, p); err != nil {
				cur.Problems = append(cur.Problems, fmt.Sprintf("line %d: %v", pl.line, err))
			}
		}
	}
	if cur != nil {
		cur.Err = fmt.Errorf("line %d: vCard has no END:VCARD", cur.Line)
		finish()
	}
	if len(cards) == 0 {
		return nil, ErrNoVCard
	}
	return cards, nil
}

type physLine struct {
	line int
	text string
}

// unfold joins folded lines (CRLF or LF followed by a space or tab) and
// quoted-printable soft breaks (a line ending in "=" inside a QP value).
func unfold(r io.Reader) ([]physLine, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	var out []physLine
	n := 0
	qpCont := false
	for sc.Scan() {
		n++
		t := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			t = strings.TrimPrefix(t, "\uFEFF")
		}
		switch {
		case qpCont && len(out) > 0:
			out[len(out)-1].text = strings.TrimSuffix(out[len(out)-1].text, "=") + t
		case (strings.HasPrefix(t, " ") || strings.HasPrefix(t, "\t")) && len(out) > 0:
			out[len(out)-1].text += t[1:]
		case strings.TrimSpace(t) == "":
			continue
		default:
			out = append(out, physLine{line: n, text: t})
		}
		last := out[len(out)-1].text
		qpCont = strings.HasSuffix(last, "=") && isQP(last)
	}
	return out, sc.Err()
}

func isQP(l string) bool {
	i := strings.IndexByte(l, ':')
	return i > 0 && strings.Contains(strings.ToUpper(l[:i]), "QUOTED-PRINTABLE")
}

type prop struct {
	name   string
	params map[string][]string // upper-case names; values unquoted and caret-decoded
	value  string
}

// parseProp splits "group.NAME;P=v;P2="a:b":value".
func parseProp(l string) (prop, error) {
	p := prop{params: map[string][]string{}}
	i := 0
	for i < len(l) && l[i] != ';' && l[i] != ':' {
		i++
	}
	if i == len(l) {
		return p, fmt.Errorf("no ':' in %q", clip(l))
	}
	name := l[:i]
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		name = name[dot+1:]
	}
	p.name = strings.ToUpper(strings.TrimSpace(name))
	for i < len(l) && l[i] == ';' {
		i++
		start := i
		for i < len(l) && l[i] != '=' && l[i] != ';' && l[i] != ':' {
			i++
		}
		pname := strings.ToUpper(strings.TrimSpace(l[start:i]))
		var vals []string
		if i < len(l) && l[i] == '=' {
			i++
			for {
				var v string
				if i < len(l) && l[i] == '"' {
					end := strings.IndexByte(l[i+1:], '"')
					if end < 0 {
						return p, fmt.Errorf("unclosed quote in %q", clip(l))
					}
					v = l[i+1 : i+1+end]
					i += end + 2
				} else {
					start := i
					for i < len(l) && l[i] != ',' && l[i] != ';' && l[i] != ':' {
						i++
					}
					v = l[start:i]
				}
				vals = append(vals, caretDecode(v))
				if i < len(l) && l[i] == ',' {
					i++
					continue
				}
				break
			}
		} else if pname != "" {
			// vCard 2.1 bare parameters: "TEL;CELL:..." means TYPE=CELL.
			vals = []string{pname}
			pname = "TYPE"
		}
		p.params[pname] = append(p.params[pname], vals...)
	}
	if i >= len(l) || l[i] != ':' {
		return p, fmt.Errorf("no ':' in %q", clip(l))
	}
	p.value = l[i+1:]
	return p, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func caretDecode(s string) string {
	if !strings.Contains(s, "^") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '^' && i+1 < len(s) {
			switch s[i+1] {
			case '^':
				b.WriteByte('^')
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case '\'':
				b.WriteByte('"')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// decodedValue undoes vCard 2.1 transfer encodings and charsets.
func (p prop) decodedValue() (string, error) {
	v := p.value
	for _, enc := range p.params["ENCODING"] {
		if strings.EqualFold(enc, "QUOTED-PRINTABLE") {
			b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(v)))
			if err != nil {
				return "", fmt.Errorf("%s: bad quoted-printable: %w", p.name, err)
			}
			v = string(b)
		}
	}
	if cs := p.params["CHARSET"]; len(cs) > 0 && !strings.EqualFold(cs[0], "UTF-8") {
		enc, err := htmlindex.Get(cs[0])
		if err != nil {
			return "", fmt.Errorf("%s: unknown charset %q", p.name, cs[0])
		}
		b, err := enc.NewDecoder().String(v)
		if err != nil {
			return "", fmt.Errorf("%s: bad %s text: %w", p.name, cs[0], err)
		}
		v = b
	}
	if !utf8.ValidString(v) {
		return "", fmt.Errorf("%s: text is not UTF-8", p.name)
	}
	return v, nil
}

// splitEscaped splits on sep where it is not backslash-escaped, and
// unescapes each part.
func splitEscaped(s string, sep byte) []string {
	var parts []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		if c == sep {
			parts = append(parts, b.String())
			b.Reset()
			continue
		}
		b.WriteByte(c)
	}
	return append(parts, b.String())
}

func unescapeText(s string) string { return splitEscaped(s, 0)[0] }

func applyProp(c *Card, p prop) error {
	v, err := p.decodedValue()
	if err != nil {
		return err
	}
	cu := &c.Customer
	switch p.name {
	case "FN":
		cu.Name = strings.TrimSpace(unescapeText(v))
	case "N":
		if cu.Name == "" {
			// FN is required in 3.0 and 4.0, but 2.1 cards may carry N only:
			// family;given;additional;prefix;suffix.
			parts := splitEscaped(v, ';')
			var names []string
			for _, i := range []int{3, 1, 2, 0, 4} {
				if i < len(parts) && strings.TrimSpace(parts[i]) != "" {
					names = append(names, strings.TrimSpace(parts[i]))
				}
			}
			cu.Name = strings.Join(names, " ")
		}
	case "UID":
		c.UID = unescapeText(v)
		const pre = "urn:x-shopdesk:customer:"
		if id, err := strconv.ParseUint(strings.TrimPrefix(c.UID, pre), 10, 64); err == nil && strings.HasPrefix(c.UID, pre) {
			cu.ID = id
		}
	case "EMAIL":
		if e := strings.TrimSpace(unescapeText(v)); e != "" {
			e = strings.TrimPrefix(e, "mailto:")
			if !strings.Contains(e, "@") {
				return fmt.Errorf("EMAIL %q is not an email address", e)
			}
			cu.Emails = append(cu.Emails, e)
		}
	case "TEL":
		n := strings.TrimSpace(unescapeText(v))
		n = strings.TrimPrefix(n, "tel:")
		if n == "" {
			return nil
		}
		cu.Phones = append(cu.Phones, storage.Phone{Number: n, Label: telLabel(p.params)})
	case "IMPP":
		u := strings.TrimSpace(unescapeText(v))
		scheme, handle, ok := strings.Cut(u, ":")
		if !ok || handle == "" {
			return fmt.Errorf("IMPP %q is not network:handle", u)
		}
		network := scheme
		if s := p.params[xService]; len(s) > 0 && s[0] != "" {
			network = s[0]
		}
		cu.IM = append(cu.IM, storage.IMHandle{Network: network, Handle: handle})
	case "ADR":
		if cu.Address != "" {
			return nil // the first address is the shipping one
		}
		parts := splitEscaped(v, ';')
		var nonEmpty []string
		for _, s := range parts {
			if s = strings.TrimSpace(s); s != "" {
				nonEmpty = append(nonEmpty, s)
			}
		}
		if len(nonEmpty) == 0 {
			if l := p.params["LABEL"]; len(l) > 0 {
				cu.Address = l[0]
			}
			return nil
		}
		cu.Address = strings.Join(nonEmpty, ", ")
	case "LANG":
		if cu.Language == "" {
			cu.Language = strings.TrimSpace(v)
		}
	case "BDAY":
		bd, ok := birthdayFromVCard(unescapeText(v))
		if !ok {
			return fmt.Errorf("BDAY %q is not a date", v)
		}
		cu.Birthday = bd
	case "CATEGORIES":
		for _, t := range splitEscaped(v, ',') {
			if t = strings.TrimSpace(t); t != "" {
				cu.Tags = append(cu.Tags, t)
			}
		}
	case "NOTE":
		n := unescapeText(v)
		if cu.Notes != "" {
			cu.Notes += "\n"
		}
		cu.Notes += n
	case xSegment:
		s := storage.Segment(strings.TrimSpace(unescapeText(v)))
		for _, known := range storage.Segments {
			if s == known {
				cu.Segment = s
				return nil
			}
		}
		return fmt.Errorf("%s %q is not a segment", xSegment, s)
	case "REV":
		for _, layout := range []string{"20060102T150405Z", time.RFC3339} {
			if t, err := time.Parse(layout, strings.TrimSpace(v)); err == nil {
				cu.Updated = t
				return nil
			}
		}
	}
	return nil
}

// telLabel picks Shopdesk's label from TYPE and X-LABEL parameters.
func telLabel(params map[string][]string) string {
	if l := params[xLabel]; len(l) > 0 && l[0] != "" {
		return l[0]
	}
	for _, t := range params["TYPE"] {
		for _, one := range strings.Split(t, ",") {
			switch one = strings.ToLower(strings.TrimSpace(one)); one {
			case "cell":
				return "mobile"
			case "voice", "pref", "":
				continue
			default:
				if telTypes[one] {
					return one
				}
			}
		}
	}
	return ""
}
