package ui

import (
	"strconv"

	"fmt"
	"github.com/shopdesk/shopdesk/assets"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/shopdesk/shopdesk/storage"
)

// library is the canned replies the picker tests search.
var library = []storage.CannedReply{
	{Category: "物流/物流延迟", Title: "物流延迟安抚", Shortcut: "delay", Language: "zh-Hans", UsageCount: 2,
		Variants: []storage.CannedVariant{{Body: "{{customer.name|亲}}您好，订单{{order.number}}已由{{order.carrier}}发出，预计{{date +3d}}前送到。"}, {Body: "第二种说法"}}},
	{Category: "Logistics/Delay", Title: "Shipping delay", Shortcut: "delay", Language: "en", UsageCount: 9,
		Variants: []storage.CannedVariant{{Body: "Hi {{customer.first_name|there}}, order {{order.number}} is on its way with {{order.carrier}}."}}},
	{Category: "售后/退款进度", Title: "退款进度", Shortcut: "refund", Language: "zh-Hans", UsageCount: 5,
		Variants: []storage.CannedVariant{{Body: "{{customer.name|亲}}，退款已原路退回，单号{{order.tracking}}。"}}},
	{Category: "Pre-sale/Greeting", Title: "Greeting", Shortcut: "hi", Language: "en",
		Variants: []storage.CannedVariant{{Body: "Hi {{customer.first_name|there}}, I'm {{agent.name}} from {{shop.name}}."}}},
}

func seedLibrary(tx *storage.Tx) error {
	for _, r := range library {
		if err := tx.SaveCannedReply(&r); err != nil {
			return err
		}
	}
	return nil
}

// newPickerHarness is the shop with the library, and a reply being written.
func newPickerHarness(t *testing.T, customerName string) (*harness, *shop, *composer) {
	t.Helper()
	s := &shop{}
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedShop(tx, s, customerName); err != nil {
			return err
		}
		return seedLibrary(tx)
	})
	c := openComposer(h, composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
	return h, s, c
}

// waitForLibrary waits until the open picker has loaded the replies.
func waitForLibrary(h *harness, p *cannedPicker) {
	h.t.Helper()
	h.waitFor("the picker's replies", func() bool { return p.visible() && len(p.all) == len(library) })
}

func titles(rs []storage.CannedReply) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Title
	}
	return out
}

func TestFilterCanned(t *testing.T) {
	// The picker sorts most-used first before filtering.
	all := []storage.CannedReply{library[1], library[2], library[0], library[3]}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"Shipping delay", "退款进度", "物流延迟安抚", "Greeting"}},
		{"物流", []string{"物流延迟安抚"}},
		{"退款", []string{"退款进度"}},
		{"SHIPPING", []string{"Shipping delay"}},
		{"/delay", []string{"Shipping delay", "物流延迟安抚"}},
		{"logistics", []string{"Shipping delay"}},
		{"原路", []string{"退款进度"}},                   // the body
		{"on its way", []string{"Shipping delay"}}, // every word
		{"hi", []string{"Greeting", "Shipping delay"}},
		{"nothing like it", nil},
	}
	for _, tt := range tests {
		if got := titles(filterCanned(indexCanned(all), tt.query)); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%q: %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestCannedPickerInsertsAFilledReply(t *testing.T) {
	tests := []struct {
		name, customer, query string
		down                  int
		want, used            string
	}{
		{"Chinese query", "王芳", "物流", 0, "王芳您好，订单TB2025112012345已由顺丰发出，预计11月23日前送到。", "物流延迟安抚"},
		{"fallback for a nameless customer", "", "物流", 0, "亲您好，订单TB2025112012345已由顺丰发出，预计11月23日前送到。", "物流延迟安抚"},
		{"English query, most used first", "Alice Smith", "DELAY", 0, "Hi Alice, order TB2025112012345 is on its way with 顺丰.", "Shipping delay"},
		{"arrow keys pick the next", "Alice Smith", "delay", 1, "Alice Smith您好，订单TB2025112012345已由顺丰发出，预计11月23日前送到。", "物流延迟安抚"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _, c := newPickerHarness(t, tt.customer)
			c.body.SetText("")
			pressCtrl(c.body, fyne.KeyK)
			p := c.picker
			waitForLibrary(h, p)
			if c.win.Canvas().Focused() != p.search {
				t.Error("the search field does not have the focus")
			}
			test.Type(p.search, tt.query)
			for range tt.down {
				p.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
			}
			p.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			if p.visible() {
				t.Error("the picker stays open")
			}
			if c.body.Text != tt.want {
				t.Errorf("body = %q, want %q", c.body.Text, tt.want)
			}
			if c.win.Canvas().Focused() != c.body {
				t.Error("the body did not get the focus back")
			}
			c.writes.Wait()
			var used []string
			h.update(func(tx *storage.Tx) error {
				rs, err := tx.CannedReplies()
				for i, r := range rs {
					if r.UsageCount != library[i].UsageCount {
						used = append(used, fmt.Sprintf("%s %d->%d at %s", r.Title, library[i].UsageCount, r.UsageCount, r.LastUsed.UTC().Format(time.DateTime)))
					}
				}
				return err
			})
			if len(used) != 1 || !strings.HasSuffix(used[0], " at 2025-11-20 10:00:00") || !strings.Contains(used[0], fmt.Sprintf("%d->%d", libraryUsage(tt.used), libraryUsage(tt.used)+1)) || !strings.HasPrefix(used[0], tt.used) {
				t.Errorf("uses recorded: %q", used)
			}
		})
	}
}

func libraryUsage(title string) int {
	for _, r := range library {
		if r.Title == title {
			return r.UsageCount
		}
	}
	return -1
}

func TestSlashAtLineStartOpensThePicker(t *testing.T) {
	h, _, c := newPickerHarness(t, "王芳")
	p := c.picker

	c.body.SetText("")
	test.Type(c.body, "好的/")
	if p.visible() {
		t.Fatal("a slash inside a line opened the picker")
	}
	test.Type(c.body, "\n/")
	waitForLibrary(h, p)
	if p.slash != 4 {
		t.Errorf("slash at %d, want 4", p.slash)
	}
	test.Type(p.search, "refund")
	p.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnter})
	leaveFillInEmpty(t, c)
	want := "好的/\n王芳，退款已原路退回，单号{{order.tracking}}。"
	if c.body.Text != want {
		t.Errorf("body = %q, want %q", c.body.Text, want)
	}

	t.Run("Esc closes it and keeps the slash", func(t *testing.T) {
		test.Type(c.body, "\n/")
		h.waitFor("the picker", p.visible)
		p.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
		if p.visible() || c.body.Text != want+"\n/" || c.win.Canvas().Focused() != c.body {
			t.Errorf("after Esc: open %v, body %q", p.visible(), c.body.Text)
		}
		c.body.SetText(want) // not a typed slash: no picker
		if p.visible() {
			t.Error("setting the text opened the picker")
		}
	})

	t.Run("Send is refused while a placeholder is unfilled", func(t *testing.T) {
		c.sendNow()
		if got := dialogText(c.win); !strings.Contains(got, "Fill in {{order.tracking}} before sending") {
			t.Errorf("dialog = %q", got)
		}
		if n := len(h.outboxItems()); n != 0 || c.busy {
			t.Errorf("%d items queued", n)
		}
		c.body.SetText(strings.Replace(c.body.Text, "{{order.tracking}}", "SF1234567890", 1))
		c.sendNow()
		h.waitFor("the reply queued", func() bool { return c.outboxID.Load() != 0 })
	})
}

func TestCannedPickerByClick(t *testing.T) {
	h, _, c := newPickerHarness(t, "王芳")
	c.body.SetText("")
	test.Tap(c.canned) // the toolbar button
	p := c.picker
	waitForLibrary(h, p)
	test.Type(p.search, "退款")
	p.list.Select(0) // what a click on the (already marked) first row does
	leaveFillInEmpty(t, c)
	if want := "王芳，退款已原路退回，单号{{order.tracking}}。"; c.body.Text != want || p.visible() {
		t.Errorf("body = %q (picker open %v), want %q", c.body.Text, p.visible(), want)
	}
	// Opened again, the search starts empty and the click works again;
	// the most used reply is on top and goes in at the cursor.
	test.Tap(c.canned)
	waitForLibrary(h, p)
	if p.search.Text != "" || len(p.shown) != len(library) {
		t.Errorf("reopened with search %q and %d rows", p.search.Text, len(p.shown))
	}
	p.list.Select(0)
	if want := "王芳，退款已原路退回，单号{{order.tracking}}。Hi 王芳, order TB2025112012345 is on its way with 顺丰."; c.body.Text != want {
		t.Errorf("body after a second pick = %q", c.body.Text)
	}
}

func TestCannedRepliesInTheCustomersLanguageFirst(t *testing.T) {
	replies := func() []storage.CannedReply {
		return []storage.CannedReply{
			{Title: "Delivery delay", Language: "en", UsageCount: 9},
			{Title: "物流延迟安抚", Language: "zh-Hans", UsageCount: 1},
			{Title: "Greeting", Language: "en", UsageCount: 5},
		}
	}
	cases := []struct {
		customer string
		first    string
	}{
		{"zh-Hans", "物流延迟安抚"},
		{"zh-Hant", "物流延迟安抚"}, // no Traditional library: the Simplified one is nearest
		{"en", "Delivery delay"},
		{"", "Delivery delay"}, // unknown: most used first
	}
	for _, c := range cases {
		rs := replies()
		sortCanned(rs, c.customer)
		if rs[0].Title != c.first {
			t.Errorf("customer language %q: first %q, want %q", c.customer, rs[0].Title, c.first)
		}
	}
}

// BenchmarkPickerSearch2000 is one keystroke in the picker over a library
// of 2,000 replies (the default library repeated): the budget is
// 5 ms. Run: go test ./ui -run XXX -bench PickerSearch2000
func BenchmarkPickerSearch2000(b *testing.B) {
	defaults, err := assets.LoadCannedReplies()
	if err != nil {
		b.Fatal(err)
	}
	replies := make([]storage.CannedReply, 0, 2000)
	for i := 0; len(replies) < 2000; i++ {
		d := defaults[i%len(defaults)]
		r := storage.CannedReply{ID: uint64(i + 1), Category: d.Category, Title: d.Title, Shortcut: d.Shortcut + strconv.Itoa(i), Language: d.Language}
		for _, v := range d.Variants {
			r.Variants = append(r.Variants, storage.CannedVariant{Body: v})
		}
		replies = append(replies, r)
	}
	items := indexCanned(replies)
	queries := []string{"d", "de", "del", "dela", "delay", "物", "物流", "物流延迟", "refund 3 days", "退款"}
	b.ResetTimer()
	for i := range b.N {
		if got := filterCanned(items, queries[i%len(queries)]); len(got) == 0 {
			b.Fatalf("%q found nothing", queries[i%len(queries)])
		}
	}
}

// leaveFillInEmpty answers the fill-in form for the order's missing
// tracking number with Enter, leaving the field empty.
func leaveFillInEmpty(t *testing.T, c *composer) {
	t.Helper()
	f := c.picker.fill
	if f == nil || !f.visible() || len(f.entries) != 1 {
		t.Fatal("no fill-in form for the tracking number")
	}
	f.entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}
