package storage

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// rulesStore opens a store whose shop works 09:00-18:00 Monday to Friday
// in the time zone, with a clock the test moves.
func rulesStore(t *testing.T, zone string) (*Store, *time.Time) {
	t.Helper()
	st := openTest(t)
	now := new(time.Time)
	*now = t0
	st.now = func() time.Time { return *now }
	mustUpdate(t, st, func(tx *Tx) error {
		s := DefaultSettings()
		s.Hours = WorkingHours{TimeZone: zone, Days: [7]bool{false, true, true, true, true, true, false}, Start: "09:00", End: "18:00"}
		return tx.SaveSettings(s)
	})
	return st, now
}

// nov is a time in November 2025 (the 20th is a Thursday) in UTC.
func nov(day, h, m int) time.Time { return time.Date(2025, 11, day, h, m, 0, 0, time.UTC) }

func followUpsOf(t *testing.T, st *Store, custID uint64) map[string]FollowUp {
	t.Helper()
	out := map[string]FollowUp{}
	if err := st.View(func(tx *Tx) error {
		fs, err := tx.FollowUpsOf(custID)
		for _, f := range fs {
			out[f.Rule] = f
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestComplaintProcedureDueTimes(t *testing.T) {
	tests := []struct {
		name     string
		zone     string
		at       time.Time // when the complaint is marked, or the call ends
		viaCall  bool
		severity Severity
		escalate time.Time
		solution time.Time
		visit    time.Time // zero: not checked
	}{
		{"high, Thursday morning", "UTC", nov(20, 10, 0), false, SeverityHigh,
			nov(20, 11, 0), nov(24, 16, 0), time.Date(2025, 12, 2, 10, 0, 0, 0, time.UTC)},
		{"no severity counts as high", "UTC", nov(20, 10, 0), false, "", nov(20, 11, 0), nov(24, 16, 0), time.Time{}},
		{"medium, Friday before closing runs over the weekend", "UTC", nov(21, 17, 30), false, SeverityMedium,
			nov(24, 12, 30), nov(26, 14, 30), time.Time{}},
		{"low, marked on Saturday starts on Monday", "UTC", nov(22, 15, 0), false, SeverityLow,
			nov(26, 15, 0), nov(26, 15, 0), time.Time{}},
		{"call at night starts at opening", "UTC", nov(20, 22, 0), true, SeverityHigh,
			nov(21, 10, 0), nov(25, 15, 0), time.Time{}},
		// 17:30 Friday in Shanghai is 09:30 UTC; Monday 09:00 there is 01:00 UTC.
		{"shop in Shanghai, call Friday evening", "Asia/Shanghai", nov(21, 9, 30), true, SeverityHigh,
			nov(24, 1, 30), nov(26, 6, 30), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, now := rulesStore(t, tt.zone)
			cust, conv := seedCustomer(t, st, "王芳", "wang@example.com")
			*now = tt.at
			var src string
			mustUpdate(t, st, func(tx *Tx) error {
				if tt.viaCall {
					c := Call{CustomerID: cust, Start: tt.at.Add(-10 * time.Minute), Duration: 10 * time.Minute,
						Outcome: CallComplaint, Severity: tt.severity, Summary: "床单起球"}
					err := tx.SaveCall(&c)
					src = fmt.Sprintf("call:%d", c.ID)
					return err
				}
				c, err := tx.Conversation(conv)
				if err != nil {
					return err
				}
				c.Tags = append(c.Tags, "投诉")
				c.Severity = tt.severity
				src = fmt.Sprintf("conv:%d", conv)
				return tx.SaveConversation(&c)
			})
			fs := followUpsOf(t, st, cust)
			check := func(step string, kind FollowUpKind, want time.Time) {
				t.Helper()
				f, ok := fs["sop:"+src+":"+step]
				if !ok {
					t.Fatalf("no %s step; follow-ups: %v", step, fs)
				}
				if f.Kind != kind || !f.Due.Equal(want) {
					t.Errorf("%s: %s due %v, want %s due %v", step, f.Kind, f.Due.UTC(), kind, want)
				}
			}
			check("escalate", FollowEscalate, tt.escalate)
			check("solution", FollowSolution, tt.solution)
			if !tt.visit.IsZero() {
				check("visit", FollowSatisfaction, tt.visit)
			}
			if len(fs) != 3 {
				t.Errorf("%d follow-ups, want the procedure's 3", len(fs))
			}
			// Saving the complaint again does not start the procedure again.
			*now = tt.at.Add(time.Hour)
			mustUpdate(t, st, func(tx *Tx) error {
				c, err := tx.Conversation(conv)
				if err != nil {
					return err
				}
				c.Subject += " (2)"
				return tx.SaveConversation(&c)
			})
			if n := len(followUpsOf(t, st, cust)); n != 3 {
				t.Errorf("after another save: %d follow-ups, want 3", n)
			}
			mustVerify(t, st)
		})
	}
}

func TestComplaintProcedureSwitchedOff(t *testing.T) {
	st, _ := rulesStore(t, "UTC")
	mustUpdate(t, st, func(tx *Tx) error {
		s, _ := tx.Settings()
		s.Rules.Complaint = false
		return tx.SaveSettings(s)
	})
	cust, conv := seedCustomer(t, st, "Ann", "ann@example.com")
	mustUpdate(t, st, func(tx *Tx) error {
		c, _ := tx.Conversation(conv)
		c.Severity = SeverityHigh
		return tx.SaveConversation(&c)
	})
	if fs := followUpsOf(t, st, cust); len(fs) != 0 {
		t.Errorf("procedure switched off made %v", fs)
	}
}

func TestCallOutcomeFollowUps(t *testing.T) {
	chosen := nov(27, 15, 0)
	tests := []struct {
		name    string
		end     time.Time
		outcome CallOutcome
		due     time.Time
		kind    FollowUpKind
		rule    string // suffix; empty: no follow-up
	}{
		{"no answer: call back in 2 working hours", nov(20, 11, 0), CallNoAnswer, nov(20, 13, 0), FollowCallBack, "callback"},
		{"no answer late Friday: Monday morning", nov(21, 17, 0), CallNoAnswer, nov(24, 10, 0), FollowCallBack, "callback"},
		{"follow-up on the chosen date", nov(20, 11, 0), CallFollowUp, chosen, FollowOther, "followup"},
		{"resolved needs nothing", nov(20, 11, 0), CallResolved, time.Time{}, "", ""},
		{"escalated needs nothing here", nov(20, 11, 0), CallEscalated, time.Time{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, now := rulesStore(t, "UTC")
			cust, _ := seedCustomer(t, st, "Bob", "bob@example.com")
			*now = tt.end.Add(time.Minute)
			var id uint64
			mustUpdate(t, st, func(tx *Tx) error {
				c := Call{CustomerID: cust, Direction: Outbound, Start: tt.end.Add(-5 * time.Minute), Duration: 5 * time.Minute,
					Summary: "delivery", Outcome: tt.outcome}
				if tt.outcome == CallFollowUp {
					c.FollowUpDue = chosen
				}
				err := tx.SaveCall(&c)
				id = c.ID
				return err
			})
			fs := followUpsOf(t, st, cust)
			if tt.rule == "" {
				if len(fs) != 0 {
					t.Fatalf("follow-ups %v, want none", fs)
				}
				return
			}
			f, ok := fs[fmt.Sprintf("call:%d:%s", id, tt.rule)]
			if !ok || len(fs) != 1 {
				t.Fatalf("follow-ups %v, want one %s", fs, tt.rule)
			}
			if f.Kind != tt.kind || !f.Due.Equal(tt.due) || f.Note != "delivery" {
				t.Errorf("got %s due %v note %q, want %s due %v", f.Kind, f.Due, f.Note, tt.kind, tt.due)
			}
		})
	}
}

func TestSatisfactionVisitAfterClosing(t *testing.T) {
	tests := []struct {
		name   string
		closed time.Time
		due    time.Time
	}{
		{"closed Thursday: Friday same time", nov(20, 10, 0), nov(21, 10, 0)},
		{"closed Friday: the day after is Saturday, so Monday's opening", nov(21, 10, 0), nov(24, 9, 0)},
		{"closed Thursday evening: Friday evening is after hours, Monday", nov(20, 19, 0), nov(24, 9, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, now := rulesStore(t, "UTC")
			cust, conv := seedCustomer(t, st, "Cleo", "cleo@example.com")
			setStatus := func(s ConversationStatus) {
				mustUpdate(t, st, func(tx *Tx) error {
					c, err := tx.Conversation(conv)
					if err != nil {
						return err
					}
					c.Status = s
					return tx.SaveConversation(&c)
				})
			}
			*now = tt.closed
			setStatus(StatusClosed)
			fs := followUpsOf(t, st, cust)
			f, ok := fs[fmt.Sprintf("sat:conv:%d", conv)]
			if !ok || f.Kind != FollowSatisfaction || !f.Due.Equal(tt.due) || f.ConversationID != conv {
				t.Fatalf("follow-ups %v, want a satisfaction visit due %v", fs, tt.due)
			}
			// Reopened and closed again: still one visit.
			setStatus(StatusOpen)
			setStatus(StatusClosed)
			if n := len(followUpsOf(t, st, cust)); n != 1 {
				t.Errorf("%d follow-ups after closing twice, want 1", n)
			}
		})
	}
	// A conversation that arrives closed (old mail of a first sync) asks for no visit.
	st, _ := rulesStore(t, "UTC")
	mustUpdate(t, st, func(tx *Tx) error {
		c := Customer{Name: "Old"}
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		return tx.SaveConversation(&Conversation{CustomerID: c.ID, Subject: "old", Status: StatusClosed})
	})
	if err := st.View(func(tx *Tx) error {
		if n := tx.CountOpenFollowUps(); n != 0 {
			t.Errorf("closed-on-arrival conversation made %d follow-ups", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestAfterSalesClock(t *testing.T) {
	tests := []struct {
		name   string
		kind   CaseKind
		opened time.Time
		due    time.Time
	}{
		// 48 working hours of 9-hour days: 5 days and 3 hours.
		{"return opened Thursday morning", CaseReturn, nov(20, 10, 0), nov(27, 13, 0)},
		{"refund opened on Sunday", CaseRefund, nov(23, 12, 0), time.Date(2025, 12, 1, 12, 0, 0, 0, time.UTC)},
		{"exchange with its own 9-hour target", CaseExchange, nov(21, 17, 0), nov(24, 17, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, now := rulesStore(t, "UTC")
			mustUpdate(t, st, func(tx *Tx) error {
				s, _ := tx.Settings()
				s.Rules.CaseTargets[CaseExchange] = 9 * time.Hour
				return tx.SaveSettings(s)
			})
			cust, _ := seedCustomer(t, st, "Dan", "dan@example.com")
			*now = tt.opened
			var o Order
			mustUpdate(t, st, func(tx *Tx) error {
				o = Order{CustomerID: cust, Number: "TB1001", Status: OrderDelivered,
					Cases: []AfterSalesCase{{Kind: tt.kind, Reason: "quality"}}}
				return tx.SaveOrder(&o)
			})
			rule := fmt.Sprintf("case:order:%d:0", o.ID)
			fs := followUpsOf(t, st, cust)
			f, ok := fs[rule]
			if !ok || f.Kind != FollowAfterSales || !f.Due.Equal(tt.due) || f.OrderID != o.ID {
				t.Fatalf("follow-ups %v, want an after-sales clock due %v", fs, tt.due)
			}
			var s Settings
			st.View(func(tx *Tx) error { s, _ = tx.Settings(); return nil })
			if due, running := CaseDue(s, o.Cases[0]); !running || !due.Equal(tt.due) {
				t.Errorf("CaseDue = %v, %v; want %v, running", due, running, tt.due)
			}
			// Deciding the case stops its clock; closing it plans a visit.
			*now = tt.opened.Add(2 * time.Hour)
			mustUpdate(t, st, func(tx *Tx) error {
				o.Cases[0].State = CaseApproved
				return tx.SaveOrder(&o)
			})
			if f := followUpsOf(t, st, cust)[rule]; f.Done.IsZero() {
				t.Errorf("approved case: its clock is still open")
			}
			if _, running := CaseDue(s, o.Cases[0]); running {
				t.Errorf("CaseDue still running after the decision")
			}
			mustUpdate(t, st, func(tx *Tx) error {
				o.Cases[0].State = CaseClosed
				return tx.SaveOrder(&o)
			})
			if _, ok := followUpsOf(t, st, cust)[fmt.Sprintf("sat:order:%d:0", o.ID)]; !ok {
				t.Errorf("closed case: no satisfaction visit")
			}
			// An order that arrives with its case closed (an import) asks for no visit.
			var imported Order
			mustUpdate(t, st, func(tx *Tx) error {
				imported = Order{CustomerID: cust, Number: "TB-OLD", Status: OrderCompleted,
					Cases: []AfterSalesCase{{Kind: tt.kind, State: CaseClosed, Opened: tt.opened.Add(-30 * 24 * time.Hour)}}}
				return tx.SaveOrder(&imported)
			})
			for r := range followUpsOf(t, st, cust) {
				if strings.Contains(r, fmt.Sprintf("order:%d:", imported.ID)) {
					t.Errorf("imported closed case made %s", r)
				}
			}
			mustVerify(t, st)
		})
	}
}

func TestTimedRules(t *testing.T) {
	st, now := rulesStore(t, "Asia/Shanghai")
	sh, _ := time.LoadLocation("Asia/Shanghai")
	// Mid-Autumn 2026 is 25 September; three days before it, at 10:00.
	*now = time.Date(2026, 9, 22, 10, 0, 0, 0, sh)
	var unpaid, recent Order
	var zhReg, enReg, zhNew, bday Customer
	mustUpdate(t, st, func(tx *Tx) error {
		for _, c := range []*Customer{
			{Name: "李娜", Segment: SegmentReturning},
			{Name: "Emma", Segment: SegmentVIP, Language: "en"},
			{Name: "张伟", Segment: SegmentNew},
			{Name: "Tom", Birthday: "1990-09-24"},
		} {
			if err := tx.SaveCustomer(c); err != nil {
				return err
			}
		}
		cs, _ := tx.Customers(0, 0)
		zhReg, enReg, zhNew, bday = cs[0], cs[1], cs[2], cs[3]
		unpaid = Order{CustomerID: zhReg.ID, Number: "TB1", Placed: now.Add(-13 * time.Hour)}
		recent = Order{CustomerID: zhReg.ID, Number: "TB2", Placed: now.Add(-2 * time.Hour)}
		if err := tx.SaveOrder(&unpaid); err != nil {
			return err
		}
		return tx.SaveOrder(&recent)
	})
	n, err := st.RunTimedRules()
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]time.Time{}
	for _, c := range []Customer{zhReg, enReg, zhNew, bday} {
		for r, f := range followUpsOf(t, st, c.ID) {
			rules[r] = f.Due
		}
	}
	want := map[string]time.Time{
		// Placed 21:00 the day before + 12 h = 09:00 today, which is opening time.
		fmt.Sprintf("pay:order:%d", unpaid.ID):                   time.Date(2026, 9, 22, 9, 0, 0, 0, sh),
		fmt.Sprintf("care:holiday:mid_autumn:2026:%d", zhReg.ID): time.Date(2026, 9, 25, 9, 0, 0, 0, sh),
		fmt.Sprintf("care:birthday:2026:%d", bday.ID):            time.Date(2026, 9, 24, 9, 0, 0, 0, sh),
	}
	if n != len(want) || len(rules) != len(want) {
		t.Errorf("made %d follow-ups %v, want %v", n, rules, want)
	}
	for r, due := range want {
		if got, ok := rules[r]; !ok || !got.Equal(due) {
			t.Errorf("%s due %v (present %v), want %v", r, got, ok, due)
		}
	}
	// Idempotent, even after the seller deletes one.
	mustUpdate(t, st, func(tx *Tx) error {
		f, err := tx.FollowUpByRule(fmt.Sprintf("care:birthday:2026:%d", bday.ID))
		if err != nil {
			return err
		}
		return tx.DeleteFollowUp(f.ID)
	})
	*now = now.Add(time.Hour)
	if n, err := st.RunTimedRules(); err != nil || n != 0 {
		t.Errorf("second run made %d (%v), want 0", n, err)
	}
	// A case opened while the after-sales clock was off gets its clock
	// when it is switched on.
	setAfterSales := func(on bool) {
		mustUpdate(t, st, func(tx *Tx) error {
			s, _ := tx.Settings()
			s.Rules.AfterSales = on
			return tx.SaveSettings(s)
		})
	}
	setAfterSales(false)
	var withCase Order
	mustUpdate(t, st, func(tx *Tx) error {
		withCase = Order{CustomerID: enReg.ID, Number: "AMZ1", Status: OrderDelivered,
			Cases: []AfterSalesCase{{Kind: CaseRefund, Reason: "late"}}}
		return tx.SaveOrder(&withCase)
	})
	if n, err := st.RunTimedRules(); err != nil || n != 0 {
		t.Errorf("clock off: made %d (%v)", n, err)
	}
	setAfterSales(true)
	if n, err := st.RunTimedRules(); err != nil || n != 1 {
		t.Errorf("clock on: made %d (%v), want the case's clock", n, err)
	}
	if _, ok := followUpsOf(t, st, enReg.ID)[fmt.Sprintf("case:order:%d:0", withCase.ID)]; !ok {
		t.Errorf("no clock for the case opened while the clock was off")
	}
	// Payment ends the reminder.
	mustUpdate(t, st, func(tx *Tx) error {
		unpaid.Status = OrderPaid
		return tx.SaveOrder(&unpaid)
	})
	mustUpdate(t, st, func(tx *Tx) error {
		f, err := tx.FollowUpByRule(fmt.Sprintf("pay:order:%d", unpaid.ID))
		if err == nil && f.Done.IsZero() {
			t.Errorf("paid order: reminder still open")
		}
		return err
	})
	mustVerify(t, st)
}

func TestHolidays(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	find := func(year int, key string) time.Time {
		for _, h := range Holidays(year) {
			if h.Key == key {
				return h.Date
			}
		}
		return time.Time{}
	}
	tests := []struct {
		year int
		key  string
		want time.Time
	}{
		{2025, "easter", day(2025, 4, 20)},
		{2026, "easter", day(2026, 4, 5)},
		{2027, "easter", day(2027, 3, 28)},
		{2026, "mothers_day", day(2026, 5, 10)},
		{2026, "thanksgiving", day(2026, 11, 26)},
		{2026, "black_friday", day(2026, 11, 27)},
		{2026, "spring_festival", day(2026, 2, 17)},
		{2026, "lantern", day(2026, 3, 3)},
		{2027, "mid_autumn", day(2027, 9, 15)},
		{2032, "dragon_boat", day(2032, 6, 12)},
		{2040, "spring_festival", time.Time{}}, // beyond the table
		{2040, "christmas", day(2040, 12, 25)},
	}
	for _, tt := range tests {
		if got := find(tt.year, tt.key); !got.Equal(tt.want) {
			t.Errorf("%s %d = %v, want %v", tt.key, tt.year, got, tt.want)
		}
	}
	hs := Holidays(2028)
	for i := 1; i < len(hs); i++ {
		if hs[i].Date.Before(hs[i-1].Date) {
			t.Errorf("holidays out of order: %v before %v", hs[i-1], hs[i])
		}
	}
}

func TestDissatisfiedRatingOpensComplaint(t *testing.T) {
	tests := []struct {
		rating    int
		complaint bool
	}{{1, true}, {2, true}, {3, false}, {5, false}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.rating), func(t *testing.T) {
			st, _ := rulesStore(t, "UTC")
			cust, conv := seedCustomer(t, st, "Eve", "eve@example.com")
			var visit FollowUp
			mustUpdate(t, st, func(tx *Tx) error {
				visit = FollowUp{CustomerID: cust, ConversationID: conv, Kind: FollowSatisfaction, Due: t0}
				return tx.SaveFollowUp(&visit)
			})
			mustUpdate(t, st, func(tx *Tx) error {
				f, err := tx.CompleteFollowUp(visit.ID, tt.rating, " 颜色不对 ")
				if err == nil && (f.Rating != tt.rating || f.Comment != "颜色不对" || f.Done.IsZero()) {
					t.Errorf("completed %+v", f)
				}
				return err
			})
			fs := followUpsOf(t, st, cust)
			esc, ok := fs[fmt.Sprintf("sop:rating:%d:escalate", visit.ID)]
			if ok != tt.complaint {
				t.Fatalf("complaint opened = %v, want %v (%v)", ok, tt.complaint, fs)
			}
			if ok && (esc.Kind != FollowEscalate || esc.Note != "颜色不对") {
				t.Errorf("escalation %+v", esc)
			}
		})
	}
	st, _ := rulesStore(t, "UTC")
	err := st.Update(func(tx *Tx) error { _, err := tx.CompleteFollowUp(1, 6, ""); return err })
	if !errors.Is(err, ErrBadRating) {
		t.Errorf("rating 6: %v, want ErrBadRating", err)
	}
}

func TestParseRating(t *testing.T) {
	tests := []struct {
		text string
		want int // 0: not a rating
	}{
		{"5", 5},
		{"  4\n\n> 请为本次服务打分（1-5）", 4},
		{"５", 5},
		{"3分", 3},
		{"4 stars", 4},
		{"4/5, thanks", 4},
		{"5! great service", 5},
		{"满意", 4},
		{"非常满意！谢谢", 5},
		{"一般", 3},
		{"不满意，颜色和图片不一样", 2},
		{"不满意 太慢了", 2},
		{"非常不满意", 1},
		{"Satisfied.", 4},
		{"very dissatisfied", 1},
		{"Neutral", 3},
		{"> 5\nmy order 123456789 has not arrived", 0},
		{"123456789012345678", 0},  // a Taobao order number
		{"113-1234567-1234567", 0}, // an Amazon order number
		{"4.5", 0},
		{"6", 0},
		{"0", 0},
		{"5 items are missing", 0},
		{"good morning, where is my parcel?", 0},
		{"我的订单还没到", 0},
		{"", 0},
	}
	for _, tt := range tests {
		got, ok := ParseRating(tt.text)
		if ok != (tt.want != 0) || got != tt.want {
			t.Errorf("ParseRating(%q) = %d, %v; want %d", tt.text, got, ok, tt.want)
		}
	}
}

func TestParseCallDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"5m", 5 * time.Minute, true},
		{"90s", 90 * time.Second, true},
		{"1:30", 90 * time.Second, true},
		{"1:02:03", time.Hour + 2*time.Minute + 3*time.Second, true},
		{"1h5m", 65 * time.Minute, true},
		{"5 min", 5 * time.Minute, true},
		{"5 分钟", 5 * time.Minute, true},
		{"30秒", 30 * time.Second, true},
		{"7", 7 * time.Minute, true},
		{"0", 0, true},
		{"", 0, false},
		{"1:75", 0, false},
		{"-5m", 0, false},
		{"13h", 0, false},
		{"five", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseCallDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseCallDuration(%q) = %v, %v; want %v ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadDuration) {
			t.Errorf("error %v is not ErrBadDuration", err)
		}
		if err == nil {
			if back, err := ParseCallDuration(FormatCallDuration(got)); err != nil || back != got {
				t.Errorf("round trip of %v: %v, %v", got, back, err)
			}
		}
	}
}

// TestRecordingPastPlansNothing: writing down history (the demo's closed
// conversations and old calls) is not the seller acting now.
func TestRecordingPastPlansNothing(t *testing.T) {
	tests := []struct {
		name string
		past bool
		act  func(tx *Tx, cust, conv uint64) error
		want int // follow-ups planned
	}{
		{"closing now plans a visit", false, closeConv, 1},
		{"closing in the past plans nothing", true, closeConv, 0},
		{"an unanswered call now plans a call-back", false, unansweredCall, 1},
		{"an old unanswered call plans nothing", true, unansweredCall, 0},
		{"a complaint still open starts its procedure, past or not", true, markComplaint(StatusOpen), 3},
		{"a complaint marked on a closed conversation is settled", false, markComplaint(StatusClosed), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, now := rulesStore(t, "UTC")
			*now = nov(20, 10, 0)
			cust, conv := seedCustomer(t, st, "Cleo", "cleo@example.com")
			mustUpdate(t, st, func(tx *Tx) error {
				if tt.past {
					tx.RecordingPast()
				}
				return tt.act(tx, cust, conv)
			})
			if got := followUpsOf(t, st, cust); len(got) != tt.want {
				t.Errorf("follow-ups %v, want %d", got, tt.want)
			}
		})
	}
}

func closeConv(tx *Tx, _, conv uint64) error {
	c, err := tx.Conversation(conv)
	if err != nil {
		return err
	}
	c.Status = StatusClosed
	return tx.SaveConversation(&c)
}

func unansweredCall(tx *Tx, cust, _ uint64) error {
	return tx.SaveCall(&Call{CustomerID: cust, Direction: Outbound, Start: nov(20, 9, 0), Outcome: CallNoAnswer})
}

func markComplaint(status ConversationStatus) func(tx *Tx, _, conv uint64) error {
	return func(tx *Tx, _, conv uint64) error {
		c, err := tx.Conversation(conv)
		if err != nil {
			return err
		}
		c.Status, c.Tags = status, []string{"投诉"}
		return tx.SaveConversation(&c)
	}
}
