package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// shop is what the composer tests seed: an account, a customer with an
// order, and a conversation holding the customer's message.
type shop struct {
	account  storage.Account
	customer storage.Customer
	order    storage.Order
	conv     storage.Conversation
	msg      storage.Message
}

const shopSignature = "小竹\n竹麻家居 Bamboo & Linen"

// seedShop saves the fixture; customerName may be empty (a sender
// without a display name).
func seedShop(tx *storage.Tx, s *shop, customerName string) error {
	s.account = storage.Account{Name: "shop", Email: "service@shop.example", DisplayName: "竹麻家居",
		IMAP: "127.0.0.1:1", SMTP: "127.0.0.1:1", Username: "service@shop.example", Security: storage.SecurityNone,
		Signature: shopSignature}
	if err := tx.SaveAccount(&s.account); err != nil {
		return err
	}
	set := storage.DefaultSettings()
	set.ShopName, set.AgentName, set.Hours.TimeZone = "竹麻家居", "小竹", "Asia/Shanghai"
	if err := tx.SaveSettings(set); err != nil {
		return err
	}
	s.customer = storage.Customer{Name: customerName, Emails: []string{"wang@example.com"}, Segment: storage.SegmentNew}
	if err := tx.SaveCustomer(&s.customer); err != nil {
		return err
	}
	s.order = storage.Order{CustomerID: s.customer.ID, Platform: storage.PlatformTaobao, Number: "TB2025112012345",
		Carrier: "顺丰", Status: storage.OrderShipped, Total: 12850, Currency: "CNY", Placed: clock.Add(-72 * time.Hour)}
	if err := tx.SaveOrder(&s.order); err != nil {
		return err
	}
	at := clock.Add(-time.Hour)
	s.conv = storage.Conversation{CustomerID: s.customer.ID, Account: "shop", Subject: "尺码问题", Status: storage.StatusOpen,
		FirstInbound: at, LastInbound: at}
	if err := tx.SaveConversation(&s.conv); err != nil {
		return err
	}
	d := mailbox.Draft{
		From:       storage.Address{Name: customerName, Email: "wang@example.com"},
		To:         []storage.Address{{Email: "service@shop.example"}, {Name: "Friend", Email: "friend@example.com"}},
		Cc:         []storage.Address{{Email: "boss@example.com"}, {Email: "SERVICE@shop.example"}},
		Subject:    "Re: 尺码问题",
		MessageID:  "q1@example.com",
		References: []string{"root@shop.example"},
		Date:       at,
		Text:       "请问M码合适吗？\n\n身高165",
	}
	raw, err := mailbox.Compose(d)
	if err != nil {
		return err
	}
	p, err := mailbox.Parse(raw)
	if err != nil {
		return err
	}
	s.msg = storage.Message{ConversationID: s.conv.ID, Direction: storage.Inbound}
	p.Fill(&s.msg)
	s.msg.Attachments = []storage.Attachment{{Name: "尺码表.jpg", Type: "image/jpeg", Size: 2048}}
	return tx.SaveMessage(&s.msg, raw)
}

// newShopHarness is a desk over the seeded shop.
func newShopHarness(t *testing.T, customerName string) (*harness, *shop) {
	t.Helper()
	s := &shop{}
	h := newHarness(t, func(tx *storage.Tx) error { return seedShop(tx, s, customerName) })
	return h, s
}

// openComposer asks the desk for a composer and waits for its window.
func openComposer(h *harness, req composeRequest) *composer {
	h.t.Helper()
	h.desk.compose(req)
	if req.Mode == "" {
		req.Mode = storage.DraftReply
	}
	var c *composer
	h.waitFor("the composer window", func() bool {
		c = h.desk.composers[req.key()]
		return c != nil && c.win != nil
	})
	h.t.Cleanup(func() {
		if !c.closed {
			c.win.Close()
		}
		c.writes.Wait()
	})
	return c
}

// drafts lists the drafts of a conversation.
func (h *harness) drafts(conv uint64) []storage.Draft {
	h.t.Helper()
	var out []storage.Draft
	if err := h.store.View(func(tx *storage.Tx) error {
		var err error
		out, err = tx.DraftsOf(conv)
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// outboxItems lists every outbox item.
func (h *harness) outboxItems() []storage.OutboxItem {
	h.t.Helper()
	var out []storage.OutboxItem
	if err := h.store.View(func(tx *storage.Tx) error {
		var err error
		out, err = tx.OutboxItems(0, 0)
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// texts collects the text of the labels, buttons and entries under o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *widget.Button:
			out = append(out, x.Text)
		case *widget.PopUp:
			walk(x.Content)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// dialogText is what the window's top overlay (a dialog) says; "" for none.
func dialogText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return strings.Join(texts(top), " | ")
}

// pressCtrl sends Ctrl+key to the focused widget, as the desktop driver
// does: an Entry gets the shortcuts typed while it has the focus.
func pressCtrl(w fyne.Shortcutable, key fyne.KeyName) {
	w.TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault})
}

func TestComposeFillsTheReplyFromTheAnsweredMessage(t *testing.T) {
	h, s := newShopHarness(t, "王芳")
	sig := "-- \n" + shopSignature + "\n\n"
	quote := "On " + formatDate(s.msg.Date) + ", 王芳 wrote:\n> 请问M码合适吗？\n>\n> 身高165\n"
	tests := []struct {
		name          string
		mode          storage.DraftMode
		to, cc, subj  string
		body          string
		bodyContains  []string
		focusOnBody   bool
		windowTitle   string
		answeredCheck uint64
	}{
		{name: "reply", mode: storage.DraftReply, to: "王芳 <wang@example.com>", subj: "Re: 尺码问题",
			body: "\n\n" + sig + quote, focusOnBody: true},
		{name: "reply all", mode: storage.DraftReplyAll, to: "王芳 <wang@example.com>, Friend <friend@example.com>",
			cc: "boss@example.com", subj: "Re: 尺码问题", body: "\n\n" + sig + quote, focusOnBody: true},
		{name: "forward", mode: storage.DraftForward, subj: "Fwd: Re: 尺码问题", bodyContains: []string{
			"\n\n" + sig + "---------- Forwarded message ----------\nFrom: 王芳 <wang@example.com>\n",
			"Subject: Re: 尺码问题\nTo: service@shop.example, Friend <friend@example.com>\nCc: boss@example.com, SERVICE@shop.example\n\n请问M码合适吗？\n\n身高165\n",
			"Attachments of the original, not forwarded: 尺码表.jpg (2 KB)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := openComposer(h, composeRequest{Mode: tt.mode, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
			if c.from.Text != "竹麻家居 <service@shop.example>" {
				t.Errorf("From = %q", c.from.Text)
			}
			if c.to.Text != tt.to || c.cc.Text != tt.cc || c.subject.Text != tt.subj {
				t.Errorf("To %q, Cc %q, Subject %q; want %q, %q, %q", c.to.Text, c.cc.Text, c.subject.Text, tt.to, tt.cc, tt.subj)
			}
			if tt.body != "" && c.body.Text != tt.body {
				t.Errorf("body =\n%q\nwant\n%q", c.body.Text, tt.body)
			}
			for _, part := range tt.bodyContains {
				if !strings.Contains(c.body.Text, part) {
					t.Errorf("body =\n%q\nlacks\n%q", c.body.Text, part)
				}
			}
			if c.win.Title() != tt.subj {
				t.Errorf("window title %q", c.win.Title())
			}
			if focusBody := c.win.Canvas().Focused() == c.body; focusBody != tt.focusOnBody {
				t.Errorf("focus on the body = %v, want %v", focusBody, tt.focusOnBody)
			}
			if c.body.Wrapping != fyne.TextWrapWord {
				t.Error("the body does not wrap")
			}
			c.win.Close()
		})
	}

	t.Run("a second reply brings the open window forward", func(t *testing.T) {
		req := composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID}
		c := openComposer(h, req)
		h.desk.compose(req)
		h.settle()
		if len(h.desk.composers) != 1 || h.desk.composers[req.key()] != c {
			t.Errorf("composers = %v", h.desk.composers)
		}
	})

	t.Run("the customer's latest message when none is named", func(t *testing.T) {
		c := openComposer(h, composeRequest{Mode: storage.DraftReplyAll, ConversationID: s.conv.ID})
		if c.replyTo != s.msg.ID || c.cc.Text != "boss@example.com" {
			t.Errorf("answers %d with Cc %q, want %d", c.replyTo, c.cc.Text, s.msg.ID)
		}
	})
}

func TestReplyQuoteInChinese(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "zh_CN.UTF-8")
	if err := LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 11, 20, 9, 0, 0, 0, time.Local)
	got := replyBody(storage.Message{From: storage.Address{Name: "王芳", Email: "wang@example.com"}, Date: at, Text: "在吗？"}, "")
	useEnglish(t)
	if want := "\n\n在 2025年11月20日 09:00，王芳 写道：\n> 在吗？\n"; got != want {
		t.Errorf("quote = %q, want %q", got, want)
	}
}

func TestReplyRecipients(t *testing.T) {
	own := mailbox.OwnAddresses(storage.Account{Email: "service@shop.example"})
	a := func(name, email string) storage.Address { return storage.Address{Name: name, Email: email} }
	tests := []struct {
		name   string
		m      storage.Message
		mode   storage.DraftMode
		to, cc []storage.Address
	}{
		{"Reply-To wins", storage.Message{From: a("Bob", "bob@example.com"), ReplyTo: []storage.Address{a("", "orders@example.com")}},
			storage.DraftReply, []storage.Address{a("", "orders@example.com")}, nil},
		{"our own message goes to its recipients", storage.Message{From: a("", "service@shop.example"), To: []storage.Address{a("王芳", "wang@example.com")}},
			storage.DraftReply, []storage.Address{a("王芳", "wang@example.com")}, nil},
		{"reply all leaves us out, once each", storage.Message{From: a("", "bob@example.com"),
			To: []storage.Address{a("", "Service@Shop.example"), a("", "ann@example.com"), a("", "BOB@example.com")},
			Cc: []storage.Address{a("", "ann@example.com"), a("", "cy@example.com")}},
			storage.DraftReplyAll, []storage.Address{a("", "bob@example.com"), a("", "ann@example.com")}, []storage.Address{a("", "cy@example.com")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to, cc := replyRecipients(tt.m, tt.mode, own)
			if fmt.Sprint(to) != fmt.Sprint(tt.to) || fmt.Sprint(cc) != fmt.Sprint(tt.cc) {
				t.Errorf("to %v cc %v, want %v %v", to, cc, tt.to, tt.cc)
			}
		})
	}
}

func TestAddressFields(t *testing.T) {
	tests := []struct {
		in      string
		want    string // formatted back; "!" for an error
		wantLen int
	}{
		{"王芳 <wang@example.com>，bob@example.com; ann@example.com", "王芳 <wang@example.com>, bob@example.com, ann@example.com", 3},
		{`"Li, Lei" <li@example.com>, li@EXAMPLE.com`, `"Li, Lei" <li@example.com>`, 1},
		{"  ", "", 0},
		{"wang@", "!", 0},
		{"王芳 wang@example.com", "!", 0},
	}
	for _, tt := range tests {
		got, err := parseAddressField(tt.in)
		if tt.want == "!" {
			if err == nil {
				t.Errorf("%q: no error", tt.in)
			}
			if kept := formatAddressField(addressesAsTyped(tt.in)); kept != strings.TrimSpace(tt.in) {
				t.Errorf("%q kept in the draft as %q", tt.in, kept)
			}
			continue
		}
		if err != nil || len(got) != tt.wantLen || formatAddressField(got) != tt.want {
			t.Errorf("%q: %v %v -> %q, want %q", tt.in, got, err, formatAddressField(got), tt.want)
		}
	}
}

func TestSendQueuesTheReplyAndDeletesTheDraft(t *testing.T) {
	h, s := newShopHarness(t, "王芳")
	c := openComposer(h, composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
	test.Type(c.body, "亲，M码合适。")
	h.waitFor("the draft saved", func() bool { return len(h.drafts(s.conv.ID)) == 1 })
	test.Type(c.cc, "Boss <boss@example.com>")

	pressCtrl(c.body, fyne.KeyReturn) // Ctrl+Enter from inside the body
	h.waitFor("the reply queued", func() bool { return c.outboxID.Load() != 0 })

	items := h.outboxItems()
	if len(items) != 1 {
		t.Fatalf("%d outbox items", len(items))
	}
	it := items[0]
	if it.State != storage.OutQueued || it.Account != "shop" || it.ConversationID != s.conv.ID || it.ReplyTo != s.msg.ID ||
		it.Subject != "Re: 尺码问题" || !slices.Equal(it.Recipients, []string{"wang@example.com", "boss@example.com"}) {
		t.Errorf("outbox item = %+v", it)
	}
	var raw []byte
	h.update(func(tx *storage.Tx) (err error) { raw, err = tx.OutboxRaw(it.ID); return err })
	p, err := mailbox.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if p.InReplyTo != "q1@example.com" || !slices.Equal(p.References, []string{"root@shop.example", "q1@example.com"}) ||
		p.Subject != "Re: 尺码问题" || fmt.Sprint(p.To) != fmt.Sprint([]storage.Address{{Name: "王芳", Email: "wang@example.com"}}) ||
		p.From.Email != "service@shop.example" || !strings.HasPrefix(p.Text, "亲，M码合适。\n\n-- \n小竹") || !strings.Contains(p.Text, "> 身高165") {
		t.Errorf("sent message: In-Reply-To %q References %q Subject %q To %v From %v Text %q", p.InReplyTo, p.References, p.Subject, p.To, p.From, p.Text)
	}
	if d := h.drafts(s.conv.ID); len(d) != 0 {
		t.Errorf("drafts left after queueing: %+v", d)
	}
	h.waitFor("the queued state shown", func() bool { return c.status.state == storage.OutQueued })
	if !c.status.box.Visible() || !strings.Contains(c.status.label.Text, "Queued") || c.send.Visible() || !c.closeBtn.Visible() || !c.body.Disabled() {
		t.Errorf("after sending: status %q visible %v, send visible %v", c.status.label.Text, c.status.box.Visible(), c.send.Visible())
	}
	// Typing after Send saves no draft, and Send does nothing twice.
	c.sendNow()
	c.win.Close()
	c.writes.Wait()
	if d, n := h.drafts(s.conv.ID), len(h.outboxItems()); len(d) != 0 || n != 1 {
		t.Errorf("after closing: %d drafts, %d outbox items", len(d), n)
	}
}

func TestSendRefusesWhatCannotGo(t *testing.T) {
	h, s := newShopHarness(t, "王芳")
	tests := []struct {
		name, to, body, says string
	}{
		{"no recipient", "", "Hello", "Add a recipient before sending."},
		{"a bad address", "wang@", "Hello", "Check the To addresses"},
		{"an unfilled placeholder", "wang@example.com", "单号是{{order.tracking}}，{{customer.name}}", "Fill in {{order.tracking}}, {{customer.name}} before sending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := openComposer(h, composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
			c.to.SetText(tt.to)
			c.body.SetText(tt.body)
			c.sendNow()
			if got := dialogText(c.win); !strings.Contains(got, tt.says) {
				t.Errorf("dialog says %q, want %q", got, tt.says)
			}
			if c.busy || len(h.outboxItems()) != 0 {
				t.Error("the reply went to the outbox")
			}
			c.win.Close()
		})
	}
	t.Run("braces in the customer's text are no placeholder", func(t *testing.T) {
		if got := unfilledPlaceholders("> their template said {{name}} and {{ x }}\n{{date +3d}}"); fmt.Sprint(got) != "[{{date +3d}}]" {
			t.Errorf("unfilled = %q", got)
		}
	})
}

func TestDraftSurvivesARestart(t *testing.T) {
	h, s := newShopHarness(t, "王芳")
	req := composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID}
	c := openComposer(h, req)
	var saves atomic.Int32
	unsub := h.store.Subscribe(func(ev []storage.Event) {
		for _, e := range ev {
			if e.Kind == storage.KindDraft {
				saves.Add(1)
			}
		}
	})
	defer unsub()
	c.to.SetText("王芳 <wang@example.com>, wang@")
	test.Type(c.body, "您好，已经帮您查过物流了，")
	dir := t.TempDir()
	file := filepath.Join(dir, "发票.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.4"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.dropped(fyne.Position{}, []fyne.URI{fynestorage.NewFileURI(file)})
	h.waitFor("the draft in the store", func() bool {
		d := h.drafts(s.conv.ID)
		return len(d) == 1 && strings.HasPrefix(d[0].Text, "您好，已经帮您查过物流了，") && len(d[0].Attachments) == 1
	})
	c.writes.Wait()
	if n := saves.Load(); n > 3 {
		t.Errorf("%d saves for one burst of typing", n)
	}
	// The label is set by UI work queued after the write.
	h.waitFor("the saved label", func() bool { return strings.HasPrefix(c.saved.Text, "Draft saved") })

	// Closing the window writes nothing more: the draft was already saved.
	before := saves.Load()
	c.win.Close()
	c.writes.Wait()
	if saves.Load() != before {
		t.Error("closing the window had to save the draft")
	}
	h.desk.Close()
	h.build()

	c2 := openComposer(h, req)
	if c2 == c {
		t.Fatal("the old composer came back")
	}
	if !strings.HasPrefix(c2.body.Text, "您好，已经帮您查过物流了，\n\n-- \n小竹") || c2.to.Text != "王芳 <wang@example.com>, wang@" ||
		!slices.Equal(c2.attach.paths, []string{file}) || !strings.HasPrefix(c2.saved.Text, "Draft restored from") {
		t.Errorf("restored: to %q, body %q, attachments %v, label %q", c2.to.Text, c2.body.Text, c2.attach.paths, c2.saved.Text)
	}
	// Editing the restored draft updates it rather than adding another.
	test.Type(c2.subject, "!")
	c2.win.Close()
	c2.writes.Wait()
	if d := h.drafts(s.conv.ID); len(d) != 1 || d[0].Subject != "!Re: 尺码问题" {
		t.Errorf("drafts after editing the restored one: %+v", d)
	}

	t.Run("a file gone since is named, the rest restored", func(t *testing.T) {
		if err := os.Remove(file); err != nil {
			t.Fatal(err)
		}
		c3 := openComposer(h, req)
		if len(c3.attach.paths) != 0 || !strings.Contains(dialogText(c3.win), "发票.pdf cannot be attached") {
			t.Errorf("attachments %v, dialog %q", c3.attach.paths, dialogText(c3.win))
		}
		if !strings.HasPrefix(c3.body.Text, "您好，已经帮您查过物流了，") {
			t.Errorf("body %q", c3.body.Text)
		}
		c3.win.Close()
	})

	t.Run("discard deletes it after a confirm", func(t *testing.T) {
		c3 := openComposer(h, req)
		c3.confirmDiscard()
		if !strings.Contains(dialogText(c3.win), "Discard this draft?") {
			t.Fatalf("dialog = %q", dialogText(c3.win))
		}
		c3.discardDraft() // what "Yes" runs
		c3.writes.Wait()
		if d := h.drafts(s.conv.ID); len(d) != 0 || !c3.closed {
			t.Errorf("after discarding: drafts %+v, closed %v", d, c3.closed)
		}
	})
}

func TestAttachmentsGoWithTheReply(t *testing.T) {
	h, s := newShopHarness(t, "王芳")
	dir := t.TempDir()
	small := filepath.Join(dir, "尺码表.png")
	if err := os.WriteFile(small, []byte("\x89PNG fake"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "video.mp4")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(maxAttachments + 1<<20); err != nil { // sparse: nothing written
		t.Fatal(err)
	}
	f.Close()

	c := openComposer(h, composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
	c.attachFiles([]string{small, big, dir})
	h.waitFor("the files listed", func() bool { return len(c.attach.paths) == 2 })
	if got := dialogText(c.win); !strings.Contains(got, "cannot be attached") {
		t.Errorf("a folder attached without a word: %q", got)
	}
	c.sendNow()
	h.waitFor("the size refused", func() bool {
		return !c.busy && strings.Contains(dialogText(c.win), "add up to 26.0 MB; mail servers take at most 25.0 MB")
	})
	if n := len(h.outboxItems()); n != 0 {
		t.Fatalf("%d items queued over the limit", n)
	}

	c.attach.remove(big)
	c.sendNow()
	h.waitFor("the reply queued", func() bool { return c.outboxID.Load() != 0 })
	var raw []byte
	h.update(func(tx *storage.Tx) (err error) { raw, err = tx.OutboxRaw(c.outboxID.Load()); return err })
	p, err := mailbox.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Attachments) != 1 || p.Attachments[0].Name != "尺码表.png" || p.Attachments[0].Type != "image/png" {
		t.Errorf("attachments sent: %+v", p.Attachments)
	}
}

func TestOutboxStateShowsLive(t *testing.T) {
	h, s := newShopHarness(t, "王芳")
	send := func(t *testing.T) *composer {
		c := openComposer(h, composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
		c.sendNow()
		h.waitFor("the reply queued", func() bool { return c.outboxID.Load() != 0 })
		return c
	}
	// setState plays the sender worker, which does not run in UI tests.
	setState := func(c *composer, state storage.OutboxState, reason string) {
		h.update(func(tx *storage.Tx) error {
			it, err := tx.OutboxItem(c.outboxID.Load())
			if err != nil {
				return err
			}
			it.State, it.LastError, it.Attempts = state, reason, it.Attempts+1
			return tx.SaveOutboxItem(&it)
		})
	}
	stored := func(c *composer) storage.OutboxItem {
		var it storage.OutboxItem
		h.update(func(tx *storage.Tx) (err error) { it, err = tx.OutboxItem(c.outboxID.Load()); return err })
		return it
	}

	t.Run("sending, then sent", func(t *testing.T) {
		c := send(t)
		setState(c, storage.OutSending, "")
		h.waitFor("sending", func() bool { return c.status.state == storage.OutSending })
		setState(c, storage.OutDone, "")
		h.waitFor("sent", func() bool { return c.status.state == storage.OutDone })
		if c.status.label.Text != "Sent, and filed in Sent." || c.status.label.Importance != widget.SuccessImportance {
			t.Errorf("status %q", c.status.label.Text)
		}
		c.win.Close()
	})

	t.Run("failed shows the server's words and Retry requeues", func(t *testing.T) {
		c := send(t)
		const reason = "550 5.1.1 <wang@example.com>: Recipient address rejected: User unknown"
		setState(c, storage.OutFailed, reason)
		h.waitFor("failed", func() bool { return c.status.state == storage.OutFailed })
		if !strings.Contains(c.status.label.Text, reason) || !c.status.retry.Visible() || c.status.again.Visible() {
			t.Errorf("status %q, retry shown %v", c.status.label.Text, c.status.retry.Visible())
		}
		test.Tap(c.status.retry)
		h.waitFor("queued again", func() bool { return c.status.state == storage.OutQueued })
		if it := stored(c); it.State != storage.OutQueued {
			t.Errorf("stored state %s", it.State)
		}
		// The last attempt's words stay visible while it waits.
		if !strings.Contains(c.status.label.Text, reason) || c.status.retry.Visible() {
			t.Errorf("status after retry %q", c.status.label.Text)
		}
		c.win.Close()
	})

	for _, tt := range []struct {
		choice string
		want   storage.OutboxState
	}{{"Send again", storage.OutQueued}, {"It was sent", storage.OutAccepted}} {
		t.Run("uncertain: "+tt.choice, func(t *testing.T) {
			c := send(t)
			setState(c, storage.OutUncertain, "connection reset after the final dot")
			h.waitFor("uncertain", func() bool { return c.status.state == storage.OutUncertain })
			if !strings.Contains(c.status.label.Text, "may have been sent") || !strings.Contains(c.status.label.Text, "connection reset after the final dot") ||
				!c.status.again.Visible() || !c.status.wasSent.Visible() || c.status.retry.Visible() {
				t.Errorf("status %q; buttons again %v wasSent %v", c.status.label.Text, c.status.again.Visible(), c.status.wasSent.Visible())
			}
			b := c.status.again
			if tt.choice == "It was sent" {
				b = c.status.wasSent
			}
			if b.Text != tt.choice {
				t.Errorf("button says %q", b.Text)
			}
			test.Tap(b)
			h.waitFor(string(tt.want), func() bool { return c.status.state == tt.want })
			if it := stored(c); it.State != tt.want {
				t.Errorf("stored state %s, want %s", it.State, tt.want)
			}
			c.win.Close()
		})
	}

	t.Run("the window may close: the outbox goes on", func(t *testing.T) {
		c := send(t)
		c.win.Close()
		c.writes.Wait()
		setState(c, storage.OutDone, "")
		h.settle()
		if c.status.state != storage.OutQueued {
			t.Errorf("a closed window still follows the item: %s", c.status.state)
		}
	})
}

func TestSendButtonTooltip(t *testing.T) {
	h, s := newShopHarness(t, "王芳")
	c := openComposer(h, composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
	c.send.MouseIn(&desktop.MouseEvent{})
	h.waitFor("the tooltip", func() bool { return c.tips.shown() != "" })
	if got := c.tips.shown(); got != "Ctrl+Enter" {
		t.Errorf("tooltip %q", got)
	}
	c.send.MouseOut()
	if c.tips.shown() != "" {
		t.Error("the tooltip stays after the pointer left")
	}
}
