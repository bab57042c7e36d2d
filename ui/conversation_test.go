package ui

import (
	"bytes"
	"fmt"
	stdmime "mime"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// mailSpec is one message of a test conversation, written as real mail
// and read by the real parser.
type mailSpec struct {
	in   bool // from the customer
	at   time.Time
	body string
	raw  string // the whole message instead, when set
	// broken stores the raw bytes as a message the parser gave up on.
	broken bool
}

// convFixture is a customer with one conversation.
type convFixture struct {
	customer storage.Customer
	conv     storage.Conversation
	msgs     []storage.Message // in the order given
}

const shopEmail = "service@shop.example"

// seedConv saves a customer, an unread open conversation and its messages.
func seedConv(tx *storage.Tx, fx *convFixture, specs ...mailSpec) error {
	if fx.customer.Name == "" {
		fx.customer.Name = "林小雨"
	}
	if len(fx.customer.Emails) == 0 {
		fx.customer.Emails = []string{"linxiaoyu@qq.example"}
	}
	if err := tx.SaveCustomer(&fx.customer); err != nil {
		return err
	}
	if fx.conv.Subject == "" {
		fx.conv.Subject = "凉席尺寸问题"
	}
	fx.conv.CustomerID = fx.customer.ID
	fx.conv.Unread = true
	if err := tx.SaveConversation(&fx.conv); err != nil {
		return err
	}
	for i, s := range specs {
		m, err := addMessage(tx, fx, i, s)
		if err != nil {
			return err
		}
		fx.msgs = append(fx.msgs, m)
	}
	return nil
}

func addMessage(tx *storage.Tx, fx *convFixture, i int, s mailSpec) (storage.Message, error) {
	from, to := fx.customer.Emails[0], shopEmail
	dir := storage.Inbound
	if !s.in {
		from, to, dir = to, from, storage.Outbound
	}
	raw := s.raw
	if raw == "" {
		raw = fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <m%d-%d@test>\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
			from, to, stdmime.BEncoding.Encode("utf-8", fx.conv.Subject), s.at.Format(time.RFC1123Z), fx.conv.ID, i,
			strings.ReplaceAll(s.body, "\n", "\r\n"))
	}
	m := storage.Message{ConversationID: fx.conv.ID, Direction: dir, Date: s.at}
	if s.broken {
		m.ParseError = "no header fields and no content"
	} else {
		p, err := mailbox.Parse([]byte(raw))
		if err != nil {
			return m, err
		}
		p.Fill(&m)
	}
	if m.Date.IsZero() {
		m.Date = s.at
	}
	return m, tx.SaveMessage(&m, []byte(raw))
}

// openConv opens the conversation on the harness's desk and waits until
// it shows.
func (h *harness) openConv(id uint64) *conversationView {
	h.t.Helper()
	v := h.desk.showConversation(id)
	h.waitFor("the conversation to load", func() bool { return v.loaded })
	return v
}

// storeHolds waits until cond holds in the store.
func (h *harness) storeHolds(what string, cond func(tx *storage.Tx) bool) {
	h.t.Helper()
	h.waitFor(what, func() bool {
		ok := false
		if err := h.store.View(func(tx *storage.Tx) error { ok = cond(tx); return nil }); err != nil {
			h.t.Fatal(err)
		}
		return ok
	})
}

// cardTexts lists the message cards' texts as shown (the body of an
// expanded card, the line of a collapsed one), in order.
func (v *conversationView) cardTexts() []string {
	var out []string
	for _, o := range v.list.Objects {
		for _, mv := range v.cards {
			switch {
			case mv.content != o:
			case mv.expanded:
				out = append(out, mv.body.Text)
			default:
				out = append(out, mv.snippet.full)
			}
		}
	}
	return out
}

func TestOpenConversationShowsMessagesInOrderAndMarksRead(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		// Saved out of order: the view follows the dates.
		return seedConv(tx, &fx,
			mailSpec{in: true, at: clock.Add(-3 * time.Hour), body: "亲，1.8米的床用哪个尺寸？"},
			mailSpec{in: true, at: clock.Add(-1 * time.Hour), body: "还有，可以开发票吗？"},
			mailSpec{in: false, at: clock.Add(-2 * time.Hour), body: "您好，1.8米床选180×200的。"},
		)
	})
	v := h.openConv(fx.conv.ID)

	want := []string{"亲，1.8米的床用哪个尺寸？", "您好，1.8米床选180×200的。", "还有，可以开发票吗？"}
	if got := v.cardTexts(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("messages shown as %q, want %q", got, want)
	}
	// The latest is shown in full, the earlier ones on a line each until clicked.
	for i, open := range []bool{false, true, false} { // msgs are in the order saved
		if v.cards[fx.msgs[i].ID].expanded != open {
			t.Errorf("message %d expanded = %v", i, !open)
		}
	}
	first := v.cards[fx.msgs[0].ID]
	test.Tap(first.header)
	if !first.expanded || first.body.Text != "亲，1.8米的床用哪个尺寸？" || !containsLabel(first.content, "To: service@shop.example") {
		t.Error("a click on a collapsed message does not show it in full")
	}
	if v.subject.Text != "凉席尺寸问题" || !strings.Contains(v.about.Text, "林小雨") || !strings.Contains(v.about.Text, "Waiting for us") {
		t.Errorf("header says %q / %q", v.subject.Text, v.about.Text)
	}
	if h.desk.views[len(h.desk.views)-1].content != v.root {
		t.Error("the conversation is not the view on top")
	}
	h.storeHolds("the conversation to be marked read", func(tx *storage.Tx) bool {
		c, _ := tx.Conversation(fx.conv.ID)
		return !c.Unread
	})
	// The side panel shows the customer.
	if v.panel.name.Text != "林小雨" || !strings.Contains(v.panel.emails.Text, "linxiaoyu@qq.example") {
		t.Errorf("side panel shows %q, %q", v.panel.name.Text, v.panel.emails.Text)
	}
}

func TestConversationFollowsNewMail(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		return seedConv(tx, &fx, mailSpec{in: true, at: clock.Add(-time.Hour), body: "first"})
	})
	v := h.openConv(fx.conv.ID)
	first := v.cards[fx.msgs[0].ID]
	h.update(func(tx *storage.Tx) error {
		_, err := addMessage(tx, &fx, 1, mailSpec{in: true, at: clock, body: "second, a minute later"})
		return err
	})
	h.waitFor("the new message", func() bool { return len(v.cardTexts()) == 2 })
	if got := v.cardTexts(); got[1] != "second, a minute later" {
		t.Errorf("messages now %q", got)
	}
	if v.cards[fx.msgs[0].ID] != first {
		t.Error("the card already shown was rebuilt")
	}
	// Other conversations' changes are not its business; closing the
	// view stops following the store.
	h.desk.pop()
	h.update(func(tx *storage.Tx) error {
		_, err := addMessage(tx, &fx, 2, mailSpec{in: true, at: clock.Add(time.Minute), body: "third"})
		return err
	})
	h.settle()
	if len(v.cardTexts()) != 2 {
		t.Error("a closed view still reloads")
	}
}

func TestQuotedTextFoldedUntilToggled(t *testing.T) {
	body := "Still no parcel, any news?\n\nOn Mon, 17 Nov 2025 at 10:00, Shop <service@shop.example> wrote:\n> Your parcel left today.\n> Tracking SF1234567890."
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		return seedConv(tx, &fx, mailSpec{in: true, at: clock, body: body})
	})
	v := h.openConv(fx.conv.ID)
	mv := v.cards[fx.msgs[0].ID]
	if mv.body.Text != "Still no parcel, any news?" {
		t.Errorf("folded text = %q", mv.body.Text)
	}
	if mv.quoteBtn == nil || mv.quoteBtn.Text != "Show quoted text" {
		t.Fatal("no \"Show quoted text\" toggle")
	}
	test.Tap(mv.quoteBtn)
	if mv.body.Text != body || mv.quoteBtn.Text != "Hide quoted text" {
		t.Errorf("after the toggle: %q, button %q", mv.body.Text, mv.quoteBtn.Text)
	}
	test.Tap(mv.quoteBtn)
	if mv.body.Text != "Still no parcel, any news?" {
		t.Errorf("folded again: %q", mv.body.Text)
	}
}

func TestUnreadableMessageShowsItsSource(t *testing.T) {
	raw := "\x00\x01garbage that is not mail\r\nline two"
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		return seedConv(tx, &fx, mailSpec{in: true, at: clock, raw: raw, broken: true})
	})
	v := h.openConv(fx.conv.ID)
	mv := v.cards[fx.msgs[0].ID]
	if mv.body.Text != "garbage that is not mail\nline two" || !mv.body.TextStyle.Monospace {
		t.Errorf("an unreadable message shows %q (monospace %v)", mv.body.Text, mv.body.TextStyle.Monospace)
	}
	if !containsLabel(mv.content, "Shopdesk could not read this message, so it is shown exactly as it arrived.") {
		t.Error("no plain-words note on the unreadable message")
	}
}

func TestViewSource(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		return seedConv(tx, &fx, mailSpec{in: true, at: clock, body: "请问什么时候发货？"})
	})
	v := h.openConv(fx.conv.ID)
	test.Tap(v.cards[fx.msgs[0].ID].sourceBtn)
	h.waitFor("the source window", func() bool { return v.source != nil })
	src := v.source
	text := strings.Join(src.lines, "\n")
	if !strings.Contains(text, "Message-ID: <m") || !strings.Contains(text, "Content-Type: text/plain; charset=utf-8") ||
		!strings.Contains(text, "请问什么时候发货？") || strings.Contains(text, "\r") {
		t.Errorf("source shows %q", text)
	}
	row := src.list.CreateItem()
	src.list.UpdateItem(0, row)
	line := row.(*fyne.Container).Objects[0].(*canvas.Text)
	if !strings.HasPrefix(line.Text, "From: linxiaoyu@qq.example") || !line.TextStyle.Monospace {
		t.Errorf("first row shows %q (monospace %v)", line.Text, line.TextStyle.Monospace)
	}
	if !strings.Contains(topDialogText(h.win), "Message source") {
		t.Error("the source is not in a dialog")
	}
	test.Tap(src.copyAll)
	if got := h.app.Clipboard().Content(); got != text {
		t.Errorf("Copy all copied %q", got)
	}
}

func TestLargeSourceIsCut(t *testing.T) {
	text, cut := rawText(bytes.Repeat([]byte("0123456789abcdef\r\n"), 2*maxSource/18), maxSource)
	if !cut || len(text) > maxSource || strings.Contains(text, "\r") {
		t.Errorf("cut %v, %d bytes", cut, len(text))
	}
}

// urlApp records the URLs the desk asks the system to open.
type urlApp struct {
	fyne.App
	mu     sync.Mutex
	opened []*url.URL
}

func (a *urlApp) OpenURL(u *url.URL) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.opened = append(a.opened, u)
	return nil
}

func (a *urlApp) urls() []*url.URL {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*url.URL(nil), a.opened...)
}

func TestLinksOpenOnlyOnClick(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		return seedConv(tx, &fx, mailSpec{in: true, at: clock,
			body: "照片在这里https://img.example.com/a.jpg谢谢, and see http://track.example/?n=SF1."})
	})
	app := &urlApp{App: h.app}
	h.desk.app = app
	v := h.openConv(fx.conv.ID)
	mv := v.cards[fx.msgs[0].ID]
	if len(mv.links) != 2 || mv.links[0].Text != "https://img.example.com/a.jpg" || mv.links[1].Text != "http://track.example/?n=SF1" {
		t.Fatalf("links listed: %v", mv.links)
	}
	if len(app.urls()) != 0 {
		t.Fatal("a link opened without a click")
	}
	// Tap on the words, as a seller would; Tapped ignores the margins.
	test.TapAt(mv.links[1], fyne.NewPos(12, mv.links[1].Size().Height/2))
	if got := app.urls(); len(got) != 1 || got[0].String() != "http://track.example/?n=SF1" {
		t.Errorf("opened %v", got)
	}
}

const attachmentMail = "From: buyer@example.com\r\nTo: " + shopEmail + "\r\nSubject: photos\r\nDate: Thu, 20 Nov 2025 09:00:00 +0000\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsee the photo\r\n" +
	"--b\r\nContent-Type: image/jpeg; name=\"=?gbk?B?xsbL8NXVxqwuanBn?=\"\r\nContent-Disposition: attachment; filename=\"=?gbk?B?xsbL8NXVxqwuanBn?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\naW1hZ2UgYnl0ZXM=\r\n" +
	"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"..\\\\..\\\\invoice\u202Efdp.exe\"\r\n\r\nMZ\r\n--b--\r\n"

func TestOpenAttachmentWritesSafeFileAndOpensIt(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		return seedConv(tx, &fx, mailSpec{in: true, at: clock, raw: attachmentMail})
	})
	app := &urlApp{App: h.app}
	h.desk.app = app
	v := h.openConv(fx.conv.ID)
	mv := v.cards[fx.msgs[0].ID]
	if len(mv.openBtns) != 2 {
		t.Fatalf("%d attachments listed", len(mv.openBtns))
	}
	test.Tap(mv.openBtns[0])
	h.waitFor("the attachment to open", func() bool { return len(app.urls()) == 1 })
	u := app.urls()[0]
	if u.Scheme != "file" || !strings.HasSuffix(u.Path, "/破损照片.jpg") {
		t.Fatalf("opened %s", u)
	}
	path := u.Path
	if data, err := os.ReadFile(path); err != nil || string(data) != "image bytes" {
		t.Errorf("the file holds %q (%v)", data, err)
	}
	t.Cleanup(func() { os.RemoveAll(strings.TrimSuffix(path, "/破损照片.jpg")) })

	// A program asks first, under its safe name, and opens nothing when
	// the seller says no.
	test.Tap(mv.openBtns[1])
	confirm := topDialogText(h.win)
	if !strings.Contains(confirm, "invoicefdp.exe is a program or script") {
		t.Fatalf("no warning before opening a program; the window shows %q", confirm)
	}
	tapButton(t, h.win, "No")
	h.settle()
	if len(app.urls()) != 1 {
		t.Error("the program was opened though the seller said no")
	}
}

func TestSaveAttachment(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		return seedConv(tx, &fx, mailSpec{in: true, at: clock, raw: attachmentMail})
	})
	v := h.openConv(fx.conv.ID)
	mv := v.cards[fx.msgs[0].ID]

	test.Tap(mv.saveBtns[0])
	if v.saveDialog == nil {
		t.Fatal("no save dialog for a photo")
	}
	dir := t.TempDir()
	v.writeAttachment(mv.msg, 0, dir)
	if b, err := os.ReadFile(filepath.Join(dir, "破损照片.jpg")); string(b) != "image bytes" {
		t.Errorf("saved %q, %v", b, err)
	}

	v.saveDialog = nil
	test.Tap(mv.saveBtns[1])
	if !strings.Contains(topDialogText(h.win), "invoicefdp.exe is a program or script") || v.saveDialog != nil {
		t.Fatal("no warning before saving a program")
	}
	tapButton(t, h.win, "Yes")
	if v.saveDialog == nil {
		t.Error("no save dialog after the seller agreed")
	}
}

func TestConversationKeys(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		return seedConv(tx, &fx,
			mailSpec{in: true, at: clock.Add(-2 * time.Hour), body: "question"},
			mailSpec{in: true, at: clock.Add(-time.Hour), body: "another question"},
			mailSpec{in: false, at: clock.Add(-30 * time.Minute), body: "our answer"},
		)
	})
	v := h.openConv(fx.conv.ID)
	var got []composeRequest
	v.compose = func(r composeRequest) { got = append(got, r) }
	test.TypeOnCanvas(h.win.Canvas(), "raf")
	lastIn := fx.msgs[1].ID
	want := []composeRequest{
		{Mode: storage.DraftReply, ConversationID: fx.conv.ID, ReplyTo: lastIn},
		{Mode: storage.DraftReplyAll, ConversationID: fx.conv.ID, ReplyTo: lastIn},
		{Mode: storage.DraftForward, ConversationID: fx.conv.ID, ReplyTo: lastIn},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("keys asked the composer for %v, want %v", got, want)
	}
	test.Tap(v.actions.replyBtn)
	if len(got) != 4 || got[3] != want[0] {
		t.Errorf("the Reply button asked for %v", got[len(got)-1])
	}
	test.TypeOnCanvas(h.win.Canvas(), "e")
	h.storeHolds("e to close the conversation", func(tx *storage.Tx) bool {
		c, _ := tx.Conversation(fx.conv.ID)
		return c.Status == storage.StatusClosed
	})
}

// containsLabel reports whether a label with the text is in the tree.
func containsLabel(o fyne.CanvasObject, text string) bool {
	found := false
	walkObjects(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == text {
			found = true
		}
	})
	return found
}

func walkObjects(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walkObjects(c, fn)
		}
	case fyne.Widget:
		r := test.WidgetRenderer(x)
		if r == nil {
			return
		}
		for _, c := range r.Objects() {
			walkObjects(c, fn)
		}
	}
}

// topDialogText is the text of the labels in the window's top overlay.
func topDialogText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var parts []string
	walkObjects(top, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Label:
			parts = append(parts, x.Text)
		case *widget.RichText:
			parts = append(parts, x.String())
		}
	})
	return strings.Join(parts, "\n")
}

// tapButton taps the button with the text in the window's top overlay.
func tapButton(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	top := w.Canvas().Overlays().Top()
	var found *widget.Button
	if top != nil {
		walkObjects(top, func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text == text {
				found = b
			}
		})
	}
	if found == nil {
		t.Fatalf("no %q button in the dialog", text)
	}
	test.Tap(found)
}

// BenchmarkOpenConversation50 times opening a conversation of 50
// messages: from openConversation until the view is built and loaded.
// "fresh" opens a conversation never shown before, with text never
// measured before (Fyne caches text sizes); "reopen" opens the same one
// again; "all-50-shown" also taps "Show 40 earlier messages".
func BenchmarkOpenConversation50(b *testing.B) {
	b.Setenv("LANGUAGE", "")
	b.Setenv("LC_ALL", "en_US.UTF-8")
	if err := LoadTranslations(); err != nil {
		b.Fatal(err)
	}
	app := test.NewTempApp(b)
	st, err := storage.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	seeded := 0
	seed := func() uint64 {
		seeded++
		n := seeded
		fx := convFixture{customer: storage.Customer{Name: fmt.Sprintf("买家%d", n), Emails: []string{fmt.Sprintf("buyer%d@example.com", n)}}}
		specs := make([]mailSpec, 50)
		for i := range specs {
			specs[i] = mailSpec{in: i%2 == 0, at: clock.Add(time.Duration(i-50) * time.Hour),
				body: strings.Repeat(fmt.Sprintf("第%d-%d封邮件：亲，请问我的订单什么时候发货？Where is my parcel? ", n, i), 4) +
					"\n\nOn Mon, 17 Nov 2025, Shop wrote:\n> earlier text\n> more earlier text"}
		}
		if err := st.Update(func(tx *storage.Tx) error { return seedConv(tx, &fx, specs...) }); err != nil {
			b.Fatal(err)
		}
		return fx.conv.ID
	}
	queue := make(chan func(), 1024)
	log := logrus.New()
	log.SetLevel(logrus.WarnLevel)
	w := app.NewWindow("Shopdesk")
	w.Resize(fyne.NewSize(1100, 700))
	d := newDesk(app, w, st, log, func(fn func()) { queue <- fn }, func() time.Time { return clock })
	defer d.Close()
	// open times one opening; all also shows the earlier messages.
	open := func(b *testing.B, id uint64, all bool) {
		v := d.showConversation(id) // all that openConversation does
		for !v.loaded {
			(<-queue)()
		}
		if all {
			test.Tap(v.earlier)
		}
		b.StopTimer()
		if want := map[bool]int{false: recentMessages, true: 50}[all]; len(v.cards) != want {
			b.Fatalf("%d cards, want %d", len(v.cards), want)
		}
		d.pop()
		b.StartTimer()
	}
	for _, bm := range []struct {
		name       string
		fresh, all bool
	}{
		{"fresh", true, false},
		{"fresh-all-50-shown", true, true},
		{"reopen", false, false},
		{"reopen-all-50-shown", false, true},
	} {
		b.Run(bm.name, func(b *testing.B) {
			id := seed()
			if !bm.fresh {
				open(b, id, bm.all)
				b.ResetTimer()
			}
			for range b.N {
				if bm.fresh {
					b.StopTimer()
					id = seed()
					b.StartTimer()
				}
				open(b, id, bm.all)
			}
		})
	}
}

func TestLongConversationShowsLatestFirst(t *testing.T) {
	var fx convFixture
	h := newHarness(t, func(tx *storage.Tx) error {
		specs := make([]mailSpec, recentMessages+2)
		for i := range specs {
			// Ours, then the customer's last two, unanswered.
			specs[i] = mailSpec{in: i%2 == 0 || i >= len(specs)-2, at: clock.Add(time.Duration(i-len(specs)) * time.Hour), body: fmt.Sprintf("message %d", i)}
		}
		if err := seedConv(tx, &fx, specs...); err != nil {
			return err
		}
		// A note from before the messages shown waits with them.
		return tx.SaveNote(&storage.Note{CustomerID: fx.customer.ID, ConversationID: fx.conv.ID, Text: "early note", Created: clock.Add(-100 * time.Hour)})
	})
	v := h.openConv(fx.conv.ID)
	if len(v.cards) != recentMessages || v.earlier == nil || v.earlier.Text != "Show 2 earlier messages" || v.list.Objects[0] != v.earlier {
		t.Fatalf("%d cards shown; earlier button %v", len(v.cards), v.earlier)
	}
	var open []int
	for i, m := range fx.msgs {
		if mv := v.cards[m.ID]; mv != nil && mv.expanded {
			open = append(open, i)
		}
	}
	if fmt.Sprint(open) != "[10 11]" {
		t.Errorf("expanded %v, want the customer's unanswered mail [10 11]", open)
	}
	if containsLabel(v.list, "early note") {
		t.Error("a note older than the messages shown is shown")
	}
	test.Tap(v.earlier)
	texts := v.cardTexts()
	if len(texts) != recentMessages+2 || texts[0] != "message 0" || !containsLabel(v.list, "early note") {
		t.Errorf("after showing earlier messages: %q", texts)
	}
}
