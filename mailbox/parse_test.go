package mailbox

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// TestParseTestdata reads hand-made messages in the shapes real mailers
// send (testdata/*.eml, written with Python's codecs, so the encoder is
// not the decoder under test) and checks every field.
func TestParseTestdata(t *testing.T) {
	cst := time.FixedZone("", 8*3600)
	tests := []struct {
		file string
		want Parsed // HasHTML is checked against HTMLSource
		// problems lists substrings that must each be in Problems; nil
		// means Problems must be empty.
		problems []string
	}{
		{
			file: "foxmail-gbk.eml",
			want: Parsed{
				MessageID: "202401081601021234567@qq.example",
				From:      storage.Address{Name: "张喆", Email: "zhangzhe88@qq.example"},
				To:        []storage.Address{{Name: "示例商城客服", Email: "shop@example.test"}},
				Date:      time.Date(2024, 1, 8, 16, 1, 2, 0, cst),
				Subject:   "订单SO240105123456什么时候发货？",
				Text:      "亲，在吗？\n\n我在1月5日下单买了空气炸锅 4.5L，订单号SO240105123456，到现在还显示待发货。\n喆哥说今天能发？\n\n谢谢！\n张喆",
				Attachments: []storage.Attachment{
					{Name: "破损照片.png", Type: "image/png", Size: 70},
				},
			},
		},
		{
			file: "outlook-big5.eml",
			want: Parsed{
				MessageID:  "000001da42b1$8f0e2a10$ad2a7e30$@hinet.example",
				InReplyTo:  "reply-1@example.test",
				References: []string{"SO240109000001.first@hinet.example", "reply-1@example.test"},
				From:       storage.Address{Name: "陳志明", Email: "eric1234@hinet.example"},
				To:         []storage.Address{{Email: "shop@example.test"}},
				Cc:         []storage.Address{{Name: "김민수", Email: "minsu@naver.example"}},
				Date:       time.Date(2024, 1, 9, 9, 30, 0, 0, cst),
				Subject:    "物流延遲，訂單SO240109000001",
				Text:       "您好，\n\n追蹤號碼TC123456789012（黑貓宅急便）已經5天沒有更新了。\n麻煩您了，謝謝。\n陳志明",
				Attachments: []storage.Attachment{
					{Name: "訂單明細.csv", Type: "text/csv", Size: 53},
				},
			},
		},
		{
			file: "iphone-iso2022jp.eml",
			want: Parsed{
				MessageID: "20240110111500.ABCD.sato@docomo.example",
				From:      storage.Address{Name: "佐藤 花子", Email: "sato.h12@docomo.example"},
				To:        []storage.Address{{Name: "サンプルショップ サポート", Email: "shop@example.test"}},
				Date:      time.Date(2024, 1, 10, 11, 15, 0, 0, time.FixedZone("", 9*3600)),
				Subject:   "注文番号SO240110000777の発送について",
				Text:      "お世話になっております。\n\n注文番号SO240110000777の発送について、まだ「処理中」のままです。\n\nよろしくお願いいたします。\n佐藤 花子",
				Attachments: []storage.Attachment{
					{Name: "①注文確認_SO240110000777.pdf", Type: "application/pdf", Size: 77},
				},
			},
		},
		{
			// Raw GBK bytes in From and To, Subject cut inside a character,
			// no Date, a charset nobody knows.
			file: "broken-raw8bit-gbk.eml",
			want: Parsed{
				MessageID: "1704974407.55@163.example",
				From:      storage.Address{Name: "王磊", Email: "lei1990@163.example"},
				To:        []storage.Address{{Name: "客服", Email: "shop@example.test"}},
				Date:      time.Date(2024, 1, 11, 20, 0, 7, 0, cst),
				Subject:   "投诉：客服一直不回复",
				Text:      "这已经是我第三次发邮件询问订单SO240111000555了，一直没有人回复。\n如果48小时内不处理，我会向平台投诉并申请退款。\n王磊",
			},
			problems: []string{
				`unknown charset "x-gbk-unheard-of", decoded as GB18030`,
				"raw 8-bit header decoded as GB18030",
				"no Date header",
				"date taken from Received",
			},
		},
		{
			file: "thunderbird-flowed.eml",
			want: Parsed{
				MessageID: "7d1c2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f@orange.example",
				From:      storage.Address{Name: "François Lefèvre", Email: "francois.lefevre@orange.example"},
				To:        []storage.Address{{Name: "Example Shop Support", Email: "shop@example.test"}},
				Date:      time.Date(2024, 1, 12, 10, 20, 30, 0, time.FixedZone("", 3600)),
				Subject:   "Retour d'un article abîmé",
				Text: "Bonjour,\n\nJe souhaite retourner l'article (down jacket), il est arrivé abîmé. Pouvez-vous m'envoyer une étiquette de retour ?\n\n" +
					"> Citation d'un message précédent qui est très long et qui continue ici.\n\nCordialement,\n-- \nFrançois",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := readTestdata(t, tt.file)
			p := mustParse(t, raw)
			html := HTMLSource(raw)
			if p.HasHTML != (html != "") {
				t.Errorf("HasHTML = %v, HTML source %q", p.HasHTML, html)
			}
			p.HasHTML = false
			probs := p.Problems
			p.Problems = nil
			if !p.Date.Equal(tt.want.Date) {
				t.Errorf("Date = %v, want %v", p.Date, tt.want.Date)
			}
			p.Date = tt.want.Date
			if !reflect.DeepEqual(p, tt.want) {
				t.Errorf("got  %+v\nwant %+v", p, tt.want)
			}
			if tt.file == "foxmail-gbk.eml" && !strings.Contains(html, "<div>喆哥说今天能发？</div>") {
				t.Errorf("HTML source not kept: %q", html)
			}
			for _, sub := range tt.problems {
				if !hasProblem(Parsed{Problems: probs}, sub) {
					t.Errorf("Problems %q lack %q", probs, sub)
				}
			}
			if tt.problems == nil && len(probs) > 0 {
				t.Errorf("Problems = %q, want none", probs)
			}
		})
	}
}

func TestFill(t *testing.T) {
	p := mustParse(t, readTestdata(t, "outlook-big5.eml"))
	m := storage.Message{ID: 7, Direction: storage.Inbound, Hash: "h", Size: 99, Flags: []string{`\Seen`}}
	p.Fill(&m)
	if m.ID != 7 || m.Hash != "h" || m.Size != 99 || len(m.Flags) != 1 || m.Direction != storage.Inbound {
		t.Errorf("Fill touched store-owned fields: %+v", m)
	}
	if m.Subject != p.Subject || m.Text != p.Text || m.From != p.From || m.MessageID != p.MessageID ||
		m.InReplyTo != p.InReplyTo || !reflect.DeepEqual(m.References, p.References) ||
		!reflect.DeepEqual(m.Cc, p.Cc) || !reflect.DeepEqual(m.Attachments, p.Attachments) || !m.Date.Equal(p.Date) {
		t.Errorf("Fill = %+v, from %+v", m, p)
	}
	p.References[0] = "changed"
	if m.References[0] == "changed" {
		t.Error("Fill shares the References slice with Parsed")
	}
}
