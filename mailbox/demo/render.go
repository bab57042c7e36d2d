// Package demo turns the embedded sample shop (assets.LoadDemo) into a
// working desk: raw customer mail in the charsets real clients use, and
// the shop's customers, orders, calls, follow-ups and notes.
package demo

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/shopdesk/shopdesk/assets"
)

// Mail is one demo message rendered as RFC 5322 bytes.
type Mail struct {
	Conversation string // demo key
	Index        int    // position in the conversation
	MessageID    string // without angle brackets
	InReplyTo    string
	References   []string
	Date         time.Time
	Subject      string
	Raw          []byte
}

// Render writes every message of the demo as raw mail, dated relative to now.
func Render(d assets.Demo, now time.Time) ([]Mail, error) {
	var out []Mail
	domain := d.Shop.Email[strings.LastIndexByte(d.Shop.Email, '@')+1:]
	for _, c := range d.Conversations {
		var refs []string
		for i, m := range c.Messages {
			subject := c.Subject
			if i > 0 {
				subject = "Re: " + subject
			}
			ml := Mail{Conversation: c.Key, Index: i, MessageID: fmt.Sprintf("demo-%s-%d@%s", c.Key, i+1, domain),
				Date: m.At.From(now).Truncate(time.Second), Subject: subject, References: refs}
			if len(refs) > 0 {
				ml.InReplyTo = refs[len(refs)-1]
			}
			raw, err := renderMessage(ml, m)
			if err != nil {
				return nil, fmt.Errorf("demo conversation %s message %d: %w", c.Key, i+1, err)
			}
			ml.Raw = raw
			out = append(out, ml)
			refs = append(refs[:len(refs):len(refs)], ml.MessageID)
		}
	}
	return out, nil
}

// charsets maps the demo's charset names to their encodings; the empty
// name and utf-8 need none.
var charsets = map[string]encoding.Encoding{
	"gbk":  simplifiedchinese.GBK,
	"big5": traditionalchinese.Big5,
}

func renderMessage(ml Mail, m assets.DemoMessage) ([]byte, error) {
	cs := strings.ToLower(m.Charset)
	if cs == "" {
		cs = "utf-8"
	}
	body := strings.ReplaceAll(string(m.Body), "\n", "\r\n") + "\r\n"
	subject := encodeWord("utf-8", ml.Subject)
	if enc, ok := charsets[cs]; ok {
		b, err := enc.NewEncoder().String(body)
		if err != nil {
			return nil, fmt.Errorf("encode body as %s: %w", cs, err)
		}
		body = b
		// Clients that write GBK bodies usually encode the subject the same
		// way; keep it in one encoded word so no character is split.
		if s, err := enc.NewEncoder().String(ml.Subject); err == nil && len(s) <= 45 {
			subject = encodeWord(cs, s)
		}
	}
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("Message-ID", "<"+ml.MessageID+">")
	h("Date", ml.Date.Format(time.RFC1123Z))
	h("From", formatAddress(m.From))
	to := make([]string, len(m.To))
	for i, a := range m.To {
		to[i] = formatAddress(a)
	}
	h("To", strings.Join(to, ", "))
	h("Subject", subject)
	if ml.InReplyTo != "" {
		h("In-Reply-To", "<"+ml.InReplyTo+">")
		h("References", "<"+strings.Join(ml.References, "> <")+">")
	}
	h("MIME-Version", "1.0")
	text := fmt.Sprintf("Content-Type: text/plain; charset=%s\r\nContent-Transfer-Encoding: base64\r\n\r\n%s", cs, wrap64([]byte(body)))
	if len(m.Attachments) == 0 {
		b.WriteString(text)
		return b.Bytes(), nil
	}
	boundary := "demo-" + strings.NewReplacer("@", "-", ".", "-").Replace(ml.MessageID)
	h("Content-Type", `multipart/mixed; boundary="`+boundary+`"`)
	fmt.Fprintf(&b, "\r\n--%s\r\n%s", boundary, text)
	for _, a := range m.Attachments {
		name := mime.BEncoding.Encode("utf-8", a.Name)
		fmt.Fprintf(&b, "--%s\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s",
			boundary, a.Type, name, name, wrap64(fakeContent(a)))
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes(), nil
}

// encodeWord writes s (already in charset cs) as one RFC 2047 B-word, or
// as is when it is plain ASCII.
func encodeWord(cs, s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return "=?" + cs + "?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
}

func formatAddress(a assets.DemoAddress) string {
	return (&mail.Address{Name: a.Name, Address: a.Email}).String()
}

func wrap64(data []byte) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.String()
}

// fakeContent stands in for a photo or PDF: a few bytes per declared
// kilobyte, so the demo database stays small.
func fakeContent(a assets.DemoAttachment) []byte {
	n := min(a.Size/64+16, 4096)
	return bytes.Repeat([]byte("demo attachment "), int(n/16))
}
