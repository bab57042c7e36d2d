package mailbox

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrNoAttachment is returned (wrapped) when a message has no attachment
// at the index asked for.
var ErrNoAttachment = errors.New("no such attachment")

// attachmentCapture asks the parser's walk for the bytes of one
// attachment, so the index means exactly what it means in
// Parsed.Attachments (forwarded messages, nested multiparts, limits).
type attachmentCapture struct {
	index int
	found bool
	name  string
	typ   string
	data  []byte
}

func (c *attachmentCapture) take(name, typ string, data []byte) {
	c.found, c.name, c.typ, c.data = true, name, typ, data
}

// AttachmentData returns the decoded bytes of the message's attachment
// at index (its position in Parsed.Attachments), with its name as the
// sender gave it and its media type. The name is not safe to write to
// disk as is: pass it through SafeFileName.
func AttachmentData(raw []byte, index int) (name, contentType string, data []byte, err error) {
	defer func() { // the same safety net as Parse
		if r := recover(); r != nil {
			name, contentType, data = "", "", nil
			err = errorf("read attachment %d: %w: %v", index, errPanic, r)
		}
	}()
	if index < 0 {
		return "", "", nil, errorf("attachment %d: %w", index, ErrNoAttachment)
	}
	c := &attachmentCapture{index: index}
	p := &parser{textBudget: textBudget, capture: c}
	h, body := readHeader(raw, p)
	p.entity(&h, body, 0, "text/plain")
	if !c.found {
		return "", "", nil, errorf("attachment %d of %d: %w", index, len(p.attachments), ErrNoAttachment)
	}
	return c.name, c.typ, c.data, nil
}

// maxFileName bounds a saved name in bytes: most file systems allow 255,
// and the folder around it needs room too.
const maxFileName = 150

// SafeFileName makes an attachment's name safe to create in a folder the
// seller chose: no directories or traversal, no control, invisible or
// text-direction characters (which disguise "gpj.exe" as "exe.jpg"), none
// of the characters or device names Windows refuses, and a bounded length
// that keeps the extension. Letters of any script, Chinese included, stay.
func SafeFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(name, "_") {
		switch {
		case r == '\t' || r == ' ' || r == '\u3000' || r == '\u00a0':
			b.WriteByte(' ')
		case r == utf8.RuneError || unicode.IsControl(r) || isInvisible(r):
			// dropped
		case strings.ContainsRune(`<>:"|?*`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	// Windows drops trailing dots and spaces; leading dots hide a file.
	name = strings.Trim(strings.Join(strings.Fields(b.String()), " "), ". ")
	if name == "" {
		return "attachment"
	}
	if isReservedName(name) {
		name = "_" + name
	}
	return capFileName(name)
}

// isInvisible: format characters (bidi controls, zero-width joiners,
// byte-order marks) and the Unicode tag block draw nothing in a file list.
func isInvisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r) || r == '\u2028' || r == '\u2029'
}

// windowsReserved are device names Windows refuses as file names, with
// any extension.
var windowsReserved = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true,
	"COM0": true, "COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true,
	"COM6": true, "COM7": true, "COM8": true, "COM9": true, "COM¹": true, "COM²": true, "COM³": true,
	"LPT0": true, "LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true,
	"LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true, "LPT¹": true, "LPT²": true, "LPT³": true,
}

func isReservedName(name string) bool {
	stem := name
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	return windowsReserved[strings.ToUpper(strings.TrimRight(stem, " "))]
}

// capFileName cuts a long name on a character boundary, keeping a short
// extension so the file still opens with the right program.
func capFileName(name string) string {
	if len(name) <= maxFileName {
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 16 {
		ext = name[i:]
	}
	stem := name[:len(name)-len(ext)]
	n := maxFileName - len(ext)
	for n > 0 && !utf8.RuneStart(stem[n]) {
		n--
	}
	return strings.TrimRight(stem[:n], ". ") + ext
}

// SaveAttachment writes data into dir under the sanitized form of name
// and returns the name it used: "photo (2).jpg" when "photo.jpg" is
// taken, as nothing is overwritten. The file is opened through an
// os.Root on dir, so whatever the name says, it cannot land outside the
// folder (not through "..", an absolute path or a symbolic link), and it
// is readable by the seller only.
func SaveAttachment(dir, name string, data []byte) (string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("open folder %s: %w", dir, err)
	}
	defer root.Close()
	safe := SafeFileName(name)
	ext := filepath.Ext(safe)
	stem := strings.TrimSuffix(safe, ext)
	if stem == "" { // ".jpg": the extension is the whole name
		stem, ext = safe, ""
	}
	for n := 1; n <= 1000; n++ {
		try := safe
		if n > 1 {
			try = capFileName(fmt.Sprintf("%s (%d)%s", stem, n, ext))
		}
		f, err := root.OpenFile(try, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("create %s in %s: %w", try, dir, err)
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = root.Remove(try) // no half-written file left behind
			return "", fmt.Errorf("write %s in %s: %w", try, dir, err)
		}
		return try, nil
	}
	return "", fmt.Errorf("save %s in %s: %w", safe, dir, fs.ErrExist)
}
