package mailbox

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// charsetCase is one charset our customers write in, with text that
// exercises its awkward corners (GBK-only characters under a gb2312
// label, GB18030 four-byte emoji, cp932 circled digits under Shift_JIS,
// cp1252 quotes and euro sign under iso-8859-1).
type charsetCase struct {
	label   string
	enc     encoding.Encoding // nil: UTF-8
	subject string
	name    string
	body    string
	file    string
}

var charsetCases = []charsetCase{
	{"UTF-8", nil, "订单发货了吗？😊", "李娜", "你好，快递还没到。\nThanks 👍", "破损照片.png"},
	{"GBK", simplifiedchinese.GBK, "订单SO240105123456什么时候发货？", "张伟", "你好，\n快递单号SF123456789012已经3天没有更新了。", "破损照片.png"},
	{"gb2312", simplifiedchinese.GBK, "喆堃玥的订单", "张喆", "珺说：昇琰已经付款€299。", "订单明细.csv"},
	{"GB18030", simplifiedchinese.GB18030, "谢谢😊🙏", "王芳", "质量太差了😡\n请尽快处理📦", "截图😊.png"},
	{"x-gbk", simplifiedchinese.GBK, "发票抬头修改", "刘洋", "税号：91310000123456789X", "付款凭证.pdf"},
	{"cp936", simplifiedchinese.GBK, "申请退货", "陈静", "尺码不合适，想换货。", "照片.jpg"},
	{"big5", traditionalchinese.Big5, "物流延遲，訂單SO240109000001", "陳志明", "追蹤號碼TC123456789012已經5天沒有更新了。\n謝謝！", "訂單明細.csv"},
	{"ISO-2022-JP", japanese.ISO2022JP, "返品のお願い（注文番号SO240110000777）", "佐藤 花子", "お世話になっております。\n商品が破損していました。", "破損写真.png"},
	{"Shift_JIS", japanese.ShiftJIS, "①注文について㈱山田商事", "鈴木 太郎", "① 注文番号：SO240110000777\n㈱山田商事", "注文明細①.csv"},
	{"EUC-KR", korean.EUCKR, "배송 문의드립니다", "김민수", "주문한 상품이 아직 도착하지 않았습니다.", "영수증.pdf"},
	{"ks_c_5601-1987", korean.EUCKR, "환불 요청", "이지은", "환불 부탁드립니다. 감사합니다.", "사진.png"},
	{"windows-1252", charmap.Windows1252, "Réclamation – commande “SO1234”", "François Lefèvre", "Prix : 59 € — merci d’avance.", "reçu.pdf"},
	{"iso-8859-1", charmap.Windows1252, "Rücksendung – beschädigter Artikel", "Jürgen Müller", "Preis: 129 € „zu teuer“.\nGrüße", "Rechnung Müller.pdf"},
	{"ISO-8859-2", charmap.ISO8859_2, "Reklamacja zamówienia", "Łukasz Żółć", "Dziękuję, zażółć gęślą jaźń.", "zdjęcie.png"},
	{"ISO-8859-15", charmap.ISO8859_15, "Facture n° 12 - 100 €", "Zoë Œuvre", "Total : 100 € TTC, Šárka", "facture Œ.pdf"},
	{"KOI8-R", charmap.KOI8R, "Заказ не пришёл", "Иван Петров", "Здравствуйте, где мой заказ?", "чек.pdf"},
}

// buildCharsetMessage writes one message whose subject, From name, body
// and attachment name are all in c's charset. variant picks the
// encodings: 0 B words + base64 + RFC 2231 single; 1 Q words in quotes +
// quoted-printable + RFC 2231 continuations cut inside a character;
// 2 B words + 8bit body + RFC 2047 file name.
func buildCharsetMessage(t testing.TB, c charsetCase, variant int) []byte {
	subj := encode(t, c.enc, c.subject)
	name := encode(t, c.enc, c.name)
	body := encode(t, c.enc, c.body)
	file := encode(t, c.enc, c.file)
	var sb strings.Builder
	sb.WriteString("Date: Mon, 8 Jan 2024 16:01:02 +0800\n")
	sb.WriteString("Message-ID: <charset-test@example.test>\n")
	switch variant {
	case 1:
		sb.WriteString("From: \"" + qWord(c.label, name) + "\" <buyer@example.test>\n")
		sb.WriteString("Subject: " + qWord(c.label, subj) + "\n")
	default:
		sb.WriteString("From: " + bWord(c.label, name) + " <buyer@example.test>\n")
		sb.WriteString("Subject: " + bWord(c.label, subj) + "\n")
	}
	sb.WriteString("To: shop@example.test\nMIME-Version: 1.0\n")
	sb.WriteString("Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n")
	sb.WriteString("Content-Type: text/plain; charset=\"" + c.label + "\"\n")
	switch variant {
	case 0:
		sb.WriteString("Content-Transfer-Encoding: base64\n\n" + b64Lines(body))
	case 1:
		sb.WriteString("Content-Transfer-Encoding: quoted-printable\n\n" + qpBody(body) + "\n")
	default:
		sb.WriteString("Content-Transfer-Encoding: 8bit\n\n" + string(body) + "\n")
	}
	sb.WriteString("--b1\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n")
	switch variant {
	case 0:
		sb.WriteString("Content-Disposition: attachment; filename*=" + c.label + "''" + pct(file) + "\n")
	case 1:
		cut := len(file)/2 | 1 // odd: inside a double-byte character when there is one
		if cut > len(file) {
			cut = len(file)
		}
		sb.WriteString("Content-Disposition: attachment;\n filename*0*=" + c.label + "'zh'" + pct(file[:cut]) +
			";\n filename*1*=" + pct(file[cut:]) + "\n")
	default:
		sb.WriteString("Content-Disposition: attachment; filename=\"" + bWord(c.label, file) + "\"\n")
	}
	sb.WriteString("\n" + b64Lines([]byte("0123456789")) + "--b1--\n")
	return crlf(sb.String())
}

func TestParseCharsets(t *testing.T) {
	for _, c := range charsetCases {
		for variant, vname := range []string{"B+base64+2231", "Q+qp+2231cont", "B+8bit+2047"} {
			t.Run(c.label+"/"+vname, func(t *testing.T) {
				p := mustParse(t, buildCharsetMessage(t, c, variant))
				if p.Subject != c.subject {
					t.Errorf("Subject = %q, want %q", p.Subject, c.subject)
				}
				if p.From.Name != c.name || p.From.Email != "buyer@example.test" {
					t.Errorf("From = %+v, want %q <buyer@example.test>", p.From, c.name)
				}
				if p.Text != c.body {
					t.Errorf("Text = %q, want %q", p.Text, c.body)
				}
				if len(p.Attachments) != 1 || p.Attachments[0].Name != c.file || p.Attachments[0].Size != 10 {
					t.Errorf("Attachments = %+v, want one %q of 10 bytes", p.Attachments, c.file)
				}
				if len(p.Problems) > 0 {
					t.Errorf("Problems = %q, want none", p.Problems)
				}
			})
		}
	}
}

// TestCharsetAliases checks the label -> decoder table on bytes that only
// the superset reads right.
func TestCharsetAliases(t *testing.T) {
	tests := []struct {
		label string
		in    []byte
		want  string
	}{
		{"gb2312", []byte{0x86, 0xb4}, "喆"},                  // GBK-only
		{"GB_2312-80", []byte{0xc4, 0xe3, 0xba, 0xc3}, "你好"}, // GB2312 proper
		{"gb2312", []byte{0x94, 0x39, 0xfc, 0x36}, "😀"},      // GB18030 four-byte
		{"gbk", []byte{0x80}, "€"},                           // cp936 euro
		{"X-GBK", []byte{0xc4, 0xe3}, "你"},
		{"CP936", []byte{0xc4, 0xe3}, "你"},
		{"Shift_JIS", []byte{0x87, 0x40}, "①"},  // cp932 NEC row 13
		{"shift-jis", []byte{0x87, 0x8a}, "㈱"},  // cp932
		{"iso-8859-1", []byte{0x80}, "€"},       // cp1252 under a latin-1 label
		{"ISO8859-1", []byte{0x93, 0x94}, "“”"}, // cp1252 quotes
		{"latin1", []byte{0xe9}, "é"},
		{"ks_c_5601-1987", []byte{0xc7, 0xd1}, "한"},
		{"cp949", []byte{0x81, 0x41}, "갂"}, // UHC extension
		{"big5-hkscs", []byte{0xa7, 0xda}, "我"},
		{"\"UTF-8\"", []byte("ok"), "ok"},
		{"utf8", []byte("é"), "é"},
		{"us-ascii", []byte("plain"), "plain"},
		{"ISO-8859-15", []byte{0xa4}, "€"},
		{"koi8-r", []byte{0xf0, 0xd2, 0xc9}, "При"},
		{"windows-1251", []byte{0xcf, 0xf0, 0xe8}, "При"},
		{"iso-2022-jp", []byte("\x1b$B$3$s$K$A$O\x1b(B"), "こんにちは"},
		{"euc-jp", []byte{0xa4, 0xb3, 0xa4, 0xf3}, "こん"},
		{"hz-gb-2312", []byte("~{<:Ky2;S{#,NpJ)l6HK!#~}"), "己所不欲，勿施於人。"},
		{"UTF-8*en", []byte("lang"), "lang"},
	}
	for _, tt := range tests {
		var d decoder
		got, problem := d.decodeLabelled(tt.label, tt.in)
		if got != tt.want || problem != "" {
			t.Errorf("decodeLabelled(%q, % x) = %q, %q; want %q", tt.label, tt.in, got, problem, tt.want)
		}
	}
}

// TestDecodeRaw covers bytes that carry no usable label.
func TestDecodeRaw(t *testing.T) {
	gbk := encode(t, simplifiedchinese.GBK, "张伟 王芳")
	big5 := encode(t, traditionalchinese.Big5, "陳志明")
	tests := []struct {
		name string
		hint charsetInfo
		in   []byte
		want string
		used string
	}{
		{"utf-8", charsetInfo{}, []byte("李娜"), "李娜", ""},
		{"gbk", charsetInfo{}, gbk, "张伟 王芳", "GB18030"},
		{"latin-1 looks like GBK pairs", charsetInfo{}, []byte("Fran\xe7ois M\xfcller"), "François Müller", "windows-1252"},
		{"cp1252 single", charsetInfo{}, []byte("caf\xe9"), "café", "windows-1252"},
		{"big5 with hint", csBig5, big5, "陳志明", "Big5"},
		{"hint that fails falls through", csSJIS, []byte{0xff, 0xfe}, "ÿþ", "windows-1252"},
	}
	for _, tt := range tests {
		d := decoder{hint: tt.hint}
		got, used := d.decodeRaw(tt.in)
		if got != tt.want || used != tt.used {
			t.Errorf("%s: decodeRaw = %q (%s), want %q (%s)", tt.name, got, used, tt.want, tt.used)
		}
	}
}
