package ui

import (
	"reflect"
	"testing"
)

func TestFoldQuotes(t *testing.T) {
	tests := []struct {
		name, text, want string
		folded           bool
	}{
		{"no quote", "Hello\nwhere is my parcel?", "Hello\nwhere is my parcel?", false},
		{"gmail reply on top",
			"Thanks!\n\nOn Mon, 17 Nov 2025 at 10:00, Shop <s@x> wrote:\n> Your parcel left.\n> SF123",
			"Thanks!", true},
		{"attribution wrapped over two lines",
			"OK\n\nOn Mon, Nov 17, 2025 at 10:00 AM Bamboo Linen Shop <\nservice@shop.example> wrote:\n\n> sent today",
			"OK", true},
		{"chinese attribution",
			"收到，谢谢！\n\n在 2025年11月17日 10:00，竹麻家居 <s@x> 写道：\n> 已经发货了",
			"收到，谢谢！", true},
		{"foxmail style attribution",
			"好的\n\n竹麻家居 <s@x> 于2025年11月17日 周一 10:00写道：\n>已经发货了",
			"好的", true},
		{"outlook original message",
			"Please see below.\n\n-----Original Message-----\nFrom: Shop\nSent: Monday\n\nold text",
			"Please see below.", true},
		{"qq mail original message",
			"好的\n\n------------------ 原始邮件 ------------------\n发件人: 竹麻家居\n旧内容",
			"好的", true},
		{"outlook rule and header block",
			"Fine\n\n________________________________\nFrom: Shop <s@x>\nSent: Monday\nold",
			"Fine", true},
		{"a rule that is just a rule stays",
			"Price list\n________________________\nItem 1", "Price list\n________________________\nItem 1", false},
		{"interleaved answers keep a marker",
			"> Which size?\n1.8 m\n> Which colour?\nGrey",
			"…\n1.8 m\n…\nGrey", true},
		{"only quotes: left whole",
			"> forwarded words\n> more", "> forwarded words\n> more", false},
		{"wrote: without a quote after it is text",
			"My friend wrote: the sheets are great", "My friend wrote: the sheets are great", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, folded := foldQuotes(tt.text)
			if got != tt.want || folded != tt.folded {
				t.Errorf("foldQuotes(%q) = %q, %v; want %q, %v", tt.text, got, folded, tt.want, tt.folded)
			}
		})
	}
}

func TestFindLinks(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"no links here", nil},
		{"see https://shop.example/item?id=1.", []string{"https://shop.example/item?id=1"}},
		{"照片https://img.example/a.jpg谢谢", []string{"https://img.example/a.jpg"}},
		{"(http://a.example/x) and HTTPS://B.example", []string{"http://a.example/x", "HTTPS://B.example"}},
		{"twice https://a.example https://a.example", []string{"https://a.example"}},
		{"not web: javascript:alert(1) file:///etc/passwd ftp://x mailto:a@b", nil},
		{"no host: http:// https:///path", nil},
	}
	for _, tt := range tests {
		if got := findLinks(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("findLinks(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestRawText(t *testing.T) {
	got, cut := rawText([]byte("A\r\nB\x00\x1b[31m\xffC\rD\u0085E"), 100)
	if want := "A\nB[31m\uFFFDC\nDE"; got != want || cut {
		t.Errorf("rawText = %q, %v; want %q", got, cut, want)
	}
}
