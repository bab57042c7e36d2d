package archive

import (
	"bytes"
	"io"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// EscapeCell guards a CSV cell that Excel or WPS would run as a formula
// (it starts with =, @, a tab or CR, or with + or - followed by more than
// a number or phone) by putting a ' in front. A cell already starting
// with ' before such a character gets one more, so UnescapeCell is exact.
func EscapeCell(v string) string {
	if formulaLike(v) || (strings.HasPrefix(v, "'") && formulaLike(v[1:])) {
		return "'" + v
	}
	return v
}

// UnescapeCell undoes EscapeCell; importers call it on every cell.
func UnescapeCell(v string) string {
	if strings.HasPrefix(v, "'") && (formulaLike(v[1:]) || (strings.HasPrefix(v[1:], "'") && formulaLike(v[2:]))) {
		return v[1:]
	}
	return v
}

func formulaLike(v string) bool {
	if v == "" {
		return false
	}
	switch v[0] {
	case '=', '@', '\t', '\r':
		return true
	case '+', '-':
		// "+86 138 0013 8000" and "-12.50" are data; "+SUM(A1)" is not.
		return strings.Trim(v[1:], "0123456789 .,()-/") != ""
	}
	return false
}

// writeMboxMessage appends one message in mboxrd form: a "From " line,
// the message with LF line ends, every line that matches >*From  quoted
// with one more '>', and a blank line after it.
func writeMboxMessage(w io.Writer, m storage.Message, raw []byte) error {
	sender := m.From.Email
	if sender == "" || strings.ContainsAny(sender, " \t\r\n") {
		sender = "MAILER-DAEMON"
	}
	date := m.Date
	if date.IsZero() {
		date = time.Unix(0, 0) // the mbox From line needs some date
	}
	var b bytes.Buffer
	b.Grow(len(raw) + len(raw)/50 + 64)
	b.WriteString("From " + sender + " " + date.UTC().Format("Mon Jan _2 15:04:05 2006") + "\n")
	for len(raw) > 0 {
		line := raw
		next := []byte(nil)
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, next = raw[:i], raw[i+1:]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if isFromLine(line) {
			b.WriteByte('>')
		}
		b.Write(line)
		b.WriteByte('\n')
		raw = next
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}

// isFromLine reports a line that mboxrd quotes: ">*From ".
func isFromLine(l []byte) bool {
	l = bytes.TrimLeft(l, ">")
	return bytes.HasPrefix(l, []byte("From "))
}
