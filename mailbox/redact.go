package mailbox

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// maxWireLine bounds one logged line; the rest of a longer one is counted.
const maxWireLine = 2048

// Notes written in place of what the wire log leaves out.
const (
	notLogged     = "[not logged]"
	authNotLogged = "[authentication data not logged]"
)

// Which side a line continuing after a literal belongs to.
const (
	sideNone = iota
	sideServer
	sideClient
)

// NewWireRedactor wraps w for a mail client's debug output (go-imap's and
// go-smtp's DebugWriter: both directions interleaved, in pieces of any
// size). It passes the conversation on a line at a time, with login
// arguments, authentication exchanges, literals (message contents,
// appended mail, a password sent as a literal) and SMTP DATA replaced by
// a note. proto is "imap" or "smtp". Write never fails: a debug log must
// not break the connection.
//
// The two directions share one stream, so a literal is counted in bytes:
// a client command written while the server streams a literal (IDLE's
// DONE) would shift the count. Logins are found anywhere in a line for
// the same reason. This is for trace-level troubleshooting, off by default.
//
// secrets are strings that must never be written whatever the stream
// looks like (the password; what AUTH PLAIN would encode): they are
// masked in every line as a last line of defence.
func NewWireRedactor(w io.Writer, proto string, secrets ...string) io.Writer {
	r := &wireRedactor{out: w, smtp: strings.EqualFold(proto, "smtp")}
	for _, s := range secrets {
		if len(s) < 4 { // too short to mask without garbling the log
			continue
		}
		quoted := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
		r.secrets = append(r.secrets, s, quoted)
	}
	return r
}

// PlainAuthSecret is what SASL PLAIN sends for the login, base64-encoded,
// for NewWireRedactor's secrets.
func PlainAuthSecret(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
}

type wireRedactor struct {
	mu      sync.Mutex
	out     io.Writer
	smtp    bool
	secrets []string // masked wherever they appear

	line     []byte
	overflow int // bytes of the current line beyond maxWireLine

	skip    int64 // server literal bytes still to leave out
	skipped int64 // of the literal being left out
	// clientSkip: bytes of a literal (or BDAT chunk) the client sends,
	// still to leave out; then its command goes on, secret or not.
	clientSkip   int64
	clientSecret bool
	lastClient   bool // the last IMAP line was the client's

	// IMAP: a literal the client announced ({n} without +) starts only
	// after the server's "+" go-ahead. The line after a literal continues
	// the command or response it interrupted (cont); a LOGIN's arguments
	// stay secret across its literals.
	pending       int64
	pendingSecret bool
	cont          int
	secretCmd     bool
	authTag       string // tag of an AUTHENTICATE in progress
	lastPlus      bool   // the last line was a go-ahead no literal claimed yet

	// SMTP
	inAuth      bool
	dataPending bool // DATA sent, waiting for 354
	inData      bool
	dataBytes   int64
}

func (r *wireRedactor) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(p)
	// The client logs what it sent only after sending it, so the
	// server's answer to a literal may be logged before the literal: a
	// client literal is looked for at the start of a write that is not
	// the server speaking, or after a client line in the same write.
	client := r.clientSkip > 0 && len(r.line) == 0 && !r.serverSpeaks(p)
	for len(p) > 0 {
		if r.skip > 0 || (client && r.clientSkip > 0) {
			left := &r.skip
			if r.skip == 0 {
				left = &r.clientSkip
			}
			k := min(*left, int64(len(p)))
			*left -= k
			r.skipped += k
			p = p[k:]
			if *left == 0 {
				r.emit(fmt.Sprintf("[%d bytes not logged]", r.skipped))
				r.skipped = 0
				if left == &r.clientSkip {
					r.cont, r.secretCmd = sideClient, r.clientSecret
				}
			}
			continue
		}
		i := bytes.IndexByte(p, '\n')
		chunk := p
		if i >= 0 {
			chunk = p[:i]
		}
		if room := maxWireLine - len(r.line); room > 0 {
			r.line = append(r.line, chunk[:min(room, len(chunk))]...)
			r.overflow += max(len(chunk)-room, 0)
		} else {
			r.overflow += len(chunk)
		}
		if i < 0 {
			break
		}
		p = p[i+1:]
		line := strings.TrimSuffix(string(r.line), "\r")
		over := r.overflow
		r.line, r.overflow = r.line[:0], 0
		if r.smtp {
			r.smtpLine(line, over)
			client = client || !isSMTPReply(line)
		} else {
			r.imapLine(line, over)
			client = client || r.lastClient
		}
	}
	return n, nil
}

// serverSpeaks tells whether a write starts with a server response.
func (r *wireRedactor) serverSpeaks(p []byte) bool {
	first, _, _ := bytes.Cut(p, []byte("\n"))
	line := strings.TrimSuffix(string(first), "\r")
	if r.smtp {
		return isSMTPReply(line)
	}
	return isIMAPResponse(line)
}

// isIMAPResponse: untagged data, a go-ahead, or a tagged status.
func isIMAPResponse(line string) bool {
	if strings.HasPrefix(line, "* ") || strings.HasPrefix(line, "+") {
		return true
	}
	_, rest, ok := strings.Cut(line, " ")
	if !ok {
		return false
	}
	status, _, _ := strings.Cut(rest, " ")
	switch strings.ToUpper(status) {
	case "OK", "NO", "BAD", "BYE", "PREAUTH":
		return true
	}
	return false
}

func isSMTPReply(line string) bool {
	_, ok := smtpReplyCode(line)
	return ok
}

func (r *wireRedactor) emit(s string) {
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, notLogged)
	}
	_, _ = io.WriteString(r.out, s+"\n")
}

func (r *wireRedactor) emitLong(s string, over int) {
	if over > 0 {
		s += fmt.Sprintf(" [%d more bytes]", over)
	}
	r.emit(s)
}

// wordAt finds a command word that follows a tag (a space before it, a
// space or the line's end after it), in any case.
func wordAt(line, word string) (start, end int, ok bool) {
	// ASCII-only upper case keeps the byte offsets of line.
	upper := []byte(line)
	for i, c := range upper {
		if 'a' <= c && c <= 'z' {
			upper[i] = c - 'a' + 'A'
		}
	}
	for from := 0; ; {
		i := bytes.Index(upper[from:], []byte(" "+word))
		if i < 0 {
			return 0, 0, false
		}
		start = from + i + 1
		end = start + len(word)
		if end == len(line) || line[end] == ' ' {
			return start, end, true
		}
		from = end
	}
}

// literalAt reads a literal announcement ending the line: {n}, {n+} or ~{n}.
func literalAt(line string) (n int64, nonSync, ok bool) {
	if !strings.HasSuffix(line, "}") {
		return 0, false, false
	}
	i := strings.LastIndexByte(line, '{')
	if i < 0 {
		return 0, false, false
	}
	num := line[i+1 : len(line)-1]
	if strings.HasSuffix(num, "+") || strings.HasSuffix(num, "-") {
		nonSync, num = true, num[:len(num)-1]
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v < 0 {
		return 0, false, false
	}
	return v, nonSync, true
}

func (r *wireRedactor) imapLine(line string, over int) {
	cont, secret := r.cont, r.secretCmd
	r.cont, r.secretCmd = sideNone, false
	plus := cont == sideNone && strings.HasPrefix(line, "+")
	// The client logs its command after sending it, so the server's
	// go-ahead may be logged first; the literal itself always comes later.
	early := r.lastPlus
	r.lastPlus = plus

	if plus && r.pending > 0 {
		// The server's go-ahead for the client's literal.
		r.emit(line)
		r.clientSkip, r.clientSecret, r.pending = r.pending, r.pendingSecret, 0
		r.lastPlus, r.lastClient = false, false
		return
	}
	if r.authTag != "" && cont == sideNone {
		r.lastClient = !isIMAPResponse(line)
		switch {
		case strings.HasPrefix(line, r.authTag+" "):
			r.authTag = ""
			r.emitLong(line, over)
		case line == "+" || line == "+ ":
			r.emit(line)
		case strings.HasPrefix(line, "+"):
			r.emit("+ " + notLogged)
		case strings.HasPrefix(line, "* "):
			r.emitLong(line, over)
		default:
			r.emit(authNotLogged)
		}
		return
	}

	fromServer := cont == sideServer || (cont == sideNone && isIMAPResponse(line))
	r.lastClient = !fromServer
	n, nonSync, isLit := literalAt(line)
	out := line
	switch {
	case secret:
		out = notLogged
	case cont == sideNone:
		// Looked for anywhere in the line, not only after a tag: a read
		// cut mid-line can put the client's command behind the server's
		// words in the shared debug stream.
		if _, end, ok := wordAt(line, "LOGIN"); ok {
			out, secret = line[:end]+" "+notLogged, true
		} else if start, end, ok := wordAt(line, "AUTHENTICATE"); ok {
			before := strings.Fields(line[:start])
			mech, initial, _ := strings.Cut(strings.TrimLeft(line[end:], " "), " ")
			out = line[:end] + " " + mech
			if initial != "" {
				out += " " + notLogged
			}
			if len(before) > 0 {
				r.authTag = before[len(before)-1]
			}
		}
	}
	if out == line {
		r.emitLong(out, over)
	} else {
		r.emit(out)
	}
	if !isLit {
		return
	}
	switch {
	case fromServer:
		r.skip, r.cont = n, sideServer
	case nonSync, early:
		r.clientSkip, r.clientSecret = n, secret
	default:
		r.pending, r.pendingSecret = n, secret
	}
}

func (r *wireRedactor) smtpLine(line string, over int) {
	if r.inData {
		if line == "." {
			r.inData = false
			r.emit(fmt.Sprintf("[message: %d bytes not logged]", r.dataBytes))
			r.emit(".")
			r.dataBytes = 0
			return
		}
		r.dataBytes += int64(len(line)+over) + 2
		return
	}
	code, isReply := smtpReplyCode(line)
	if r.inAuth {
		switch {
		case isReply && code == 334:
			r.emit("334 " + notLogged)
		case isReply:
			r.inAuth = false
			r.emitLong(line, over)
		default:
			r.emit(authNotLogged)
		}
		return
	}
	if isReply {
		if r.dataPending {
			r.dataPending = false
			r.inData = code == 354
		}
		r.emitLong(line, over)
		return
	}
	verb, args, _ := strings.Cut(line, " ")
	switch strings.ToUpper(verb) {
	case "AUTH":
		mech, initial, _ := strings.Cut(args, " ")
		out := "AUTH " + mech
		if initial != "" {
			out += " " + notLogged
		}
		r.emit(out)
		r.inAuth = true
		return
	case "DATA":
		r.dataPending = true
	case "BDAT":
		size, _, _ := strings.Cut(args, " ")
		if n, err := strconv.ParseInt(size, 10, 64); err == nil && n > 0 {
			r.emit(line)
			r.clientSkip, r.clientSecret = n, false
			return
		}
	}
	r.emitLong(line, over)
}

// smtpReplyCode reads the three-digit code that starts a server reply.
func smtpReplyCode(line string) (int, bool) {
	if len(line) < 3 || (len(line) > 3 && line[3] != ' ' && line[3] != '-') {
		return 0, false
	}
	n, err := strconv.Atoi(line[:3])
	if err != nil || n < 200 || n > 599 {
		return 0, false
	}
	return n, true
}
