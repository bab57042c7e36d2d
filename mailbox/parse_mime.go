package mailbox

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopdesk/shopdesk/storage"
)

// content is the readable text an entity contributes. plain is set (and
// hasPlain true) when the entity has text/plain or text already derived
// from HTML; html lists the HTML bodies, not yet decoded: most HTML parts
// have a plain sibling, and decoding them would double the cost of Parse.
type content struct {
	plain    string
	hasPlain bool
	html     []htmlBody
}

// htmlBody is an HTML part as found, decoded only when needed.
type htmlBody struct {
	params []param
	cte    transferEncoding
	body   []byte
}

func (p *parser) textOf(c content) string {
	if c.hasPlain {
		return c.plain
	}
	if len(c.html) == 0 {
		return ""
	}
	return HTMLToText(p.htmlSource(c.html))
}

// htmlSource decodes HTML bodies into one UTF-8 string.
func (p *parser) htmlSource(hs []htmlBody) string {
	var parts []string
	for _, h := range hs {
		if s := p.decodeBody("text/html", h.params, h.cte, h.body); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n")
}

// entity reads one MIME entity: its content, and its attachments into p.
// We walk the tree ourselves instead of using go-message's mail.Reader:
// that reader decodes charsets through a process-wide hook that cannot
// apply our aliases and fallbacks (iso-8859-1 mail with cp1252 bytes,
// gb2312 mail with GBK characters, unknown labels), stops at the first
// malformed header line, gives no part when the boundary is wrong, and
// descends nested multiparts without a depth bound.
func (p *parser) entity(h *header, body []byte, depth int, defType string) content {
	if p.parts >= MaxParts {
		p.noteTooManyParts()
		return content{}
	}
	p.parts++
	typ, params := defType, []param(nil)
	if v := h.get("content-type"); len(v) > 0 {
		typ, params = parseParams(v)
		if !validMediaType(typ) {
			p.note("unreadable Content-Type " + strconv.Quote(truncate(strings.ToValidUTF8(typ, "?"), 40)) + "; read as text/plain")
			typ = "text/plain"
		}
	}
	disp, dparams := "", []param(nil)
	if v := h.get("content-disposition"); len(v) > 0 {
		disp, dparams = parseParams(v)
	}
	cte := parseCTE(h.get("content-transfer-encoding"))

	switch {
	case strings.HasPrefix(typ, "multipart/"):
		if depth >= MaxDepth {
			p.note("MIME nesting deeper than " + strconv.Itoa(MaxDepth) + "; inner parts were not read")
			return content{}
		}
		return p.multipart(typ, params, body, depth)
	case (typ == "message/rfc822" || typ == "message/global") && disp != "attachment":
		if depth >= MaxDepth {
			p.note("MIME nesting deeper than " + strconv.Itoa(MaxDepth) + "; inner parts were not read")
			return content{}
		}
		return p.forwarded(params, dparams, cte, body, depth)
	case (typ == "text/plain" || typ == "text/html") && disp != "attachment" &&
		!hasParam(dparams, "filename") && !hasParam(params, "name"):
		return p.textBody(typ, params, cte, body)
	case isSignature(typ):
		return content{}
	}
	p.attachment(typ, params, dparams, cte, body, "")
	return content{}
}

func (p *parser) noteTooManyParts() {
	p.note("more than " + strconv.Itoa(MaxParts) + " MIME parts; the rest were not read")
}

func validMediaType(t string) bool {
	i := strings.IndexByte(t, '/')
	return i > 0 && i < len(t)-1 && !strings.ContainsAny(t, " \t\"")
}

// isSignature: detached signatures mean nothing to a seller.
func isSignature(t string) bool {
	return t == "application/pgp-signature" || t == "application/pkcs7-signature" ||
		t == "application/x-pkcs7-signature"
}

func hasParam(ps []param, name string) bool {
	for _, p := range ps {
		if p.name == name || strings.HasPrefix(p.name, name+"*") {
			return true
		}
	}
	return false
}

// multipart walks the parts between the boundaries and combines their
// text: alternative picks one version, every other kind (mixed, related,
// report ...) puts its parts' text one after the other.
func (p *parser) multipart(typ string, params []param, body []byte, depth int) content {
	boundary, _ := getParam(params, "boundary")
	it, ok := newPartIter(body, boundary)
	if !ok {
		guess := guessBoundary(body)
		if it, ok = newPartIter(body, guess); ok {
			p.note("multipart boundary missing or wrong; used the one found in the body")
		} else {
			p.note("multipart without a usable boundary; read as text")
			return p.textBody("text/plain", nil, cteIdentity, body)
		}
	}
	childType := "text/plain"
	if typ == "multipart/digest" {
		childType = "message/rfc822"
	}
	var kids []content
	for {
		part, more := it.next()
		if part == nil && !more {
			break
		}
		if p.parts >= MaxParts {
			p.noteTooManyParts() // stop here rather than scan the rest
			break
		}
		ph, pbody := readHeader(part, p)
		kids = append(kids, p.entity(&ph, pbody, depth+1, childType))
		if !more {
			break
		}
	}
	if it.unclosed {
		p.note("multipart not closed (message cut off?)")
	}
	if typ == "multipart/alternative" {
		return pickAlternative(kids)
	}
	return p.joinContents(kids)
}

// pickAlternative prefers the plain version (it is what the sender wrote
// for text readers) unless it is blank, which some mailers send next to
// the real HTML; the HTML source is kept from the richest version.
func pickAlternative(kids []content) content {
	var out content
	for _, k := range kids {
		if len(k.html) > 0 {
			out.html = k.html
		}
	}
	for _, k := range kids {
		if k.hasPlain && strings.TrimSpace(k.plain) != "" {
			out.plain, out.hasPlain = k.plain, true
			break
		}
	}
	return out
}

func (p *parser) joinContents(kids []content) content {
	var out content
	anyPlain := false
	for _, k := range kids {
		anyPlain = anyPlain || k.hasPlain
		out.html = append(out.html, k.html...)
	}
	if !anyPlain {
		return out
	}
	var texts []string
	for _, k := range kids {
		if t := strings.TrimRight(p.textOf(k), " \t\n"); t != "" {
			texts = append(texts, t)
		}
	}
	out.plain, out.hasPlain = strings.Join(texts, "\n\n"), true
	return out
}

// textBody reads a text/plain body, or notes a text/html one for later.
func (p *parser) textBody(typ string, params []param, cte transferEncoding, body []byte) content {
	if typ == "text/html" {
		// The declared charset is the best guess for raw 8-bit headers,
		// whether or not this body is ever decoded.
		if label, ok := getParam(params, "charset"); ok {
			p.hintFrom(string(label))
		}
		return content{html: []htmlBody{{params: params, cte: cte, body: body}}}
	}
	s := normalizeText(p.decodeBody(typ, params, cte, body))
	if v, _ := getParam(params, "format"); strings.EqualFold(string(v), "flowed") {
		delsp, _ := getParam(params, "delsp")
		s = unflow(s, strings.EqualFold(string(delsp), "yes"))
	}
	return content{plain: s, hasPlain: true}
}

// decodeBody undoes the transfer encoding and the charset of a text body,
// within what is left of the text budget.
func (p *parser) decodeBody(typ string, params []param, cte transferEncoding, body []byte) string {
	if p.textBudget <= 0 {
		p.note("text beyond " + strconv.Itoa(textBudget>>20) + " MB was not read")
		return ""
	}
	raw := p.transferDecode(cte, body, p.textBudget)
	p.textBudget -= len(raw)

	label, labelled := getParam(params, "charset")
	if !labelled && typ == "text/html" {
		label, labelled = sniffHTMLCharset(raw)
	}
	var s, problem string
	if labelled {
		p.hintFrom(string(label))
		s, problem = p.dec.decodeLabelled(string(label), raw)
	} else {
		var used string
		s, used = p.dec.decodeRaw(raw)
		if used != "" {
			problem = "text without charset decoded as " + used
		}
	}
	if problem != "" {
		p.note(problem)
	}
	return s
}

// hintFrom remembers the first legacy charset a text part declares.
func (p *parser) hintFrom(label string) {
	if p.dec.hint.enc != nil {
		return
	}
	if cs, known := lookupCharset(label); known && cs.enc != nil {
		p.dec.hint = cs
	}
}

func (p *parser) transferDecode(cte transferEncoding, body []byte, max int) []byte {
	switch cte {
	case cteBase64:
		out, clean := decodeBase64(body, max)
		if !clean {
			p.note("damaged base64 (cut off or stray bytes); kept what decodes")
		}
		return out
	case cteQP:
		out, clean := decodeQP(body, max)
		if !clean {
			p.note("damaged quoted-printable; kept as is where unreadable")
		}
		return out
	case cteUnknown:
		p.note("unknown Content-Transfer-Encoding; read as is")
	}
	if max >= 0 && len(body) > max {
		return body[:max]
	}
	return body
}

// forwarded reads an inline message/rfc822: it is listed as an attachment
// (so it can be saved) and its text follows the outer text, as mail
// clients show it.
func (p *parser) forwarded(params, dparams []param, cte transferEncoding, body []byte, depth int) content {
	inner := p.transferDecode(cte, body, -1)
	h, b := readHeader(inner, p)
	c := p.entity(&h, b, depth+1, "text/plain")
	subject := p.decodeText(h.get("subject"))
	var head strings.Builder
	head.WriteString("---------- Forwarded message ----------\n")
	if from := p.addressList(h.get("from")); len(from) > 0 {
		head.WriteString("From: " + formatAddressText(from[0]) + "\n")
	}
	if d := h.get("date"); len(d) > 0 {
		head.WriteString("Date: " + p.decodeText(d) + "\n")
	}
	head.WriteString("Subject: " + subject + "\n\n")
	name := subject
	if name == "" {
		name = "message"
	}
	p.attachment("message/rfc822", params, dparams, cteIdentity, inner, name+".eml")
	text := p.textOf(c)
	return content{plain: head.String() + text, hasPlain: true, html: c.html}
}

func formatAddressText(a storage.Address) string {
	switch {
	case a.Name == "":
		return a.Email
	case a.Email == "":
		return a.Name
	}
	return a.Name + " <" + a.Email + ">"
}

// attachment records one attachment: its decoded name, type and size.
func (p *parser) attachment(typ string, params, dparams []param, cte transferEncoding, body []byte, fallback string) {
	name := p.textParam(dparams, "filename")
	if name == "" {
		name = p.textParam(params, "name")
	}
	if name == "" {
		name = fallback
	}
	if name == "" && typ == "message/rfc822" {
		inner := p.transferDecode(cte, body, 64<<10)
		h, _ := readHeader(inner, &parser{}) // problems of a header we only peek at don't matter
		if s := p.decodeText(h.get("subject")); s != "" {
			name = s + ".eml"
		}
	}
	name = baseName(name)
	if name == "" {
		name = "attachment-" + strconv.Itoa(len(p.attachments)+1) + extensionFor(typ)
	}
	var size int64
	switch cte {
	case cteBase64:
		size = base64Len(body)
	case cteQP:
		out, _ := decodeQP(body, -1)
		size = int64(len(out))
	default:
		size = int64(len(body))
	}
	if c := p.capture; c != nil && c.index == len(p.attachments) {
		c.take(name, typ, p.transferDecode(cte, body, -1))
	}
	p.attachments = append(p.attachments, storage.Attachment{Name: name, Type: typ, Size: size})
}

// baseName drops the directories some mailers leave in file names
// ("C:\Users\...\photo.jpg") and bounds the length. Making a name safe to
// write to disk is the saver's job; this is what the sender meant.
func baseName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSpace(s)
	if s == "." || s == ".." {
		return ""
	}
	if len(s) > 255 {
		s = truncate(s, 250)
	}
	return s
}

var extensions = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg", "image/jpg": ".jpg", "image/gif": ".gif",
	"image/webp": ".webp", "image/bmp": ".bmp", "image/heic": ".heic", "application/pdf": ".pdf",
	"text/plain": ".txt", "text/html": ".html", "text/csv": ".csv", "message/rfc822": ".eml",
	"application/zip": ".zip", "video/mp4": ".mp4", "audio/mpeg": ".mp3", "text/calendar": ".ics",
	"application/msword": ".doc", "application/vnd.ms-excel": ".xls",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":       ".xlsx",
}

func extensionFor(typ string) string {
	return extensions[typ]
}

// sniffHTMLCharset finds <meta charset=...> or the http-equiv form near
// the start of an HTML body that has no charset in its Content-Type.
func sniffHTMLCharset(b []byte) ([]byte, bool) {
	if len(b) > 4096 {
		b = b[:4096]
	}
	lower := bytes.ToLower(b)
	i := bytes.Index(lower, []byte("charset="))
	if i < 0 {
		return nil, false
	}
	v := b[i+len("charset="):]
	v = bytes.TrimLeft(v, "\"' ")
	end := bytes.IndexAny(v, "\"'; />")
	if end < 0 {
		end = len(v)
	}
	if end == 0 {
		return nil, false
	}
	return v[:end], true
}

// normalizeText gives text LF line ends and drops control characters
// other than tab and newline (and a leading byte-order mark).
func normalizeText(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f:
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unflow joins the soft line breaks of format=flowed text (RFC 3676): a
// line that ends in a space continues on the next line of the same quote
// depth. The signature separator "-- " is never joined.
func unflow(s string, delsp bool) string {
	lines := strings.Split(s, "\n")
	var b strings.Builder
	b.Grow(len(s))
	joining := false
	prevDepth := 0
	for i, line := range lines {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		body := line[depth:]
		body = strings.TrimPrefix(body, " ") // space-stuffing
		if joining && depth == prevDepth {
			// continue the previous line
		} else {
			if i > 0 {
				b.WriteByte('\n')
			}
			if depth > 0 {
				b.WriteString(strings.Repeat(">", depth) + " ")
			}
		}
		soft := strings.HasSuffix(body, " ") && body != "-- "
		if soft && delsp {
			body = body[:len(body)-1]
		}
		b.WriteString(body)
		joining, prevDepth = soft, depth
	}
	return b.String()
}

// partIter yields the parts of a multipart body, between lines that are
// "--boundary" (then only whitespace) up to the closing "--boundary--".
type partIter struct {
	body     []byte
	delim    []byte
	pos      int
	done     bool
	unclosed bool
}

// newPartIter finds the first delimiter; ok is false when there is none.
func newPartIter(body, boundary []byte) (*partIter, bool) {
	boundary = trimWSP(boundary)
	if len(boundary) == 0 {
		return nil, false
	}
	delim := append([]byte("--"), boundary...)
	it := &partIter{body: body, delim: delim}
	start, end, closing := it.find(0)
	if start < 0 || closing {
		return nil, false
	}
	it.pos = end
	return it, true
}

// next returns the next part; more is false after the last one.
func (it *partIter) next() (part []byte, more bool) {
	if it.done {
		return nil, false
	}
	start, end, closing := it.find(it.pos)
	if start < 0 {
		it.done, it.unclosed = true, true
		return it.body[it.pos:], false
	}
	part = trimEOL(it.body[it.pos:start])
	it.pos = end
	if closing {
		it.done = true
		return part, false
	}
	return part, true
}

// find locates the next delimiter line at or after from: its start, the
// end of the line, and whether it is the closing delimiter.
func (it *partIter) find(from int) (start, end int, closing bool) {
	for from < len(it.body) {
		i := bytes.Index(it.body[from:], it.delim)
		if i < 0 {
			return -1, -1, false
		}
		i += from
		if i == 0 || it.body[i-1] == '\n' {
			rest := it.body[i+len(it.delim):]
			closing = bytes.HasPrefix(rest, []byte("--"))
			if closing {
				rest = rest[2:]
			}
			lineEnd := bytes.IndexByte(rest, '\n')
			tail := rest
			if lineEnd >= 0 {
				tail = rest[:lineEnd]
			}
			if len(trimWSP(tail)) == 0 {
				end = len(it.body)
				if lineEnd >= 0 {
					end = len(it.body) - len(rest) + lineEnd + 1
				}
				return i, end, closing
			}
		}
		from = i + 1
	}
	return -1, -1, false
}

// trimEOL removes the line break that belongs to the following delimiter.
func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// guessBoundary finds a delimiter-like line ("--" + token) that occurs at
// least twice, for multiparts whose boundary parameter was lost.
func guessBoundary(body []byte) []byte {
	tries := 0 // each try scans the body: bound them
	for pos := 0; pos < len(body) && tries < 8; {
		end := nextLine(body, pos)
		line := trimWSP(body[pos:end])
		pos = end
		if len(line) < 3 || line[0] != '-' || line[1] != '-' {
			continue
		}
		cand := line[2:]
		if len(cand) > 200 || bytes.IndexAny(cand, " \t") >= 0 || len(bytes.Trim(cand, "-")) == 0 {
			continue
		}
		tries++
		if bytes.Count(body, line) >= 2 {
			return cand
		}
	}
	return nil
}

func errorf(format string, args ...any) error {
	return fmt.Errorf("mailbox: "+format, args...)
}
