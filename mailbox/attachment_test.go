package mailbox

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestAttachmentDataFromClientMail(t *testing.T) {
	b64 := func(s string) []byte {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		file, name, typ string
		index           int
		data            []byte
	}{
		// GBK in an RFC 2047 word, as Foxmail writes it.
		{"foxmail-gbk.eml", "破损照片.png", "image/png", 0, b64("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")},
		// Big5 in an RFC 2231 parameter, as Outlook writes it.
		{"outlook-big5.eml", "訂單明細.csv", "text/csv", 0, b64("rXGz5r1zuLkssNOrfiy8xrZxLKr3w0IKU08yNDAxMDkwMDAwMDEsrvCstcHnLDEsMjQ4MAo=")},
		// Shift_JIS in RFC 2231 continuations, as Apple Mail writes it.
		{"iphone-iso2022jp.eml", "", "application/pdf", 0, b64("JVBERi0xLjQKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyA+PgplbmRvYmoKdHJhaWxlcgo8PCAvUm9vdCAxIDAgUiA+PgolJUVPRgo=")},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := readTestdata(t, tt.file)
			p, err := Parse(raw)
			if err != nil {
				t.Fatal(err)
			}
			name, typ, data, err := AttachmentData(raw, tt.index)
			if err != nil {
				t.Fatal(err)
			}
			want := p.Attachments[tt.index]
			if name != want.Name || typ != want.Type || int64(len(data)) != want.Size {
				t.Errorf("got %q %s %d bytes, Parse listed %+v", name, typ, len(data), want)
			}
			if tt.name != "" && name != tt.name {
				t.Errorf("name = %q, want %q", name, tt.name)
			}
			if typ != tt.typ || !bytes.Equal(data, tt.data) {
				t.Errorf("got %s %q, want %s %q", typ, data, tt.typ, tt.data)
			}
			if _, _, _, err := AttachmentData(raw, len(p.Attachments)); !errors.Is(err, ErrNoAttachment) {
				t.Errorf("past the last attachment: err = %v, want ErrNoAttachment", err)
			}
		})
	}
}

// A forwarded message is listed after the attachments inside it; the
// index must follow the same order.
func TestAttachmentDataFollowsParseOrder(t *testing.T) {
	raw := strings.ReplaceAll(`From: a@example.com
Subject: fwd
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain

see below
--outer
Content-Type: message/rfc822

From: b@example.com
Subject: inner
Content-Type: multipart/mixed; boundary="inner"

--inner
Content-Type: text/plain

inner text
--inner
Content-Type: application/octet-stream; name="inner.bin"
Content-Transfer-Encoding: base64

aW5uZXIgYnl0ZXM=
--inner--
--outer
Content-Type: text/plain; name="last.txt"
Content-Disposition: attachment; filename="last.txt"
Content-Transfer-Encoding: quoted-printable

caf=C3=A9
--outer--
`, "\n", "\r\n")
	p, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Attachments) != 3 {
		t.Fatalf("Parse found %+v", p.Attachments)
	}
	for i, a := range p.Attachments {
		name, typ, data, err := AttachmentData([]byte(raw), i)
		if err != nil {
			t.Fatalf("attachment %d: %v", i, err)
		}
		if name != a.Name || typ != a.Type || int64(len(data)) != a.Size {
			t.Errorf("attachment %d: got %q %s %d bytes, Parse listed %+v", i, name, typ, len(data), a)
		}
	}
	checks := map[int]string{0: "inner bytes", 2: "café"}
	for i, want := range checks {
		if _, _, data, _ := AttachmentData([]byte(raw), i); string(data) != want {
			t.Errorf("attachment %d = %q, want %q", i, data, want)
		}
	}
	if _, _, data, _ := AttachmentData([]byte(raw), 1); !bytes.Contains(data, []byte("Subject: inner")) {
		t.Errorf("the forwarded message is not saved whole: %q", data)
	}
}

func TestSafeFileName(t *testing.T) {
	long := strings.Repeat("很长的文件名", 20) + ".pdf"
	tests := []struct{ in, want string }{
		{"破损照片.jpg", "破损照片.jpg"},
		{"訂單明細.csv", "訂單明細.csv"},
		{"photo 1.png", "photo 1.png"},
		{"../../etc/passwd", "passwd"},
		{`..\..\Windows\System32\evil.dll`, "evil.dll"},
		{"..", "attachment"},
		{"", "attachment"},
		{"   ", "attachment"},
		{".bashrc", "bashrc"},
		{"report.pdf.", "report.pdf"},
		{"invoice\u202Egpj.exe", "invoicegpj.exe"}, // right-to-left override hides .exe
		{"a\u2066b\u2069c\u200Fd.txt", "abcd.txt"},
		{"zero\u200Bwidth\uFEFF.txt", "zerowidth.txt"},
		{"line\nbreak\r\x00.txt", "linebreak.txt"},
		{"tab\there.txt", "tab here.txt"},
		{"bad\xffutf8.txt", "bad_utf8.txt"},
		{`what?<>:"|*.txt`, "what_______.txt"},
		{"CON", "_CON"},
		{"con.txt", "_con.txt"},
		{"NUL.tar.gz", "_NUL.tar.gz"},
		{"COM1.jpg", "_COM1.jpg"},
		{"lpt9", "_lpt9"},
		{"COM10.txt", "COM10.txt"},
		{"CONTRACT.pdf", "CONTRACT.pdf"},
		{long, strings.Repeat("很长的文件名", 20)[:144] + ".pdf"}, // cut on a character boundary,
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := SafeFileName(tt.in)
			if got != tt.want {
				t.Errorf("SafeFileName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if len(got) > maxFileName || strings.ContainsAny(got, `/\`) || got == "." || got == ".." {
				t.Errorf("SafeFileName(%q) = %q is not safe", tt.in, got)
			}
		})
	}
}

func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{"a.txt", "../x", "CON", "破损照片.jpg", "\u202Eexe.jpg"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := SafeFileName(in)
		if got == "" || len(got) > maxFileName || strings.ContainsAny(got, "/\\<>:\"|?*\x00") ||
			strings.HasPrefix(got, ".") || isReservedName(got) {
			t.Fatalf("SafeFileName(%q) = %q", in, got)
		}
		if SafeFileName(got) != got {
			t.Fatalf("SafeFileName is not stable on %q: %q then %q", in, got, SafeFileName(got))
		}
	})
}
