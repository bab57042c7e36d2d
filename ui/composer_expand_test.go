package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/shopdesk/shopdesk/storage"
)

// shipReplies are the "ship" reply in two languages, on top of the
// picker tests' library.
var shipReplies = []storage.CannedReply{
	{Category: "Logistics/Shipping time", Title: "Shipping time", Shortcut: "ship", Language: "en", UsageCount: 20,
		Variants: []storage.CannedVariant{{Body: "Hi {{customer.first_name|there}}, order {{order.number}} ships today with {{order.carrier}}."}}},
	{Category: "物流/发货时间", Title: "发货时间", Shortcut: "ship", Language: "zh-Hans", UsageCount: 1,
		Variants: []storage.CannedVariant{{Body: "{{customer.name|亲}}您好，订单{{order.number}}今天由{{order.carrier}}发出。"}}},
}

// newExpandHarness is the shop with the library and the "ship" replies,
// for a customer writing customerLang, and a reply being written.
func newExpandHarness(t *testing.T, customerLang string) (*harness, *composer) {
	t.Helper()
	s := &shop{}
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedShop(tx, s, "王芳"); err != nil {
			return err
		}
		s.customer.Language = customerLang
		if err := tx.SaveCustomer(&s.customer); err != nil {
			return err
		}
		if err := seedLibrary(tx); err != nil {
			return err
		}
		for _, r := range shipReplies {
			if err := tx.SaveCannedReply(&r); err != nil {
				return err
			}
		}
		return nil
	})
	c := openComposer(h, composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
	c.body.SetText("")
	return h, c
}

// usage is each reply's use count, by title.
func (h *harness) usage() map[string]int {
	out := map[string]int{}
	h.update(func(tx *storage.Tx) error {
		rs, err := tx.CannedReplies()
		for _, r := range rs {
			out[r.Title] = r.UsageCount
		}
		return err
	})
	return out
}

func TestSlashShortcutTabExpandsInPlace(t *testing.T) {
	tests := []struct {
		name, lang, want, used string
	}{
		{"the customer's language wins", "zh-Hans", "好的\n王芳您好，订单TB2025112012345今天由顺丰发出。", "发货时间"},
		{"the same base language next", "zh-Hant", "好的\n王芳您好，订单TB2025112012345今天由顺丰发出。", "发货时间"},
		{"English", "en", "好的\nHi 王芳, order TB2025112012345 ships today with 顺丰.", "Shipping time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, c := newExpandHarness(t, tt.lang)
			before := h.usage()
			test.Type(c.body, "好的\n/ship")
			c.body.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
			if c.body.Text != tt.want {
				t.Errorf("body = %q, want %q", c.body.Text, tt.want)
			}
			if c.picker.visible() || c.win.Canvas().Focused() != c.body {
				t.Errorf("picker open %v, focus on the body %v", c.picker.visible(), c.win.Canvas().Focused() == c.body)
			}
			c.writes.Wait()
			if after := h.usage(); after[tt.used] != before[tt.used]+1 || len(after) != len(before) {
				t.Errorf("uses %v -> %v", before, after)
			}
		})
	}
	t.Run("an unknown shortcut is a normal Tab", func(t *testing.T) {
		_, c := newExpandHarness(t, "zh-Hans")
		test.Type(c.body, "/nope")
		c.body.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
		if c.body.Text != "/nope\t" {
			t.Errorf("body = %q", c.body.Text)
		}
	})
	t.Run("not at the start of a line", func(t *testing.T) {
		_, c := newExpandHarness(t, "zh-Hans")
		test.Type(c.body, "see /ship")
		c.body.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
		if c.body.Text != "see /ship\t" {
			t.Errorf("body = %q", c.body.Text)
		}
	})
}

func TestCtrlDigitInsertsPinnedReplies(t *testing.T) {
	h, c := newExpandHarness(t, "zh-Hans")
	before := h.usage()
	test.Type(c.body, "好的，")
	pressCtrl(c.body, fyne.Key1) // zh replies by use: 退款进度 5, 物流延迟安抚 2, 发货时间 1
	// The order has no tracking number: it is asked for, and left empty.
	if c.picker.fill == nil || !c.picker.fill.visible() {
		t.Fatal("no fill-in form for the tracking number")
	}
	c.picker.fill.entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	want := "好的，王芳，退款已原路退回，单号{{order.tracking}}。"
	if c.body.Text != want {
		t.Errorf("body after Ctrl+1 = %q, want %q", c.body.Text, want)
	}
	pressCtrl(c.body, fyne.Key9) // no ninth: nothing happens
	if c.body.Text != want {
		t.Errorf("body after Ctrl+9 = %q", c.body.Text)
	}
	c.writes.Wait()
	if after := h.usage(); after["退款进度"] != before["退款进度"]+1 {
		t.Errorf("uses %v -> %v", before, after)
	}
}

func TestPinnedReplies(t *testing.T) {
	var all []storage.CannedReply
	for i := range 12 {
		all = append(all, storage.CannedReply{Title: fmt.Sprint("zh", i), Language: "zh-Hans", UsageCount: i, Variants: []storage.CannedVariant{{Body: "x"}}})
	}
	all = append(all, storage.CannedReply{Title: "en", Language: "en", UsageCount: 100, Variants: []storage.CannedVariant{{Body: "x"}}},
		storage.CannedReply{Title: "empty", Language: "zh-Hans", UsageCount: 100})
	got := titles(pinnedReplies(all, "zh-CN"))
	if fmt.Sprint(got) != "[zh11 zh10 zh9 zh8 zh7 zh6 zh5 zh4 zh3]" {
		t.Errorf("pinned for zh-CN = %v", got)
	}
	if got := titles(pinnedReplies(all, "")); len(got) != 9 || got[0] != "en" {
		t.Errorf("pinned for an unknown language = %v", got)
	}
}

func TestSlashWord(t *testing.T) {
	for _, tt := range []struct {
		text   string
		cursor int
		at     int
		word   string
	}{
		{"/ship", 5, 0, "ship"},
		{"好的\n/ship", 8, 3, "ship"},
		{"a /ship", 7, -1, ""},
		{"/", 1, -1, ""},
		{"/ship now", 9, -1, ""},
		{"/ship", 3, 0, "sh"},
	} {
		if at, word := slashWord(tt.text, tt.cursor); at != tt.at || word != tt.word {
			t.Errorf("slashWord(%q, %d) = %d %q, want %d %q", tt.text, tt.cursor, at, word, tt.at, tt.word)
		}
	}
}

// In the app, "/" at the start of a line opens the picker and the
// shortcut is typed into its search field: Tab there expands it too.
func TestTabInThePickerExpandsTheShortcut(t *testing.T) {
	_, c := newExpandHarness(t, "zh-Hans")
	test.Type(c.body, "好的\n/")
	c.picker.open(len([]rune("好的\n")))
	test.Type(c.picker.search, "ship")
	if !c.picker.search.AcceptsTab() {
		t.Fatal("the search field would give Tab to focus traversal")
	}
	c.picker.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	if want := "好的\n王芳您好，订单TB2025112012345今天由顺丰发出。"; c.body.Text != want {
		t.Errorf("body = %q, want %q", c.body.Text, want)
	}
	if c.picker.visible() {
		t.Error("the picker is still open")
	}
	c.writes.Wait()
}
