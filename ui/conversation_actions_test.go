package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/shopdesk/shopdesk/storage"
)

// TestConversationActions drives each action as the seller would and
// checks what it wrote to the store.
func TestConversationActions(t *testing.T) {
	tomorrow9 := atNine(clock.In(time.Local), 1)
	later, _ := time.ParseInLocation(whenLayout, "2030-01-02 08:30", time.Local)
	tests := []struct {
		name  string
		prep  func(tx *storage.Tx, fx *convFixture) error // before the conversation is saved
		act   func(h *harness, v *conversationView)
		check func(tx *storage.Tx, fx *convFixture) bool
	}{
		{
			name:  "close",
			act:   func(h *harness, v *conversationView) { test.Tap(v.actions.closeBtn) },
			check: func(tx *storage.Tx, fx *convFixture) bool { return conv(tx, fx).Status == storage.StatusClosed },
		},
		{
			name: "reopen wakes a snooze",
			prep: func(tx *storage.Tx, fx *convFixture) error {
				fx.conv.Status, fx.conv.SnoozedUntil = storage.StatusClosed, clock.Add(time.Hour)
				return nil
			},
			act: func(h *harness, v *conversationView) {
				if v.actions.closeBtn.Visible() || !v.actions.reopenBtn.Visible() {
					h.t.Error("a closed conversation offers Close, not Reopen")
				}
				test.Tap(v.actions.reopenBtn)
			},
			check: func(tx *storage.Tx, fx *convFixture) bool {
				c := conv(tx, fx)
				return c.Status == storage.StatusOpen && c.SnoozedUntil.IsZero()
			},
		},
		{
			name: "snooze until tomorrow 9:00",
			act: func(h *harness, v *conversationView) {
				test.Tap(v.actions.snoozeBtn)
				test.Tap(v.actions.snooze.presets[1])
			},
			check: func(tx *storage.Tx, fx *convFixture) bool { return conv(tx, fx).SnoozedUntil.Equal(tomorrow9) },
		},
		{
			name: "snooze until a typed date",
			act: func(h *harness, v *conversationView) {
				test.Tap(v.actions.snoozeBtn)
				v.actions.snooze.when.SetText("2030-01-02 08:30")
				test.Tap(v.actions.snooze.set)
			},
			check: func(tx *storage.Tx, fx *convFixture) bool { return conv(tx, fx).SnoozedUntil.Equal(later) },
		},
		{
			name: "add a tag, folded and trimmed",
			act: func(h *harness, v *conversationView) {
				test.Tap(v.actions.tagsBtn)
				if !slices.Contains(v.actions.tags.offered, "VIP") {
					h.t.Errorf("tags in use not suggested: %q", v.actions.tags.offered)
				}
				v.actions.tags.entry.SetText("  物流   延迟 ")
				test.Tap(v.actions.tags.add)
			},
			check: func(tx *storage.Tx, fx *convFixture) bool {
				return slices.Equal(conv(tx, fx).Tags, []string{"售后", "物流 延迟"})
			},
		},
		{
			name: "remove a tag",
			act: func(h *harness, v *conversationView) {
				test.Tap(v.actions.tagsBtn)
				test.Tap(v.actions.tags.removes["售后"])
			},
			check: func(tx *storage.Tx, fx *convFixture) bool { return len(conv(tx, fx).Tags) == 0 },
		},
		{
			name: "internal note",
			act: func(h *harness, v *conversationView) {
				test.Tap(v.actions.noteBtn)
				v.actions.noteText.SetText("客户很着急，优先处理")
				v.actions.note.Submit()
			},
			check: func(tx *storage.Tx, fx *convFixture) bool {
				ns, _ := tx.NotesAbout(storage.KindConversation, fx.conv.ID)
				return len(ns) == 1 && ns[0].Text == "客户很着急，优先处理" && ns[0].CustomerID == fx.customer.ID
			},
		},
		{
			name: "call that needs a follow-up",
			act: func(h *harness, v *conversationView) {
				test.Tap(v.actions.callBtn)
				f := v.actions.call
				if f.phone.Text != "138 0013 8000" {
					h.t.Errorf("the customer's number is not offered: %q", f.phone.Text)
				}
				if f.chosen.ID != h.desk.shownConv.data.customer.ID || f.convID != v.id {
					h.t.Errorf("the dialog is not on the conversation's customer: %+v, conversation %d", f.chosen, f.convID)
				}
				f.direction.SetSelected("Outgoing")
				f.duration.SetText("7m")
				f.summary.SetText("包裹破损，要补发")
				f.outcome.SetSelectedIndex(1)
				if f.due.Hidden || f.due.Text != tomorrow9.Format(whenLayout) {
					h.t.Errorf("follow-up date %q (hidden %v), want tomorrow at 9", f.due.Text, f.due.Hidden)
				}
				test.Tap(f.saveBtn)
			},
			check: func(tx *storage.Tx, fx *convFixture) bool {
				cs, _ := tx.CallsOf(fx.customer.ID)
				fs, _ := tx.FollowUpsOf(fx.customer.ID)
				return len(cs) == 1 && cs[0].Direction == storage.Outbound && cs[0].Duration == 7*time.Minute &&
					cs[0].Phone == "138 0013 8000" && cs[0].Outcome == storage.CallFollowUp && cs[0].Summary == "包裹破损，要补发" &&
					len(fs) == 1 && fs[0].Due.Equal(tomorrow9) && fs[0].ConversationID == fx.conv.ID && fs[0].Done.IsZero()
			},
		},
		{
			name: "new follow-up",
			act: func(h *harness, v *conversationView) {
				test.Tap(v.actions.followBtn)
				f := v.actions.follow
				f.kind.SetSelectedIndex(1)
				f.due.SetText("2030-01-02 08:30")
				f.note.SetText("确认补发已收到")
				f.dlg.Submit()
			},
			check: func(tx *storage.Tx, fx *convFixture) bool {
				fs, _ := tx.FollowUpsOf(fx.customer.ID)
				return len(fs) == 1 && fs[0].Kind == storage.FollowComplaint && fs[0].Due.Equal(later) &&
					fs[0].Note == "确认补发已收到" && fs[0].ConversationID == fx.conv.ID
			},
		},
		{
			name: "link an existing order",
			act: func(h *harness, v *conversationView) {
				test.Tap(v.actions.orderBtn)
				f := v.actions.order
				if len(f.choices) != 1 || f.existing.SelectedIndex() != 0 {
					h.t.Fatalf("orders offered: %v", f.existing.Options)
				}
				test.Tap(f.link)
			},
			check: func(tx *storage.Tx, fx *convFixture) bool {
				os, _ := tx.OrdersOf(fx.customer.ID)
				return len(os) == 1 && slices.Equal(conv(tx, fx).OrderIDs, []uint64{os[0].ID})
			},
		},
		{
			name: "create and link a new order",
			act: func(h *harness, v *conversationView) {
				test.Tap(v.actions.orderBtn)
				f := v.actions.order
				f.platform.SetSelectedIndex(slices.Index(storage.Platforms, storage.PlatformAmazon))
				f.number.SetText(" 113-1234567-1234567 ")
				f.total.SetText("$1,280.5")
				f.currency.SetText("usd")
				test.Tap(f.create)
			},
			check: func(tx *storage.Tx, fx *convFixture) bool {
				os, _ := tx.OrdersByNumber("113-1234567-1234567")
				return len(os) == 1 && os[0].CustomerID == fx.customer.ID && os[0].Total == 128050 &&
					os[0].Currency == "USD" && os[0].Platform == storage.PlatformAmazon && os[0].Status == storage.OrderPaid &&
					slices.Equal(conv(tx, fx).OrderIDs, []uint64{os[0].ID})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fx convFixture
			h := newHarness(t, func(tx *storage.Tx) error {
				fx.customer.Phones = []storage.Phone{{Number: "138 0013 8000", Label: "mobile"}}
				fx.conv.Tags = []string{"售后"}
				if tt.prep != nil {
					if err := tt.prep(tx, &fx); err != nil {
						return err
					}
				}
				if err := seedConv(tx, &fx, mailSpec{in: true, at: clock.Add(-time.Hour), body: "包裹破了"}); err != nil {
					return err
				}
				// Another customer's conversation, with a tag to suggest,
				// and an order of this customer to link.
				other := convFixture{customer: storage.Customer{Name: "Other", Emails: []string{"o@example.com"}},
					conv: storage.Conversation{Tags: []string{"VIP"}}}
				if err := seedConv(tx, &other); err != nil {
					return err
				}
				return tx.SaveOrder(&storage.Order{CustomerID: fx.customer.ID, Platform: storage.PlatformTaobao,
					Number: "3921456789012345678", Total: 12850, Currency: "CNY", Status: storage.OrderShipped})
			})
			v := h.openConv(fx.conv.ID)
			tt.act(h, v)
			h.storeHolds(tt.name, func(tx *storage.Tx) bool { return tt.check(tx, &fx) })
		})
	}
}

func conv(tx *storage.Tx, fx *convFixture) storage.Conversation {
	c, _ := tx.Conversation(fx.conv.ID)
	return c
}

func TestActionsRefuseBadInput(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedConv(tx, &fx, mailSpec{in: true, at: clock, body: "hi"}); err != nil {
			return err
		}
		other := storage.Customer{Name: "Other", Emails: []string{"o@example.com"}}
		if err := tx.SaveCustomer(&other); err != nil {
			return err
		}
		return tx.SaveOrder(&storage.Order{CustomerID: other.ID, Platform: storage.PlatformTaobao, Number: "777"})
	})
	v := h.openConv(fx.conv.ID)
	a := v.actions

	test.Tap(a.snoozeBtn)
	for _, bad := range []string{"tomorrow", "2020-01-01 09:00", "2030-13-01 09:00"} {
		a.snooze.when.SetText(bad)
		test.Tap(a.snooze.set)
		if a.snooze.when.Validate() == nil {
			t.Errorf("snooze until %q accepted", bad)
		}
	}
	a.snooze.dlg.Hide()

	test.Tap(a.orderBtn)
	f := a.order
	for _, c := range []struct{ number, total, currency, says string }{
		{"", "1", "CNY", "Enter the order number."},
		{"1", "12.345", "CNY", "Enter the total as a number, such as 128.50."},
		{"1", "1.5", "JPY", "Enter the total as a number, such as 128.50."},
		{"1", "-3", "CNY", "Enter the total as a number, such as 128.50."},
		{"1", "1", "元", "Enter the currency as a three-letter code, such as CNY or USD."},
	} {
		f.number.SetText(c.number)
		f.total.SetText(c.total)
		f.currency.SetText(c.currency)
		test.Tap(f.create)
		if !f.problem.Visible() || f.problem.Text != c.says {
			t.Errorf("%+v: the form says %q", c, f.problem.Text)
		}
	}
	// Another customer's order number is refused in plain words.
	f.number.SetText("777")
	f.total.SetText("10")
	f.currency.SetText("CNY")
	test.Tap(f.create)
	h.waitFor("the refusal", func() bool { return strings.Contains(f.problem.Text, "777") })
	if f.problem.Text != "Order 777 is already recorded for another customer." {
		t.Errorf("the form says %q", f.problem.Text)
	}
	h.storeHolds("nothing linked", func(tx *storage.Tx) bool { return len(conv(tx, &fx).OrderIDs) == 0 })
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in, currency string
		want         storage.Money
		ok           bool
	}{
		{"128.50", "CNY", 12850, true},
		{"¥1,280", "CNY", 128000, true},
		{"￥99.9", "CNY", 9990, true},
		{"CNY 5", "CNY", 500, true},
		{"1500", "JPY", 1500, true},
		{"1.5", "JPY", 0, false},
		{"1.234", "KWD", 1234, true},
		{"", "CNY", 0, false},
		{"abc", "CNY", 0, false},
		{"-5", "CNY", 0, false},
		{"1.2.3", "CNY", 0, false},
		{"99999999999999999", "CNY", 0, false},
	}
	for _, tt := range tests {
		got, err := parseMoney(tt.in, tt.currency)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseMoney(%q, %s) = %d, %v", tt.in, tt.currency, got, err)
		}
	}
}

func TestSnoozePresets(t *testing.T) {
	// Thursday 20 November 2025, 10:00.
	got := snoozePresets(clock)
	want := []time.Time{clock.Add(time.Hour), atNine(clock.In(time.Local), 1), atNine(clock.In(time.Local), 4)}
	for i, p := range got {
		if !p.at.Equal(want[i]) {
			t.Errorf("preset %q = %v, want %v", p.label, p.at, want[i])
		}
	}
	if got[2].at.Weekday() != time.Monday {
		t.Errorf("next Monday is a %v", got[2].at.Weekday())
	}
	// On a Monday, "next Monday" is a week away.
	monday := time.Date(2025, 11, 24, 8, 0, 0, 0, time.Local)
	if at := snoozePresets(monday)[2].at; !at.Equal(atNine(monday, 7)) {
		t.Errorf("next Monday from a Monday = %v", at)
	}
}
