package mailbox

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

func testDraft() Draft {
	return Draft{
		From:       storage.Address{Name: "示例商城客服 小美", Email: "shop@example.test"},
		To:         []storage.Address{{Name: "张喆", Email: "zhangzhe88@qq.example"}},
		Cc:         []storage.Address{{Name: "O'Brien, Tom", Email: "tom@x.example"}, {Email: "plain@x.example"}},
		Subject:    ReplySubject("回复：Re: 订单SO240105123456什么时候发货？"),
		MessageID:  "lr1x2y3z.abcdefghijklmnop@example.test",
		Date:       time.Date(2024, 1, 8, 16, 30, 0, 0, time.FixedZone("", 8*3600)),
		InReplyTo:  "202401081601021234567@qq.example",
		References: ReplyReferences([]string{"first@qq.example"}, "202401081601021234567@qq.example"),
		Text: "亲爱的张喆您好，\n\n您的订单SO240105123456已于今天发货，顺丰单号SF1234567890123。" +
			"这一行故意写得很长，超过七十六个字符，用来检查 quoted-printable 的软换行不会切坏汉字。\n\n客服 小美\n示例商城",
	}
}

// TestComposeRoundTrip composes replies in every shape and parses them
// back: what we send is what the customer's mailer will read.
func TestComposeRoundTrip(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	longName := "付款凭证_SO240105123456_这是一个非常长的中文文件名用来测试RFC2231续行是否正确.pdf"
	tests := []struct {
		name        string
		html        string
		attachments []DraftAttachment
	}{
		{"plain", "", nil},
		{"long mixed subject", "", nil},
		{"with HTML", "<p>亲爱的张喆您好</p>", nil},
		{"with attachments", "", []DraftAttachment{
			{Name: "发货单.png", Type: "image/png", Data: png},
			{Name: longName, Type: "application/pdf", Data: bytes.Repeat([]byte("%PDF"), 1000)},
			{Name: "notes.txt", Type: "", Data: []byte("ascii")},
		}},
		{"HTML and attachment", "<p>见附件</p>", []DraftAttachment{{Name: "訂單明細.csv", Type: "text/csv", Data: []byte("a,b\n")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := testDraft()
			wantSubject := "Re: 订单SO240105123456什么时候发货？"
			if tt.name == "long mixed subject" {
				// ASCII runs longer than one encoded word, then Chinese
				d.Subject = "Re: Order SO240105123456 and SO240105123457 shipped together? 两个订单一起发货吗？谢谢"
				wantSubject = d.Subject
			}
			d.HTML = tt.html
			d.Attachments = tt.attachments
			raw, err := Compose(d)
			if err != nil {
				t.Fatal(err)
			}
			checkWireFormat(t, raw)
			p := mustParse(t, raw)
			if len(p.Problems) > 0 {
				t.Errorf("Problems = %q", p.Problems)
			}
			if p.MessageID != d.MessageID || p.InReplyTo != d.InReplyTo || !reflect.DeepEqual(p.References, d.References) {
				t.Errorf("IDs: %q %q %q", p.MessageID, p.InReplyTo, p.References)
			}
			if p.Subject != wantSubject || !p.Date.Equal(d.Date) {
				t.Errorf("Subject %q Date %v", p.Subject, p.Date)
			}
			if p.From != d.From || !reflect.DeepEqual(p.To, d.To) || !reflect.DeepEqual(p.Cc, d.Cc) {
				t.Errorf("addresses: %+v %+v %+v", p.From, p.To, p.Cc)
			}
			if p.Text != d.Text {
				t.Errorf("Text = %q\nwant   %q", p.Text, d.Text)
			}
			if got := HTMLSource(raw); got != tt.html || p.HasHTML != (tt.html != "") {
				t.Errorf("HTML = %q (HasHTML %v), want %q", got, p.HasHTML, tt.html)
			}
			var got []DraftAttachment
			for _, a := range p.Attachments {
				got = append(got, DraftAttachment{Name: a.Name, Type: a.Type, Data: make([]byte, a.Size)})
			}
			var want []DraftAttachment
			for _, a := range tt.attachments {
				typ := a.Type
				if typ == "" {
					typ = "application/octet-stream"
				}
				want = append(want, DraftAttachment{Name: a.Name, Type: typ, Data: make([]byte, len(a.Data))})
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("attachments = %v, want %v", got, want)
			}
		})
	}
}

// checkWireFormat: CRLF only, no line over 998 octets, ASCII only.
func checkWireFormat(t *testing.T, raw []byte) {
	t.Helper()
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 {
			t.Errorf("line %d is %d octets", i+1, len(line))
		}
		if bytes.IndexByte(line, '\n') >= 0 || bytes.IndexByte(line, '\r') >= 0 {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if !isASCII(line) {
			t.Errorf("line %d is not ASCII: %q", i+1, line)
		}
	}
	header, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, line := range bytes.Split(header, []byte("\r\n")) {
		if len(line) > 78 {
			t.Errorf("header line is %d chars: %q", len(line), line)
		}
	}
}

func TestComposeHeaders(t *testing.T) {
	d := testDraft()
	d.Subject = "Plain ASCII subject"
	d.Attachments = []DraftAttachment{{Name: "破损照片.png", Type: "image/png", Data: []byte{1}}}
	raw, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	for _, want := range []string{
		"Subject: Plain ASCII subject\r\n",
		"Message-Id: <lr1x2y3z.abcdefghijklmnop@example.test>\r\n",
		"In-Reply-To: <202401081601021234567@qq.example>\r\n",
		"References: <first@qq.example> <202401081601021234567@qq.example>\r\n",
		"Date: Mon, 08 Jan 2024 16:30:00 +0800\r\n",
		"filename*=UTF-8''%E7%A0%B4%E6%8D%9F%E7%85%A7%E7%89%87.png",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: quoted-printable",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("message lacks %q", want)
		}
	}
	if strings.Contains(s, "Bcc") {
		t.Error("Bcc written into the message")
	}
}

func TestComposeRejects(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *Draft)
	}{
		{"no From", func(d *Draft) { d.From.Email = "" }},
		{"bad From", func(d *Draft) { d.From.Email = "shop example.test" }},
		{"no recipients", func(d *Draft) { d.To, d.Cc = nil, nil }},
		{"header injection in address", func(d *Draft) { d.To[0].Email = "a@x.example\r\nBcc: evil@x.example" }},
		{"no Message-ID", func(d *Draft) { d.MessageID = "" }},
		{"Message-ID with brackets", func(d *Draft) { d.MessageID = "<a@b>" }},
		{"Message-ID without @", func(d *Draft) { d.MessageID = "abc" }},
		{"no Date", func(d *Draft) { d.Date = time.Time{} }},
	}
	for _, tt := range tests {
		d := testDraft()
		tt.change(&d)
		if _, err := Compose(d); err == nil {
			t.Errorf("%s: Compose succeeded", tt.name)
		}
	}
	// Line breaks in names and subjects are flattened, never injected.
	d := testDraft()
	d.Subject = "Hi\r\nBcc: evil@x.example"
	d.To[0].Name = "Eve\r\nX-Evil: 1"
	raw, err := Compose(d)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("\r\nBcc:")) || bytes.Contains(raw, []byte("\r\nX-Evil:")) {
		t.Errorf("header injection:\n%s", raw)
	}
	if p := mustParse(t, raw); p.Subject != "Hi  Bcc: evil@x.example" {
		t.Errorf("Subject = %q", p.Subject)
	}
}

func TestReplySubject(t *testing.T) {
	tests := []struct{ in, want string }{
		{"订单什么时候发货？", "Re: 订单什么时候发货？"},
		{"Re: hello", "Re: hello"},
		{"RE: Re: re: hello", "Re: hello"},
		{"Re:hello", "Re: hello"},
		{"RE : hello", "Re: hello"},
		{"Re[2]: hello", "Re: hello"},
		{"Re(3): hello", "Re: hello"},
		{"AW: Sv: SV: hello", "Re: hello"},
		{"回复：回复: 订单", "Re: 订单"},
		{"答复: Re: 订单", "Re: 订单"},
		{"回覆：訂單", "Re: 訂單"},
		{"Fwd: hello", "Re: Fwd: hello"},
		{"Research: results", "Re: Research: results"},
		{"Reply needed", "Re: Reply needed"},
		{"  ", "Re:"},
		{"Re: ", "Re:"},
		{"Re:\r\n evil", "Re: evil"},
	}
	for _, tt := range tests {
		if got := ReplySubject(tt.in); got != tt.want {
			t.Errorf("ReplySubject(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := BaseSubject("Re: AW: 回复：物流延迟"); got != "物流延迟" {
		t.Errorf("BaseSubject = %q", got)
	}
}

func TestReplyReferences(t *testing.T) {
	if got := ReplyReferences(nil, "p@x"); !reflect.DeepEqual(got, []string{"p@x"}) {
		t.Errorf("first reply: %q", got)
	}
	if got := ReplyReferences([]string{"a@x", "<b@x>", "a@x", "bad id"}, "p@x"); !reflect.DeepEqual(got, []string{"a@x", "b@x", "p@x"}) {
		t.Errorf("dedupe and clean: %q", got)
	}
	var long []string
	for i := 0; i < 50; i++ {
		long = append(long, string(rune('a'+i%26))+strings.Repeat("x", i)+"@x")
	}
	got := ReplyReferences(long, "p@x")
	if len(got) != MaxReplyReferences || got[0] != long[0] || got[len(got)-1] != "p@x" || got[len(got)-2] != long[49] {
		t.Errorf("capped: %d %q ... %q", len(got), got[0], got[len(got)-1])
	}
}

func TestNewMessageID(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewMessageID("Example.TEST")
		if !validID(id) || !strings.HasSuffix(id, "@example.test") || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
	if id := NewMessageID("bad domain<>\r\n"); !strings.HasSuffix(id, "@baddomain") {
		t.Errorf("sanitized id %q", id)
	}
	if id := NewMessageID(""); !strings.HasSuffix(id, "@shopdesk.local") {
		t.Errorf("empty domain id %q", id)
	}
	if DomainOf("shop@example.test") != "example.test" || DomainOf("nodomain") != "" {
		t.Error("DomainOf")
	}
}

func TestRecipients(t *testing.T) {
	d := testDraft()
	d.Bcc = []storage.Address{{Email: "boss@example.test"}, {Email: "ZHANGZHE88@qq.example"}}
	want := []string{"zhangzhe88@qq.example", "tom@x.example", "plain@x.example", "boss@example.test"}
	if got := d.Recipients(); !reflect.DeepEqual(got, want) {
		t.Errorf("Recipients = %q, want %q", got, want)
	}
}
