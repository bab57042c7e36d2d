package mailbox

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/shopdesk/shopdesk/storage"
)

// TestParseSalvage feeds the damage found in real mail and asserts the
// exact salvaged result and the Problem that says what was done.
func TestParseSalvage(t *testing.T) {
	gbk := func(s string) string { return string(encode(t, simplifiedchinese.GBK, s)) }
	big5 := func(s string) string { return string(encode(t, traditionalchinese.Big5, s)) }
	cp1252 := func(s string) string { return string(encode(t, charmap.Windows1252, s)) }
	b64 := func(s string) string { return strings.TrimSpace(b64Lines([]byte(s))) }
	split := func(label, s string, cut int) string {
		b := []byte(s)
		return bWord(label, b[:cut]) + "\n " + bWord(label, b[cut:])
	}
	gbkBytes := func(s string) []byte { return encode(t, simplifiedchinese.GBK, s) }

	tests := []struct {
		name    string
		raw     string
		subject string
		from    *storage.Address
		to      []storage.Address
		text    *string
		files   []string
		date    time.Time
		problem string // substring of a Problem; "" means no Problems at all
	}{
		{
			name:    "GBK encoded-word split inside a character",
			raw:     "Subject: " + bWord("GBK", gbkBytes("投诉：客服")[:3]) + "\n " + bWord("GBK", gbkBytes("投诉：客服")[3:]) + "\n\nx",
			subject: "投诉：客服",
		},
		{
			name:    "UTF-8 encoded-word split inside a character",
			raw:     "Subject: " + split("UTF-8", "物流延迟", 4) + "\n\nx",
			subject: "物流延迟",
		},
		{
			name:    "split words of different case labels still join",
			raw:     "Subject: =?gbk?B?" + b64(gbk("订单")[:1]) + "?= =?GBK?B?" + b64(gbk("订单")[1:]) + "?=\n\nx",
			subject: "订单",
		},
		{
			name:    "Q words split inside a character",
			raw:     "Subject: =?utf-8?Q?=E9=80=80?= =?utf-8?Q?=E8=B4?= =?utf-8?Q?=A7_ok?=\n\nx",
			subject: "退货 ok",
		},
		{
			name:    "encoded-word glued to text and inside quotes",
			raw:     "From: \"" + bWord("gbk", gbkBytes("刘洋")) + "\" <ly@x.example>\nSubject: Re:" + bWord("utf-8", []byte("发票")) + "(2)\n\nx",
			subject: "Re:发票(2)",
			from:    &storage.Address{Name: "刘洋", Email: "ly@x.example"},
		},
		{
			name:    "space between words is dropped, space to text kept",
			raw:     "Subject: " + bWord("utf-8", []byte("订单")) + "  " + bWord("utf-8", []byte("发货")) + " SO123 " + bWord("utf-8", []byte("急")) + "\n\nx",
			subject: "订单发货 SO123 急",
		},
		{
			name:    "raw 8-bit GBK header, no hint",
			raw:     "From: " + gbk("张伟") + " <zw@x.example>\nSubject: " + gbk("退款申请") + "\nContent-Type: text/plain; charset=us-ascii\n\nhello",
			subject: "退款申请",
			from:    &storage.Address{Name: "张伟", Email: "zw@x.example"},
			problem: "raw 8-bit header decoded as GB18030",
		},
		{
			name:    "raw 8-bit Big5 header read with the body's charset",
			raw:     "From: " + big5("陳志明") + " <c@x.example>\nSubject: " + big5("物流延遲") + "\nContent-Type: text/plain; charset=big5\n\n" + big5("您好"),
			subject: "物流延遲",
			from:    &storage.Address{Name: "陳志明", Email: "c@x.example"},
			text:    ptr("您好"),
			problem: "raw 8-bit header decoded as Big5",
		},
		{
			name:    "raw UTF-8 header is fine (RFC 6532)",
			raw:     "From: 李娜 <ln@x.example>\nSubject: 订单SO1什么时候发货？\n\nhi",
			subject: "订单SO1什么时候发货？",
			from:    &storage.Address{Name: "李娜", Email: "ln@x.example"},
		},
		{
			name:    "raw latin-1 header falls back to windows-1252",
			raw:     "From: " + cp1252("Jürgen Müller") + " <jm@x.example>\nSubject: " + cp1252("Rücksendung – defekt") + "\n\nhi",
			subject: "Rücksendung – defekt",
			from:    &storage.Address{Name: "Jürgen Müller", Email: "jm@x.example"},
			problem: "raw 8-bit header decoded as windows-1252",
		},
		{
			name:    "unknown charset in an encoded-word",
			raw:     "Subject: =?x-unknown-cs?B?" + b64(gbk("换货")) + "?=\n\nx",
			subject: "换货",
			problem: `unknown charset "x-unknown-cs", decoded as GB18030`,
		},
		{
			name:    "unknown charset on a UTF-8 body",
			raw:     "Content-Type: text/plain; charset=foo-bar\n\n你好",
			text:    ptr("你好"),
			problem: `unknown charset "foo-bar"`,
		},
		{
			name:    "body labelled UTF-8 holding GBK",
			raw:     "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + gbk("请尽快发货"),
			text:    ptr("请尽快发货"),
			problem: "text labelled UTF-8 is not; decoded as GB18030",
		},
		{
			name:    "body labelled iso-8859-1 holding UTF-8",
			raw:     "Content-Type: text/plain; charset=iso-8859-1\n\nCafé crème",
			text:    ptr("Café crème"),
			problem: "text labelled windows-1252 is UTF-8",
		},
		{
			name:    "body without charset holding GBK",
			raw:     "Content-Type: text/plain\n\n" + gbk("没有字符集"),
			text:    ptr("没有字符集"),
			problem: "text without charset decoded as GB18030",
		},
		{
			name: "missing semicolon before charset",
			raw:  "Content-Type: text/plain charset=gbk\nContent-Transfer-Encoding: base64\n\n" + b64(gbk("少了分号")),
			text: ptr("少了分号"),
		},
		{
			name: "multipart without boundary parameter",
			raw: "Content-Type: multipart/alternative\n\n--XyZ\nContent-Type: text/plain; charset=utf-8\n\n订单已付款\n" +
				"--XyZ\nContent-Type: text/html; charset=utf-8\n\n<p>订单已付款</p>\n--XyZ--\n",
			text:    ptr("订单已付款"),
			problem: "multipart boundary missing or wrong; used the one found in the body",
		},
		{
			name: "multipart with a wrong boundary parameter",
			raw: "Content-Type: multipart/mixed; boundary=\"declared\"\n\n--actual\nContent-Type: text/plain\n\nbody text\n" +
				"--actual\nContent-Type: image/png; name=a.png\nContent-Transfer-Encoding: base64\n\nAAAA\n--actual--\n",
			text:    ptr("body text"),
			files:   []string{"a.png"},
			problem: "multipart boundary missing or wrong",
		},
		{
			name:    "multipart with no delimiter at all is read as text",
			raw:     "Content-Type: multipart/mixed; boundary=zzz\n\nJust a plain message\nwith two lines.\n",
			text:    ptr("Just a plain message\nwith two lines."),
			problem: "multipart without a usable boundary; read as text",
		},
		{
			name:    "multipart cut off before the closing delimiter",
			raw:     "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nfirst\n--b\nContent-Type: text/plain\n\nsecond, cut",
			text:    ptr("first\n\nsecond, cut"),
			problem: "multipart not closed",
		},
		{
			name:    "base64 cut inside a quantum",
			raw:     "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + b64("退货退款")[:14],
			text:    ptr("退货退"),
			problem: "damaged base64",
		},
		{
			name:    "base64 with stray bytes and glued blobs",
			raw:     "Content-Transfer-Encoding: base64\n\n" + b64("abc") + "*!" + b64("def") + "\n",
			text:    ptr("abcdef"),
			problem: "damaged base64",
		},
		{
			name:    "quoted-printable cut inside an escape",
			raw:     "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n=E9=80=80=E8=B4=A7 =E",
			text:    ptr("退货 =E"),
			problem: "damaged quoted-printable",
		},
		{
			name:    "UTF-8 text cut inside a character",
			raw:     "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n=E9=80=80=E8=B4=A7=E9=80",
			text:    ptr("退货"),
			problem: "UTF-8 text cut inside a character",
		},
		{
			name:    "UTF-8 text with a few bad bytes keeps its UTF-8",
			raw:     "Content-Type: text/plain; charset=utf-8\n\n退货退款，\xff谢谢您的帮助，祝您生活愉快",
			text:    ptr("退货退款，\uFFFD谢谢您的帮助，祝您生活愉快"),
			problem: "invalid UTF-8 bytes replaced",
		},
		{
			name:    "quoted-printable with bare = and soft break at the end",
			raw:     "Content-Transfer-Encoding: quoted-printable\n\n1+1=2 and a=\n=3Db end=",
			text:    ptr("1+1=2 and a=b end"),
			problem: "damaged quoted-printable",
		},
		{
			name:    "no Date: newest Received",
			raw:     "Received: from a by b; Tue, 9 Jan 2024 08:00:00 +0000\nReceived: from c by a; Tue, 9 Jan 2024 07:59:00 +0000\nSubject: x\n\nbody",
			subject: "x",
			date:    time.Date(2024, 1, 9, 8, 0, 0, 0, time.UTC),
			problem: "no Date header",
		},
		{
			name:    "unreadable Date and no Received",
			raw:     "Date: someday soon\nSubject: x\n\nbody",
			subject: "x",
			problem: `unreadable Date "someday soon"`,
		},
		{
			name:    "loose Date forms",
			raw:     "Date: 2024-01-09 10:11:12 +08:00\nSubject: x\n\nbody",
			subject: "x",
			date:    time.Date(2024, 1, 9, 2, 11, 12, 0, time.UTC),
		},
		{
			name:    "Date with GMT+0800",
			raw:     "Date: Tue, 9 Jan 2024 10:11:12 GMT+0800\nSubject: x\n\nbody",
			subject: "x",
			date:    time.Date(2024, 1, 9, 2, 11, 12, 0, time.UTC),
		},
		{
			name: "garbage in address lists",
			raw:  "From: <broken@\nTo: Customer Service, \"Wang, Fang\" <wf@x.example>; <zl@x.example> (Zhao Lei), undisclosed-recipients:;\n\nx",
			from: &storage.Address{Name: "<broken@"},
			to: []storage.Address{
				{Name: "Customer Service"},
				{Name: "Wang, Fang", Email: "wf@x.example"},
				{Name: "Zhao Lei", Email: "zl@x.example"},
			},
			problem: "unreadable address",
		},
		{
			name: "address forms",
			raw: "From: 'Amy Li' <mailto:amy@x.example>\nTo: bob@x.example (Bob), =?utf-8?Q?Smith,_J?= <js@x.example>, " +
				"Team: a@x.example, b@x.example;, \"Unclosed <uc@x.example>\n\nx",
			from: &storage.Address{Name: "Amy Li", Email: "amy@x.example"},
			to: []storage.Address{
				{Name: "Bob", Email: "bob@x.example"},
				{Name: "Smith, J", Email: "js@x.example"},
				{Email: "a@x.example"}, {Email: "b@x.example"},
				{Name: "Unclosed", Email: "uc@x.example"},
			},
		},
		{
			name:    "missing From falls back to Sender",
			raw:     "Sender: Shop Robot <robot@x.example>\nSubject: x\n\nbody",
			from:    &storage.Address{Name: "Shop Robot", Email: "robot@x.example"},
			problem: "no usable From; taken from sender",
		},
		{
			name:    "mbox From_ line before the header",
			raw:     "From buyer@x.example Mon Jan  8 16:01:02 2024\nFrom: buyer@x.example\nDate: Mon, 8 Jan 2024 16:01:02 +0800\nSubject: mbox\n\nbody",
			subject: "mbox",
			from:    &storage.Address{Email: "buyer@x.example"},
		},
		{
			name:    "header without the blank line",
			raw:     "From: a@x.example\nSubject: no blank line\nHello, where is my parcel?\nThanks",
			subject: "no blank line",
			text:    ptr("Hello, where is my parcel?\nThanks"),
			problem: "header ended without a blank line",
		},
		{
			name:    "no header at all",
			raw:     "Where is my parcel?",
			text:    ptr("Where is my parcel?"),
			problem: "no header fields",
		},
		{
			name:    "unreadable Content-Type",
			raw:     "Content-Type: garbage\n\nplain after all",
			text:    ptr("plain after all"),
			problem: "unreadable Content-Type",
		},
		{
			name:    "unknown transfer encoding",
			raw:     "Content-Transfer-Encoding: x-uuencode\n\nkept as is",
			text:    ptr("kept as is"),
			problem: "unknown Content-Transfer-Encoding",
		},
		{
			name:  "attachment names: path, raw UTF-8, 2047 in filename, none",
			raw:   "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nbody\n--b\nContent-Type: image/jpeg; name=\"C:\\\\Users\\\\me\\\\照片.jpg\"\n\n..\n--b\nContent-Disposition: attachment; filename=\"售后单.pdf\"\nContent-Type: application/pdf\n\n..\n--b\nContent-Type: image/png\nContent-Disposition: inline\n\n..\n--b--\n",
			text:  ptr("body"),
			files: []string{"照片.jpg", "售后单.pdf", "attachment-3.png"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, crlf(complete(tt.raw)))
			if tt.subject != "" && p.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", p.Subject, tt.subject)
			}
			if tt.from != nil && p.From != *tt.from {
				t.Errorf("From = %+v, want %+v", p.From, *tt.from)
			}
			if tt.to != nil && !reflect.DeepEqual(p.To, tt.to) {
				t.Errorf("To = %+v, want %+v", p.To, tt.to)
			}
			if tt.text != nil && p.Text != *tt.text {
				t.Errorf("Text = %q, want %q", p.Text, *tt.text)
			}
			if tt.files != nil {
				var names []string
				for _, a := range p.Attachments {
					names = append(names, a.Name)
				}
				if !reflect.DeepEqual(names, tt.files) {
					t.Errorf("attachments = %q, want %q", names, tt.files)
				}
			}
			if !tt.date.IsZero() && !p.Date.Equal(tt.date) {
				t.Errorf("Date = %v, want %v", p.Date, tt.date)
			}
			switch {
			case tt.problem == "" && len(p.Problems) > 0:
				t.Errorf("Problems = %q, want none", p.Problems)
			case tt.problem != "" && !hasProblem(p, tt.problem):
				t.Errorf("Problems = %q, want one with %q", p.Problems, tt.problem)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// complete gives a test message the From and Date that the case is not
// about, so that "no Problems" means no problems with what is tested.
func complete(raw string) string {
	first, _, _ := strings.Cut(raw, "\n")
	if !strings.Contains(first, ":") || strings.HasPrefix(raw, "From ") {
		return raw
	}
	if !strings.Contains(raw, "Date:") && !strings.Contains(raw, "Received:") {
		raw = "Date: Mon, 8 Jan 2024 10:00:00 +0000\n" + raw
	}
	if !strings.Contains(raw, "From:") && !strings.Contains(raw, "Sender:") {
		raw = "From: buyer@x.example\n" + raw
	}
	return raw
}

func TestParseNothingUseful(t *testing.T) {
	for _, raw := range []string{"", "\r\n\r\n", "   \n\t\n"} {
		p, err := Parse([]byte(raw))
		if !errors.Is(err, ErrNothingUseful) {
			t.Errorf("Parse(%q) error = %v, want ErrNothingUseful", raw, err)
		}
		if p.Text != "" || p.Subject != "" {
			t.Errorf("Parse(%q) = %+v", raw, p)
		}
	}
}

// TestParseBodyChoice covers which text a reader sees.
func TestParseBodyChoice(t *testing.T) {
	tests := []struct {
		name, raw, text string
	}{
		{"html only", "Content-Type: text/html; charset=utf-8\n\n<html><head><title>t</title><style>p{}</style></head><body><p>你好</p><p>第二段<br>下一行</p></body></html>",
			"你好\n\n第二段\n下一行"},
		{"html charset from meta", "Content-Type: text/html\nContent-Transfer-Encoding: base64\n\n" +
			b64Lines(append([]byte(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><div>`), append(encode(t, simplifiedchinese.GBK, "喆"), "</div>"...)...)),
			"喆"},
		{"blank plain beside real html", "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n \n--b\nContent-Type: text/html\n\n<b>real</b>\n--b--",
			"real"},
		{"plain preferred over html", "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/html\n\n<b>html</b>\n--b\nContent-Type: text/plain\n\nplain\n--b--",
			"plain"},
		{"mixed: text, html-only part, footer", "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\none\n--b\nContent-Type: text/html\n\n<p>two</p>\n--b\nContent-Type: text/plain\n\nthree\n--b--",
			"one\n\ntwo\n\nthree"},
		{"related html with inline image", "Content-Type: multipart/related; boundary=r\n\n--r\nContent-Type: text/html\n\n<p>see <img src=\"cid:x\" alt=\"photo\"></p>\n--r\nContent-Type: image/png\nContent-ID: <x>\n\n..\n--r--",
			"see [image: photo]"},
		{"forwarded message inline", "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSee below.\n--b\nContent-Type: message/rfc822\n\nFrom: =?utf-8?B?5reY5a6d?= <notice@taobao.example>\nDate: Mon, 8 Jan 2024 10:00:00 +0800\nSubject: =?utf-8?B?6K6i5Y2V5bey5Y+R6LSn?=\n\n您的订单已发货。\n--b--",
			"See below.\n\n---------- Forwarded message ----------\nFrom: 淘宝 <notice@taobao.example>\nDate: Mon, 8 Jan 2024 10:00:00 +0800\nSubject: 订单已发货\n\n您的订单已发货。"},
		{"signature part ignored", "Content-Type: multipart/signed; boundary=s\n\n--s\nContent-Type: text/plain\n\nsigned text\n--s\nContent-Type: application/pkcs7-signature; name=smime.p7s\n\nMIAG\n--s--",
			"signed text"},
		{"control characters and CR line ends", "Content-Type: text/plain\n\nline1\rline2\x00\x07\n\ttab", "line1\nline2\n\ttab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, crlf(tt.raw))
			if p.Text != tt.text {
				t.Errorf("Text = %q, want %q", p.Text, tt.text)
			}
		})
	}
	p := mustParse(t, crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\nSubject: =?utf-8?B?6K6i5Y2V?=\n\ninner\n--b--"))
	if len(p.Attachments) != 1 || p.Attachments[0].Name != "订单.eml" || p.Attachments[0].Type != "message/rfc822" {
		t.Errorf("attached message = %+v, want 订单.eml", p.Attachments)
	}
}

// TestParseIDs covers Message-ID, In-Reply-To and References as mailers
// write them.
func TestParseIDs(t *testing.T) {
	raw := "Message-ID: no-brackets@x.example\nIn-Reply-To: John's message of Mon <parent@x.example> (comment)\n" +
		"References: <root@x.example>\n <mid\n dle@x.example>, <parent@x.example> <root@x.example>\n\nx"
	p := mustParse(t, crlf(raw))
	if p.MessageID != "no-brackets@x.example" || p.InReplyTo != "parent@x.example" {
		t.Errorf("MessageID %q InReplyTo %q", p.MessageID, p.InReplyTo)
	}
	want := []string{"root@x.example", "middle@x.example", "parent@x.example"}
	if !reflect.DeepEqual(p.References, want) {
		t.Errorf("References = %q, want %q", p.References, want)
	}
	var refs strings.Builder
	refs.WriteString("References:")
	for i := 0; i < 150; i++ {
		refs.WriteString(" <r" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + "@x>")
	}
	p = mustParse(t, crlf(refs.String()+"\n\nx"))
	if len(p.References) != maxReferences || p.References[0] != "ra@x" || !hasProblem(p, "References has 150 entries") {
		t.Errorf("capped References: %d, first %q, problems %q", len(p.References), p.References[0], p.Problems)
	}
}

func TestParseDate(t *testing.T) {
	utc := func(y, mo, d, h, mi, s int) time.Time { return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC) }
	tests := []struct {
		in   string
		want time.Time // zero: not a date
	}{
		{"Mon, 08 Jan 2024 16:01:02 +0800", utc(2024, 1, 8, 8, 1, 2)},
		{"Mon, 8 Jan 2024 16:01:02 +0800 (CST)", utc(2024, 1, 8, 8, 1, 2)},
		{"8 Jan 2024 16:01 -0500", utc(2024, 1, 8, 21, 1, 0)},
		{"mon,8 jan 24 16:01:02 GMT", utc(2024, 1, 8, 16, 1, 2)},
		{"Mon, 8 Jan 99 16:01:02 +0000", utc(1999, 1, 8, 16, 1, 2)},
		{"Mon, 8 Jan 2024 16:01:02 EST", utc(2024, 1, 8, 21, 1, 2)},
		{"Mon, 8 Jan 2024 16:01:02 PDT", utc(2024, 1, 8, 23, 1, 2)},
		{"Mon, 8 Jan 2024 16:01:02", utc(2024, 1, 8, 16, 1, 2)},
		{"Mon, 8 Jan 2024 16:01:02 GMT+0800", utc(2024, 1, 8, 8, 1, 2)},
		{"Mon, 08 Jan 2024 16:01:02 +08:00", utc(2024, 1, 8, 8, 1, 2)},
		{"Monday, 8 January 2024 16:01:02 +0800", utc(2024, 1, 8, 8, 1, 2)},
		{"Mon Jan  8 16:01:02 2024", utc(2024, 1, 8, 16, 1, 2)},
		{"2024-01-08T16:01:02+08:00", utc(2024, 1, 8, 8, 1, 2)},
		{"2024/01/08 16:01:02", utc(2024, 1, 8, 16, 1, 2)},
		{"Mon, 8 Jan 2024 16:01:02 +0800 CST", utc(2024, 1, 8, 8, 1, 2)},
		{"Mon, 32 Jan 2024 16:01:02 +0800", time.Time{}},
		{"Mon, 8 Foo 2024 16:01:02 +0800", time.Time{}},
		{"tomorrow", time.Time{}},
		{"Thu, 01 Jan 1970 00:00:00 +0000", utc(1970, 1, 1, 0, 0, 0)},
		{"Sat, 01 Jan 0001 00:00:00 +0000", time.Time{}},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		if tt.want.IsZero() {
			if ok {
				t.Errorf("parseDate(%q) = %v, want failure", tt.in, got)
			}
			continue
		}
		if !ok || !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}
