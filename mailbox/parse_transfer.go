package mailbox

import (
	"encoding/base64"
	"strings"
)

// Content-Transfer-Encoding decoders. They are our own rather than
// encoding/base64 and mime/quotedprintable because those stop at the first
// bad byte, and mail in the wild is truncated, padded in the middle
// (two base64 blobs glued together), or carries "=" signs that escape
// nothing. These keep every byte that can be kept and report whether the
// input was clean. max bounds the output (-1: no bound), so a huge text
// part costs no more than the text we keep.

// b64 maps a byte to its 6-bit value; 0xFE marks whitespace and 0xFF
// anything else. Both the standard and the URL-safe alphabet are read.
var b64 = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(std); i++ {
		t[std[i]] = byte(i)
	}
	t['-'], t['_'] = 62, 63
	for _, c := range []byte(" \t\r\n\f\v") {
		t[c] = 0xFE
	}
	return t
}()

// decodeBase64 decodes src leniently. clean is false when it met bytes
// outside the alphabet or the data ended in the middle of a quantum.
func decodeBase64(src []byte, max int) (out []byte, clean bool) {
	// Fast path: well-formed input (encoding/base64 skips CR and LF and
	// is several times quicker); anything else takes the lenient loop.
	if n := base64.StdEncoding.DecodedLen(len(src)); max < 0 || n <= max {
		out = make([]byte, n)
		if n, err := base64.StdEncoding.Decode(out, src); err == nil {
			return out[:n], true
		}
	}
	capHint := len(src)*3/4 + 3
	if max >= 0 && capHint > max+3 {
		capHint = max + 3
	}
	out = make([]byte, 0, capHint)
	clean = true
	var acc uint32
	n := 0
	for _, c := range src {
		v := b64[c]
		if v >= 0xFE {
			if c == '=' {
				// Padding ends a quantum; data may follow (glued blobs).
				out = flushQuantum(out, acc, n)
				if n == 1 {
					clean = false
				}
				acc, n = 0, 0
			} else if v == 0xFF {
				clean = false
			}
			continue
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
			if max >= 0 && len(out) >= max {
				return out[:max], clean
			}
		}
	}
	if n != 0 { // truncated: keep the whole bytes we have
		clean = false
		out = flushQuantum(out, acc, n)
	}
	if max >= 0 && len(out) > max {
		out = out[:max]
	}
	return out, clean
}

// flushQuantum emits the whole bytes held by n (< 4) sextets.
func flushQuantum(out []byte, acc uint32, n int) []byte {
	switch n {
	case 2:
		return append(out, byte(acc>>4))
	case 3:
		return append(out, byte(acc>>10), byte(acc>>2))
	}
	return out
}

// base64Len is the length decodeBase64 would return, without decoding:
// attachments are only measured at parse time.
func base64Len(src []byte) int64 {
	var total int64
	n := 0
	for _, c := range src {
		v := b64[c]
		if v >= 0xFE {
			if c == '=' {
				total += int64(quantumLen(n))
				n = 0
			}
			continue
		}
		n++
		if n == 4 {
			total += 3
			n = 0
		}
	}
	return total + int64(quantumLen(n))
}

func quantumLen(n int) int {
	if n >= 2 {
		return n - 1
	}
	return 0
}

// decodeQP decodes quoted-printable leniently: "=" that escapes nothing is
// kept, a lone "=" at the end is a soft break, trailing whitespace on a
// line is dropped (RFC 2045 6.7).
func decodeQP(src []byte, max int) (out []byte, clean bool) {
	capHint := len(src)
	if max >= 0 && capHint > max {
		capHint = max
	}
	out = make([]byte, 0, capHint)
	clean = true
	for i := 0; i < len(src); {
		if max >= 0 && len(out) >= max {
			return out[:max], clean
		}
		c := src[i]
		switch c {
		case '=':
			if i+2 < len(src) && isHex(src[i+1]) && isHex(src[i+2]) {
				out = append(out, unhex(src[i+1])<<4|unhex(src[i+2]))
				i += 3
				continue
			}
			// Soft line break: "=" then optional whitespace then EOL/EOF.
			j := i + 1
			for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			switch {
			case j == len(src):
				i = j
			case src[j] == '\n':
				i = j + 1
			case src[j] == '\r' && j+1 < len(src) && src[j+1] == '\n':
				i = j + 2
			default:
				clean = false
				out = append(out, '=')
				i++
			}
		case ' ', '\t':
			j := i
			for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			if j == len(src) || src[j] == '\n' || src[j] == '\r' {
				i = j // transport padding at the end of a line
				continue
			}
			out = append(out, src[i:j]...)
			i = j
		default:
			out = append(out, c)
			i++
		}
	}
	return out, clean
}

// transferEncoding is a parsed Content-Transfer-Encoding value.
type transferEncoding int

const (
	cteIdentity transferEncoding = iota // 7bit, 8bit, binary, missing
	cteBase64
	cteQP
	cteUnknown
)

func parseCTE(v []byte) transferEncoding {
	s := strings.ToLower(strings.TrimSpace(string(v)))
	switch s {
	case "", "7bit", "8bit", "binary", "7-bit", "8-bit", "none":
		return cteIdentity
	case "base64", "base-64", "b64":
		return cteBase64
	case "quoted-printable", "quoted_printable", "qp", "quotedprintable":
		return cteQP
	}
	// "base64; foo" and friends
	switch {
	case strings.HasPrefix(s, "base64"):
		return cteBase64
	case strings.HasPrefix(s, "quoted-printable"):
		return cteQP
	}
	return cteUnknown
}
