package archive_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

var t0 = time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)

// rawMail builds a message the way a mail program sends it: CRLF, a
// Chinese subject, and (when attach) a PDF attachment with a Chinese name.
func rawMail(i int, from, subject, body string, attach bool) []byte {
	date := t0.Add(time.Duration(i) * time.Hour).Format(time.RFC1123Z)
	h := fmt.Sprintf("From: %s\r\nTo: shop@example.com\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <m%d@example.com>\r\nMIME-Version: 1.0\r\n",
		from, subject, date, i)
	if !attach {
		return []byte(h + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n")
	}
	return []byte(h + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n" +
		"--b1\r\nContent-Type: application/pdf; name=\"=?UTF-8?B?5Y+R56WoLnBkZg==?=\"\r\nContent-Disposition: attachment; filename=\"=?UTF-8?B?5Y+R56WoLnBkZg==?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"JVBERi0xLjQKJcOkw7zDtsOfCg==\r\n--b1--\r\n")
}

// seeded is a store with two customers; the first has mail (one with an
// attachment, one with "From " lines in its body), orders with an
// after-sales case, a call, a note and a follow-up.
type seeded struct {
	st       *storage.Store
	customer storage.Customer
	other    storage.Customer
	raws     map[uint64][]byte // message ID -> raw bytes stored
}

func seed(t testing.TB, messages int) seeded {
	t.Helper()
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := seeded{st: st, raws: map[uint64][]byte{}}
	s.customer = storage.Customer{Name: "王小明 <script>alert(1)</script>", Emails: []string{"xm@example.cn"},
		Phones:  []storage.Phone{{Number: "+86 138 0013 8000", Label: "mobile"}},
		IM:      []storage.IMHandle{{Network: "WeChat", Handle: "wxid_xm"}},
		Address: "上海市浦东新区世纪大道 100 号", Language: "zh-Hans", Birthday: "1990-01-15",
		Segment: storage.SegmentVIP, Tags: []string{"=cmd|' /C calc'!A0", "批发"}, Notes: "Prefers SF Express"}
	s.other = storage.Customer{Name: "Anna Berg", Emails: []string{"anna@example.com"}, Phones: []storage.Phone{{Number: "555-0100"}}}
	err = st.Update(func(tx *storage.Tx) error {
		if err := tx.SaveCustomer(&s.customer); err != nil {
			return err
		}
		if err := tx.SaveCustomer(&s.other); err != nil {
			return err
		}
		for _, c := range []storage.Customer{s.customer, s.other} {
			conv := storage.Conversation{CustomerID: c.ID, Subject: "订单 8812 物流", Status: storage.StatusOpen}
			if err := tx.SaveConversation(&conv); err != nil {
				return err
			}
			n := messages
			if c.ID == s.other.ID {
				n = 2
			}
			for i := range n {
				body := fmt.Sprintf("您好，我的包裹到哪里了？ message %d\r\n\r\nFrom the shop's side:\r\n>From quoted\r\n", i)
				raw := rawMail(i, c.Emails[0], "=?UTF-8?B?5YyF6KO5?= "+fmt.Sprint(i), body, i == 1)
				p, err := mailbox.Parse(raw)
				if err != nil {
					return err
				}
				m := storage.Message{ConversationID: conv.ID, Direction: storage.Inbound}
				p.Fill(&m)
				if i%3 == 2 {
					m.Direction = storage.Outbound
				}
				m.Locations = []storage.Location{{Account: "shop", Folder: "INBOX", UIDValidity: 7, UID: uint32(c.ID*10000) + uint32(i) + 1}}
				if err := tx.SaveMessage(&m, raw); err != nil {
					return err
				}
				s.raws[m.ID] = raw
			}
			o := storage.Order{CustomerID: c.ID, Platform: storage.PlatformTaobao, Number: fmt.Sprint("TB-8812-", c.ID),
				Items: []storage.OrderItem{{Name: "真丝围巾", Quantity: 2, Price: 9400}},
				Total: 18800, Currency: "CNY", Status: storage.OrderShipped, Carrier: "SF", Tracking: fmt.Sprint("SF1234", c.ID),
				Placed: t0, Cases: []storage.AfterSalesCase{{Kind: storage.CaseReturn, Reason: "颜色不对", State: storage.CaseRequested, Amount: 9400, Opened: t0,
					Steps: []storage.CaseStep{{State: storage.CaseRequested, At: t0.Add(time.Hour), Note: "客户拍照"}}}}}
			if err := tx.SaveOrder(&o); err != nil {
				return err
			}
			if err := tx.SaveCall(&storage.Call{CustomerID: c.ID, Direction: storage.Inbound, Phone: "+86 138 0013 8000",
				Start: t0.Add(2 * time.Hour), Duration: 3 * time.Minute, Summary: "问物流 & <b>催单</b>", Outcome: storage.CallResolved}); err != nil {
				return err
			}
			if err := tx.SaveNote(&storage.Note{CustomerID: c.ID, OrderID: o.ID, Text: "VIP, 回复要快"}); err != nil {
				return err
			}
			if err := tx.SaveFollowUp(&storage.FollowUp{CustomerID: c.ID, OrderID: o.ID, ConversationID: conv.ID, Kind: storage.FollowAfterSales,
				Due: t0.Add(48 * time.Hour), Note: "回访退货"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func hasLine(s, line string) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimRight(l, "\r") == line {
			return true
		}
	}
	return false
}
