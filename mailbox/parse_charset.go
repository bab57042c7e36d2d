package mailbox

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// charsetInfo is what we know about one charset label.
type charsetInfo struct {
	name string            // canonical name, used in Problems
	enc  encoding.Encoding // nil for UTF-8 and US-ASCII (no transform)
	// asciiSafe: bytes < 0x80 mean ASCII, so pure-ASCII input needs no
	// decoder (false for ISO-2022-*, HZ, UTF-16).
	asciiSafe bool
	// singleByte charsets decode any byte sequence without error, so a
	// mislabelled UTF-8 body would silently turn into mojibake ("Ã©").
	singleByte bool
}

var (
	csUTF8    = charsetInfo{name: "UTF-8", asciiSafe: true}
	csASCII   = charsetInfo{name: "US-ASCII", asciiSafe: true}
	csGB18030 = charsetInfo{name: "GB18030", enc: simplifiedchinese.GB18030, asciiSafe: true}
	csBig5    = charsetInfo{name: "Big5", enc: traditionalchinese.Big5, asciiSafe: true}
	csEUCKR   = charsetInfo{name: "EUC-KR", enc: korean.EUCKR, asciiSafe: true}
	csSJIS    = charsetInfo{name: "Shift_JIS", enc: japanese.ShiftJIS, asciiSafe: true}
	csEUCJP   = charsetInfo{name: "EUC-JP", enc: japanese.EUCJP, asciiSafe: true}
	csISO2022 = charsetInfo{name: "ISO-2022-JP", enc: japanese.ISO2022JP}
	csHZ      = charsetInfo{name: "HZ-GB-2312", enc: simplifiedchinese.HZGB2312}
	csWin1252 = charsetInfo{name: "windows-1252", enc: charmap.Windows1252, asciiSafe: true, singleByte: true}
	csUnknown = charsetInfo{}
)

// charsetAliases maps the labels seen in real mail to the decoder that
// actually reads such mail. The labels lie in well-known ways: "gb2312" mail
// contains GBK and GB18030 characters, "iso-8859-1" mail contains
// windows-1252 quotes and euro signs, "shift_jis" mail contains cp932
// circled digits, "ks_c_5601-1987" is Outlook's name for EUC-KR (cp949).
// Decoding with the superset never hurts text that kept to the subset.
var charsetAliases = map[string]charsetInfo{
	"utf-8": csUTF8, "utf8": csUTF8, "unicode-1-1-utf-8": csUTF8, "x-unicode20utf8": csUTF8,
	"unicode-2-0-utf-8": csUTF8, "x-utf-8": csUTF8, "x-utf_8j": csUTF8,

	"us-ascii": csASCII, "ascii": csASCII, "ansi_x3.4-1968": csASCII, "iso646-us": csASCII,
	"us": csASCII, "iso-ir-6": csASCII, "cp367": csASCII, "csascii": csASCII, "646": csASCII,
	"unknown-8bit": csASCII, "x-unknown": csASCII, "default": csASCII,

	"gb18030": csGB18030, "gbk": csGB18030, "gb2312": csGB18030, "x-gbk": csGB18030,
	"cp936": csGB18030, "ms936": csGB18030, "windows-936": csGB18030, "csgbk": csGB18030,
	"euc-cn": csGB18030, "x-euc-cn": csGB18030, "euccn": csGB18030, "csgb2312": csGB18030,
	"gb_2312-80": csGB18030, "gb_2312": csGB18030, "gb2312-80": csGB18030, "chinese": csGB18030,
	"iso-ir-58": csGB18030, "csiso58gb231280": csGB18030, "x-mac-chinesesimp": csGB18030,
	"gb18030-2000": csGB18030, "gb18030-2005": csGB18030, "gb18030-2022": csGB18030,
	"cn-gb": csGB18030, "x-cp936": csGB18030, "936": csGB18030,

	"big5": csBig5, "big-5": csBig5, "big5-hkscs": csBig5, "x-x-big5": csBig5, "cn-big5": csBig5,
	"csbig5": csBig5, "x-big5": csBig5, "cp950": csBig5, "ms950": csBig5, "windows-950": csBig5,
	"x-mac-chinesetrad": csBig5, "big5hkscs": csBig5,

	"euc-kr": csEUCKR, "ks_c_5601-1987": csEUCKR, "ks_c_5601-1989": csEUCKR, "ks_c_5601": csEUCKR,
	"ksc5601": csEUCKR, "ksc_5601": csEUCKR, "cp949": csEUCKR, "ms949": csEUCKR, "windows-949": csEUCKR,
	"x-windows-949": csEUCKR, "uhc": csEUCKR, "csksc56011987": csEUCKR, "iso-ir-149": csEUCKR,
	"korean": csEUCKR, "cseuckr": csEUCKR, "euckr": csEUCKR, "x-euc-kr": csEUCKR,

	"shift_jis": csSJIS, "shift-jis": csSJIS, "sjis": csSJIS, "x-sjis": csSJIS, "ms_kanji": csSJIS,
	"csshiftjis": csSJIS, "windows-31j": csSJIS, "cswindows31j": csSJIS, "cp932": csSJIS,
	"ms932": csSJIS, "x-ms-cp932": csSJIS, "shiftjis": csSJIS, "x-shift_jis": csSJIS,

	"euc-jp": csEUCJP, "x-euc-jp": csEUCJP, "eucjp": csEUCJP, "cseucpkdfmtjapanese": csEUCJP,

	"iso-2022-jp": csISO2022, "csiso2022jp": csISO2022, "iso-2022-jp-1": csISO2022,
	"iso-2022-jp-2": csISO2022, "iso-2022-jp-3": csISO2022, "jis": csISO2022,

	"hz-gb-2312": csHZ, "hz": csHZ,

	"iso-8859-1": csWin1252, "iso8859-1": csWin1252, "iso_8859-1": csWin1252, "latin1": csWin1252,
	"latin-1": csWin1252, "l1": csWin1252, "cp819": csWin1252, "ibm819": csWin1252,
	"iso-ir-100": csWin1252, "csisolatin1": csWin1252, "iso_8859-1:1987": csWin1252,
	"windows-1252": csWin1252, "cp1252": csWin1252, "x-cp1252": csWin1252, "ms-ansi": csWin1252,
	"iso88591": csWin1252, "8859-1": csWin1252,
}

// normalizeLabel turns `"GB2312"`, `gb2312*zh-cn` or ` UTF-8 ` into the
// lower-case bare label. It allocates only when it must lower-case.
func normalizeLabel(label string) string {
	label = strings.TrimSpace(label)
	label = strings.Trim(label, "\"'")
	if i := strings.IndexByte(label, '*'); i >= 0 { // RFC 2231 language suffix
		label = label[:i]
	}
	label = strings.TrimSpace(label)
	for i := 0; i < len(label); i++ {
		if c := label[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(label)
		}
	}
	return label
}

// lookupCharset finds the decoder for a label. ok is false when nobody knows
// the label; the caller then falls back as for raw 8-bit bytes.
func lookupCharset(label string) (charsetInfo, bool) {
	l := normalizeLabel(label)
	if l == "" {
		return csASCII, true
	}
	if cs, ok := charsetAliases[l]; ok {
		return cs, true
	}
	// The WHATWG index knows the remaining ISO-8859-x, windows-125x, KOI8
	// and UTF-16 labels; "replacement" would turn the text into one U+FFFD.
	if enc, err := htmlindex.Get(l); err == nil && enc != nil && enc != encoding.Replacement {
		name, _ := htmlindex.Name(enc)
		return charsetInfo{name: name, enc: enc, asciiSafe: !strings.HasPrefix(name, "utf-16"),
			singleByte: isSingleByte(name)}, true
	}
	if enc, err := ianaindex.MIME.Encoding(l); err == nil && enc != nil && enc != encoding.Replacement {
		name, _ := ianaindex.MIME.Name(enc)
		return charsetInfo{name: name, enc: enc, asciiSafe: true, singleByte: isSingleByte(strings.ToLower(name))}, true
	}
	return csUnknown, false
}

func isSingleByte(name string) bool {
	return strings.HasPrefix(name, "iso-8859") || strings.HasPrefix(name, "windows-125") ||
		strings.HasPrefix(name, "koi8") || strings.HasPrefix(name, "ibm") || strings.HasPrefix(name, "macintosh") ||
		strings.HasPrefix(name, "x-mac")
}

// decoder turns bytes in some charset into UTF-8 text. It remembers the
// charset that the message's own text parts declare: raw 8-bit header bytes
// are most often in that charset (Thunderbird makes the same guess).
type decoder struct {
	hint charsetInfo // declared charset of the first non-UTF-8 text part; zero if none
}

// decodeLabelled decodes b that claims to be in charset label. problem says
// what had to be guessed ("" when the label was believed).
func (d *decoder) decodeLabelled(label string, b []byte) (string, string) {
	cs, ok := lookupCharset(label)
	if !ok {
		s, used := d.decodeRaw(b)
		if used == "" {
			return s, "unknown charset " + quoteLabel(label)
		}
		return s, "unknown charset " + quoteLabel(label) + ", decoded as " + used
	}
	return d.decodeWith(cs, b)
}

// decodeWith decodes b with a known charset, catching the common lies.
func (d *decoder) decodeWith(cs charsetInfo, b []byte) (string, string) {
	if cs.asciiSafe && isASCII(b) {
		return string(b), ""
	}
	if cs.enc == nil { // UTF-8 or US-ASCII label
		if s, problem, ok := salvageUTF8(b); ok {
			return s, problem
		}
		s, used := d.decodeRaw(b)
		return s, "text labelled " + cs.name + " is not; decoded as " + used
	}
	// Mislabelled UTF-8: a single-byte or 7-bit charset never fails, so
	// check first; multibyte charsets only when their own decoding fails.
	if (cs.singleByte || !cs.asciiSafe) && hasValidUTF8Multibyte(b) {
		return string(b), "text labelled " + cs.name + " is UTF-8"
	}
	s, bad := decodeBytes(cs.enc, b)
	if bad > 0 {
		if hasValidUTF8Multibyte(b) {
			return string(b), "text labelled " + cs.name + " is UTF-8"
		}
		return s, "invalid " + cs.name + " bytes"
	}
	return s, ""
}

// decodeRaw decodes bytes that carry no (usable) charset label: valid UTF-8
// as is, then the message's own declared charset, then GB18030 (our
// sellers' customers write Chinese), then windows-1252 which never fails.
// used names the charset chosen when it was not UTF-8.
func (d *decoder) decodeRaw(b []byte) (s, used string) {
	if s, problem, ok := salvageUTF8(b); ok {
		if problem != "" {
			return s, "damaged UTF-8"
		}
		return s, ""
	}
	if d.hint.enc != nil {
		if s, bad := decodeBytes(d.hint.enc, b); bad == 0 {
			return s, d.hint.name
		}
	}
	if plausibleGB18030(b) {
		if s, bad := decodeBytes(csGB18030.enc, b); bad == 0 {
			return s, csGB18030.name
		}
	}
	s, _ = decodeBytes(csWin1252.enc, b) // never fails: every byte is a character
	return s, csWin1252.name
}

// salvageUTF8 reads b as UTF-8 when it is, or when it is UTF-8 with
// damage rather than another charset: a sequence cut off at the end (mail
// truncated in transit), or a few bad bytes among many good multibyte
// characters. Legacy CJK text almost never forms valid UTF-8 sequences,
// so it fails both tests and goes on to the charset guesses.
func salvageUTF8(b []byte) (s, problem string, ok bool) {
	good, bad, firstBad := 0, 0, -1
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			if firstBad < 0 {
				firstBad = i
			}
			bad++
			i++
			continue
		}
		good++
		i += size
	}
	switch {
	case bad == 0:
		return string(b), "", true
	case good > 0 && firstBad >= len(b)-incompleteTail(b):
		return string(b[:firstBad]), "UTF-8 text cut inside a character", true
	case good >= 4 && good >= 8*bad:
		return strings.ToValidUTF8(string(b), "\uFFFD"), "invalid UTF-8 bytes replaced", true
	}
	return "", "", false
}

// incompleteTail is the length of a UTF-8 sequence cut off at the end of
// b (0 if b does not end inside one).
func incompleteTail(b []byte) int {
	for n := 1; n <= 3 && n <= len(b); n++ {
		c := b[len(b)-n]
		if c&0xC0 == 0x80 { // continuation byte: keep looking for the lead
			continue
		}
		need := 0
		switch {
		case c&0xE0 == 0xC0:
			need = 2
		case c&0xF0 == 0xE0:
			need = 3
		case c&0xF8 == 0xF0:
			need = 4
		}
		if need > n {
			return n
		}
		return 0
	}
	return 0
}

// decodeBytes runs enc's decoder and counts the U+FFFD it had to put in for
// invalid input (U+FFFD never appears in legacy charsets themselves).
func decodeBytes(enc encoding.Encoding, b []byte) (string, int) {
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD"), 1
	}
	s := string(out)
	return s, strings.Count(s, "\uFFFD")
}

// plausibleGB18030 rejects byte strings that GB18030 would decode without
// error but which are far more likely Latin text: "Müller" in latin-1 is
// the valid GBK pair FC 6C. Real Chinese text mostly uses the GB2312 block,
// whose trail bytes are >= 0xA1; Latin-1 letters are followed by ASCII.
func plausibleGB18030(b []byte) bool {
	pairs, asciiTrail := 0, 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < 0x80 {
			continue
		}
		if i+1 >= len(b) {
			return false
		}
		t := b[i+1]
		if t >= 0x30 && t <= 0x39 && i+3 < len(b) { // four-byte sequence
			i += 3
			pairs++
			continue
		}
		pairs++
		if t < 0x80 {
			asciiTrail++
		}
		i++
	}
	return pairs > 0 && asciiTrail*2 <= pairs
}

// hasValidUTF8Multibyte reports whether b is valid UTF-8 and contains at
// least one multibyte sequence, the sign of UTF-8 under a wrong label.
func hasValidUTF8Multibyte(b []byte) bool {
	return !isASCII(b) && utf8.Valid(b)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// quoteLabel shows a charset label in a Problem without letting a crafted
// label flood the list.
func quoteLabel(l string) string {
	if len(l) > 40 {
		l = l[:40] + "..."
	}
	return "\"" + strings.ToValidUTF8(l, "?") + "\""
}
