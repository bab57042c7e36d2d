package assets

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode"
)

func mustLoadDemo(t *testing.T) Demo {
	t.Helper()
	d, err := LoadDemo()
	if err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	return d
}

func TestLoadDemo(t *testing.T) {
	d := mustLoadDemo(t)
	if d.Shop.Name != "Bamboo & Linen Home" || d.Shop.NameZh != "竹麻家居" {
		t.Errorf("shop = %q / %q", d.Shop.Name, d.Shop.NameZh)
	}
	msgs := 0
	for _, c := range d.Conversations {
		msgs += len(c.Messages)
	}
	for _, tc := range []struct {
		kind     string
		got, min int
	}{
		{"customers", len(d.Customers), 25},
		{"conversations", len(d.Conversations), 55},
		{"messages", msgs, 120},
		{"orders", len(d.Orders), 35},
		{"calls", len(d.Calls), 5},
		{"follow-ups", len(d.FollowUps), 10},
		{"notes", len(d.Notes), 8},
	} {
		if tc.got < tc.min {
			t.Errorf("%d %s, want at least %d", tc.got, tc.kind, tc.min)
		}
	}
}

func TestDemoKeysUnique(t *testing.T) {
	d := mustLoadDemo(t)
	for _, tc := range []struct {
		kind   string
		prefix string
		keys   []string
	}{
		{"customers", "c", keysOf(d.Customers, func(x DemoCustomer) string { return x.Key })},
		{"conversations", "t", keysOf(d.Conversations, func(x DemoConversation) string { return x.Key })},
		{"orders", "o", keysOf(d.Orders, func(x DemoOrder) string { return x.Key })},
		{"calls", "k", keysOf(d.Calls, func(x DemoCall) string { return x.Key })},
		{"follow-ups", "f", keysOf(d.FollowUps, func(x DemoFollowUp) string { return x.Key })},
		{"notes", "n", keysOf(d.Notes, func(x DemoNote) string { return x.Key })},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			seen := map[string]bool{}
			for _, k := range tc.keys {
				if seen[k] {
					t.Errorf("duplicate key %q", k)
				}
				seen[k] = true
				if !strings.HasPrefix(k, tc.prefix) || !reKey.MatchString(k) {
					t.Errorf("key %q should look like %s01", k, tc.prefix)
				}
			}
		})
	}
	// Order numbers are unique too (per platform) and so are tracking numbers.
	numbers, tracking := map[string]string{}, map[string]string{}
	for _, o := range d.Orders {
		if k, ok := numbers[o.Platform+o.Number]; ok {
			t.Errorf("order number %s used by %s and %s", o.Number, k, o.Key)
		}
		numbers[o.Platform+o.Number] = o.Key
		if o.Tracking == "" {
			continue
		}
		if k, ok := tracking[o.Tracking]; ok {
			t.Errorf("tracking %s used by %s and %s", o.Tracking, k, o.Key)
		}
		tracking[o.Tracking] = o.Key
	}
}

// TestDemoReferencesResolve checks every cross-reference by hand, not only
// through Validate, so a bug in Validate cannot hide a dangling key.
func TestDemoReferencesResolve(t *testing.T) {
	d := mustLoadDemo(t)
	type ref struct {
		from, kind, key, customer string
	}
	var refs []ref
	for _, c := range d.Conversations {
		refs = append(refs, ref{"conversation " + c.Key, "customer", c.Customer, ""})
		for _, o := range c.Orders {
			refs = append(refs, ref{"conversation " + c.Key, "order", o, c.Customer})
		}
	}
	for _, o := range d.Orders {
		refs = append(refs, ref{"order " + o.Key, "customer", o.Customer, ""})
	}
	for _, c := range d.Calls {
		refs = append(refs, ref{"call " + c.Key, "customer", c.Customer, ""})
	}
	for _, f := range d.FollowUps {
		refs = append(refs, ref{"follow-up " + f.Key, "customer", f.Customer, ""})
		if f.Conversation != "" {
			refs = append(refs, ref{"follow-up " + f.Key, "conversation", f.Conversation, f.Customer})
		}
		if f.Order != "" {
			refs = append(refs, ref{"follow-up " + f.Key, "order", f.Order, f.Customer})
		}
	}
	for _, n := range d.Notes {
		refs = append(refs, ref{"note " + n.Key, "customer", n.Customer, ""})
		if n.Conversation != "" {
			refs = append(refs, ref{"note " + n.Key, "conversation", n.Conversation, n.Customer})
		}
		if n.Order != "" {
			refs = append(refs, ref{"note " + n.Key, "order", n.Order, n.Customer})
		}
	}
	for _, r := range refs {
		var owner string
		var ok bool
		switch r.kind {
		case "customer":
			_, ok = d.Customer(r.key)
		case "order":
			var o *DemoOrder
			if o, ok = d.Order(r.key); ok {
				owner = o.Customer
			}
		case "conversation":
			var c *DemoConversation
			if c, ok = d.Conversation(r.key); ok {
				owner = c.Customer
			}
		}
		switch {
		case !ok:
			t.Errorf("%s: %s %q does not exist", r.from, r.kind, r.key)
		case r.customer != "" && owner != r.customer:
			t.Errorf("%s: %s %s belongs to %s, not %s", r.from, r.kind, r.key, owner, r.customer)
		}
	}
	if len(refs) < 150 {
		t.Errorf("only %d references checked", len(refs))
	}
}

func TestDemoConversationsAlternate(t *testing.T) {
	d := mustLoadDemo(t)
	for _, c := range d.Conversations {
		t.Run(c.Key, func(t *testing.T) {
			cust, _ := d.Customer(c.Customer)
			if n := len(c.Messages); n < 1 || n > 5 {
				t.Fatalf("%d messages, want 1-5", n)
			}
			for i, m := range c.Messages {
				if strings.TrimSpace(m.Body.String()) == "" {
					t.Errorf("message %d has no body", i+1)
				}
				if i > 0 && m.Direction == c.Messages[i-1].Direction {
					t.Errorf("messages %d and %d are both %q", i, i+1, m.Direction)
				}
				if i > 0 && m.At <= c.Messages[i-1].At {
					t.Errorf("message %d (%s) is not after message %d (%s)", i+1, m.At, i, c.Messages[i-1].At)
				}
				if m.At > 0 {
					t.Errorf("message %d is in the future (%s)", i+1, m.At)
				}
				custAddr, shopAddr := m.From.Email, m.To[0].Email
				if m.Direction == "out" {
					custAddr, shopAddr = shopAddr, custAddr
				}
				if shopAddr != d.Shop.Email || !slices.Contains(cust.Emails, custAddr) {
					t.Errorf("message %d (%s) goes %s -> %s", i+1, m.Direction, m.From.Email, m.To[0].Email)
				}
				// Replies are signed in the customer's language.
				if m.Direction == "out" && (cust.Language == "en") == hasHan(m.Body.String()) {
					t.Errorf("message %d: reply language does not match customer language %s", i+1, cust.Language)
				}
			}
			last := c.Messages[len(c.Messages)-1]
			switch c.Status {
			case "open":
				if last.Direction != "in" {
					t.Errorf("open (waiting on us) but the last message is ours")
				}
			case "waiting":
				if last.Direction != "out" {
					t.Errorf("waiting on the customer but the customer wrote last")
				}
			case "closed":
			default:
				t.Errorf("status %q", c.Status)
			}
		})
	}
}

func TestDemoConversationMix(t *testing.T) {
	d := mustLoadDemo(t)
	count := map[string]int{}
	for _, c := range d.Conversations {
		count["lang:"+c.Language()]++
		count["status:"+c.Status]++
		if c.Status == "open" && !slices.ContainsFunc(c.Messages, func(m DemoMessage) bool { return m.Direction == "out" }) {
			count["unanswered"]++
		}
		if c.Messages[0].Direction == "out" {
			count["proactive"]++
		}
		charsets := map[string]bool{}
		for _, m := range c.Messages {
			if m.Charset != "" {
				charsets[m.Charset] = true
			}
			if len(m.Attachments) > 0 {
				count["attachments"]++
			}
		}
		for cs := range charsets {
			count["charset:"+cs]++
		}
	}
	for _, tc := range []struct {
		what string
		min  int
	}{
		{"lang:zh", 35},
		{"lang:en", 15},
		{"status:open", 10},
		{"status:waiting", 6},
		{"status:closed", 20},
		{"unanswered", 5},
		{"proactive", 4}, // payment reminder, out of stock, satisfaction visit, birthday
		{"charset:gbk", 4},
		{"charset:big5", 3},
		{"attachments", 6},
	} {
		if count[tc.what] < tc.min {
			t.Errorf("%s: %d, want at least %d", tc.what, count[tc.what], tc.min)
		}
	}
	t.Logf("%v", count)
}

// simplifiedOnly are common characters Big5 cannot encode (checked with a
// Big5 codec when the data was written): a Big5 message must not use them.
const simplifiedOnly = "这们说请问货发单买卖运费时间东还给让对过见门号吗么里"

func TestDemoLegacyCharsets(t *testing.T) {
	d := mustLoadDemo(t)
	for _, c := range d.Conversations {
		cust, _ := d.Customer(c.Customer)
		for i, m := range c.Messages {
			if m.Charset == "" || m.Charset == "utf-8" {
				continue
			}
			where := c.Key + " message " + string(rune('1'+i))
			if m.Direction != "in" {
				t.Errorf("%s: only customers' mail clients use %s", where, m.Charset)
			}
			for _, r := range m.Body.String() + m.From.Name + c.Subject {
				if !legacyEncodable(r) {
					t.Errorf("%s: %q (U+%04X) is unlikely to exist in %s", where, r, r, m.Charset)
				}
			}
			switch m.Charset {
			case "big5":
				if cust.Language != "zh-Hant" {
					t.Errorf("%s: Big5 from a %s customer", where, cust.Language)
				}
				if i := strings.IndexAny(m.Body.String()+c.Subject, simplifiedOnly); i >= 0 {
					t.Errorf("%s: simplified character in Big5 text: %q", where, m.Body)
				}
			case "gbk":
				if cust.Language != "zh-Hans" {
					t.Errorf("%s: GBK from a %s customer", where, cust.Language)
				}
			}
		}
	}
}

// legacyEncodable is a conservative check for GBK/Big5 text: ASCII, CJK
// ideographs, CJK and full-width punctuation, and a few common symbols.
func legacyEncodable(r rune) bool {
	switch {
	case r < 0x80:
		return true
	case r >= 0x4E00 && r <= 0x9FA5:
		return true
	case r >= 0x3000 && r <= 0x3011, r >= 0xFF01 && r <= 0xFF5E:
		return true
	case strings.ContainsRune("“”‘’…—·•", r):
		return true
	}
	return false
}

func TestDemoOrderNumbers(t *testing.T) {
	formats := map[string]*regexp.Regexp{
		"taobao":  regexp.MustCompile(`^[12]\d{17,18}$`),
		"tmall":   regexp.MustCompile(`^[1-3]\d{17,18}$`),
		"amazon":  regexp.MustCompile(`^\d{3}-\d{7}-\d{7}$`),
		"shopee":  regexp.MustCompile(`^\d{6}[0-9A-Z]{8}$`),
		"shopify": regexp.MustCompile(`^#\d{4}$`),
	}
	currencies := map[string][]string{
		"taobao": {"CNY"}, "tmall": {"CNY"}, "amazon": {"USD"},
		"shopee": {"MYR", "SGD"}, "shopify": {"USD", "SGD"},
	}
	d := mustLoadDemo(t)
	perPlatform := map[string]int{}
	for _, o := range d.Orders {
		perPlatform[o.Platform]++
		re, ok := formats[o.Platform]
		if !ok {
			t.Errorf("%s: unexpected platform %q", o.Key, o.Platform)
			continue
		}
		if !re.MatchString(o.Number) {
			t.Errorf("%s: %s number %q does not match %s", o.Key, o.Platform, o.Number, re)
		}
		if !slices.Contains(currencies[o.Platform], o.Currency) {
			t.Errorf("%s: %s order in %s", o.Key, o.Platform, o.Currency)
		}
	}
	for p := range formats {
		if perPlatform[p] < 4 {
			t.Errorf("%s: %d orders, want at least 4", p, perPlatform[p])
		}
	}
	t.Logf("orders per platform: %v", perPlatform)
}

func TestDemoTrackingNumbers(t *testing.T) {
	formats := map[string]*regexp.Regexp{
		"顺丰速运":          regexp.MustCompile(`^SF\d{13}$`),
		"中通快递":          regexp.MustCompile(`^7\d{13}$`),
		"圆通速递":          regexp.MustCompile(`^YT\d{13}$`),
		"韵达快递":          regexp.MustCompile(`^4\d{12}$`),
		"申通快递":          regexp.MustCompile(`^77\d{13}$`),
		"USPS":          regexp.MustCompile(`^9400\d{18}$`),
		"UPS":           regexp.MustCompile(`^1Z[0-9A-Z]{16}$`),
		"DHL Express":   regexp.MustCompile(`^\d{10}$`),
		"J&T Express":   regexp.MustCompile(`^6\d{11}$`),
		"Shopee Xpress": regexp.MustCompile(`^SPX[A-Z]{2}\d{9}$`),
		"Ninja Van":     regexp.MustCompile(`^NV[A-Z]{2}\d{10}$`),
	}
	d := mustLoadDemo(t)
	for _, o := range d.Orders {
		if o.Carrier == "" {
			if slices.Contains(demoShippedOrLater, o.Status) {
				t.Errorf("%s: %s without a carrier", o.Key, o.Status)
			}
			continue
		}
		re, ok := formats[o.Carrier]
		if !ok {
			t.Errorf("%s: unexpected carrier %q", o.Key, o.Carrier)
			continue
		}
		if !re.MatchString(o.Tracking) {
			t.Errorf("%s: %s tracking %q does not match %s", o.Key, o.Carrier, o.Tracking, re)
		}
	}
}

func TestDemoOrderCoverage(t *testing.T) {
	d := mustLoadDemo(t)
	seen := map[string]bool{}
	for _, o := range d.Orders {
		seen["status:"+o.Status] = true
		seen["currency:"+o.Currency] = true
		var sum int64
		for _, it := range o.Items {
			sum += int64(it.Quantity) * it.Price
		}
		if got := sum + o.Shipping - o.Discount; got != o.Total {
			t.Errorf("%s: total %d, computed %d", o.Key, o.Total, got)
		}
		for _, c := range o.Cases {
			seen["case:"+c.Kind] = true
			seen["state:"+c.State] = true
		}
	}
	for _, want := range []string{
		"status:pending_payment", "status:paid", "status:shipped", "status:delivered",
		"status:completed", "status:cancelled",
		"currency:CNY", "currency:USD", "currency:MYR", "currency:SGD",
		"case:return", "case:exchange", "case:refund", "case:reissue",
		"state:approved", "state:goods_back", "state:refunded", "state:closed",
	} {
		if !seen[want] {
			t.Errorf("no order with %s", want)
		}
	}
}

func TestDemoCustomers(t *testing.T) {
	d := mustLoadDemo(t)
	orders := map[string]int{} // non-cancelled, paid orders per customer
	pending := map[string]int{}
	for _, o := range d.Orders {
		switch o.Status {
		case "cancelled":
		case "pending_payment":
			pending[o.Customer]++
		default:
			orders[o.Customer]++
		}
	}
	seen := map[string]int{}
	for _, c := range d.Customers {
		seen["segment:"+c.Segment]++
		seen["language:"+c.Language]++
		if c.Birthday != "" || c.BirthdayIn != nil {
			seen["birthday"]++
		}
		if len(c.IM) > 0 {
			seen["im"]++
		}
		if hasHan(c.Name) {
			seen["chinese name"]++
		}
		n := orders[c.Key]
		switch c.Segment {
		case "prospect":
			if n != 0 {
				t.Errorf("%s is a prospect with %d paid orders", c.Key, n)
			}
		case "new":
			if n != 1 {
				t.Errorf("%s is new with %d paid orders, want 1", c.Key, n)
			}
		case "returning", "vip":
			if n < 2 {
				t.Errorf("%s is %s with %d paid orders, want 2 or more", c.Key, c.Segment, n)
			}
		}
	}
	for _, tc := range []struct {
		what string
		min  int
	}{
		{"segment:prospect", 3}, {"segment:new", 8}, {"segment:returning", 6}, {"segment:vip", 2},
		{"language:zh-Hans", 15}, {"language:en", 6}, {"language:zh-Hant", 2},
		{"birthday", 6}, {"im", 8}, {"chinese name", 15},
	} {
		if seen[tc.what] < tc.min {
			t.Errorf("%s: %d customers, want at least %d", tc.what, seen[tc.what], tc.min)
		}
	}
	// Phone numbers come in the mixed formats sellers really type.
	var phones []string
	for _, c := range d.Customers {
		for _, p := range c.Phones {
			phones = append(phones, p.Number)
		}
	}
	for _, pat := range []string{`^\+86 1\d\d \d{4} \d{4}$`, `^1\d{10}$`, `^\+1 \(\d{3}\) 555-01\d\d$`, `^\+60 1\d-`, `^\+65 \d{4} \d{4}$`, `^0\d{2,3}-`} {
		re := regexp.MustCompile(pat)
		if !slices.ContainsFunc(phones, re.MatchString) {
			t.Errorf("no phone like %s", pat)
		}
	}
}

func TestDemoFollowUpsSpread(t *testing.T) {
	d := mustLoadDemo(t)
	seen := map[string]int{}
	for _, f := range d.FollowUps {
		seen["kind:"+f.Kind]++
		switch due := f.Due.Duration(); {
		case f.Done != nil:
			seen["done"]++
		case due < 0:
			seen["overdue"]++
		case due < 12*time.Hour:
			seen["today"]++
		default:
			seen["upcoming"]++
		}
	}
	for _, want := range []string{"kind:satisfaction", "kind:complaint", "kind:after_sales", "kind:payment",
		"kind:care", "done", "overdue", "today", "upcoming"} {
		if seen[want] == 0 {
			t.Errorf("no follow-up %s", want)
		}
	}
	// The complaint SOP: escalate within 1 hour, call back within 72 hours.
	outcomes := map[string]bool{}
	for _, c := range d.Calls {
		outcomes[c.Outcome] = true
	}
	for _, o := range demoCallOutcomes {
		if !outcomes[o] {
			t.Errorf("no call with outcome %s", o)
		}
	}
}

func TestDemoEmailsReserved(t *testing.T) {
	d := mustLoadDemo(t)
	all := []string{d.Shop.Email}
	for _, c := range d.Customers {
		all = append(all, c.Emails...)
	}
	for _, c := range d.Conversations {
		for _, m := range c.Messages {
			all = append(all, m.From.Email)
			for _, a := range m.To {
				all = append(all, a.Email)
			}
		}
	}
	for _, e := range all {
		if !reservedEmail(e) {
			t.Errorf("%q is not on a reserved example domain", e)
		}
	}
}

func TestReservedEmail(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"a@qq.example", true},
		{"a@example.com", true},
		{"a@mail.example.org", true},
		{"a@x.test", true},
		{"a@qq.com", false},
		{"a@notexample.com", false},
		{"a@example.com.cn", false},
		{"no-at-sign", false},
	} {
		if got := reservedEmail(tc.in); got != tc.want {
			t.Errorf("reservedEmail(%q) = %v", tc.in, got)
		}
	}
}

func TestSamePhone(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"+86 138 0013 8000", "13800138000", true},
		{"0086 159 8823 4410", "159-8823-4410", true},
		{"+1 (415) 555-0134", "415 555 0134", true},
		{"025-8456 7321", "025-84567321", true},
		{"13800138000", "13800138001", false},
		{"", "", false},
		{"555", "+1 415 555", false},
	} {
		if got := samePhone(tc.a, tc.b); got != tc.want {
			t.Errorf("samePhone(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestParseOffset(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		str  string
	}{
		{"0", 0, "0s"},
		{"-45m", -45 * time.Minute, "-45m0s"},
		{"4h", 4 * time.Hour, "4h0m0s"},
		{"+4h", 4 * time.Hour, "4h0m0s"},
		{"3d", 72 * time.Hour, "3d"},
		{"-2d3h20m", -(51*time.Hour + 20*time.Minute), "-2d3h20m0s"},
		{"-1d19h10m", -(43*time.Hour + 10*time.Minute), "-1d19h10m0s"},
		{"6m40s", 6*time.Minute + 40*time.Second, "6m40s"},
	} {
		got, err := ParseOffset(tc.in)
		if err != nil || got.Duration() != tc.want {
			t.Errorf("ParseOffset(%q) = %v, %v; want %v", tc.in, got.Duration(), err, tc.want)
			continue
		}
		if got.String() != tc.str {
			t.Errorf("Offset(%q).String() = %q, want %q", tc.in, got.String(), tc.str)
		}
		if back, err := ParseOffset(got.String()); err != nil || back != got {
			t.Errorf("round trip of %q: %v, %v", tc.in, back, err)
		}
	}
	for _, bad := range []string{"", "-", "d", "2x", "-2d-3h", "1.5d", "3 days", "2d3", "--1h", "-d4h"} {
		if _, err := ParseOffset(bad); err == nil {
			t.Errorf("ParseOffset(%q) succeeded", bad)
		}
	}
}

func TestOffsetFromAndBirthday(t *testing.T) {
	now := time.Date(2025, 3, 30, 10, 0, 0, 0, time.UTC)
	o, _ := ParseOffset("-1d2h")
	if got := o.From(now); !got.Equal(time.Date(2025, 3, 29, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("From = %v", got)
	}
	in2, _ := ParseOffset("2d")
	for _, tc := range []struct {
		c    DemoCustomer
		want string
	}{
		{DemoCustomer{Birthday: "1968-03-02"}, "1968-03-02"},
		{DemoCustomer{Birthday: "--09-12"}, "--09-12"},
		{DemoCustomer{BirthdayIn: &in2, BirthYear: 1958}, "1958-04-01"},
		{DemoCustomer{BirthdayIn: &in2}, "--04-01"},
		{DemoCustomer{}, ""},
	} {
		if got := tc.c.BirthdayOn(now); got != tc.want {
			t.Errorf("BirthdayOn = %q, want %q", got, tc.want)
		}
	}
}

func TestTextJSON(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{`"one line"`, "one line"},
		{`["a", "", "b"]`, "a\n\nb"},
		{`[]`, ""},
	} {
		var got Text
		if err := json.Unmarshal([]byte(tc.in), &got); err != nil || string(got) != tc.want {
			t.Errorf("Unmarshal(%s) = %q, %v", tc.in, got, err)
		}
		b, _ := json.Marshal(got)
		var back Text
		if err := json.Unmarshal(b, &back); err != nil || back != got {
			t.Errorf("round trip of %s via %s: %q", tc.in, b, back)
		}
	}
	var x Text
	if err := json.Unmarshal([]byte(`42`), &x); err == nil {
		t.Error("a number was accepted as text")
	}
}

// TestValidateCatchesMistakes breaks the data in the ways a hand edit might
// and checks that Validate names the problem.
func TestValidateCatchesMistakes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(d *Demo)
		want   string
	}{
		{"dangling customer", func(d *Demo) { d.Conversations[0].Customer = "c99" }, `unknown customer "c99"`},
		{"dangling order", func(d *Demo) { d.Conversations[0].Orders = []string{"o99"} }, `unknown order "o99"`},
		{"order of someone else", func(d *Demo) {
			c := firstConv(d, func(c DemoConversation) bool { return c.Customer != d.Orders[0].Customer })
			c.Orders = []string{d.Orders[0].Key}
		}, "belongs to"},
		{"dangling follow-up conversation", func(d *Demo) { d.FollowUps[0].Conversation = "t99" }, `unknown conversation "t99"`},
		{"dangling note order", func(d *Demo) { d.Notes[0].Order = "o99" }, `unknown order "o99"`},
		{"duplicate key", func(d *Demo) { d.Orders[1].Key = d.Orders[0].Key }, "duplicate key"},
		{"bad key", func(d *Demo) { d.Calls[0].Key = "call one" }, "bad key"},
		{"two inbound in a row", func(d *Demo) {
			c := firstConv(d, func(c DemoConversation) bool { return len(c.Messages) >= 2 })
			c.Messages[1].Direction = c.Messages[0].Direction
		}, "must alternate"},
		{"empty body", func(d *Demo) { d.Conversations[0].Messages[0].Body = "  " }, "body is empty"},
		{"time goes back", func(d *Demo) {
			c := firstConv(d, func(c DemoConversation) bool { return len(c.Messages) >= 2 })
			c.Messages[1].At = c.Messages[0].At - 1
		}, "not after the previous message"},
		{"future message", func(d *Demo) {
			c := firstConv(d, func(c DemoConversation) bool { return len(c.Messages) == 1 })
			c.Messages[0].At = Offset(time.Hour)
		}, "in the future"},
		{"open but answered", func(d *Demo) {
			c := firstConv(d, func(c DemoConversation) bool { return c.Status == "waiting" })
			c.Status = "open"
		}, "we wrote last"},
		{"wrong sender", func(d *Demo) { d.Conversations[0].Messages[0].From.Email = "someone@else.example" }, "is not one of"},
		{"real email domain", func(d *Demo) { d.Customers[0].Emails[0] = "someone@qq.com" }, "reserved example domain"},
		{"wrong total", func(d *Demo) { d.Orders[0].Total++ }, "items + shipping - discount"},
		{"history ends elsewhere", func(d *Demo) { d.Orders[0].Status = "paid" }, "history ends with"},
		{"shipped without tracking", func(d *Demo) {
			o, _ := d.Order("o06")
			o.Carrier, o.Tracking = "", ""
		}, "needs a carrier and tracking"},
		{"refund above total", func(d *Demo) {
			o, _ := d.Order("o03")
			o.Cases[0].Amount = o.Total + 1
		}, "outside 0..total"},
		{"unknown segment", func(d *Demo) { d.Customers[0].Segment = "gold" }, `unknown segment "gold"`},
		{"unknown platform", func(d *Demo) { d.Orders[0].Platform = "etsy" }, `unknown platform "etsy"`},
		{"unknown follow-up kind", func(d *Demo) { d.FollowUps[0].Kind = "nag" }, `unknown kind "nag"`},
		{"call from a stranger's phone", func(d *Demo) { d.Calls[0].Phone = "+44 20 7946 0000" }, "is not one of"},
		{"customer created after activity", func(d *Demo) { d.Customers[0].Since = 0 }, "after their first activity"},
		{"bad birthday", func(d *Demo) { d.Customers[1].Birthday = "03/02/1968" }, "bad birthday"},
		{"unknown charset", func(d *Demo) { d.Conversations[0].Messages[0].Charset = "latin1" }, `unknown charset "latin1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := mustLoadDemo(t)
			tc.break_(&d)
			err := d.Validate()
			if err == nil {
				t.Fatal("Validate accepted broken data")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func firstConv(d *Demo, ok func(DemoConversation) bool) *DemoConversation {
	for i := range d.Conversations {
		if ok(d.Conversations[i]) {
			return &d.Conversations[i]
		}
	}
	panic("no such conversation")
}

// demoMapFS copies the embedded demo files into a MapFS that a test may edit.
func demoMapFS(t *testing.T, src fs.FS, dir string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	entries, err := fs.ReadDir(src, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(src, dir+"/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		m[dir+"/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	return m
}

func TestLoadDemoRejectsBadFiles(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		edit       func(string) string
		want       string
	}{
		{"unknown field", "demo/calls.json", func(s string) string {
			return strings.Replace(s, `"summary"`, `"sumary"`, 1)
		}, `unknown field "sumary"`},
		{"syntax error", "demo/notes.json", func(s string) string {
			return strings.Replace(s, `}`, `},,`, 1)
		}, "demo/notes.json:"},
		{"bad offset", "demo/orders.json", func(s string) string {
			return strings.Replace(s, `"placed": "-12d"`, `"placed": "12 days ago"`, 1)
		}, "bad offset"},
		{"trailing data", "demo/shop.json", func(s string) string { return s + "{}" }, "unexpected data"},
		{"missing file", "demo/followups.json", nil, "followups.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := demoMapFS(t, demoFS, "demo")
			if tc.edit == nil {
				delete(m, tc.file)
			} else {
				m[tc.file].Data = []byte(tc.edit(string(m[tc.file].Data)))
			}
			_, err := loadDemo(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("loadDemo = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestConversationLanguage(t *testing.T) {
	for _, tc := range []struct {
		body, want string
	}{
		{"您好，请问有货吗？", "zh"},
		{"請問寄台灣要多久？", "zh"},
		{"Hi, where is my parcel?", "en"},
	} {
		c := DemoConversation{Messages: []DemoMessage{{Body: Text(tc.body)}}}
		if got := c.Language(); got != tc.want {
			t.Errorf("Language(%q) = %s", tc.body, got)
		}
	}
	if !unicode.Is(unicode.Han, '竹') || !hasHan("竹") {
		t.Error("hasHan misses 竹")
	}
}
