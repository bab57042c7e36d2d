package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// seedCustomer saves a customer with an open conversation whose customer
// has waited the given time.
func seedCustomer(tx *storage.Tx, name, subject string, waited time.Duration) error {
	c := storage.Customer{Name: name, Emails: []string{fmt.Sprintf("c%d@example.com", waited)}}
	if err := tx.SaveCustomer(&c); err != nil {
		return err
	}
	at := clock.Add(-waited)
	return tx.SaveConversation(&storage.Conversation{
		CustomerID: c.ID, Subject: subject, Status: storage.StatusOpen,
		FirstInbound: at, LastInbound: at,
	})
}

// rowTexts renders a list row and returns its labels' texts.
func rowTexts(l *widget.List, id int) []string {
	o := l.CreateItem()
	l.UpdateItem(id, o)
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

func TestEmptyStoreShowsEmptyStates(t *testing.T) {
	h := newHarness(t, nil)
	tests := []struct {
		page    string
		panel   func() *panel
		message string
	}{
		{"inbox", func() *panel { return h.desk.inbox.panel }, "No conversations waiting. New mail appears here."},
		{"followups", func() *panel { return h.desk.followUps.panel }, "No follow-ups due. Call-backs and reminders you schedule appear here."},
		{"customers", func() *panel { return h.desk.customers.panel }, "No customers yet. Everyone who writes to the shop gets a customer card here."},
		{"orders", func() *panel { return h.desk.orders.panel }, "No orders yet. Orders you record or import are listed here with their tracking numbers."},
		{"canned", func() *panel { return h.desk.canned.panel }, "No canned replies yet. Save the answers you type again and again, and reply in one click."},
		{"insights", func() *panel { return h.desk.insights.panel }, "Nothing to measure yet. The numbers appear once customers write in."},
	}
	for _, tt := range tests {
		t.Run(tt.page, func(t *testing.T) {
			p := h.showPage(tt.page)
			h.waitFor(tt.page+" empty state", func() bool { return tt.panel() != nil && tt.panel().noticeShown() })
			if got := tt.panel().label.Text; got != tt.message {
				t.Errorf("empty state says %q, want %q", got, tt.message)
			}
			if h.desk.stack.Objects[0] != p.content {
				t.Error("the page's content is not shown")
			}
		})
	}
}

func TestStoreWritesUpdateListsAndCounts(t *testing.T) {
	h := newHarness(t, nil)
	in := h.desk.inbox
	h.waitFor("empty inbox", func() bool { return in.panel != nil && in.panel.noticeShown() })
	h.waitFor("counts", func() bool { return h.desk.pages[0].count == 0 })

	h.update(func(tx *storage.Tx) error { return seedCustomer(tx, "Bob", "Refund?", time.Hour) })
	h.waitFor("the new conversation", func() bool { return len(in.ids) == 1 && in.panel.mainShown() })
	h.waitFor("inbox count 1", func() bool { return h.desk.pages[0].count == 1 })
	if got := rowTexts(h.desk.nav, 0); fmt.Sprint(got) != fmt.Sprint([]string{"Inbox", "1"}) {
		t.Errorf("nav row = %q", got)
	}

	// A burst of writes is coalesced and ends with everything shown.
	for i := range 20 {
		h.update(func(tx *storage.Tx) error {
			return seedCustomer(tx, fmt.Sprintf("Buyer %d", i), "Hello", time.Duration(i+2)*time.Hour)
		})
	}
	h.waitFor("21 rows", func() bool { return len(in.ids) == 21 })
	h.waitFor("inbox count 21", func() bool { return h.desk.pages[0].count == 21 })
	if got := h.desk.pages[2].count; got != 21 {
		t.Errorf("customer count = %d, want 21", got)
	}
}

func TestScreensShowData(t *testing.T) {
	h := newHarness(t, func(tx *storage.Tx) error {
		c := storage.Customer{Name: "张伟", Emails: []string{"zw@example.cn"},
			Phones: []storage.Phone{{Number: "138 0013 8000"}}, Segment: storage.SegmentVIP}
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		if err := tx.SaveOrder(&storage.Order{CustomerID: c.ID, Platform: storage.PlatformTaobao,
			Number: "3021458891234", Total: 12850, Currency: "CNY", Status: storage.OrderShipped,
			Carrier: "顺丰", Tracking: "SF1234567890"}); err != nil {
			return err
		}
		for _, f := range []storage.FollowUp{
			{CustomerID: c.ID, Kind: storage.FollowSatisfaction, Due: clock.Add(-2 * time.Hour), Note: "回访退货"},
			{CustomerID: c.ID, Kind: storage.FollowPayment, Due: clock.Add(48 * time.Hour)},
		} {
			if err := tx.SaveFollowUp(&f); err != nil {
				return err
			}
		}
		return tx.SaveCannedReply(&storage.CannedReply{Category: "after-sale/logistics", Title: "Logistics delay",
			Shortcut: "delay", Variants: []storage.CannedVariant{{Body: "Hi {name},\nsorry for the wait."}}})
	})

	h.showPage("customers")
	cs := h.desk.customers
	h.waitFor("a customer", func() bool { return len(cs.rows) == 1 })
	cells := make([]string, 4)
	for col := range cells {
		o := cs.table.CreateCell()
		cs.table.UpdateCell(widget.TableCellID{Row: 0, Col: col}, o)
		cells[col] = o.(*widget.Label).Text
	}
	if want := []string{"张伟", "Key customer", "zw@example.cn", "138 0013 8000"}; fmt.Sprint(cells) != fmt.Sprint(want) {
		t.Errorf("customer cells = %q, want %q", cells, want)
	}

	h.showPage("orders")
	os := h.desk.orders
	h.waitFor("an order", func() bool { return len(os.rows) == 1 })
	cells = make([]string, 6)
	for col := range cells {
		o := os.table.CreateCell()
		os.table.UpdateCell(widget.TableCellID{Row: 0, Col: col}, o)
		cells[col] = o.(*widget.Label).Text
	}
	if want := []string{"3021458891234", "Taobao", "Shipped", "¥128.50", "顺丰 SF1234567890", "张伟"}; fmt.Sprint(cells) != fmt.Sprint(want) {
		t.Errorf("order cells = %q, want %q", cells, want)
	}

	h.showPage("followups")
	fs := h.desk.followUps
	// Two sections, each under its heading: overdue, then upcoming.
	h.waitFor("two follow-ups", func() bool { return len(fs.items) == 4 })
	if got := rowTexts(fs.list, 0); got[0] != "Overdue (1)" {
		t.Errorf("first heading = %q", got)
	}
	over := fs.list.CreateItem()
	fs.list.UpdateItem(1, over)
	due := over.(*fyne.Container).Objects[1].(*fyne.Container).Objects[1].(*fyne.Container).Objects[0].(*widget.Label)
	if due.Text != "Overdue by 2 h" || due.Importance != widget.DangerImportance {
		t.Errorf("overdue follow-up shows %q with importance %v", due.Text, due.Importance)
	}
	if got := rowTexts(fs.list, 3); got[1] != "张伟 · Payment reminder" || got[3] != "Due "+formatDate(clock.Add(48*time.Hour)) {
		t.Errorf("upcoming follow-up = %q", got)
	}

	h.showPage("canned")
	cn := h.desk.canned
	h.waitFor("a canned reply", func() bool { return len(cn.all) == 1 })
	// The reply under its category's two headings.
	if top, sub := rowTexts(cn.list, 0), rowTexts(cn.list, 1); top[len(top)-1] != "after-sale" || sub[len(sub)-1] != "  logistics" {
		t.Errorf("canned headings = %q, %q", top, sub)
	}
	if got, want := rowTexts(cn.list, 2)[:3], []string{"Logistics delay", "/delay", "Hi {name}, sorry for the wait."}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("canned row = %q, want %q", got, want)
	}

	h.showPage("insights")
	in := h.desk.insights
	h.waitFor("insights", func() bool { return in.panel != nil && in.panel.mainShown() })
	got := map[string]string{}
	for _, c := range in.cards {
		got[c.Subtitle] = c.Title
	}
	for caption, n := range map[string]string{"Customers": "1", "Orders": "1", "Open follow-ups": "2", "Overdue follow-ups": "1", "Waiting for us": "0"} {
		if got[caption] != n {
			t.Errorf("insight %q = %q, want %q", caption, got[caption], n)
		}
	}
}

func TestNavigationRemembersScreenAndSize(t *testing.T) {
	h := newHarness(t, nil)
	if got := h.desk.pages[h.desk.current].id; got != "inbox" {
		t.Fatalf("start screen = %q, want inbox", got)
	}
	for _, p := range h.desk.pages {
		h.showPage(p.id)
		if p.content == nil || h.desk.stack.Objects[0] != p.content {
			t.Errorf("page %s not shown", p.id)
		}
		h.settle()
	}
	h.showPage("orders")
	h.win.Resize(fyne.NewSize(900, 640))
	h.settle()
	h.desk.Close()

	h.build()
	if got := h.desk.pages[h.desk.current].id; got != "orders" {
		t.Errorf("after restart the screen is %q, want orders", got)
	}
	if got := h.win.Canvas().Size(); got.Width != 900 || got.Height != 640 {
		t.Errorf("after restart the window is %v, want 900x640", got)
	}
	h.settle()
}

func TestSettingsSave(t *testing.T) {
	h := newHarness(t, nil)
	h.showPage("settings")
	s := h.desk.settings
	h.waitFor("settings loaded", func() bool { return s.shop != nil && s.shop.Text == "My Shop" })

	bad := []struct {
		name, field, value, want string
	}{
		{"no shop name", "shop", "  ", "Enter the shop's name."},
		{"minutes not a number", "target", "ten", "Enter a whole number of minutes from 1 to 1440."},
		{"zero minutes", "target", "0", "Enter a whole number of minutes from 1 to 1440."},
		{"bad start", "start", "9am", "Enter a time on the 24-hour clock, such as 09:00."},
		{"end before start", "end", "08:00", "The working day must end after it starts."},
	}
	entries := map[string]*widget.Entry{"shop": s.shop, "target": s.target, "start": s.start, "end": s.end}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			e := entries[tt.field]
			old := e.Text
			defer e.SetText(old)
			e.SetText(tt.value)
			_, err := s.form()
			if err == nil || err.Error() != tt.want {
				t.Fatalf("form error = %v, want %q", err, tt.want)
			}
			s.submit()
			if h.win.Canvas().Overlays().Top() == nil {
				t.Error("no error dialog")
			}
			h.win.Canvas().Overlays().Top().Hide()
			h.win.Canvas().Overlays().Remove(h.win.Canvas().Overlays().Top())
		})
	}

	s.shop.SetText("Lucky Cat 招财猫")
	s.agent.SetText("小美")
	s.target.SetText("15")
	s.start.SetText("8:30")
	s.end.SetText("20:00")
	s.submit()
	h.waitFor("saved", func() bool { return s.status.Text == "Saved." })
	var got storage.Settings
	if err := h.store.View(func(tx *storage.Tx) (err error) { got, err = tx.Settings(); return err }); err != nil {
		t.Fatal(err)
	}
	if got.ShopName != "Lucky Cat 招财猫" || got.AgentName != "小美" || got.ResponseTarget != 15*time.Minute ||
		got.Hours.Start != "08:30" || got.Hours.End != "20:00" || !got.Hours.Days[time.Monday] {
		t.Errorf("saved settings = %+v", got)
	}
	h.settle()
}

func TestChineseTranslationIsUsed(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "zh_CN.UTF-8")
	if err := LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	got := []string{lang.L("Inbox"), segmentName(storage.SegmentVIP), formatDuration(90 * time.Minute), formatMoney(100, "USD")}
	useEnglish(t)
	if want := []string{"收件箱", "重点客户", "1 小时 30 分钟", "$1.00"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("in Chinese: %q, want %q", got, want)
	}
	if got := lang.L("Inbox"); got != "Inbox" {
		t.Errorf("back in English: %q", got)
	}
}

func TestLongTablesLoadPageByPage(t *testing.T) {
	const n = pageSize + 60
	h := newHarness(t, func(tx *storage.Tx) error {
		for i := range n {
			if err := tx.SaveCustomer(&storage.Customer{Name: fmt.Sprintf("Buyer %03d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	h.showPage("customers")
	cs := h.desk.customers
	h.waitFor("the first page", func() bool { return len(cs.rows) == pageSize })
	want := fmt.Sprintf("Showing %d of %d.", pageSize, n)
	if !cs.footer.label.Visible() || cs.footer.label.Text != want {
		t.Errorf("footer = %q (visible %v), want %q", cs.footer.label.Text, cs.footer.label.Visible(), want)
	}

	// Drawing a row near the end of what is loaded fetches the next page.
	cs.table.UpdateCell(widget.TableCellID{Row: pageSize - 10, Col: 0}, cs.table.CreateCell())
	h.waitFor("every customer", func() bool { return len(cs.rows) == n })
	if cs.footer.label.Visible() {
		t.Errorf("footer still says %q with everything loaded", cs.footer.label.Text)
	}
	if got := cs.rows[n-1].Name; got != fmt.Sprintf("Buyer %03d", n-1) {
		t.Errorf("last row = %q", got)
	}
}
