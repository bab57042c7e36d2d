package imapsync

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime/quotedprintable"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// charsetCase is one customer message written the way a mail client in
// that charset writes it. The text is encoded here with golang.org/x/text
// (never with the parser under test); the sync must bring back exactly
// the Unicode we started from.
type charsetCase struct {
	name     string
	label    string            // as the message declares it
	enc      encoding.Encoding // nil: UTF-8
	subject  string
	fromName string
	body     string
	file     string // ends in an ASCII extension
	// How things are written:
	subjectQ  bool   // RFC 2047 Q (else B) for the subject
	nameQ     bool   // RFC 2047 Q (else B) for the display name
	wordRunes int    // runes per encoded-word (0: one word)
	cte       string // body: "base64", "quoted-printable" or "7bit"
	fileStyle string // "2047" (name="=?..?="), "2231" (filename*=) or "2231-continued" (filename*0*= ...)
}

var charsetCases = []charsetCase{
	{name: "GBK", label: "GBK", enc: simplifiedchinese.GBK,
		subject: "订单12345什么时候发货？", fromName: "王小明", file: "发票 2024.pdf",
		body:     "您好，\n我的订单还没有发货，请尽快处理。\n谢谢！",
		subjectQ: false, nameQ: true, wordRunes: 5, cte: "base64", fileStyle: "2047"},
	// x/text has no GB2312 encoder; GBK writes GB2312's characters with
	// the same (EUC-CN) bytes.
	{name: "GB2312", label: "gb2312", enc: simplifiedchinese.GBK,
		subject: "退货申请：尺码不合适", fromName: "李娜", file: "照片.jpg",
		body:     "衣服尺码偏小，想换大一号。\n麻烦了。",
		subjectQ: true, nameQ: false, cte: "quoted-printable", fileStyle: "2231"},
	{name: "GB18030", label: "GB18030", enc: simplifiedchinese.GB18030,
		subject: "包裹丢了😭 请帮忙查询", fromName: "𠮷野家 客服", file: "截图😀.png",
		body:     "快递单号 SF1234567890 一直没有更新。€20 的运费也付了。😀",
		subjectQ: false, nameQ: false, wordRunes: 4, cte: "base64", fileStyle: "2231-continued"},
	{name: "Big5", label: "big5", enc: traditionalchinese.Big5,
		subject: "請問訂單何時出貨？", fromName: "陳大文", file: "發票.pdf",
		body:     "您好，我在貴店購買的商品尚未收到。\n請協助查詢，謝謝。",
		subjectQ: true, nameQ: true, cte: "quoted-printable", fileStyle: "2047"},
	{name: "ISO-2022-JP", label: "ISO-2022-JP", enc: japanese.ISO2022JP,
		subject: "注文の商品が届きません（至急）", fromName: "山田太郎", file: "請求書.pdf",
		body:      "お世話になっております。\n注文番号12345の商品がまだ届いていません。",
		wordRunes: 6, cte: "7bit", fileStyle: "2231-continued"},
	{name: "Shift_JIS", label: "Shift_JIS", enc: japanese.ShiftJIS,
		subject: "返品について：サイズ交換", fromName: "佐藤花子", file: "写真.jpg",
		body:     "サイズが合わないので返品したいです。\nよろしくお願いします。",
		subjectQ: false, nameQ: true, cte: "base64", fileStyle: "2231"},
	{name: "EUC-KR", label: "euc-kr", enc: korean.EUCKR,
		subject: "배송 문의드립니다", fromName: "김민수", file: "영수증.pdf",
		body:     "주문한 상품이 아직 도착하지 않았습니다.\n확인 부탁드립니다.",
		subjectQ: true, nameQ: false, cte: "quoted-printable", fileStyle: "2231-continued"},
	{name: "windows-1252", label: "windows-1252", enc: charmap.Windows1252,
		subject: "Café order – “urgent” €50", fromName: "Zoë Müller", file: "Résumé.pdf",
		body:     "Hello, the café crème set costs €49.99 — “too much”.\nRegards, Zoë",
		subjectQ: true, nameQ: true, cte: "quoted-printable", fileStyle: "2047"},
	{name: "ISO-8859-1", label: "ISO-8859-1", enc: charmap.ISO8859_1,
		subject: "Commande reçue à Besançon", fromName: "François Lefèvre", file: "reçu n°42.pdf",
		body:     "Bonjour, j'ai reçu la commande n° 42, merci !\nÀ bientôt.",
		subjectQ: true, nameQ: false, cte: "quoted-printable", fileStyle: "2231"},
	{name: "ISO-8859-2", label: "iso-8859-2", enc: charmap.ISO8859_2,
		subject: "Zamówienie nr 77: przesyłka zaginęła", fromName: "Łukasz Żółć", file: "faktura łódź.pdf",
		body:     "Dzień dobry, paczka nie dotarła.\nPříliš žluťoučký kůň.",
		subjectQ: false, nameQ: true, cte: "base64", fileStyle: "2231-continued"},
	{name: "ISO-8859-15", label: "ISO-8859-15", enc: charmap.ISO8859_15,
		subject: "Prix en € pour l'œuvre", fromName: "Œdipe Ÿvon", file: "œuvre.pdf",
		body:     "Le total est de 15 € pour l'œuvre.\nMerci.",
		subjectQ: true, nameQ: true, cte: "quoted-printable", fileStyle: "2047"},
	{name: "UTF-8", label: "utf-8", enc: nil,
		subject: "订单 #88 – 🚚 still not here / 還沒到", fromName: "José 张", file: "收据 receipt.pdf",
		body:     "Hi,\n订单 #88 still hasn't arrived. 還沒到。🙏",
		subjectQ: false, nameQ: true, wordRunes: 7, cte: "base64", fileStyle: "2231-continued"},
}

// encodeText writes s in the case's charset; it fails the test when the
// charset cannot hold s (a mistake in the table).
func (c charsetCase) encodeText(t testing.TB, s string) []byte {
	t.Helper()
	if c.enc == nil {
		return []byte(s)
	}
	b, err := c.enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("%s cannot write %q: %v", c.name, s, err)
	}
	return b
}

// words writes s as RFC 2047 encoded-words, runes per word (0: one word),
// each word encoded on its own as RFC 2047 requires, folded.
func (c charsetCase) words(t testing.TB, s string, q bool, runes int) string {
	t.Helper()
	rs := []rune(s)
	if runes <= 0 {
		runes = len(rs)
	}
	var ws []string
	for len(rs) > 0 {
		n := min(runes, len(rs))
		ws = append(ws, encodedWord(c.label, c.encodeText(t, string(rs[:n])), q))
		rs = rs[n:]
	}
	return strings.Join(ws, "\r\n ")
}

func encodedWord(label string, b []byte, q bool) string {
	if !q {
		return "=?" + label + "?B?" + base64.StdEncoding.EncodeToString(b) + "?="
	}
	var out strings.Builder
	for _, x := range b {
		switch {
		case 'a' <= x && x <= 'z' || 'A' <= x && x <= 'Z' || '0' <= x && x <= '9' || strings.IndexByte("!*+-/", x) >= 0:
			out.WriteByte(x)
		case x == ' ':
			out.WriteByte('_')
		default:
			fmt.Fprintf(&out, "=%02X", x)
		}
	}
	return "=?" + label + "?Q?" + out.String() + "?="
}

func percent(b []byte) string {
	var out strings.Builder
	for _, x := range b {
		if 'a' <= x && x <= 'z' || 'A' <= x && x <= 'Z' || '0' <= x && x <= '9' || strings.IndexByte("-._", x) >= 0 {
			out.WriteByte(x)
		} else {
			fmt.Fprintf(&out, "%%%02X", x)
		}
	}
	return out.String()
}

// fileParams are the Content-Type and Content-Disposition lines naming
// the attachment.
func (c charsetCase) fileParams(t testing.TB) (ctype, disp string) {
	t.Helper()
	switch c.fileStyle {
	case "2047":
		w := c.words(t, c.file, false, 0)
		return fmt.Sprintf("application/pdf;\r\n name=\"%s\"", w), fmt.Sprintf("attachment;\r\n filename=\"%s\"", w)
	case "2231":
		return "application/pdf", fmt.Sprintf("attachment;\r\n filename*=%s''%s", c.label, percent(c.encodeText(t, c.file)))
	case "2231-continued":
		// Three sections; the first cut falls wherever the middle of the
		// bytes is (inside a character, often: RFC 2231 joins the bytes
		// before decoding), the last is the plain ASCII extension.
		raw := c.encodeText(t, c.file)
		ext := c.file[strings.LastIndexByte(c.file, '.'):]
		if !bytes.HasSuffix(raw, []byte(ext)) {
			t.Fatalf("%s: encoded file name does not end in %q", c.name, ext)
		}
		head := raw[:len(raw)-len(ext)]
		mid := len(head)/2 | 1
		return "application/pdf", fmt.Sprintf("attachment;\r\n filename*0*=%s'zh'%s;\r\n filename*1*=%s;\r\n filename*2=\"%s\"",
			c.label, percent(head[:mid]), percent(head[mid:]), ext)
	}
	t.Fatalf("%s: unknown file style %q", c.name, c.fileStyle)
	return "", ""
}

func (c charsetCase) encodedBody(t testing.TB) string {
	t.Helper()
	raw := c.encodeText(t, strings.ReplaceAll(c.body, "\n", "\r\n")+"\r\n")
	switch c.cte {
	case "base64":
		return wrap76(base64.StdEncoding.EncodeToString(raw))
	case "quoted-printable":
		var b bytes.Buffer
		w := quotedprintable.NewWriter(&b)
		if _, err := w.Write(raw); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSuffix(b.String(), "\r\n") + "\r\n"
	case "7bit":
		for _, x := range raw {
			if x >= 0x80 {
				t.Fatalf("%s: 7bit body has 8-bit bytes", c.name)
			}
		}
		return string(raw)
	}
	t.Fatalf("%s: unknown transfer encoding %q", c.name, c.cte)
	return ""
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	return b.String() + s + "\r\n"
}

func (c charsetCase) email() string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(c.name)) + "@customers.example"
}

func (c charsetCase) messageID() string { return "charset-" + c.email() }

func (c charsetCase) raw(t testing.TB, date time.Time) []byte {
	t.Helper()
	ctype, disp := c.fileParams(t)
	var b strings.Builder
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	h("Message-ID", "<"+c.messageID()+">")
	h("Date", date.Format(time.RFC1123Z))
	h("From", c.words(t, c.fromName, c.nameQ, c.wordRunes)+" <"+c.email()+">")
	h("To", shopEmail)
	h("Subject", c.words(t, c.subject, c.subjectQ, c.wordRunes))
	h("MIME-Version", "1.0")
	h("Content-Type", `multipart/mixed; boundary="=_cs_boundary"`)
	fmt.Fprintf(&b, "\r\n--=_cs_boundary\r\nContent-Type: text/plain; charset=%s\r\nContent-Transfer-Encoding: %s\r\n\r\n%s",
		c.label, c.cte, c.encodedBody(t))
	fmt.Fprintf(&b, "--=_cs_boundary\r\nContent-Type: %s\r\nContent-Disposition: %s\r\nContent-Transfer-Encoding: base64\r\n\r\n%s",
		ctype, disp, wrap76(base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\n% a receipt\n"))))
	b.WriteString("--=_cs_boundary--\r\n")
	return []byte(b.String())
}

// Every charset of the issue, in subjects (B and Q, words split at
// character boundaries), display names, bodies (base64, quoted-printable,
// 7bit) and attachment names (RFC 2047, RFC 2231, RFC 2231 continued),
// comes out of an IMAP sync as the Unicode it was written from, with the
// raw bytes kept exactly.
func TestCharsetsEndToEnd(t *testing.T) {
	date := time.Now().Add(-time.Hour).Truncate(time.Second)
	raws := make([][]byte, len(charsetCases))
	for i, c := range charsetCases {
		raws[i] = c.raw(t, date.Add(time.Duration(i)*time.Minute))
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			appendAll(t, s, "INBOX", raws)
			st := openStore(t)
			if _, err := once(newSyncer(st, s, s.Addr(), Options{})); err != nil {
				t.Fatalf("sync: %v", err)
			}
			mirror(t, st, s, true, "INBOX", "Sent")
			for i, c := range charsetCases {
				t.Run(c.name, func(t *testing.T) {
					m, raw := storedByHash(t, st, raws[i])
					if !bytes.Equal(raw, raws[i]) {
						t.Errorf("stored raw differs from the appended bytes")
					}
					if m.Subject != c.subject {
						t.Errorf("Subject %q, want %q", m.Subject, c.subject)
					}
					if m.From.Name != c.fromName || m.From.Email != c.email() {
						t.Errorf("From %q <%s>, want %q <%s>", m.From.Name, m.From.Email, c.fromName, c.email())
					}
					if m.Text != c.body {
						t.Errorf("Text %q, want %q", m.Text, c.body)
					}
					if len(m.Attachments) != 1 || m.Attachments[0].Name != c.file || m.Attachments[0].Type != "application/pdf" {
						t.Errorf("attachments %+v, want one application/pdf named %q", m.Attachments, c.file)
					}
					if len(m.Problems) != 0 || m.ParseError != "" {
						t.Errorf("well-formed mail reported problems %q, parse error %q", m.Problems, m.ParseError)
					}
				})
			}
		})
	}
}

func storedByHash(t testing.TB, st *storage.Store, raw []byte) (storage.Message, []byte) {
	t.Helper()
	var m storage.Message
	var stored []byte
	err := st.View(func(tx *storage.Tx) error {
		var err error
		if m, err = tx.MessageByHash(hashOf(raw)); err != nil {
			return err
		}
		stored, err = tx.Raw(m.ID)
		return err
	})
	if err != nil {
		t.Fatalf("message not stored by its bytes: %v", err)
	}
	return m, stored
}

func gbk(t testing.TB, s string) string {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Broken mail is stored, raw and whole, and shows as much as can be read.
// Where the right reading is certain (a word cut inside a character, raw
// GBK bytes in a header of a GBK message) it must be exact; otherwise the
// fields are what the parser salvages, never empty, with a note saying so.
func TestBrokenMailIsKept(t *testing.T) {
	date := time.Now().Add(-time.Hour).Truncate(time.Second).Format(time.RFC1123Z)
	gbkSubject := gbk(t, "订单什么时候发货")
	utf8Subject := "包裹什么时候到"
	type want struct {
		subject, name, text string // "" : as the parser salvages it, but not empty
		noted               bool   // Problems must say something was salvaged
	}
	cases := []struct {
		name string
		raw  string
		want want
	}{
		{"encoded word cut inside a GBK character",
			"Message-ID: <broken-1@customers.example>\r\nDate: " + date + "\r\nFrom: =?GBK?B?" +
				base64.StdEncoding.EncodeToString([]byte(gbk(t, "王小明"))[:3]) + "?= =?GBK?B?" +
				base64.StdEncoding.EncodeToString([]byte(gbk(t, "王小明"))[3:]) + "?= <wang@customers.example>\r\nTo: " + shopEmail +
				"\r\nSubject: =?GBK?B?" + base64.StdEncoding.EncodeToString([]byte(gbkSubject[:5])) + "?=\r\n =?GBK?B?" +
				base64.StdEncoding.EncodeToString([]byte(gbkSubject[5:])) + "?=\r\nContent-Type: text/plain; charset=GBK\r\n" +
				"Content-Transfer-Encoding: base64\r\n\r\n" + wrap76(base64.StdEncoding.EncodeToString([]byte(gbk(t, "请尽快发货。")))),
			want{subject: "订单什么时候发货", name: "王小明", text: "请尽快发货。"}},
		{"encoded word cut inside a UTF-8 character",
			"Message-ID: <broken-2@customers.example>\r\nDate: " + date + "\r\nFrom: li@customers.example\r\nTo: " + shopEmail +
				"\r\nSubject: =?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(utf8Subject[:4])) + "?= =?UTF-8?B?" +
				base64.StdEncoding.EncodeToString([]byte(utf8Subject[4:])) + "?=\r\n\r\nhello\r\n",
			want{subject: utf8Subject, text: "hello"}},
		{"raw 8-bit GBK header",
			"Message-ID: <broken-3@customers.example>\r\nDate: " + date + "\r\nFrom: " + gbk(t, "张伟") + " <zhang@customers.example>\r\nTo: " + shopEmail +
				"\r\nSubject: " + gbk(t, "退款申请：质量问题") + "\r\nContent-Type: text/plain; charset=gbk\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
				gbk(t, "衣服有破洞，申请退款。") + "\r\n",
			want{subject: "退款申请：质量问题", name: "张伟", text: "衣服有破洞，申请退款。", noted: true}},
		{"unknown charset",
			"Message-ID: <broken-4@customers.example>\r\nDate: " + date + "\r\nFrom: =?x-klingon?Q?Worf?= <worf@customers.example>\r\nTo: " + shopEmail +
				"\r\nSubject: =?x-klingon?B?" + base64.StdEncoding.EncodeToString([]byte("Where is my parcel")) + "?=\r\n" +
				"Content-Type: text/plain; charset=x-klingon\r\nContent-Transfer-Encoding: 8bit\r\n\r\nQapla'! Where is my parcel? 包裹\r\n",
			want{noted: true}},
		{"missing boundary",
			"Message-ID: <broken-5@customers.example>\r\nDate: " + date + "\r\nFrom: nobound@customers.example\r\nTo: " + shopEmail +
				"\r\nSubject: No boundary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n" +
				"--xyz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe parcel never came. 包裹没到。\r\n--xyz\r\n" +
				"Content-Type: image/png; name=photo.png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--xyz--\r\n",
			want{subject: "No boundary", noted: true}},
		{"cut-off base64 and a lone boundary",
			"Message-ID: <broken-6@customers.example>\r\nDate: " + date + "\r\nFrom: cut@customers.example\r\nTo: " + shopEmail +
				"\r\nSubject: =?utf-8?q?Cut_off?=\r\nContent-Type: multipart/alternative; boundary=zz\r\n\r\n--zz\r\n" +
				"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
				base64.StdEncoding.EncodeToString([]byte("订单已付款，请发货"))[:22] + "\r\n",
			want{subject: "Cut off", noted: true}},
	}
	raws := make([][]byte, len(cases))
	for i, c := range cases {
		raws[i] = []byte(c.raw)
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			appendAll(t, s, "INBOX", raws)
			st := openStore(t)
			stats, err := once(newSyncer(st, s, s.Addr(), Options{}))
			if err != nil {
				t.Fatalf("sync: %v", err)
			}
			if stats.New != len(cases) || stats.Quarantined != 0 {
				t.Errorf("stats %+v: want all %d broken messages stored, none quarantined", stats, len(cases))
			}
			mirror(t, st, s, true, "INBOX", "Sent")
			for i, c := range cases {
				t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
					m, raw := storedByHash(t, st, raws[i])
					if !bytes.Equal(raw, raws[i]) {
						t.Errorf("stored raw differs from the appended bytes")
					}
					p, perr := mailbox.Parse(raws[i])
					if perr != nil {
						t.Fatalf("the parser gives up on it: %v", perr)
					}
					check := func(field, got, want, salvaged string) {
						t.Helper()
						switch {
						case strings.TrimSpace(got) == "":
							t.Errorf("%s is empty", field)
						case want != "" && got != want:
							t.Errorf("%s %q, want %q", field, got, want)
						case want == "" && got != salvaged:
							t.Errorf("%s %q, the parser salvages %q", field, got, salvaged)
						}
					}
					check("Subject", m.Subject, c.want.subject, p.Subject)
					check("Text", m.Text, c.want.text, p.Text)
					if c.want.name != "" {
						check("From name", m.From.Name, c.want.name, p.From.Name)
					}
					if c.want.noted && len(m.Problems) == 0 {
						t.Errorf("no problem noted for %s", c.name)
					}
					if m.ConversationID == 0 {
						t.Errorf("broken message not linked to a conversation")
					}
					t.Logf("subject %q, text %q, problems %q", m.Subject, m.Text, m.Problems)
				})
			}
		})
	}
}
