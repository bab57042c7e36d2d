package mailbox

import (
	"encoding/base64"
	"fmt"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
)

// Helpers that build real mail bytes for the tests: charsets through
// golang.org/x/text encoders, transfer encodings through the standard
// library, so what the parser reads is what mailers write.

func encode(t testing.TB, e encoding.Encoding, s string) []byte {
	t.Helper()
	if e == nil {
		return []byte(s)
	}
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// bWord is an RFC 2047 B encoded-word.
func bWord(label string, b []byte) string {
	return "=?" + label + "?B?" + base64.StdEncoding.EncodeToString(b) + "?="
}

// qWord is an RFC 2047 Q encoded-word that escapes every non-letter.
func qWord(label string, b []byte) string {
	var sb strings.Builder
	sb.WriteString("=?" + label + "?Q?")
	for _, c := range b {
		switch {
		case c == ' ':
			sb.WriteByte('_')
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
			sb.WriteByte(c)
		default:
			fmt.Fprintf(&sb, "=%02X", c)
		}
	}
	sb.WriteString("?=")
	return sb.String()
}

// pct is the RFC 2231 percent-encoding of b.
func pct(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "%%%02X", c)
		}
	}
	return sb.String()
}

func b64Lines(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var sb strings.Builder
	for len(s) > 76 {
		sb.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	sb.WriteString(s + "\r\n")
	return sb.String()
}

func qpBody(b []byte) string {
	var sb strings.Builder
	w := quotedprintable.NewWriter(&sb)
	w.Write(b)
	w.Close()
	return sb.String()
}

// crlf turns a readable test message into wire form.
func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n"))
}

func mustParse(t testing.TB, raw []byte) Parsed {
	t.Helper()
	p, err := Parse(raw)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hasProblem(p Parsed, sub string) bool {
	for _, q := range p.Problems {
		if strings.Contains(q, sub) {
			return true
		}
	}
	return false
}
