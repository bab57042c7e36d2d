package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// stripTexts is what the clock strip shows, and which parts are red.
func stripTexts(v *conversationView) (texts []string, red []string) {
	for _, o := range v.clocks.box.Objects {
		if l, ok := o.(*widget.Label); ok && l.Text != "·" {
			texts = append(texts, l.Text)
			if l.Importance == widget.DangerImportance {
				red = append(red, l.Text)
			}
		}
	}
	return texts, red
}

func TestStepClocks(t *testing.T) {
	useEnglish(t)
	tests := []struct {
		f    storage.FollowUp
		want string
		late bool
	}{
		{storage.FollowUp{Kind: storage.FollowEscalate, Due: clock.Add(40 * time.Minute)}, "Escalate in 40 min", false},
		{storage.FollowUp{Kind: storage.FollowSolution, Due: clock.Add(23 * time.Hour)}, "Solution in 23 h", false},
		{storage.FollowUp{Kind: storage.FollowSatisfaction, Due: clock.Add(72 * time.Hour)}, "Visit in 3 d", false},
		{storage.FollowUp{Kind: storage.FollowEscalate, Due: clock.Add(-10 * time.Minute)}, "Escalation overdue by 10 min", true},
		{storage.FollowUp{Kind: storage.FollowEscalate, Due: clock.Add(-10 * time.Minute), Done: clock}, "✓ Escalated", false},
	}
	for _, tt := range tests {
		if got, late := stepClock(tt.f, clock); got != tt.want || late != tt.late {
			t.Errorf("stepClock(%s due %v) = %q, %v; want %q, %v", tt.f.Kind, tt.f.Due.Sub(clock), got, late, tt.want, tt.late)
		}
	}
}

func TestConversationComplaintStripAndCaseClock(t *testing.T) {
	fx := &convFixture{}
	var order storage.Order
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedConv(tx, fx, mailSpec{in: true, at: clock.Add(-time.Hour), body: "床单有破洞"}); err != nil {
			return err
		}
		// A return requested two days before the desk's clock: 48 working hours not yet up.
		order = storage.Order{CustomerID: fx.customer.ID, Number: "TB77", Status: storage.OrderDelivered,
			Cases: []storage.AfterSalesCase{{Kind: storage.CaseReturn, Reason: "破损", Opened: clock.Add(-48 * time.Hour)}}}
		if err := tx.SaveOrder(&order); err != nil {
			return err
		}
		c, err := tx.Conversation(fx.conv.ID)
		if err != nil {
			return err
		}
		c.OrderIDs = []uint64{order.ID}
		return tx.SaveConversation(&c)
	})
	v := h.openConv(fx.conv.ID)
	texts, _ := stripTexts(v)
	if len(texts) != 1 || !strings.HasPrefix(texts[0], "Return TB77: decide in ") {
		t.Errorf("strip before the complaint: %q", texts)
	}

	// Mark as complaint, medium: the procedure starts and its clocks show.
	test.Tap(v.actions.complaintBtn)
	v.actions.complaintSev.SetSelected("Medium")
	v.actions.complaint.Submit()
	h.waitFor("the procedure's clocks", func() bool { t, _ := stripTexts(v); return len(t) == 5 })
	texts, _ = stripTexts(v)
	if texts[0] != "Complaint · Medium" || !strings.HasPrefix(texts[1], "Escalate in") ||
		!strings.HasPrefix(texts[2], "Solution in") || !strings.HasPrefix(texts[3], "Visit in") {
		t.Errorf("strip %q", texts)
	}
	h.update(func(tx *storage.Tx) error {
		c, _ := tx.Conversation(fx.conv.ID)
		if c.Severity != storage.SeverityMedium {
			t.Errorf("severity %q", c.Severity)
		}
		steps, err := tx.ComplaintSteps(fx.conv.ID)
		if len(steps) != 3 {
			t.Errorf("%d steps", len(steps))
		}
		return err
	})
}

func TestRatingSuggestedFromReply(t *testing.T) {
	fx := &convFixture{}
	var visit storage.FollowUp
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedConv(tx, fx,
			mailSpec{in: false, at: clock.Add(-2 * time.Hour), body: "请问您对本次服务满意吗？回复 1-5 分"},
			mailSpec{in: true, at: clock.Add(-time.Hour), body: "满意，谢谢\n\n> 请问您对本次服务满意吗？"}); err != nil {
			return err
		}
		visit = storage.FollowUp{CustomerID: fx.customer.ID, ConversationID: fx.conv.ID, Kind: storage.FollowSatisfaction,
			Due: clock, Created: clock.Add(-3 * time.Hour)}
		return tx.SaveFollowUp(&visit)
	})
	v := h.openConv(fx.conv.ID)
	if v.clocks.suggest == nil || !strings.Contains(v.clocks.suggest.Text, "4 · Satisfied") {
		t.Fatalf("no rating suggested: %+v", v.clocks.suggest)
	}
	test.Tap(v.clocks.suggest)
	if v.rating.rating.Selected != "4 · Satisfied" {
		t.Errorf("rating form preselects %q", v.rating.rating.Selected)
	}
	v.rating.dlg.Submit()
	h.waitFor("the visit done with the rating", func() bool {
		var f storage.FollowUp
		h.store.View(func(tx *storage.Tx) error { f, _ = tx.FollowUp(visit.ID); return nil })
		return !f.Done.IsZero() && f.Rating == 4
	})
	h.waitFor("the suggestion gone", func() bool { return v.clocks.suggest == nil })
}

func TestCaseClockForOrderEditor(t *testing.T) {
	useEnglish(t)
	s := storage.DefaultSettings()
	s.Hours.TimeZone = "UTC" // Monday to Saturday, 09:00-18:00
	// Opened Thursday 10:00: 48 working hours is Thursday 8 h, Friday and
	// Saturday 18 h, Monday to Wednesday 27 h → Wednesday 13:00.
	c := storage.AfterSalesCase{Kind: storage.CaseRefund, State: storage.CaseRequested, Opened: clock}
	l := newCaseClock(s, c, clock.Add(24*time.Hour))
	if l == nil || l.Text != "Refund: decide in 5 d 3 h" || l.Importance == widget.DangerImportance {
		t.Errorf("running clock %+v", l)
	}
	late := newCaseClock(s, c, time.Date(2025, 11, 26, 14, 0, 0, 0, time.UTC))
	if late == nil || late.Text != "Refund: decision overdue by 1 h" || late.Importance != widget.DangerImportance {
		t.Errorf("overdue clock %+v", late)
	}
	c.State = storage.CaseApproved
	if newCaseClock(s, c, clock) != nil {
		t.Errorf("a decided case still has a clock")
	}
}
