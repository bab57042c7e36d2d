package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// searchShown is what a drawn search row shows: its heading, or its
// title and snippet with the highlighted parts.
type searchShown struct {
	heading     string
	title       string
	highlighted []string
}

func drawSearchRow(v *searchView, id int) searchShown {
	o := v.newRow()
	v.updateRow(id, o)
	stack := o.(*fyne.Container)
	if h := stack.Objects[0].(*widget.Label); h.Visible() {
		return searchShown{heading: h.Text}
	}
	texts := stack.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container)
	var s searchShown
	for i, rt := range []*widget.RichText{texts.Objects[0].(*widget.RichText), texts.Objects[1].(*widget.RichText)} {
		for _, seg := range rt.Segments {
			ts := seg.(*widget.TextSegment)
			if i == 0 {
				s.title += ts.Text
			}
			if ts.Style.ColorName == theme.ColorNamePrimary {
				s.highlighted = append(s.highlighted, ts.Text)
			}
		}
	}
	return s
}

func TestGlobalSearch(t *testing.T) {
	var wangConv, orderID uint64
	h := newHarness(t, func(tx *storage.Tx) error {
		wang := storage.Customer{Name: "王芳", Emails: []string{"wangfang@example.test"}}
		if err := tx.SaveCustomer(&wang); err != nil {
			return err
		}
		conv := storage.Conversation{CustomerID: wang.ID, Subject: "退貨申請", Created: clock}
		if err := tx.SaveConversation(&conv); err != nil {
			return err
		}
		wangConv = conv.ID
		m := storage.Message{ConversationID: conv.ID, Direction: storage.Inbound, Date: clock.Add(-time.Hour),
			From: storage.Address{Name: "王芳", Email: "wangfang@example.test"}, Subject: "退貨申請",
			Text: "您好，床单颜色不对，我想退货。订单号 TB20251120001"}
		if err := tx.SaveMessage(&m, nil); err != nil {
			return err
		}
		other := storage.Message{ConversationID: conv.ID, Direction: storage.Inbound, Date: clock.Add(-2 * time.Hour),
			From: storage.Address{Email: "wangfang@example.test"}, Subject: "尺码", Text: "货到了，退回运费谁出？"}
		if err := tx.SaveMessage(&other, nil); err != nil {
			return err
		}
		o := storage.Order{CustomerID: wang.ID, Platform: storage.PlatformTaobao, Number: "TB20251120001",
			Carrier: "顺丰", Tracking: "SF1234567890"}
		if err := tx.SaveOrder(&o); err != nil {
			return err
		}
		orderID = o.ID
		return nil
	})
	rec := &recorder{}
	h.desk.actions = rec
	// The index is built on the first search, not at start-up.
	h.settle()
	if h.desk.search.ix.Ready() || h.desk.search.ix.Len() != 0 {
		t.Fatal("the search index was built before anyone searched")
	}

	// Ctrl+F from another screen opens the search with the cursor in its box.
	h.showPage("orders")
	c := h.win.Canvas()
	c.(fyne.Shortcutable).TypedShortcut(shortcutSearch)
	v := h.desk.search.view
	if v == nil || c.Focused() != v.entry {
		t.Fatal("Ctrl+F did not open the search with the cursor in its box")
	}
	h.waitFor("the search index", func() bool { return h.desk.search.ix.Ready() })

	// Simplified 退货 finds the Traditional subject too, grouped by kind.
	v.entry.SetText("退货")
	h.waitFor("results", func() bool { return len(v.rows) > 0 })
	var got []searchShown
	for i := range v.rows {
		got = append(got, drawSearchRow(v, i))
	}
	if len(got) != 2 || got[0].heading != "Messages (1)" {
		t.Fatalf("rows = %+v, want the Messages heading and one hit", got)
	}
	if got[1].title != "退貨申請" || !slices.Equal(got[1].highlighted, []string{"退貨", "退货"}) {
		t.Errorf("hit = %+v, want 退貨 in the title and 退货 in the snippet highlighted", got[1])
	}
	if !strings.Contains(v.status.Text, "1 found") {
		t.Errorf("status = %q", v.status.Text)
	}

	// Enter opens the conversation of the hit under the cursor.
	v.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !slices.Equal(rec.opened, []uint64{wangConv}) {
		t.Errorf("Enter opened %v, want conversation %d", rec.opened, wangConv)
	}

	// An order number finds the order and the message that names it; the
	// keys move over the hits, skipping headings, and Enter opens the order.
	v.entry.SetText("tb20251120001")
	h.waitFor("order results", func() bool {
		return len(v.rows) == 4 && v.rows[2].heading && v.rows[2].kind == storage.KindOrder
	})
	if v.selected != 1 {
		t.Errorf("cursor on row %d, want the first hit", v.selected)
	}
	v.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if v.selected != 3 {
		t.Fatalf("Down moved the cursor to row %d, want the order on row 3", v.selected)
	}
	views := len(h.desk.views)
	v.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(h.desk.views) != views+1 {
		t.Fatalf("Enter on the order opened no view")
	}
	if v.rows[3].hit.ID != orderID {
		t.Errorf("row 3 is %+v, want order %d", v.rows[3].hit, orderID)
	}
	h.settle()
	// Esc goes back to the search with its results.
	h.desk.pop()
	if h.desk.views[len(h.desk.views)-1].content != v.root {
		t.Error("Esc from the order did not come back to the search")
	}

	// A mistyped date filter says how to write it; nothing found says so.
	v.entry.SetText("before:yesterday")
	h.waitFor("the date hint", func() bool { return v.status.Text == "Write dates as 2025-11-20" })
	v.entry.SetText("不存在的词")
	h.waitFor("nothing found", func() bool { return v.status.Text == "Nothing found" && len(v.rows) == 0 })
	h.settle()
}

// New mail is searchable as soon as it is saved: the index follows the store.
func TestGlobalSearchFollowsStore(t *testing.T) {
	h := newHarness(t, nil)
	h.desk.openSearch()
	h.waitFor("the search index", func() bool { return h.desk.search.ix.Ready() })
	v := h.desk.search.view
	v.entry.SetText("物流延迟")
	h.waitFor("no results", func() bool { return v.ran && len(v.rows) == 0 })
	h.update(func(tx *storage.Tx) error {
		cu := storage.Customer{Name: "李娜"}
		if err := tx.SaveCustomer(&cu); err != nil {
			return err
		}
		conv := storage.Conversation{CustomerID: cu.ID, Subject: "物流"}
		if err := tx.SaveConversation(&conv); err != nil {
			return err
		}
		m := storage.Message{ConversationID: conv.ID, Direction: storage.Inbound, Date: clock, Subject: "物流",
			Text: "快递三天没动，物流延迟太久了"}
		return tx.SaveMessage(&m, nil)
	})
	h.desk.search.ix.Flush()
	v.entry.SetText("物流延迟 ")
	h.waitFor("the new message", func() bool { return len(v.rows) == 2 })
	h.settle()
}
