package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/shopdesk/shopdesk/storage"
)

// checkCtx is the customer of the check tests: one order, tracked, and
// an order of another customer in the store.
func checkCtx(language string) sendContext {
	return sendContext{
		customerID: 1,
		language:   language,
		own:        map[string]bool{"TB2025112012345": true, "SF1234567890123": true, "1001": true},
		others:     map[string]string{"TB2025110199999": "李雷", "3987654321098765": ""},
		tracking:   map[string]bool{"YT7654321098765432": true},
	}
}

const quoted = "\n\n-- \n小竹\n\nOn 20 Nov 2025, 王芳 wrote:\n> 订单 3987654321098765 附件 attached 110-2222222-3333333\n"

func TestSendWarnings(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		attached int
		lang     string
		want     []string // a part of each warning, in order
	}{
		{"nothing wrong", "Hi, order TB2025112012345 ships today." + quoted, 0, "", nil},
		{"own order, other case and #", "Order tb2025112012345 and #1001 are fine.", 0, "", nil},
		{"another customer's order", "Your order TB2025110199999 has shipped.", 0, "", []string{"Order TB2025110199999 belongs to another customer, 李雷"}},
		{"another nameless customer's order", "订单3987654321098765已发货。", 0, "", []string{"Order 3987654321098765 belongs to another customer, not"}},
		{"a Taobao-like number nobody has", "订单 123456789012345678 已发货", 0, "", []string{"123456789012345678 looks like an order number"}},
		{"an Amazon-like number", "Order 111-2222222-3333333 is on its way.", 0, "", []string{"111-2222222-3333333 looks like an order number"}},
		{"a Shopee-like number", "Order 231120ABCD1234 is on its way.", 0, "", []string{"231120ABCD1234 looks like"}},
		{"a Shopify-like number", "Order #2002 is on its way.", 0, "", []string{"#2002 looks like"}},
		{"the customer's tracking number", "Tracking SF1234567890123, sent today.", 0, "", nil},
		{"a tracking number known in the store", "单号 YT7654321098765432", 0, "", nil},
		{"a carrier-style code nobody has", "Tracking JT0001234567890 by 极兔.", 0, "", nil},
		{"numbers only in the quote", "Thanks!" + quoted, 0, "", nil},
		{"said attached, nothing attached", "The size chart is attached.", 0, "", []string{"mentions an attachment"}},
		{"attachment in English", "See the attachment.", 0, "", []string{"mentions an attachment"}},
		{"附件 in Chinese", "尺码表见附件。", 0, "", []string{"mentions an attachment"}},
		{"附上 in Chinese", "附上退货单。", 0, "", []string{"mentions an attachment"}},
		{"attached, with a file", "The size chart is attached.", 1, "", nil},
		{"attachments only in the quote", "Thanks!" + quoted, 0, "", nil},
		{"English to a Chinese customer", "Hello, your parcel ships today.", 0, "zh-Hans", []string{"written in English, but this customer writes Chinese"}},
		{"Chinese to an English customer", "亲，您的包裹今天发出，请注意查收。", 0, "en", []string{"written in Chinese, but this customer writes English"}},
		{"Chinese to a zh-Hant customer", "亲，您的包裹今天发出，请注意查收。", 0, "zh-Hant", nil},
		{"Chinese with an English name", "亲，您的 Bamboo Linen 包裹今天发出，请注意查收。", 0, "zh-Hans", nil},
		{"language unknown", "Hello, your parcel ships today.", 0, "", nil},
		{"another language is not checked", "Hallo, Ihr Paket wird heute verschickt.", 0, "de", nil},
		{"too short to tell", "OK", 0, "zh-Hans", nil},
		{"the quote and signature do not count", "Hello, your parcel ships today." + quoted, 0, "en", nil},
		{"all at once", "Order TB2025110199999 is attached, sent today.", 0, "zh-CN",
			[]string{"belongs to another customer", "mentions an attachment", "written in English"}},
	}
	useEnglish(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sendWarnings(tt.body, tt.attached, checkCtx(tt.lang))
			ok := len(got) == len(tt.want)
			for i := 0; ok && i < len(got); i++ {
				ok = strings.Contains(got[i], tt.want[i])
			}
			if !ok {
				t.Errorf("warnings = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("no customer, no order check", func(t *testing.T) {
		if got := sendWarnings("Order TB2025110199999", 0, sendContext{}); len(got) != 0 {
			t.Errorf("warnings = %q", got)
		}
	})
}

func TestOwnText(t *testing.T) {
	for body, want := range map[string]string{
		"Hi\n\n-- \nsig\n":                         "Hi\n",
		"Hi\nOn Monday, A wrote:\n> q\n":           "Hi",
		"Hi\n\n---------- Forwarded message -----": "Hi\n",
		"No quote here":                            "No quote here",
	} {
		if got := ownText(body); got != want {
			t.Errorf("ownText(%q) = %q, want %q", body, got, want)
		}
	}
}

// seedOtherCustomer adds 李雷 with an order of his own, and a tracked parcel.
func seedOtherCustomer(tx *storage.Tx) error {
	other := storage.Customer{Name: "李雷", Emails: []string{"li@example.com"}, Segment: storage.SegmentNew}
	if err := tx.SaveCustomer(&other); err != nil {
		return err
	}
	o := storage.Order{CustomerID: other.ID, Platform: storage.PlatformTaobao, Number: "TB2025110199999", Tracking: "YT7654321098765432",
		Status: storage.OrderShipped, Currency: "CNY", Placed: clock}
	return tx.SaveOrder(&o)
}

func TestLoadSendContext(t *testing.T) {
	s := &shop{}
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedShop(tx, s, "王芳"); err != nil {
			return err
		}
		return seedOtherCustomer(tx)
	})
	var sc sendContext
	h.update(func(tx *storage.Tx) (err error) {
		sc, err = loadSendContext(tx, s.conv.ID, "订单 TB2025110199999, TB2025112012345, YT7654321098765432\n> 998877665544332211")
		return err
	})
	if got := fmt.Sprint(sc.customerID == s.customer.ID, sc.own, sc.others, sc.tracking); got != "true map[TB2025112012345:true] map[TB2025110199999:李雷] map[YT7654321098765432:true]" {
		t.Errorf("context = %s", got)
	}
}

func TestSendWarnsOfAnotherCustomersOrder(t *testing.T) {
	s := &shop{}
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedShop(tx, s, "王芳"); err != nil {
			return err
		}
		return seedOtherCustomer(tx)
	})
	c := openComposer(h, composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
	c.body.SetText("亲，订单TB2025110199999已发货。")
	c.sendNow()
	h.waitFor("the warning", func() bool { return strings.Contains(dialogText(c.win), "belongs to another customer") })
	if got := dialogText(c.win); !strings.Contains(got, "Order TB2025110199999 belongs to another customer, 李雷, not to this one.") ||
		!strings.Contains(got, "Send anyway") || !strings.Contains(got, "Go back") {
		t.Errorf("dialog = %q", got)
	}
	if n := len(h.outboxItems()); n != 0 || c.busy {
		t.Fatalf("before the answer: %d queued, busy %v", n, c.busy)
	}

	tapButton(t, c.win, "Go back")
	if n := len(h.outboxItems()); n != 0 || c.busy || c.body.Disabled() {
		t.Fatalf("after Go back: %d queued, busy %v", n, c.busy)
	}

	c.sendNow()
	h.waitFor("the warning again", func() bool { return strings.Contains(dialogText(c.win), "Send anyway") })
	tapButton(t, c.win, "Send anyway")
	h.waitFor("the reply queued", func() bool { return c.outboxID.Load() != 0 })
	if items := h.outboxItems(); len(items) != 1 {
		t.Errorf("%d outbox items", len(items))
	}
}

func TestSendWithNothingToWarnOfGoesStraight(t *testing.T) {
	h, s := newShopHarness(t, "王芳")
	c := openComposer(h, composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
	c.body.SetText("亲，订单TB2025112012345已发货。" + c.body.Text)
	c.sendNow()
	h.waitFor("the reply queued", func() bool { return c.outboxID.Load() != 0 })
	if got := dialogText(c.win); got != "" {
		t.Errorf("dialog = %q", got)
	}
}
