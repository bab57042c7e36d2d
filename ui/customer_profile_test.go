package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// archive is a small customer archive for the customer screens' tests.
type archive struct {
	lin, wang, sarah storage.Customer
	conv             storage.Conversation
	order            storage.Order
}

func seedArchive(a *archive) func(tx *storage.Tx) error {
	return func(tx *storage.Tx) error {
		a.lin = storage.Customer{Name: "林小雨", Emails: []string{"linxiaoyu@qq.example"},
			Phones: []storage.Phone{{Number: "+86 138 0013 8000", Label: "mobile"}}, Tags: []string{"复购"}, Segment: storage.SegmentNew}
		a.wang = storage.Customer{Name: "王建国", Emails: []string{"wang@example.com"},
			Phones: []storage.Phone{{Number: "021-5555 1234"}}, Segment: storage.SegmentVIP, Address: "上海市徐汇区"}
		a.sarah = storage.Customer{Name: "Sarah Lee", Emails: []string{"sarah@example.com"}, Tags: []string{"wholesale"}}
		for _, c := range []*storage.Customer{&a.lin, &a.wang, &a.sarah} {
			if err := tx.SaveCustomer(c); err != nil {
				return err
			}
		}
		a.conv = storage.Conversation{CustomerID: a.lin.ID, Subject: "凉席尺寸问题", Status: storage.StatusClosed}
		if err := tx.SaveConversation(&a.conv); err != nil {
			return err
		}
		a.order = storage.Order{CustomerID: a.sarah.ID, Platform: storage.PlatformAmazon, Number: "113-1234567-1234567",
			Total: 12850, Currency: "USD", Status: storage.OrderShipped, Placed: clock.Add(-48 * time.Hour)}
		return tx.SaveOrder(&a.order)
	}
}

func (s *customersScreen) names() []string {
	out := make([]string, len(s.rows))
	for i, c := range s.rows {
		out[i] = customerName(c)
	}
	return out
}

func TestCustomersSearchAndFilters(t *testing.T) {
	var a archive
	h := newHarness(t, seedArchive(&a))
	h.showPage("customers")
	s := h.desk.customers
	h.waitFor("the customers", func() bool { return len(s.rows) == 3 })
	segment := s.filters[0].control.(*widget.Select)
	tag := s.filters[1].control.(*widget.Select)
	open := s.filters[2].control.(*widget.Check)
	h.waitFor("the tags offered", func() bool { return slices.Equal(tag.Options, []string{"All tags", "wholesale", "复购"}) })

	cases := []struct {
		name   string
		set    func()
		want   []string
		notice bool
	}{
		{"phone as +86", func() { s.search.SetText("+86 138 0013 8000") }, []string{"林小雨"}, false},
		{"phone as 0086", func() { s.search.SetText("0086-138-0013-8000") }, []string{"林小雨"}, false},
		{"phone national", func() { s.search.SetText("13800138000") }, []string{"林小雨"}, false},
		{"email", func() { s.search.SetText("WANG@example") }, []string{"王建国"}, false},
		{"order number", func() { s.search.SetText("113-1234567-1234567") }, []string{"Sarah Lee"}, false},
		{"tag word", func() { s.search.SetText("wholesale") }, []string{"Sarah Lee"}, false},
		{"nobody", func() { s.search.SetText("nobody at all") }, nil, true},
		{"segment", func() { s.search.SetText(""); segment.SetSelectedIndex(4) }, []string{"王建国"}, false},
		{"tag", func() { segment.SetSelectedIndex(0); tag.SetSelected("复购") }, []string{"林小雨"}, false},
		{"all again", func() { tag.SetSelectedIndex(0) }, []string{"林小雨", "王建国", "Sarah Lee"}, false},
		{"open items: none", func() { open.SetChecked(true) }, nil, true},
	}
	for _, c := range cases {
		c.set()
		h.waitFor(c.name, func() bool { return slices.Equal(s.names(), c.want) && s.panel.noticeShown() == c.notice })
	}
	// A follow-up not done is an open item.
	h.update(func(tx *storage.Tx) error {
		return tx.SaveFollowUp(&storage.FollowUp{CustomerID: a.wang.ID, Kind: storage.FollowCare, Due: clock})
	})
	h.waitFor("the customer with an open follow-up", func() bool { return slices.Equal(s.names(), []string{"王建国"}) })

	// A row opens the profile.
	s.table.Select(widget.TableCellID{Row: 0, Col: 0})
	if len(h.desk.views) != 1 {
		t.Fatalf("%d views open", len(h.desk.views))
	}
}

func (h *harness) openProfile(id uint64) *profileView {
	h.t.Helper()
	p := h.desk.openCustomer(id)
	h.waitFor("the profile", func() bool { return p.loaded && p.timeline.loaded })
	return p
}

func TestProfileEditorSaves(t *testing.T) {
	var a archive
	h := newHarness(t, seedArchive(&a))
	p := h.openProfile(a.lin.ID)
	e := p.editor
	if e.name.Text != "林小雨" || len(e.phones.rows) != 1 || e.phones.rows[0].entries[1].Text != "mobile" {
		t.Fatalf("the editor shows %q, %d phones", e.name.Text, len(e.phones.rows))
	}
	test.Tap(e.emails.add)
	e.emails.rows[1].entries[0].SetText("xiaoyu.lin@work.example")
	test.Tap(e.phones.add)
	e.phones.rows[1].entries[0].SetText("021-6666 8888")
	e.phones.rows[1].entries[1].SetText("work")
	test.Tap(e.im.add)
	e.im.rows[0].entries[0].SetText("WeChat")
	e.im.rows[0].entries[1].SetText("xiaoyu88")
	e.address.SetText("杭州市西湖区")
	e.language.SetText("zh-Hans")
	e.birthday.SetText("--08-15")
	e.tags.SetText("复购，怕热")
	e.notes.SetText("喜欢灰色")
	test.Tap(e.save)
	h.storeHolds("the profile saved", func(tx *storage.Tx) bool {
		c, _ := tx.Customer(a.lin.ID)
		return slices.Equal(c.Emails, []string{"linxiaoyu@qq.example", "xiaoyu.lin@work.example"}) &&
			slices.Equal(c.Phones, []storage.Phone{{Number: "+86 138 0013 8000", Label: "mobile"}, {Number: "021-6666 8888", Label: "work"}}) &&
			slices.Equal(c.IM, []storage.IMHandle{{Network: "WeChat", Handle: "xiaoyu88"}}) &&
			c.Address == "杭州市西湖区" && c.Language == "zh-Hans" && c.Birthday == "--08-15" &&
			slices.Equal(c.Tags, []string{"复购", "怕热"}) && c.Notes == "喜欢灰色"
	})
	h.waitFor("saved", func() bool { return e.status.Text == "Saved." })
	if err := h.store.VerifyIndexes(); err != nil {
		t.Fatal(err)
	}
}

func TestProfileEditorRefuses(t *testing.T) {
	var a archive
	h := newHarness(t, seedArchive(&a))
	p := h.openProfile(a.lin.ID)
	e := p.editor
	cases := []struct {
		name string
		set  func()
		says string
	}{
		{"another's email", func() { e.emails.rows[0].entries[0].SetText("WANG@example.com") },
			"WANG@example.com already belongs to 王建国. An email address can belong to one customer only."},
		{"another's phone", func() { e.phones.rows[0].entries[0].SetText("+86 21 5555 1234") },
			"+86 21 5555 1234 already belongs to 王建国. Merge the two customers if they are the same person."},
		{"not an address", func() { e.emails.rows[0].entries[0].SetText("not an address") }, "not an address is not an email address."},
		{"bad birthday", func() { e.birthday.SetText("15/08") }, "Write the birthday as YYYY-MM-DD, or --MM-DD without the year."},
	}
	for _, c := range cases {
		e.dirty = false
		e.update(a.lin)
		e.name.SetText("typed, not lost")
		c.set()
		e.problem.Hide()
		test.Tap(e.save)
		h.waitFor(c.name, func() bool { return e.problem.Visible() })
		if e.problem.Text != c.says {
			t.Errorf("%s: says %q, want %q", c.name, e.problem.Text, c.says)
		}
		if e.name.Text != "typed, not lost" {
			t.Errorf("%s: the typing was lost", c.name)
		}
	}
	h.storeHolds("the customer unchanged", func(tx *storage.Tx) bool {
		c, _ := tx.Customer(a.lin.ID)
		return c.Name == "林小雨" && slices.Equal(c.Emails, []string{"linxiaoyu@qq.example"})
	})
}

func TestNewCustomerFromTheScreen(t *testing.T) {
	h := newHarness(t, nil)
	p := h.openProfile(0)
	if !p.merge.Disabled() || !p.newOrder.Disabled() {
		t.Error("merge and new order are offered before the customer exists")
	}
	p.editor.name.SetText("陈静")
	test.Tap(p.editor.phones.add)
	p.editor.phones.rows[0].entries[0].SetText("139 1234 5678")
	test.Tap(p.editor.save)
	h.waitFor("the customer created", func() bool { return p.id != 0 })
	h.storeHolds("the customer stored", func(tx *storage.Tx) bool {
		cs, _ := tx.CustomersByPhone("13912345678")
		return len(cs) == 1 && cs[0].Name == "陈静" && cs[0].ID == p.id
	})
	if p.merge.Disabled() || p.newOrder.Disabled() {
		t.Error("merge and new order stay off after saving")
	}
}

func TestSegmentSuggestionApply(t *testing.T) {
	var a archive
	h := newHarness(t, seedArchive(&a))
	p := h.openProfile(a.lin.ID)
	if p.suggest.Visible() {
		t.Fatal("a suggestion without orders")
	}
	h.update(func(tx *storage.Tx) error {
		for _, n := range []string{"A1", "A2"} {
			if err := tx.SaveOrder(&storage.Order{CustomerID: a.lin.ID, Number: n, Total: 10000, Currency: "CNY", Status: storage.OrderPaid}); err != nil {
				return err
			}
		}
		return nil
	})
	h.waitFor("the suggestion", func() bool { return p.suggest.Visible() })
	if want := "Suggested segment: Returning customer (2 orders, ¥200.00 spent)."; p.sugText.Text != want {
		t.Errorf("suggestion %q, want %q", p.sugText.Text, want)
	}
	h.storeHolds("nothing applied on its own", func(tx *storage.Tx) bool {
		c, _ := tx.Customer(a.lin.ID)
		return c.Segment == storage.SegmentNew
	})
	test.Tap(p.apply)
	h.storeHolds("the suggestion applied", func(tx *storage.Tx) bool {
		c, _ := tx.Customer(a.lin.ID)
		return c.Segment == storage.SegmentReturning
	})
	h.waitFor("the suggestion gone", func() bool { return !p.suggest.Visible() })
}

func TestMergeDialog(t *testing.T) {
	var a archive
	h := newHarness(t, seedArchive(&a))
	p := h.openProfile(a.lin.ID)
	m := p.showMerge()
	m.search.SetText("王")
	h.waitFor("the other customer found", func() bool { return len(m.found) == 1 && m.found[0].ID == a.wang.ID })
	m.list.Select(0)
	h.waitFor("the preview", func() bool { return !m.confirm.Disabled() })
	field := func(name string) storage.MergeField {
		for _, f := range m.plan.Fields {
			if f.Field == name {
				return f
			}
		}
		return storage.MergeField{}
	}
	if f := field("name"); f.Result != "林小雨" || f.FromGone {
		t.Errorf("name %+v", f)
	}
	if f := field("address"); f.Result != "上海市徐汇区" || !f.FromGone {
		t.Errorf("the empty address should take the other's: %+v", f)
	}
	// The preview says in words where each value comes from.
	source := map[string]string{}
	for i, f := range m.plan.Fields {
		o := m.preview.CreateCell()
		m.preview.UpdateCell(widget.TableCellID{Row: i + 1, Col: 4}, o)
		source[f.Field] = o.(*widget.Label).Text
	}
	if source["name"] != "Kept customer" || source["address"] != "Merged away" || source["emails"] != "Both" {
		t.Errorf("sources %v", source)
	}
	test.Tap(m.swap)
	h.waitFor("the swapped preview", func() bool { return m.plan.Keep.ID == a.wang.ID && !m.confirm.Disabled() })
	if f := field("name"); f.Result != "王建国" {
		t.Errorf("swapped name %+v", f)
	}
	test.Tap(m.swap) // back: keep 林小雨
	h.waitFor("the preview again", func() bool { return m.plan.Keep.ID == a.lin.ID && !m.confirm.Disabled() })
	if !strings.Contains(m.moves.Text, "王建国 will be deleted after everything moves to 林小雨") {
		t.Errorf("moves say %q", m.moves.Text)
	}
	test.Tap(m.confirm)
	h.storeHolds("the merge", func(tx *storage.Tx) bool {
		_, err := tx.Customer(a.wang.ID)
		c, _ := tx.Customer(a.lin.ID)
		return err != nil && c.Address == "上海市徐汇区" && len(c.Emails) == 2
	})
	if err := h.store.VerifyIndexes(); err != nil {
		t.Fatal(err)
	}
}

// timelineRows reads the timeline as "kind: text", top to bottom.
func timelineRows(tl *timelineView) []string {
	var rows []string
	for i := range tl.entries {
		r := rowTexts(tl.list, i) // text, date, kind
		rows = append(rows, r[2]+": "+r[0])
	}
	return rows
}

func TestTimelineNewestFirstWithChips(t *testing.T) {
	var a archive
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedArchive(&a)(tx); err != nil {
			return err
		}
		at := func(h int) time.Time { return clock.Add(time.Duration(h) * time.Hour) }
		m := storage.Message{ConversationID: a.conv.ID, Direction: storage.Inbound, Date: at(-50), Subject: "凉席尺寸问题"}
		steps := []error{
			tx.SaveMessage(&m, []byte("x")),
			tx.SaveCall(&storage.Call{CustomerID: a.lin.ID, Direction: storage.Outbound, Start: at(-30), Summary: "回访", Outcome: storage.CallResolved}),
			tx.SaveNote(&storage.Note{CustomerID: a.lin.ID, Created: at(-40), Text: "喜欢灰色"}),
			tx.SaveFollowUp(&storage.FollowUp{CustomerID: a.lin.ID, Kind: storage.FollowCare, Due: at(-20), Note: "生日"}),
			tx.SaveMessage(&storage.Message{ConversationID: a.conv.ID, Direction: storage.Outbound, Date: at(-10), Subject: "Re: 凉席尺寸问题"}, []byte("y")),
		}
		for _, err := range steps {
			if err != nil {
				return err
			}
		}
		return nil
	})
	p := h.openProfile(a.lin.ID)
	p.tabs.SelectIndex(2)
	tl := p.timeline
	want := []string{
		"Email to the customer: Re: 凉席尺寸问题",
		"Follow-up: Customer care  ·  生日",
		"Outgoing call: 回访  ·  Resolved",
		"Note: 喜欢灰色",
		"Email from the customer: 凉席尺寸问题",
	}
	if got := timelineRows(tl); !slices.Equal(got, want) {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	tl.chips[storage.TimelineMessage].SetChecked(false)
	tl.chips[storage.TimelineNote].SetChecked(false)
	if got := timelineRows(tl); !slices.Equal(got, []string{want[1], want[2]}) {
		t.Errorf("without emails and notes: %q", got)
	}
	for _, k := range timelineKinds {
		tl.chips[k.kind].SetChecked(k.kind == storage.TimelineOrder)
	}
	if !tl.panel.noticeShown() {
		t.Error("no entries of the kind, but no notice")
	}
}

func TestOrderEditorFromOrdersScreen(t *testing.T) {
	var a archive
	h := newHarness(t, seedArchive(&a))
	h.showPage("orders")
	s := h.desk.orders
	h.waitFor("the orders", func() bool { return len(s.rows) == 1 })
	v := h.desk.openOrder(0, 0)
	h.waitFor("the editor", func() bool { return v.loaded && len(v.picked) == 3 })
	test.Tap(v.save)
	h.waitFor("a refusal", func() bool { return v.problem.Visible() })
	if v.problem.Text != "Choose the customer the order belongs to." {
		t.Errorf("says %q", v.problem.Text)
	}
	v.pickSearch.SetText("13800138000")
	h.waitFor("the customer found", func() bool { return len(v.picked) == 1 && v.customerID == a.lin.ID })
	v.platform.SetSelectedIndex(slices.Index(storage.Platforms, storage.PlatformTaobao))
	v.number.SetText("3921456789012345678")
	v.total.SetText("128.50")
	test.Tap(v.items.add)
	v.items.rows[0].entries[0].SetText("冰丝凉席 1.8m")
	v.items.rows[0].entries[2].SetText("2")
	v.items.rows[0].entries[3].SetText("64.25")
	v.placed.SetText("2025-11-18 20:15")
	test.Tap(v.save)
	h.waitFor("saved", func() bool { return v.id != 0 })
	h.storeHolds("the new order", func(tx *storage.Tx) bool {
		os, _ := tx.OrdersOf(a.lin.ID)
		return len(os) == 1 && os[0].Total == 12850 && os[0].Status == storage.OrderPaid && len(os[0].Items) == 1 &&
			os[0].Items[0].Quantity == 2 && os[0].Items[0].Price == 6425 && os[0].Placed.Format("2006-01-02 15:04") == "2025-11-18 20:15"
	})

	// A status change and an after-sales case: both land in the history.
	v.status.SetSelectedIndex(slices.Index(storage.OrderStatuses, storage.OrderShipped))
	v.carrier.SetText("顺丰")
	v.tracking.SetText("SF1234567890123")
	test.Tap(v.addCaseBtn)
	c := v.cases[0]
	c.kind.SetSelectedIndex(slices.Index(storage.CaseKinds, storage.CaseRefund))
	c.reason.SetSelectedIndex(slices.Index(storage.CaseReasons, "damaged"))
	c.text.SetText("外包装破了")
	c.amount.SetText("30")
	test.Tap(v.save)
	h.storeHolds("the shipped order with its case", func(tx *storage.Tx) bool {
		o, _ := tx.Order(v.stored.Load())
		return o.Status == storage.OrderShipped && len(o.History) == 2 && len(o.Cases) == 1 &&
			o.Cases[0].Kind == storage.CaseRefund && o.Cases[0].Reason == "damaged" && o.Cases[0].ReasonText == "外包装破了" &&
			o.Cases[0].Amount == 3000 && len(o.Cases[0].Steps) == 1
	})
	h.waitFor("the editor to show the saved case", func() bool { return len(v.cases) == 1 && !v.dirty })
	v.cases[0].state.SetSelectedIndex(slices.Index(storage.CaseStates, storage.CaseRefunded))
	test.Tap(v.save)
	h.storeHolds("the case step", func(tx *storage.Tx) bool {
		o, _ := tx.Order(v.stored.Load())
		return len(o.Cases) == 1 && len(o.Cases[0].Steps) == 2 && o.Cases[0].Steps[1].State == storage.CaseRefunded
	})
	h.storeHolds("the timeline has the order and the case", func(tx *storage.Tx) bool {
		tl, _ := tx.Timeline(a.lin.ID)
		kinds := map[storage.TimelineKind]int{}
		for _, e := range tl {
			kinds[e.Kind]++
		}
		return kinds[storage.TimelineOrder] == 2 && kinds[storage.TimelineAfterSales] == 2
	})

	// The same number on the same platform is refused.
	w := h.desk.openOrder(0, a.wang.ID)
	h.waitFor("the second editor", func() bool { return w.loaded && w.customer.Text == "王建国" })
	w.platform.SetSelectedIndex(slices.Index(storage.Platforms, storage.PlatformTaobao))
	w.number.SetText("3921 4567 8901 2345 678")
	test.Tap(w.save)
	h.waitFor("the refusal", func() bool { return w.problem.Visible() })
	if want := "Order 3921 4567 8901 2345 678 on Taobao is already recorded."; w.problem.Text != want {
		t.Errorf("says %q, want %q", w.problem.Text, want)
	}

	// The Orders screen filters.
	h.desk.popAll()
	cases := []struct {
		name string
		set  func()
		want int
	}{
		{"by tracking", func() { s.search.SetText("sf1234") }, 1},
		{"after-sales", func() { s.search.SetText(""); s.filters[2].control.(*widget.Check).SetChecked(true) }, 1},
		{"amazon with after-sales", func() {
			s.filters[1].control.(*widget.Select).SetSelectedIndex(1 + slices.Index(storage.Platforms, storage.PlatformAmazon))
		}, 0},
		{"amazon", func() { s.filters[2].control.(*widget.Check).SetChecked(false) }, 1},
		{"shipped", func() {
			s.filters[1].control.(*widget.Select).SetSelectedIndex(0)
			s.filters[0].control.(*widget.Select).SetSelectedIndex(1 + slices.Index(storage.OrderStatuses, storage.OrderShipped))
		}, 2},
	}
	for _, c := range cases {
		c.set()
		h.waitFor(c.name, func() bool { return len(s.rows) == c.want })
	}
	if err := h.store.VerifyIndexes(); err != nil {
		t.Fatal(err)
	}
}

func TestOrderEditorKeepsFreeTextReason(t *testing.T) {
	var a archive
	var o storage.Order
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedArchive(&a)(tx); err != nil {
			return err
		}
		o = storage.Order{CustomerID: a.lin.ID, Number: "T-1", Currency: "CNY", Status: storage.OrderDelivered,
			Cases: []storage.AfterSalesCase{{Kind: storage.CaseExchange, Reason: "尺寸买错：1.5米换1.8米", State: storage.CaseRequested}}}
		return tx.SaveOrder(&o)
	})
	v := h.desk.openOrder(o.ID, 0)
	h.waitFor("the order", func() bool { return v.loaded && len(v.cases) == 1 })
	c := v.cases[0]
	if c.reason.Selected != "Other reason" || c.text.Text != "尺寸买错：1.5米换1.8米" {
		t.Errorf("the free-text reason shows as %q / %q", c.reason.Selected, c.text.Text)
	}
	c.state.SetSelectedIndex(slices.Index(storage.CaseStates, storage.CaseApproved))
	test.Tap(v.save)
	h.storeHolds("the case approved, its reason kept", func(tx *storage.Tx) bool {
		got, _ := tx.Order(o.ID)
		return got.Cases[0].State == storage.CaseApproved && got.Cases[0].Reason == "尺寸买错：1.5米换1.8米" && got.Cases[0].ReasonText == ""
	})
}

// Usual phone labels are stored in one language and shown in the
// seller's; the seller's own words are kept as typed.
func TestPhoneLabels(t *testing.T) {
	tests := []struct {
		locale      string
		stored      string
		shown       string
		storedAgain string
	}{
		{"en_US.UTF-8", "mobile", "mobile", "mobile"},
		{"zh_CN.UTF-8", "mobile", "手机", "mobile"},
		{"zh_CN.UTF-8", "work", "工作", "work"},
		{"zh_CN.UTF-8", "前台", "前台", "前台"},
		{"en_US.UTF-8", "Mobile", "Mobile", "mobile"},
	}
	t.Cleanup(func() { useEnglish(t) })
	for _, tt := range tests {
		t.Run(tt.locale+" "+tt.stored, func(t *testing.T) {
			useLanguage(t, tt.locale)
			if got := phoneLabelName(tt.stored); got != tt.shown {
				t.Errorf("shown %q, want %q", got, tt.shown)
			}
			if got := phoneLabelValue(tt.shown); got != tt.storedAgain {
				t.Errorf("stored again %q, want %q", got, tt.storedAgain)
			}
		})
	}
}
