package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// shopHours are the tests' working hours: Monday to Saturday, 09:00-18:00
// UTC, a 10-minute target. The harness clock is Thursday 20 Nov 2025, 10:00.
func shopHours(tx *storage.Tx) error {
	set, err := tx.Settings()
	if err != nil {
		return err
	}
	set.Hours = storage.WorkingHours{TimeZone: "UTC", Days: [7]bool{false, true, true, true, true, true, true}, Start: "09:00", End: "18:00"}
	set.ResponseTarget = 10 * time.Minute
	return tx.SaveSettings(set)
}

// convSeed is a conversation for a test store.
type convSeed struct {
	name, subject, snippet string
	status                 storage.ConversationStatus
	since                  time.Time // the customer's message
	replied                time.Time // our reply (zero: none)
	unread                 bool
	tags                   []string
	account                string
	snoozed                time.Time
}

func (c convSeed) save(tx *storage.Tx) (uint64, error) {
	cust := storage.Customer{Name: c.name}
	if err := tx.SaveCustomer(&cust); err != nil {
		return 0, err
	}
	status := c.status
	if status == "" {
		status = storage.StatusOpen
	}
	conv := storage.Conversation{CustomerID: cust.ID, Subject: c.subject, Snippet: c.snippet, Status: status,
		FirstInbound: c.since, LastInbound: c.since, LastOutbound: c.replied, Unread: c.unread,
		Tags: c.tags, Account: c.account, SnoozedUntil: c.snoozed, Created: c.since}
	err := tx.SaveConversation(&conv)
	return conv.ID, err
}

// drawn is what a drawn inbox row shows.
type drawn struct {
	name, when, line, clock string
	importance              widget.Importance
	bold, dot, cursor       bool
}

func drawRow(in *inboxScreen, i int) drawn {
	it := in.list.CreateItem().(*inboxItem)
	in.list.UpdateItem(i, it)
	var line strings.Builder
	for _, s := range it.line.Segments {
		line.WriteString(s.(*widget.TextSegment).Text)
	}
	return drawn{name: it.name.Text, when: it.when.Text, line: line.String(), clock: it.clock.Text,
		importance: it.clock.Importance, bold: it.name.TextStyle.Bold,
		dot: it.dot.FillColor != nil && !isTransparent(it.dot.FillColor), cursor: !isTransparent(it.cursor.FillColor)}
}

func isTransparent(c interface{ RGBA() (r, g, b, a uint32) }) bool {
	_, _, _, a := c.RGBA()
	return a == 0
}

// names lists the customer names of the inbox's rows, as they are read.
func names(h *harness, in *inboxScreen) []string {
	out := make([]string, len(in.ids))
	if err := h.store.View(func(tx *storage.Tx) error {
		for i, id := range in.ids {
			c, err := tx.Conversation(id)
			if err != nil {
				return err
			}
			cust, err := tx.Customer(c.CustomerID)
			if err != nil {
				return err
			}
			out[i] = cust.Name
		}
		return nil
	}); err != nil {
		h.t.Fatal(err)
	}
	return out
}

func TestInboxOrderAndClocks(t *testing.T) {
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := shopHours(tx); err != nil {
			return err
		}
		for _, c := range []convSeed{
			{name: "Carol", subject: "Gift wrap?", since: clock.Add(-5 * time.Minute)},
			{name: "Alice Smith", subject: "Where is my parcel?", snippet: "Hi,\nit has been a week.", since: clock.Add(-12 * time.Minute), unread: true},
			{name: "Bob", subject: "", since: clock.Add(-9 * time.Minute)},
			// Wednesday 19:00: only this morning's hour is working time.
			{name: "王芳", subject: "尺码问题", since: time.Date(2025, 11, 19, 19, 0, 0, 0, time.UTC)},
			// Saturday 17:00: 1 h + Monday to Wednesday + 1 h today.
			{name: "李雷", subject: "退货申请", since: time.Date(2025, 11, 15, 17, 0, 0, 0, time.UTC)},
			// Open but answered: it sorts by when it was created.
			{name: "Dan", subject: "Thanks", since: clock.Add(-11 * time.Minute), replied: clock.Add(-10 * time.Minute)},
		} {
			if _, err := c.save(tx); err != nil {
				return err
			}
		}
		return nil
	})
	in := h.desk.inbox
	h.waitFor("six rows", func() bool { return len(in.ids) == 6 && in.panel.mainShown() })
	if got, want := names(h, in), []string{"李雷", "王芳", "Alice Smith", "Dan", "Bob", "Carol"}; !slices.Equal(got, want) {
		t.Fatalf("order = %q, want %q (longest waiting first)", got, want)
	}
	h.settle()

	want := []drawn{
		{name: "李雷", when: "15 Nov", line: "退货申请", clock: "Waiting 1 d 5 h", importance: widget.DangerImportance},
		{name: "王芳", when: "19 Nov", line: "尺码问题", clock: "Waiting 1 h", importance: widget.DangerImportance},
		{name: "Alice Smith", when: "09:48", line: "Where is my parcel?  Hi, it has been a week.", clock: "Waiting 12 min",
			importance: widget.DangerImportance, bold: true, dot: true},
		{name: "Dan", when: "09:50", line: "Thanks", clock: "Replied", importance: widget.LowImportance},
		{name: "Bob", when: "09:51", line: "(no subject)", clock: "Waiting 9 min", importance: widget.WarningImportance},
		{name: "Carol", when: "09:55", line: "Gift wrap?", clock: "Waiting 5 min", importance: widget.MediumImportance},
	}
	for i, w := range want {
		if got := drawRow(in, i); got != w {
			t.Errorf("row %d = %+v\nwant    %+v", i, got, w)
		}
	}
	if got := in.count.Text; got != "6 conversations" {
		t.Errorf("count = %q", got)
	}
}

func TestInboxFilters(t *testing.T) {
	ids := map[string]uint64{}
	h := newHarness(t, func(tx *storage.Tx) error {
		for _, a := range []string{"shop", "outlet"} {
			if err := tx.SaveAccount(&storage.Account{Name: a, Email: a + "@example.com", IMAP: "imap.example.com:993"}); err != nil {
				return err
			}
		}
		for _, c := range []convSeed{
			{name: "Open Olga", subject: "Refund please", since: clock.Add(-3 * time.Hour), tags: []string{"refund"}, account: "shop"},
			{name: "Snoozed Sam", subject: "Later", since: clock.Add(-4 * time.Hour), snoozed: clock.Add(2 * time.Hour), account: "shop"},
			{name: "Awake Amy", subject: "Size", since: clock.Add(-2 * time.Hour), snoozed: clock.Add(-time.Hour), account: "outlet"},
			{name: "Waiting Will", subject: "Photo?", status: storage.StatusWaiting, since: clock.Add(-5 * time.Hour), replied: clock.Add(-4 * time.Hour), account: "shop"},
			{name: "Closed Carl", subject: "Refund done", status: storage.StatusClosed, since: clock.Add(-50 * time.Hour), replied: clock.Add(-49 * time.Hour), tags: []string{"refund", "vip"}, account: "outlet"},
		} {
			id, err := c.save(tx)
			ids[c.name] = id
			if err != nil {
				return err
			}
		}
		return nil
	})
	in := h.desk.inbox
	h.waitFor("the open inbox", func() bool { return len(in.ids) == 2 })
	if !in.tagBox.Visible() || !in.acctBox.Visible() {
		t.Error("tag and account filters hidden with tags and two accounts")
	}
	if got := in.tagPick.Options; !slices.Equal(got, []string{"All tags", "refund", "vip"}) {
		t.Errorf("tag options = %q", got)
	}

	tests := []struct {
		name   string
		choose func()
		want   []string
	}{
		{"open leaves snoozed out", func() {}, []string{"Open Olga", "Awake Amy"}},
		{"waiting on customer", func() { in.views.SetSelectedIndex(1) }, []string{"Waiting Will"}},
		{"snoozed", func() { in.views.SetSelectedIndex(2) }, []string{"Snoozed Sam"}},
		{"closed", func() { in.views.SetSelectedIndex(3) }, []string{"Closed Carl"}},
		{"all", func() { in.views.SetSelectedIndex(4) }, []string{"Snoozed Sam", "Open Olga", "Awake Amy", "Waiting Will", "Closed Carl"}},
		{"all with a tag", func() { in.tagPick.SetSelectedIndex(1) }, []string{"Open Olga", "Closed Carl"}},
		{"open with a tag", func() { in.views.SetSelectedIndex(0) }, []string{"Open Olga"}},
		{"another tag", func() { in.views.SetSelectedIndex(4); in.tagPick.SetSelectedIndex(2) }, []string{"Closed Carl"}},
		{"every tag again", func() { in.tagPick.SetSelectedIndex(0) }, []string{"Snoozed Sam", "Open Olga", "Awake Amy", "Waiting Will", "Closed Carl"}},
		{"by account", func() { in.acctPick.SetSelected("outlet") }, []string{"Awake Amy", "Closed Carl"}},
		{"search within the account", func() { in.search.SetText("CARL") }, []string{"Closed Carl"}},
		{"search by subject", func() { in.acctPick.SetSelectedIndex(0); in.search.SetText("refund") }, []string{"Open Olga", "Closed Carl"}},
		{"search finds nothing", func() { in.search.SetText("nobody") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.choose()
			h.waitFor(tt.name, func() bool { return slices.Equal(names(h, in), tt.want) })
			if len(tt.want) == 0 && (!in.panel.noticeShown() || in.panel.label.Text != "No conversations match.") {
				t.Errorf("empty result shows %q", in.panel.label.Text)
			}
		})
	}
	h.settle()
}

func TestInboxAccountFilterHiddenWithOneAccount(t *testing.T) {
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := tx.SaveAccount(&storage.Account{Name: "shop", Email: "shop@example.com", IMAP: "imap.example.com:993"}); err != nil {
			return err
		}
		_, err := convSeed{name: "Olga", since: clock.Add(-time.Hour)}.save(tx)
		return err
	})
	in := h.desk.inbox
	h.waitFor("a row", func() bool { return len(in.ids) == 1 })
	if in.acctBox.Visible() || in.tagBox.Visible() {
		t.Error("account or tag filter shown with one account and no tags")
	}
	h.settle()
}

func TestInboxFollowsStoreChanges(t *testing.T) {
	var olga uint64
	h := newHarness(t, func(tx *storage.Tx) (err error) {
		olga, err = convSeed{name: "Olga", subject: "Hello", since: clock.Add(-time.Hour), unread: true}.save(tx)
		return err
	})
	in := h.desk.inbox
	h.waitFor("a row", func() bool { return len(in.ids) == 1 })
	h.settle()
	if got := drawRow(in, 0); !got.bold {
		t.Fatal("unread row not bold")
	}
	// Reading clears Unread; replying moves the conversation out.
	h.update(func(tx *storage.Tx) error {
		c, err := tx.Conversation(olga)
		if err != nil {
			return err
		}
		c.Unread = false
		return tx.SaveConversation(&c)
	})
	h.waitFor("the row read", func() bool { r, ok := in.rows[olga]; return ok && !r.conv.Unread })
	if got := drawRow(in, 0); got.bold || got.dot {
		t.Errorf("read row still shows unread: %+v", got)
	}
	h.update(func(tx *storage.Tx) error {
		c, err := tx.Conversation(olga)
		if err != nil {
			return err
		}
		c.Status = storage.StatusWaiting
		return tx.SaveConversation(&c)
	})
	h.waitFor("the open inbox empty", func() bool { return len(in.ids) == 0 && in.panel.noticeShown() })
	h.settle()
}

// TestInboxReadsLazily checks that a long inbox reads the records of the
// rows on screen, not of every conversation.
func TestInboxReadsLazily(t *testing.T) {
	const n = 3000
	h := newHarness(t, func(tx *storage.Tx) error {
		for i := range n {
			c := convSeed{name: fmt.Sprintf("Buyer %04d", i), subject: "Parcel?", since: clock.Add(-time.Duration(n-i) * time.Minute)}
			if _, err := c.save(tx); err != nil {
				return err
			}
		}
		return nil
	})
	in := h.desk.inbox
	h.win.Resize(fyne.NewSize(1000, 700))
	h.waitFor("every ID", func() bool { return len(in.ids) == n })
	h.settle()
	onScreen := int(in.list.Size().Height/in.pitch) + 1
	if onScreen < 5 {
		t.Fatalf("only %d rows on screen; is the list laid out?", onScreen)
	}
	// The load reads the screen plus a margin: a block at least.
	read := int(in.recordsRead.Load())
	t.Logf("%d rows on screen; opening read %d records", onScreen, read)
	if read > inboxBlock+2*inboxAhead+onScreen {
		t.Errorf("opening the inbox read %d records for %d rows on screen", read, onScreen)
	}
	if got := drawRow(in, 0).name; got != "Buyer 0000" {
		t.Errorf("first row = %q", got)
	}

	// Jumping far down reads the rows that come into view, on demand.
	in.recordsRead.Store(0)
	in.list.ScrollToOffset(in.pitch * 2000)
	h.waitFor("row 2000 read", func() bool { _, ok := in.rows[in.ids[2000]]; return ok })
	h.settle()
	if got := drawRow(in, 2000).name; got != "Buyer 2000" {
		t.Errorf("row 2000 = %q", got)
	}
	if read := int(in.recordsRead.Load()); read > 2*inboxBlock+onScreen {
		t.Errorf("scrolling to row 2000 read %d records for %d rows on screen", read, onScreen)
	}
	// A store change reloads the IDs and only the rows on screen.
	in.recordsRead.Store(0)
	h.update(func(tx *storage.Tx) error {
		_, err := convSeed{name: "Newcomer", since: clock}.save(tx)
		return err
	})
	h.waitFor("the new ID", func() bool { return len(in.ids) == n+1 })
	h.settle()
	if read := int(in.recordsRead.Load()); read > 2*inboxBlock+2*inboxAhead+onScreen {
		t.Errorf("a reload read %d records", read)
	}
	if len(in.rows) > inboxCacheMax {
		t.Errorf("cache holds %d rows", len(in.rows))
	}
}

// recorder stands in for the conversation view and the composer.
type recorder struct {
	opened   []uint64
	composed []composeRequest
}

func (r *recorder) openConversation(id uint64) { r.opened = append(r.opened, id) }
func (r *recorder) compose(req composeRequest) { r.composed = append(r.composed, req) }

func TestInboxKeyboard(t *testing.T) {
	var first, second uint64
	var inbound uint64
	h := newHarness(t, func(tx *storage.Tx) error {
		var err error
		if first, err = (convSeed{name: "First", since: clock.Add(-2 * time.Hour)}).save(tx); err != nil {
			return err
		}
		if second, err = (convSeed{name: "Second", since: clock.Add(-time.Hour)}).save(tx); err != nil {
			return err
		}
		// The second conversation: the customer wrote, then we did; r answers the customer.
		in := storage.Message{ConversationID: second, Direction: storage.Inbound, Subject: "Size?", Date: clock.Add(-time.Hour)}
		if err := tx.SaveMessage(&in, []byte("Subject: Size?\r\n\r\nM?\r\n")); err != nil {
			return err
		}
		inbound = in.ID
		out := storage.Message{ConversationID: second, Direction: storage.Outbound, Subject: "Re: Size?", Date: clock.Add(-30 * time.Minute)}
		return tx.SaveMessage(&out, []byte("Subject: Re: Size?\r\n\r\nL.\r\n"))
	})
	rec := &recorder{}
	h.desk.actions = rec
	in := h.desk.inbox
	h.waitFor("two rows", func() bool { return len(in.ids) == 2 })
	c := h.win.Canvas()
	key := func(k fyne.KeyName) { c.OnTypedKey()(&fyne.KeyEvent{Name: k}) }
	char := func(r rune) { c.OnTypedRune()(r) }

	if !in.reply.Disabled() {
		t.Error("Reply enabled with nothing selected")
	}
	key(fyne.KeyDown)
	if in.selected != first || !drawRow(in, 0).cursor {
		t.Fatalf("Down selected %d, want the first row %d", in.selected, first)
	}
	char('j')
	if in.selected != second || drawRow(in, 0).cursor || !drawRow(in, 1).cursor {
		t.Fatalf("j selected %d, want %d", in.selected, second)
	}
	char('j') // stays on the last row
	key(fyne.KeyUp)
	char('k') // stays on the first row
	if in.selected != first {
		t.Fatalf("Up and k selected %d, want %d", in.selected, first)
	}
	char('j')
	key(fyne.KeyReturn)
	if !slices.Equal(rec.opened, []uint64{second}) {
		t.Errorf("Enter opened %v, want [%d]", rec.opened, second)
	}
	char('r')
	h.waitFor("the composer", func() bool { return len(rec.composed) == 1 })
	if got, want := rec.composed[0], (composeRequest{Mode: storage.DraftReply, ConversationID: second, ReplyTo: inbound}); got != want {
		t.Errorf("r composed %+v, want %+v", got, want)
	}

	// A click opens the row clicked.
	it := in.list.CreateItem().(*inboxItem)
	in.list.UpdateItem(0, it)
	it.Tapped(&fyne.PointEvent{})
	if !slices.Equal(rec.opened, []uint64{second, first}) || in.selected != first {
		t.Errorf("a click on the first row opened %v (selected %d)", rec.opened, in.selected)
	}

	// Esc goes back from a detail view, but not from under a dialog.
	h.desk.push(widget.NewLabel("a view"), nil)
	info := dialog.NewInformation("Saved", "Saved to a file", h.win)
	info.Show()
	key(fyne.KeyEscape)
	if len(h.desk.views) != 1 {
		t.Error("Esc with a dialog up took the view away under it")
	}
	info.Hide()
	key(fyne.KeyEscape)
	if len(h.desk.views) != 0 {
		t.Error("Esc left the detail view open")
	}

	// A click puts the cursor in the inbox's filter (Ctrl+F is the
	// global search now); keys typed there are the entry's.
	c.Focus(in.search)
	char('j')
	if in.selected != first {
		t.Error("a key typed into the search moved the cursor")
	}
	in.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Focused() != nil {
		t.Error("Esc in the empty search box kept the focus")
	}
	h.settle()
}

func TestTooltipNamesShortcut(t *testing.T) {
	h := newHarness(t, nil)
	in := h.desk.inbox
	h.waitFor("the inbox", func() bool { return in.panel != nil && in.panel.noticeShown() })
	in.reply.MouseIn(nil)
	tips := h.desk.tips
	h.waitFor("the tip", func() bool { return tips.box.Visible() })
	if tips.text.Text != "Reply to the customer (R)" {
		t.Errorf("tip = %q", tips.text.Text)
	}
	in.reply.MouseOut()
	if tips.box.Visible() {
		t.Error("tip still shown after the pointer left")
	}
	h.settle()
}
