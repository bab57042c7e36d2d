package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/shopdesk/shopdesk/storage"
)

func TestCustomerPanelEditSaves(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		fx.customer.Phones = []storage.Phone{{Number: "138 0013 8000", Label: "mobile"}}
		return seedConv(tx, &fx, mailSpec{in: true, at: clock, body: "hi"})
	})
	v := h.openConv(fx.conv.ID)
	p := v.panel
	test.Tap(p.edit)
	if !p.editing || p.nameE.Text != "林小雨" || p.phonesE.Text != "138 0013 8000" {
		t.Fatalf("the editor shows %q / %q", p.nameE.Text, p.phonesE.Text)
	}
	p.nameE.SetText("林小雨（老客户）")
	p.segmentS.SetSelectedIndex(slices.Index(storage.Segments, storage.SegmentVIP))
	p.tagsE.SetText("爱干净，怕热, 复购")
	p.emailsE.SetText("linxiaoyu@qq.example\nxiaoyu.lin@work.example")
	p.phonesE.SetText("13800138000\n021-5555 1234")
	p.notesE.SetText("喜欢灰色")
	test.Tap(p.save)
	h.waitFor("the editor to close", func() bool { return !p.editing })

	h.storeHolds("the customer saved", func(tx *storage.Tx) bool {
		c, _ := tx.Customer(fx.customer.ID)
		return c.Name == "林小雨（老客户）" && c.Segment == storage.SegmentVIP &&
			slices.Equal(c.Tags, []string{"爱干净", "怕热", "复购"}) &&
			slices.Equal(c.Emails, []string{"linxiaoyu@qq.example", "xiaoyu.lin@work.example"}) &&
			slices.Equal(c.Phones, []storage.Phone{{Number: "13800138000", Label: "mobile"}, {Number: "021-5555 1234"}}) &&
			c.Notes == "喜欢灰色"
	})
	h.waitFor("the panel to show the edit", func() bool { return p.name.Text == "林小雨（老客户）" })
	if p.segment.Text != "Key customer" || !strings.Contains(p.emails.Text, "xiaoyu.lin@work.example") {
		t.Errorf("the panel shows %q, %q", p.segment.Text, p.emails.Text)
	}
}

func TestCustomerPanelRefusesAnotherCustomersEmail(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedConv(tx, &fx, mailSpec{in: true, at: clock, body: "hi"}); err != nil {
			return err
		}
		return tx.SaveCustomer(&storage.Customer{Name: "王建国", Emails: []string{"wang@example.com"}})
	})
	v := h.openConv(fx.conv.ID)
	p := v.panel
	tests := []struct{ emails, says string }{
		{"linxiaoyu@qq.example\nWANG@example.com", "WANG@example.com already belongs to 王建国. An email address can belong to one customer only."},
		{"not an address", "not an address is not an email address."},
	}
	for _, tt := range tests {
		test.Tap(p.edit)
		p.nameE.SetText("typed, not lost")
		p.emailsE.SetText(tt.emails)
		test.Tap(p.save)
		h.waitFor("the refusal", func() bool { return p.problem.Visible() })
		if p.problem.Text != tt.says {
			t.Errorf("the panel says %q, want %q", p.problem.Text, tt.says)
		}
		if !p.editing || p.nameE.Text != "typed, not lost" {
			t.Error("the edit was thrown away")
		}
		test.Tap(p.cancel)
	}
	h.storeHolds("the customer unchanged", func(tx *storage.Tx) bool {
		c, _ := tx.Customer(fx.customer.ID)
		return c.Name == "林小雨" && slices.Equal(c.Emails, []string{"linxiaoyu@qq.example"})
	})
}

func TestCustomerPanelOrdersFollowUpsAndTimeline(t *testing.T) {
	var fx convFixture
	var due storage.FollowUp
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedConv(tx, &fx, mailSpec{in: true, at: clock.Add(-2 * time.Hour), body: "where is it?"}); err != nil {
			return err
		}
		o := storage.Order{CustomerID: fx.customer.ID, Platform: storage.PlatformTaobao, Number: "3921456789012345678",
			Total: 12850, Currency: "CNY", Status: storage.OrderShipped, Carrier: "顺丰", Tracking: "SF1234567890123"}
		if err := tx.SaveOrder(&o); err != nil {
			return err
		}
		if err := tx.SaveCall(&storage.Call{CustomerID: fx.customer.ID, Direction: storage.Inbound,
			Start: clock.Add(-time.Hour), Summary: "asked for tracking", Outcome: storage.CallResolved}); err != nil {
			return err
		}
		due = storage.FollowUp{CustomerID: fx.customer.ID, Kind: storage.FollowSatisfaction, Due: clock.Add(-time.Hour), Note: "回访满意度"}
		if err := tx.SaveFollowUp(&due); err != nil {
			return err
		}
		return tx.SaveFollowUp(&storage.FollowUp{CustomerID: fx.customer.ID, Kind: storage.FollowCare,
			Due: clock.Add(-48 * time.Hour), Done: clock.Add(-47 * time.Hour)})
	})
	v := h.openConv(fx.conv.ID)
	p := v.panel
	if !containsLabel(p.orders, "Taobao 3921456789012345678") || !containsLabel(p.orders, "顺丰 SF1234567890123") ||
		!containsLabel(p.orders, "Shipped  ·  ¥128.50") {
		t.Error("the order is not shown with its status and tracking")
	}
	if len(p.doneBtns) != 1 || p.doneBtns[due.ID] == nil {
		t.Fatalf("open follow-ups shown: %d", len(p.doneBtns))
	}
	// A satisfaction visit asks for the customer's rating first.
	test.Tap(p.doneBtns[due.ID])
	v.rating.rating.SetSelected("5 · Very satisfied")
	v.rating.dlg.Submit()
	h.storeHolds("the follow-up done", func(tx *storage.Tx) bool {
		f, _ := tx.FollowUp(due.ID)
		return !f.Done.IsZero() && f.Rating == 5
	})
	h.waitFor("the follow-up to leave the panel", func() bool { return len(p.doneBtns) == 0 })

	test.Tap(p.timeline)
	h.waitFor("the timeline", func() bool { return p.shownTimeline != nil && p.shownTimeline.loaded })
	tl := p.shownTimeline
	if top := h.desk.views[len(h.desk.views)-1]; top.content == v.root {
		t.Error("the timeline is not shown over the conversation")
	}
	var rows []string
	for i := range tl.entries {
		row := rowTexts(tl.list, i) // text, date, kind
		rows = append(rows, row[2]+": "+row[0])
	}
	// The order's status change and the rated visit's done time are stamped
	// by the store's clock, not the test's. Newest first.
	want := []string{
		"Follow-up: Satisfaction call-back  ·  ★5 · 回访满意度",
		"Order: 3921456789012345678  ·  Shipped",
		"Incoming call: asked for tracking  ·  Resolved",
		"Email from the customer: 凉席尺寸问题",
		"Follow-up: Customer care",
	}
	if strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	h.desk.pop()
	if top := h.desk.views[len(h.desk.views)-1]; top.content != v.root {
		t.Error("going back from the timeline does not show the conversation")
	}
}
