package mailtest

import (
	"bytes"
	"fmt"
)

// IDRequiredText is how a RequireID proxy refuses SELECT and EXAMINE
// before ID: the words NetEase 163 uses, and a hint.
const IDRequiredText = "SELECT Unsafe Login. Please contact kefu@188.com for help (ID required)"

// RequireID returns a LineFilter that behaves like NetEase 163/126: it
// refuses SELECT and EXAMINE with NO until the client has sent ID. When
// the server does not speak ID itself (go-imap's servers do not), the
// filter adds ID to the advertised capabilities and answers ID itself;
// otherwise ID goes through to the server.
func RequireID() LineFilter { return &requireID{} }

type requireID struct {
	serverHasID bool
	identified  bool
}

func (f *requireID) FromServer(line []byte) []byte {
	start, end, ok := capabilityList(line)
	if !ok {
		return line
	}
	for _, c := range bytes.Fields(line[start:end]) {
		if bytes.EqualFold(c, []byte("ID")) {
			f.serverHasID = true
			return line
		}
	}
	out := make([]byte, 0, len(line)+3)
	out = append(out, line[:end]...)
	out = append(out, " ID"...)
	return append(out, line[end:]...)
}

func (f *requireID) FromClient(line []byte) (toServer, toClient []byte) {
	fields := bytes.Fields(line)
	if len(fields) < 2 {
		return line, nil
	}
	tag, cmd := fields[0], string(bytes.ToUpper(fields[1]))
	switch {
	case cmd == "ID":
		f.identified = true
		if f.serverHasID {
			return line, nil
		}
		return nil, fmt.Appendf(nil, "* ID (\"name\" \"mailtest\" \"vendor\" \"shopdesk\")\r\n%s OK ID completed\r\n", tag)
	case (cmd == "SELECT" || cmd == "EXAMINE") && !f.identified:
		return nil, fmt.Appendf(nil, "%s NO %s\r\n", tag, IDRequiredText)
	}
	return line, nil
}

// capabilityList finds the capability names in "* CAPABILITY ..." or in
// a status response's "[CAPABILITY ...]" code; line[start:end] holds them.
func capabilityList(line []byte) (start, end int, ok bool) {
	upper := bytes.ToUpper(line)
	if bytes.HasPrefix(upper, []byte("* CAPABILITY ")) {
		end = len(bytes.TrimRight(line, "\r\n"))
		return len("* CAPABILITY "), end, true
	}
	// A status response: "* OK [CAPABILITY ...] text" or "tag OK [...]".
	fields := bytes.SplitN(upper, []byte(" "), 3)
	if len(fields) < 3 || !bytes.HasPrefix(fields[2], []byte("[CAPABILITY ")) {
		return 0, 0, false
	}
	start = len(fields[0]) + len(fields[1]) + 2 + len("[CAPABILITY ")
	rb := bytes.IndexByte(upper[start:], ']')
	if rb < 0 {
		return 0, 0, false
	}
	return start, start + rb, true
}
