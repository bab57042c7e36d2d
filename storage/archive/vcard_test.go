package archive

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shopdesk/shopdesk/storage"
)

func TestVCardRoundTrip(t *testing.T) {
	updated := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	cases := []struct {
		name string
		c    storage.Customer
	}{
		{"plain", storage.Customer{ID: 7, Name: "Anna Berg", Emails: []string{"anna@example.com"}, Segment: storage.SegmentNew, Updated: updated}},
		{"everything", storage.Customer{
			ID: 42, Name: "王小明", Emails: []string{"xm@example.cn", "wang@work.example"},
			Phones:   []storage.Phone{{Number: "+86 138 0013 8000", Label: "mobile"}, {Number: "010-6552 1234", Label: "work"}, {Number: "400 800 1234", Label: "客服热线; \"night\"^"}, {Number: "5550100"}},
			IM:       []storage.IMHandle{{Network: "WeChat", Handle: "wxid_abc"}, {Network: "旺旺", Handle: "小明:店"}},
			Address:  "北京市朝阳区建国路 88 号, 3 单元; 1201 室\n(前台代收)",
			Language: "zh-Hans", Birthday: "1990-01-15", Segment: storage.SegmentVIP,
			Tags:    []string{"批发", "a,b", `back\slash`},
			Notes:   "Prefers SF Express; calls after 6pm.\r\nSecond line, with comma\\and backslash. " + strings.Repeat("很长的备注", 30),
			Updated: updated,
		}},
		{"birthday without year", storage.Customer{ID: 3, Name: "Lee", Phones: []storage.Phone{{Number: "555"}}, Birthday: "--02-29", Segment: storage.SegmentProspect, Updated: updated}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteVCard(&buf, tc.c); err != nil {
				t.Fatal(err)
			}
			raw := buf.String()
			if !strings.HasSuffix(raw, "END:VCARD\r\n") || !strings.Contains(raw, "VERSION:4.0\r\n") {
				t.Fatalf("not a vCard 4.0:\n%s", raw)
			}
			for i, l := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
				if len(l) > 75 {
					t.Errorf("line %d has %d octets: %q", i+1, len(l), l)
				}
				if !utf8.ValidString(l) {
					t.Errorf("line %d splits a UTF-8 character: %q", i+1, l)
				}
				if strings.ContainsAny(l, "\r\n") {
					t.Errorf("line %d holds a bare line break", i+1)
				}
			}
			cards, err := ReadVCards(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if len(cards) != 1 || cards[0].Err != nil || len(cards[0].Problems) > 0 {
				t.Fatalf("cards = %+v", cards)
			}
			want := tc.c
			want.Notes = strings.ReplaceAll(want.Notes, "\r\n", "\n")
			want.Address = strings.ReplaceAll(want.Address, "\r\n", "\n")
			if got := cards[0].Customer; !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestReadVCardsFromOtherTools(t *testing.T) {
	gbkName, _ := simplifiedchinese.GBK.NewEncoder().String("张三")
	var qp strings.Builder
	for _, b := range []byte(gbkName) {
		qp.WriteString("=" + strings.ToUpper(string("0123456789abcdef"[b>>4])+string("0123456789abcdef"[b&15])))
	}
	input := "\uFEFFBEGIN:VCARD\r\n" +
		"VERSION:2.1\r\n" +
		"N;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:" + qp.String() + ";;;;\r\n" +
		"TEL;CELL:13800138000\r\n" +
		"END:VCARD\r\n" +
		"BEGIN:VCARD\n" + // LF only, vCard 3.0 from a mail program
		"VERSION:3.0\n" +
		"FN:Jo\n" +
		" hn Smith\n" +
		"item1.EMAIL;TYPE=INTERNET,pref:john@example.com\n" +
		"BDAY:1985-07-04\n" +
		"ADR;TYPE=home:;;1 Main St;Springfield;;12345;USA\n" +
		"BDAY:not a date\n" +
		"END:VCARD\n" +
		"BEGIN:VCARD\n" +
		"VERSION:4.0\n" +
		"NOTE:nobody\n" +
		"END:VCARD\n" +
		"BEGIN:VCARD\n" +
		"FN:Cut off\n"
	cards, err := ReadVCards(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	if len(cards) != 4 {
		t.Fatalf("got %d cards", len(cards))
	}
	if c := cards[0]; c.Err != nil || c.Customer.Name != "张三" || len(c.Customer.Phones) != 1 || c.Customer.Phones[0] != (storage.Phone{Number: "13800138000", Label: "mobile"}) {
		t.Errorf("2.1 card: %+v", c)
	}
	c := cards[1]
	if c.Line != 6 || c.Err != nil || c.Customer.Name != "John Smith" || !reflect.DeepEqual(c.Customer.Emails, []string{"john@example.com"}) ||
		c.Customer.Birthday != "1985-07-04" || c.Customer.Address != "1 Main St, Springfield, 12345, USA" {
		t.Errorf("3.0 card: %+v", c)
	}
	if len(c.Problems) != 1 || !strings.HasPrefix(c.Problems[0], "line 13:") {
		t.Errorf("3.0 card problems = %q, want the bad BDAY on line 13", c.Problems)
	}
	if cards[2].Err == nil || !strings.Contains(cards[2].Err.Error(), "line 15") {
		t.Errorf("card without name: err = %v", cards[2].Err)
	}
	if cards[3].Err == nil || !strings.Contains(cards[3].Err.Error(), "END:VCARD") {
		t.Errorf("unterminated card: err = %v", cards[3].Err)
	}
	if _, err := ReadVCards(strings.NewReader("name,email\nAnn,a@x\n")); !errors.Is(err, ErrNoVCard) {
		t.Errorf("CSV as vCard: err = %v", err)
	}
}
