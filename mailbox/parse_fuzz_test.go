package mailbox

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/shopdesk/shopdesk/storage"
)

// FuzzParse: whatever the bytes, Parse returns (never panics), stays
// within its limits and hands out valid UTF-8 only.
//
//	go test -fuzz FuzzParse -fuzztime 60s ./mailbox/
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.eml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for i, c := range charsetCases {
		f.Add(buildCharsetMessage(f, c, i%3))
	}
	f.Add(benchMessage(f))
	for _, s := range []string{
		"",
		"Subject: =?gbk?B?ttTE?= =?gbk?B?48PH?=\n\nx",
		"Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/alternative; boundary=c\n\n--c\n\nx\n--c--\n--b--",
		"Content-Type: multipart/mixed\n\n--x\n\ny\n--x--",
		"Content-Type: message/rfc822\n\nSubject: inner\n\nbody",
		"Content-Type: text/html\n\n<a href=http://x>y</a><img alt=z><pre> p </pre>",
		"Content-Disposition: attachment; filename*0*=gbk''%B6; filename*1*=%A9.txt\n\nx",
		"From: \"a <b@c>, d\n\n",
		"Content-Transfer-Encoding: quoted-printable\n\n=\n=4",
		"Content-Transfer-Encoding: base64\n\n=A=",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := Parse(raw)
		if errors.Is(err, errPanic) {
			t.Fatal(err)
		}
		check := func(what, s string) {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", what, s)
			}
		}
		checkAddrs := func(what string, as []storage.Address) {
			for _, a := range as {
				check(what, a.Name)
				check(what, a.Email)
			}
		}
		check("Subject", p.Subject)
		check("Text", p.Text)
		html := htmlSource(raw) // without the safety net, so a panic shows
		check("HTML", html)
		check("MessageID", p.MessageID)
		check("InReplyTo", p.InReplyTo)
		for _, r := range p.References {
			check("References", r)
		}
		checkAddrs("From", []storage.Address{p.From})
		checkAddrs("To", p.To)
		checkAddrs("Cc", p.Cc)
		checkAddrs("ReplyTo", p.ReplyTo)
		for _, q := range p.Problems {
			check("Problems", q)
		}
		for _, a := range p.Attachments {
			check("attachment", a.Name)
			if a.Size < 0 {
				t.Fatalf("negative size %d", a.Size)
			}
		}
		if len(p.Text) > MaxText || len(html) > MaxText {
			t.Fatalf("text %d, html %d bytes", len(p.Text), len(html))
		}
		if len(p.Attachments) > MaxParts || len(p.References) > maxReferences || len(p.Problems) > maxProblems+1 {
			t.Fatalf("limits: %d attachments, %d references, %d problems", len(p.Attachments), len(p.References), len(p.Problems))
		}
		if utf8.Valid(raw) && len(raw) < 1<<16 {
			_ = HTMLToText(string(raw)) // the converter alone, on arbitrary markup
		}
	})
}
