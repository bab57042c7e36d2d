package canned

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/storage"
)

func shopSettings() storage.Settings {
	set := storage.DefaultSettings()
	set.ShopName, set.AgentName, set.Hours.TimeZone = "竹麻家居", "小竹", "Asia/Shanghai"
	return set
}

func TestRender(t *testing.T) {
	order := &storage.Order{ID: 1, Number: "TB1", Tracking: "SF123", Carrier: "顺丰", Status: storage.OrderShipped, Total: 12850, Currency: "CNY"}
	set := shopSettings()
	now := time.Date(2025, 11, 20, 20, 0, 0, 0, time.UTC) // 21 Nov in Shanghai
	full := Context{Customer: storage.Customer{Name: "Alice Smith"}, Order: order, Settings: set, Now: now}
	bare := Context{Settings: set, Now: now}
	noShop := Context{Now: now}
	tests := []struct {
		name, text, lang string
		ctx              Context
		want             string
		unresolved       []string
	}{
		{"every known value", "Hi {{customer.first_name|there}} ({{customer.name}}), {{order.number}} via {{order.carrier}}: {{order.tracking}}, {{order.status}}, {{order.total}}.", "en", full,
			"Hi Alice (Alice Smith), TB1 via 顺丰: SF123, Shipped, ¥128.50.", nil},
		{"status in Chinese", "{{order.status}}", "zh-Hans", full, "已发货", nil},
		{"status in Traditional Chinese", "{{order.status}}", "zh-Hant", full, "已发货", nil},
		{"status in another language is English", "{{order.status}}", "de", full, "Shipped", nil},
		{"total without a currency", "{{order.total}}", "en", Context{Order: &storage.Order{Total: 123456}}, "1,234.56", nil},
		{"total in yen", "{{order.total}}", "en", Context{Order: &storage.Order{Total: 1500, Currency: "jpy"}}, "JP¥1,500", nil},
		{"total in an unknown currency", "{{order.total}}", "en", Context{Order: &storage.Order{Total: 1999, Currency: "SEK"}}, "SEK 19.99", nil},
		{"fallbacks", "{{customer.name|亲}}您好，{{customer.first_name|there}}", "zh-Hans", bare, "亲您好，there", nil},
		{"a fallback is not used when the value is known", "{{customer.name|亲}}", "zh-Hans", full, "Alice Smith", nil},
		{"missing data stays for the seller", "单号{{order.tracking}}，{{customer.name}}，{{order.tracking}}", "zh-Hans", bare,
			"单号{{order.tracking}}，{{customer.name}}，{{order.tracking}}", []string{"order.tracking", "customer.name"}},
		{"no order at all", "{{order.number}} {{order.carrier}} {{order.status}} {{order.total}}", "en", bare,
			"{{order.number}} {{order.carrier}} {{order.status}} {{order.total}}", []string{"order.number", "order.carrier", "order.status", "order.total"}},
		{"an order without tracking", "{{order.number}}: {{order.tracking|soon}}", "en", Context{Order: &storage.Order{Number: "A1"}}, "A1: soon", nil},
		{"shop and agent", "{{agent.name}}@{{shop.name}}", "en", bare, "小竹@竹麻家居", nil},
		{"no agent name", "{{agent.name|the team}}, {{agent.name}}", "en", noShop, "the team, {{agent.name}}", []string{"agent.name"}},
		{"dates in the reply's language and the shop's zone", "{{today}} / {{date +3d}}", "zh-Hans", bare, "11月21日 / 11月24日", nil},
		{"dates in English", "by {{date +7d}}", "en", bare, "by 28 November", nil},
		{"date +0d is today", "{{date +0d}}", "en", bare, "21 November", nil},
		{"date across a month and year end", "{{date +42d}}", "zh-Hans", bare, "1月2日", nil},
		{"a Chinese name is used whole", "{{customer.first_name}}", "zh-Hans", Context{Customer: storage.Customer{Name: "王 芳"}}, "王 芳", nil},
		{"a name's stray spaces and lines are folded", "{{customer.name}}", "en", Context{Customer: storage.Customer{Name: " Bob\n  Lee "}}, "Bob Lee", nil},
		{"malformed is left as written", "{{customer.nam}} hi", "en", full, "{{customer.nam}} hi", nil},
		{"no placeholders", "谢谢", "zh-Hans", full, "谢谢", nil},
		{"typed values fill what the store does not know", "单号{{order.number}}，{{customer.name|亲}}，{{customer.name}}，{{order.tracking}}", "zh-Hans",
			Context{Filled: map[string]string{"order.number": " TB9\n", "customer.name": "王芳"}},
			"单号TB9，王芳，王芳，{{order.tracking}}", []string{"order.tracking"}},
		{"a known value beats a typed one", "{{order.number}}", "en", Context{Order: order, Filled: map[string]string{"order.number": "X"}}, "TB1", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, left := Render(tt.text, tt.ctx, tt.lang)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if fmt.Sprint(left) != fmt.Sprint(tt.unresolved) {
				t.Errorf("unresolved %q, want %q", left, tt.unresolved)
			}
		})
	}
}

func TestDateUsesTheShopsZone(t *testing.T) {
	// 23:30 on 31 Dec in New York is 1 Jan in Shanghai: the shop's day counts.
	now := time.Date(2025, 12, 31, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	for _, tt := range []struct{ zone, want string }{
		{"Asia/Shanghai", "1月4日"},
		{"America/New_York", "1月3日"},
		{"UTC", "1月4日"},
	} {
		set := storage.DefaultSettings()
		set.Hours.TimeZone = tt.zone
		if got, _ := Render("{{date +3d}}", Context{Settings: set, Now: now}, "zh-Hans"); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.zone, got, tt.want)
		}
	}
}

func TestDefaultRepliesFillForADemoCustomer(t *testing.T) {
	defaults, err := assets.LoadCannedReplies()
	if err != nil {
		t.Fatal(err)
	}
	set := storage.DefaultSettings()
	set.AgentName = "小竹"
	ctx := Context{Customer: storage.Customer{Name: "王芳"}, Settings: set, Now: time.Date(2025, 11, 20, 10, 0, 0, 0, time.UTC),
		Order: &storage.Order{ID: 1, Number: "TB1", Tracking: "SF1", Carrier: "SF", Status: storage.OrderShipped, Total: 100, Currency: "CNY"}}
	for _, d := range defaults {
		for _, v := range d.Variants {
			if _, left := Render(v, ctx, d.Language); len(left) > 0 {
				t.Errorf("%s %q leaves %q", d.Language, d.Title, left)
			}
		}
	}
}

func TestChoose(t *testing.T) {
	v := func(s string) []storage.CannedVariant { return []storage.CannedVariant{{Body: s}} }
	replies := []storage.CannedReply{
		{ID: 1, Shortcut: "delay", Language: "zh-Hans", Variants: v("zh")},
		{ID: 2, Shortcut: "delay", Language: "en", Variants: v("en"), UsageCount: 3},
		{ID: 3, Shortcut: "delay", Language: "en-GB", Variants: v("en-GB")},
		{ID: 4, Shortcut: "refund", Language: "fr", Variants: v("fr")},
		{ID: 5, Shortcut: "hi", Language: "en", Variants: v("hi")},
		{ID: 6, Shortcut: "hi", Language: "en", Variants: v("hi, used"), UsageCount: 9},
		{ID: 7, Shortcut: "empty", Language: "en"},
	}
	tests := []struct {
		shortcut, lang string
		want           uint64 // 0: none
	}{
		{"delay", "zh-Hans", 1},
		{"delay", "zh-hans", 1},
		{"delay", "zh-Hant", 1},  // same base language
		{"delay", "en-GB", 3},    // exact beats base
		{"delay", "en-US", 2},    // base: the most used
		{"delay", "de", 2},       // any: the most used
		{"delay", "", 2},         // unknown language: the most used
		{"/Delay", "zh-Hans", 1}, // typed with a slash, any case
		{"refund", "zh-Hans", 4}, // the only one
		{"hi", "en", 6},          // same language: the most used
		{"empty", "en", 0},       // no text
		{"nope", "en", 0},
		{"", "en", 0},
	}
	for _, tt := range tests {
		got, ok := Choose(replies, tt.shortcut, tt.lang)
		if ok != (tt.want != 0) || got.ID != tt.want {
			t.Errorf("Choose(%q, %q) = %d %v, want %d", tt.shortcut, tt.lang, got.ID, ok, tt.want)
		}
	}
}

func TestVariant(t *testing.T) {
	r := storage.CannedReply{Title: "delay", Variants: []storage.CannedVariant{{Body: "a"}, {Body: "b"}, {Body: "c"}}}
	for n, want := range map[int]string{0: "a", 1: "b", 2: "c", 3: "a", -1: "c"} {
		if got, err := Variant(r, n); err != nil || got != want {
			t.Errorf("Variant(%d) = %q %v, want %q", n, got, err, want)
		}
	}
	if _, err := Variant(storage.CannedReply{Title: "x"}, 0); err == nil {
		t.Error("a reply without text gave a variant")
	}
}

func TestLoadContext(t *testing.T) {
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	day := func(d int) time.Time { return time.Date(2025, 11, d, 0, 0, 0, 0, time.UTC) }
	var alice, bob storage.Customer
	var old, newer, latest, bobs storage.Order
	var linked, unlinked storage.Conversation
	err = st.Update(func(tx *storage.Tx) error {
		set := storage.DefaultSettings()
		set.ShopName = "竹麻家居"
		if err := tx.SaveSettings(set); err != nil {
			return err
		}
		alice = storage.Customer{Name: "Alice", Emails: []string{"alice@example.com"}}
		bob = storage.Customer{Name: "Bob", Emails: []string{"bob@example.com"}}
		for _, c := range []*storage.Customer{&alice, &bob} {
			if err := tx.SaveCustomer(c); err != nil {
				return err
			}
		}
		old = storage.Order{CustomerID: alice.ID, Number: "A-1", Placed: day(1)}
		newer = storage.Order{CustomerID: alice.ID, Number: "A-2", Placed: day(5)}
		latest = storage.Order{CustomerID: alice.ID, Number: "A-3", Placed: day(9)}
		bobs = storage.Order{CustomerID: bob.ID, Number: "A-1", Placed: day(2)} // another platform's A-1
		for _, o := range []*storage.Order{&bobs, &old, &newer, &latest} {
			if err := tx.SaveOrder(o); err != nil {
				return err
			}
		}
		linked = storage.Conversation{CustomerID: alice.ID, Subject: "where", OrderIDs: []uint64{newer.ID, old.ID}}
		unlinked = storage.Conversation{CustomerID: alice.ID, Subject: "hi"}
		for _, c := range []*storage.Conversation{&linked, &unlinked} {
			if err := tx.SaveConversation(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name           string
		conv, customer uint64
		number         string
		wantCustomer   string
		wantOrder      uint64
	}{
		{"the conversation's linked order, newest", linked.ID, 0, "", "Alice", newer.ID},
		{"else the customer's latest", unlinked.ID, 0, "", "Alice", latest.ID},
		{"a customer without a conversation", 0, alice.ID, "", "Alice", latest.ID},
		{"the order named", linked.ID, 0, "A-3", "Alice", latest.ID},
		{"the customer's order of a shared number", 0, alice.ID, "A-1", "Alice", old.ID},
		{"the other customer's", 0, bob.ID, "A-1", "Bob", bobs.ID},
		{"an unknown order number", 0, alice.ID, "ZZ-9", "Alice", 0},
		{"nobody", 0, 0, "", "", 0},
		{"an unknown customer", 0, 999, "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ctx Context
			err := st.View(func(tx *storage.Tx) error {
				var err error
				ctx, err = LoadContext(tx, tt.conv, tt.customer, tt.number)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var got uint64
			if ctx.Order != nil {
				got = ctx.Order.ID
			}
			if ctx.Customer.Name != tt.wantCustomer || got != tt.wantOrder || ctx.Settings.ShopName != "竹麻家居" {
				t.Errorf("customer %q order %d shop %q; want %q, %d", ctx.Customer.Name, got, ctx.Settings.ShopName, tt.wantCustomer, tt.wantOrder)
			}
		})
	}
	err = st.View(func(tx *storage.Tx) error { _, err := LoadContext(tx, 12345, 0, ""); return err })
	if err == nil {
		t.Error("an unknown conversation loaded")
	}
}
