package storage

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestMergeCustomersMovesEverything(t *testing.T) {
	st := openTest(t)
	keepID, keepConv := seedCustomer(t, st, "林小雨", "linxiaoyu@qq.example")
	goneID, goneConv := seedCustomer(t, st, "", "xiaoyu.lin@work.example")
	var goneOrder, goneCall, goneNote, goneFollow uint64
	mustUpdate(t, st, func(tx *Tx) error {
		k, _ := tx.Customer(keepID)
		k.Phones = []Phone{{Number: "138 0013 8000", Label: "mobile"}}
		k.Tags = []string{"复购"}
		k.Notes = "喜欢灰色"
		k.Created = t0.Add(-24 * time.Hour)
		if err := tx.SaveCustomer(&k); err != nil {
			return err
		}
		g, _ := tx.Customer(goneID)
		g.Phones = []Phone{{Number: "+86 138 0013 8000"}, {Number: "021-5555 1234", Label: "work"}}
		g.IM = []IMHandle{{Network: "WeChat", Handle: "xiaoyu88"}}
		g.Tags = []string{"复购", "怕热"}
		g.Address = "上海市徐汇区"
		g.Segment = SegmentVIP
		g.Notes = "要发顺丰"
		g.Created = t0.Add(-72 * time.Hour)
		if err := tx.SaveCustomer(&g); err != nil {
			return err
		}
		o := Order{CustomerID: goneID, Number: "3921456789012345678", Total: 12850, Currency: "CNY"}
		if err := tx.SaveOrder(&o); err != nil {
			return err
		}
		c := Call{CustomerID: goneID, Direction: Inbound, Summary: "asked for tracking"}
		if err := tx.SaveCall(&c); err != nil {
			return err
		}
		n := Note{CustomerID: goneID, ConversationID: goneConv, Text: "VIP from the fair"}
		if err := tx.SaveNote(&n); err != nil {
			return err
		}
		f := FollowUp{CustomerID: goneID, Kind: FollowSatisfaction, Due: t0.Add(time.Hour)}
		if err := tx.SaveFollowUp(&f); err != nil {
			return err
		}
		goneOrder, goneCall, goneNote, goneFollow = o.ID, c.ID, n.ID, f.ID
		return nil
	})

	var plan MergePlan
	if err := st.View(func(tx *Tx) (err error) { plan, err = tx.MergePreview(keepID, goneID); return err }); err != nil {
		t.Fatal(err)
	}
	if plan.Conversations != 1 || plan.Orders != 1 || plan.Calls != 1 || plan.Notes != 1 || plan.FollowUps != 1 {
		t.Errorf("preview counts %+v", plan)
	}
	wins := map[string]MergeField{}
	for _, f := range plan.Fields {
		wins[f.Field] = f
	}
	if f := wins["address"]; !f.FromGone || f.Result != "上海市徐汇区" {
		t.Errorf("empty address should take the other's: %+v", f)
	}
	if f := wins["segment"]; f.FromGone || f.Result != string(SegmentNew) {
		t.Errorf("the kept segment should win: %+v", f)
	}

	var events []Event
	unsub := st.Subscribe(func(es []Event) { events = append(events, es...) })
	var merged Customer
	mustUpdate(t, st, func(tx *Tx) (err error) { merged, err = tx.MergeCustomers(keepID, goneID); return err })
	unsub()
	mustVerify(t, st)

	if !slices.Equal(merged.Emails, []string{"linxiaoyu@qq.example", "xiaoyu.lin@work.example"}) ||
		!slices.Equal(merged.Phones, []Phone{{Number: "138 0013 8000", Label: "mobile"}, {Number: "021-5555 1234", Label: "work"}}) ||
		!slices.Equal(merged.IM, []IMHandle{{Network: "WeChat", Handle: "xiaoyu88"}}) ||
		!slices.Equal(merged.Tags, []string{"复购", "怕热"}) ||
		merged.Name != "林小雨" || merged.Address != "上海市徐汇区" || merged.Segment != SegmentNew ||
		merged.Notes != "喜欢灰色\n\n要发顺丰" || !merged.Created.Equal(t0.Add(-72*time.Hour)) {
		t.Errorf("merged profile %+v", merged)
	}
	err := st.View(func(tx *Tx) error {
		if _, err := tx.Customer(goneID); !errors.Is(err, ErrNotFound) {
			t.Errorf("the gone customer is still there: %v", err)
		}
		byMail, err := tx.CustomerByEmail("XIAOYU.LIN@work.example")
		if err != nil || byMail.ID != keepID {
			t.Errorf("the gone customer's address finds %d, %v", byMail.ID, err)
		}
		if byPhone, _ := tx.CustomersByPhone("0086-138-0013-8000"); len(byPhone) != 1 || byPhone[0].ID != keepID {
			t.Errorf("the phone finds %v", byPhone)
		}
		convs, _ := tx.ConversationsOf(keepID)
		if len(convs) != 2 || !slices.ContainsFunc(convs, func(c Conversation) bool { return c.ID == goneConv }) ||
			!slices.ContainsFunc(convs, func(c Conversation) bool { return c.ID == keepConv }) {
			t.Errorf("conversations of the kept customer: %d", len(convs))
		}
		checks := []struct {
			what string
			ok   bool
		}{
			{"order", first(tx.OrdersOf(keepID)) == goneOrder},
			{"call", first(tx.CallsOf(keepID)) == goneCall},
			{"note", first(tx.NotesOf(keepID)) == goneNote},
			{"follow-up", first(tx.FollowUpsOf(keepID)) == goneFollow},
		}
		for _, c := range checks {
			if !c.ok {
				t.Errorf("the %s did not move", c.what)
			}
		}
		if o, _ := tx.OrdersOf(goneID); len(o) != 0 {
			t.Error("orders left on the gone customer")
		}
		if tl, _ := tx.Timeline(keepID); len(tl) < 4 {
			t.Errorf("the kept timeline has %d entries", len(tl))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []Event{{KindCustomer, goneID, OpDeleted}, {KindCustomer, keepID, OpSaved},
		{KindOrder, goneOrder, OpSaved}, {KindConversation, goneConv, OpSaved}} {
		if !slices.Contains(events, want) {
			t.Errorf("no event %+v in %+v", want, events)
		}
	}
}

// first is the ID of the only record in a list, 0 unless there is exactly one.
func first[T interface{ Order | Call | Note | FollowUp }](recs []T, err error) uint64 {
	if err != nil || len(recs) != 1 {
		return 0
	}
	switch r := any(recs[0]).(type) {
	case Order:
		return r.ID
	case Call:
		return r.ID
	case Note:
		return r.ID
	case FollowUp:
		return r.ID
	}
	return 0
}

func TestMergeRefusesItselfAndMissing(t *testing.T) {
	st := openTest(t)
	id, _ := seedCustomer(t, st, "A", "a@example.com")
	for _, pair := range [][2]uint64{{id, id}, {id, 999}, {999, id}} {
		err := st.Update(func(tx *Tx) error { _, err := tx.MergeCustomers(pair[0], pair[1]); return err })
		if err == nil {
			t.Errorf("merge %v succeeded", pair)
		}
	}
	mustVerify(t, st)
}

func TestSuggestSegment(t *testing.T) {
	cases := []struct {
		name    string
		current Segment
		totals  []Money
		status  []OrderStatus
		want    Segment
		ok      bool
	}{
		{"no orders", SegmentProspect, nil, nil, SegmentProspect, false},
		{"first order", SegmentProspect, []Money{100}, []OrderStatus{OrderPaid}, SegmentNew, true},
		{"second order", SegmentNew, []Money{100, 200}, []OrderStatus{OrderPaid, OrderCompleted}, SegmentReturning, true},
		{"second cancelled", SegmentNew, []Money{100, 200}, []OrderStatus{OrderPaid, OrderCancelled}, SegmentNew, false},
		{"above threshold", SegmentReturning, []Money{300000, 300000}, []OrderStatus{OrderPaid, OrderShipped}, SegmentVIP, true},
		{"at threshold is not above", SegmentNew, []Money{500000}, []OrderStatus{OrderPaid}, SegmentNew, false},
		{"cancelled spend does not count", SegmentNew, []Money{100, 600000}, []OrderStatus{OrderPaid, OrderCancelled}, SegmentNew, false},
		{"unpaid is not yet an order", SegmentProspect, []Money{100}, []OrderStatus{OrderPendingPayment}, SegmentProspect, false},
		{"never down", SegmentVIP, []Money{100}, []OrderStatus{OrderPaid}, SegmentNew, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := openTest(t)
			var id uint64
			mustUpdate(t, st, func(tx *Tx) error {
				cu := Customer{Name: c.name, Segment: c.current}
				if err := tx.SaveCustomer(&cu); err != nil {
					return err
				}
				id = cu.ID
				for i, total := range c.totals {
					if err := tx.SaveOrder(&Order{CustomerID: id, Number: string(rune('A' + i)), Total: total, Status: c.status[i]}); err != nil {
						return err
					}
				}
				return nil
			})
			err := st.View(func(tx *Tx) error {
				s, ok, err := tx.SuggestSegment(id)
				if s.Segment != c.want || ok != c.ok {
					t.Errorf("suggested %s (%v), want %s (%v); %+v", s.Segment, ok, c.want, c.ok, s)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestFindCustomers(t *testing.T) {
	st := openTest(t)
	var lin, wang, sarah uint64
	mustUpdate(t, st, func(tx *Tx) error {
		cs := []*Customer{
			{Name: "林小雨", Emails: []string{"linxiaoyu@qq.example"}, Phones: []Phone{{Number: "+86 138 0013 8000"}}, Tags: []string{"复购"}, Segment: SegmentReturning},
			{Name: "王建国", Emails: []string{"wang@example.com"}, Phones: []Phone{{Number: "021-5555 1234"}}, Segment: SegmentVIP},
			{Name: "Sarah Lee", Emails: []string{"sarah@example.com"}, Tags: []string{"wholesale"}, Segment: SegmentNew},
		}
		for _, c := range cs {
			if err := tx.SaveCustomer(c); err != nil {
				return err
			}
		}
		lin, wang, sarah = cs[0].ID, cs[1].ID, cs[2].ID
		if err := tx.SaveOrder(&Order{CustomerID: sarah, Number: "113-1234567-1234567", Tracking: "1Z999AA10123456784"}); err != nil {
			return err
		}
		if err := tx.SaveOrder(&Order{CustomerID: wang, Number: "JD-1", Cases: []AfterSalesCase{{Kind: CaseReturn, Reason: "quality"}}}); err != nil {
			return err
		}
		return tx.SaveFollowUp(&FollowUp{CustomerID: lin, Kind: FollowCare, Due: t0})
	})
	mustVerify(t, st)
	cases := []struct {
		name    string
		filters []CustomerFilter
		want    []uint64
	}{
		{"all, in the order they came", nil, []uint64{lin, wang, sarah}},
		{"name part", []CustomerFilter{Matching("小雨")}, []uint64{lin}},
		{"email, any case", []CustomerFilter{Matching("WANG@")}, []uint64{wang}},
		{"phone national", []CustomerFilter{Matching("13800138000")}, []uint64{lin}},
		{"phone 0086", []CustomerFilter{Matching("0086-138-0013-8000")}, []uint64{lin}},
		{"phone spaced", []CustomerFilter{Matching("138 0013 8000")}, []uint64{lin}},
		{"landline part", []CustomerFilter{Matching("5555 1234")}, []uint64{wang}},
		{"tag", []CustomerFilter{Matching("wholesale")}, []uint64{sarah}},
		{"order number", []CustomerFilter{Matching("113-1234567-1234567")}, []uint64{sarah}},
		{"tracking spaced", []CustomerFilter{Matching("1z999aa1 0123456784")}, []uint64{sarah}},
		{"nothing", []CustomerFilter{Matching("nobody")}, nil},
		{"segment", []CustomerFilter{InSegment(SegmentVIP)}, []uint64{wang}},
		{"tag filter", []CustomerFilter{WithTag("复购")}, []uint64{lin}},
		{"open items", []CustomerFilter{WithOpenItems()}, []uint64{lin, wang}},
		{"open items and text", []CustomerFilter{WithOpenItems(), Matching("wang")}, []uint64{wang}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []uint64
			if err := st.View(func(tx *Tx) (err error) { got, err = tx.FindCustomers(c.filters...); return err }); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("found %v, want %v", got, c.want)
			}
		})
	}
	if err := st.View(func(tx *Tx) error {
		if tags := tx.CustomerTags(); !slices.Equal(tags, []string{"wholesale", "复购"}) {
			t.Errorf("tags %v", tags)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestFindOrders(t *testing.T) {
	st := openTest(t)
	var a, b, c uint64
	mustUpdate(t, st, func(tx *Tx) error {
		cu := Customer{Name: "x"}
		if err := tx.SaveCustomer(&cu); err != nil {
			return err
		}
		os := []*Order{
			{CustomerID: cu.ID, Platform: PlatformTaobao, Number: "3921456789012345678", Status: OrderShipped, Tracking: "SF1234567890123", Placed: t0.Add(-3 * time.Hour)},
			{CustomerID: cu.ID, Platform: PlatformAmazon, Number: "113-1234567-1234567", Status: OrderPaid, Placed: t0.Add(-1 * time.Hour)},
			{CustomerID: cu.ID, Platform: PlatformTaobao, Number: "3921000000000000001", Status: OrderPaid, Placed: t0.Add(-2 * time.Hour),
				Cases: []AfterSalesCase{{Kind: CaseRefund, Reason: "damaged", State: CaseClosed}}},
		}
		for _, o := range os {
			if err := tx.SaveOrder(o); err != nil {
				return err
			}
		}
		a, b, c = os[0].ID, os[1].ID, os[2].ID
		return nil
	})
	cases := []struct {
		name    string
		filters []OrderFilter
		want    []uint64
	}{
		{"all, latest placed first", nil, []uint64{b, c, a}},
		{"status", []OrderFilter{OrderInStatus(OrderPaid)}, []uint64{b, c}},
		{"platform", []OrderFilter{OrderOnPlatform(PlatformTaobao)}, []uint64{c, a}},
		{"after-sales", []OrderFilter{OrderWithCases()}, []uint64{c}},
		{"number part", []OrderFilter{OrderNumbered("1234567 1234567")}, []uint64{b}},
		{"tracking, lower case", []OrderFilter{OrderNumbered("sf123")}, []uint64{a}},
		{"combined", []OrderFilter{OrderOnPlatform(PlatformTaobao), OrderInStatus(OrderPaid)}, []uint64{c}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []uint64
			if err := st.View(func(tx *Tx) (err error) { got, err = tx.FindOrders(tc.filters...); return err }); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("found %v, want %v", got, tc.want)
			}
		})
	}
}
