package ui

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/storage"
)

// openConversation shows the conversation over the current screen.
// Main goroutine only.
func (d *Desk) openConversation(id uint64) {
	d.showConversation(id)
}

// showConversation opens the view and returns it, for tests.
func (d *Desk) showConversation(id uint64) *conversationView {
	v := &conversationView{d: d, id: id, compose: d.actions.compose, log: d.log.WithField("conversation", id), opened: time.Now()}
	v.reload = newThrottle(reloadEvery, v.load)
	d.push(v.build(), v.close)
	d.shownConv = v
	v.unsubscribe = d.store.Subscribe(v.changed)
	v.reload.Trigger()
	return v
}

// conversationView is one conversation: its messages in order with the
// actions on it, and the customer beside it. It reads the store off the
// main goroutine and follows the store's changes while it is shown.
type conversationView struct {
	d       *Desk
	id      uint64
	log     logrus.FieldLogger
	compose func(composeRequest) // d.actions.compose; a seam for tests
	opened  time.Time

	reload      *throttle
	unsubscribe func()
	closed      atomic.Bool
	customerID  atomic.Uint64 // whose changes to follow

	// The rest is main goroutine only.
	data        convData
	loaded      bool
	root        fyne.CanvasObject
	subject     *widget.Label
	about       *widget.Label // customer, status, snooze
	tagLine     *widget.Label
	notice      *widget.Label
	list        *fyne.Container
	scroll      *container.Scroll
	cards       map[uint64]*messageView
	earlier     *widget.Button // "Show 40 earlier messages"; nil until needed
	showEarlier bool
	notes       map[uint64]fyne.CanvasObject
	actions     *convActions
	clocks      *clockStrip
	rating      *ratingForm // the latest rating form, for tests
	panel       *customerPanel
	// The latest source window and save dialog, for tests.
	source     *sourceView
	saveDialog *dialog.FileDialog
}

// convData is what the view shows, read in one transaction.
type convData struct {
	conv      storage.Conversation
	customer  storage.Customer
	messages  []storage.Message
	raws      map[uint64]string // the start of the source of unreadable messages
	notes     []storage.Note
	orders    []storage.Order    // the customer's, latest first
	followUps []storage.FollowUp // the customer's open ones, earliest due first
	tags      []string           // every tag in use, for suggestions
	missing   bool               // the conversation no longer exists
	clocks    convClocks         // complaint and after-sales timers (conversation_clocks.go)
}

func (v *conversationView) build() fyne.CanvasObject {
	v.cards = map[uint64]*messageView{}
	v.notes = map[uint64]fyne.CanvasObject{}
	back := v.d.newTipButton("", theme.NavigateBackIcon(), lang.L("Back (Esc)"), func() { v.d.pop() })
	v.subject = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.subject.SizeName = theme.SizeNameSubHeadingText
	v.subject.Truncation = fyne.TextTruncateEllipsis
	v.about = newTruncLabel(false)
	v.tagLine = newTruncLabel(false)
	v.tagLine.Importance = widget.LowImportance
	v.notice = widget.NewLabel("")
	v.notice.Importance = widget.WarningImportance
	v.notice.Wrapping = fyne.TextWrapWord
	v.notice.Hide()

	v.actions = newConvActions(v)
	v.clocks = newClockStrip(v)
	head := container.NewVBox(
		container.NewBorder(nil, nil, back, nil, v.subject),
		v.about, v.tagLine, v.clocks.box, v.actions.bar, v.notice, widget.NewSeparator())

	v.list = container.NewVBox()
	v.scroll = container.NewVScroll(container.NewPadded(v.list))
	v.panel = newCustomerPanel(v)
	split := container.NewHSplit(v.scroll, v.panel.content)
	split.Offset = 0.66
	v.root = withKeys(container.NewBorder(head, nil, nil, nil, split), v.takeKey)
	return v.root
}

// close runs when the view is popped.
func (v *conversationView) close() {
	v.closed.Store(true)
	v.reload.Stop()
	if v.unsubscribe != nil {
		v.unsubscribe()
	}
}

// changed hears store events on the writer's goroutine; it only triggers.
func (v *conversationView) changed(events []storage.Event) {
	customer := v.customerID.Load()
	for _, e := range events {
		switch e.Kind {
		case storage.KindConversation:
			if e.ID != v.id {
				continue
			}
		case storage.KindCustomer:
			if e.ID != customer {
				continue
			}
		case storage.KindMessage, storage.KindNote, storage.KindOrder, storage.KindFollowUp, storage.KindCall:
			// Events carry no conversation or customer: reading is cheap.
		default:
			continue
		}
		v.reload.Trigger()
		return
	}
}

// load reads the conversation off the main goroutine, shows it, and marks
// it read.
func (v *conversationView) load() {
	if v.closed.Load() {
		return
	}
	data, err := v.read()
	if err != nil {
		v.log.WithError(err).Error("Load the conversation")
	}
	v.customerID.Store(data.conv.CustomerID)
	v.d.do(func() {
		if v.closed.Load() {
			return
		}
		v.apply(data, err)
	})
	if err == nil && !data.missing && data.conv.Unread {
		v.markRead()
	}
}

func (v *conversationView) read() (convData, error) {
	var data convData
	err := v.d.store.View(func(tx *storage.Tx) error {
		var err error
		data.conv, err = tx.Conversation(v.id)
		if errors.Is(err, storage.ErrNotFound) {
			data.missing = true
			return nil
		}
		if err != nil {
			return err
		}
		// A missing customer still shows the conversation.
		data.customer, _ = tx.Customer(data.conv.CustomerID)
		if data.messages, err = tx.MessagesOf(v.id); err != nil {
			return fmt.Errorf("messages: %w", err)
		}
		for _, m := range data.messages {
			if m.ParseError == "" {
				continue
			}
			raw, err := tx.Raw(m.ID)
			if err != nil {
				return fmt.Errorf("source of message %d: %w", m.ID, err)
			}
			if data.raws == nil {
				data.raws = map[uint64]string{}
			}
			data.raws[m.ID], _ = rawText(raw, maxCardRaw)
		}
		if data.notes, err = tx.NotesAbout(storage.KindConversation, v.id); err != nil {
			return fmt.Errorf("notes: %w", err)
		}
		if data.orders, err = tx.OrdersOf(data.conv.CustomerID); err != nil {
			return fmt.Errorf("orders: %w", err)
		}
		fs, err := tx.FollowUpsOf(data.conv.CustomerID)
		if err != nil {
			return fmt.Errorf("follow-ups: %w", err)
		}
		for _, f := range fs {
			if f.Done.IsZero() {
				data.followUps = append(data.followUps, f)
			}
		}
		data.tags = tx.ConversationTags()
		return readClocks(tx, &data)
	})
	return data, err
}

// markRead clears the unread mark: the seller has the messages in front
// of them.
func (v *conversationView) markRead() {
	err := v.d.store.Update(func(tx *storage.Tx) error {
		c, err := tx.Conversation(v.id)
		if err != nil || !c.Unread {
			return err
		}
		c.Unread = false
		return tx.SaveConversation(&c)
	})
	if err != nil {
		v.log.WithError(err).Error("Mark the conversation read")
	}
}

// apply shows freshly read data; cards already built are kept, so a new
// message does not fold back quotes the seller opened.
func (v *conversationView) apply(data convData, err error) {
	v.data = data
	if !v.loaded {
		v.loaded = true
		defer func() {
			v.log.WithFields(logrus.Fields{"messages": len(data.messages), "took": time.Since(v.opened)}).Debug("Conversation shown")
		}()
	}
	switch {
	case err != nil:
		v.showNotice(lang.L("Shopdesk could not read this conversation. The details are in the log."))
		return
	case data.missing:
		v.showNotice(lang.L("This conversation no longer exists."))
		v.list.RemoveAll()
		v.actions.bar.Hide()
		return
	}
	v.notice.Hide()

	c := data.conv
	subject := oneLine(c.Subject)
	if subject == "" {
		subject = lang.L("(no subject)")
	}
	v.subject.SetText(subject)
	about := customerName(data.customer) + "  ·  " + conversationStatusName(c.Status)
	if c.SnoozedUntil.After(v.d.now()) {
		about += "  ·  " + lang.L("Snoozed until {{.Time}}", map[string]any{"Time": formatDate(c.SnoozedUntil)})
	}
	v.about.SetText(about)
	if len(c.Tags) > 0 {
		v.tagLine.SetText(lang.L("Tags: {{.Tags}}", map[string]any{"Tags": joinTags(c.Tags)}))
		v.tagLine.Show()
	} else {
		v.tagLine.Hide()
	}

	grew := v.showMessages(data)
	v.clocks.update(data, v.d.now())
	v.actions.update(data)
	v.panel.update(data)
	if grew {
		v.scrollToLatest()
	}
}

// showMessages lays the messages and notes out by time. It reports
// whether a message was added.
func (v *conversationView) showMessages(data convData) bool {
	type item struct {
		at  time.Time
		obj fyne.CanvasObject
	}
	items := make([]item, 0, len(data.messages)+len(data.notes))
	grew := false
	seen := make(map[uint64]bool, len(data.messages))
	for _, m := range data.messages {
		seen[m.ID] = true
	}
	for id := range v.cards {
		if !seen[id] {
			delete(v.cards, id)
		}
	}
	// Older messages wait behind a button: building a card costs text
	// measuring, and the seller reads the latest first.
	shown := data.messages
	if hidden := len(shown) - recentMessages; hidden > 0 && !v.showEarlier {
		shown = shown[hidden:]
		if v.earlier == nil {
			v.earlier = widget.NewButton("", func() {
				v.showEarlier = true
				v.showMessages(v.data)
			})
			v.earlier.Importance = widget.LowImportance
		}
		v.earlier.SetText(lang.L("Show {{.N}} earlier messages", map[string]any{"N": hidden}))
		items = append(items, item{time.Time{}, v.earlier})
	}
	open := expandByDefault(data.messages)
	for _, m := range shown {
		mv := v.cards[m.ID]
		if mv == nil || mv.msg.Hash != m.Hash || mv.msg.ParseError != m.ParseError {
			mv = newMessageView(v, m, data.raws[m.ID], open[m.ID])
			v.cards[m.ID] = mv
			grew = true
		}
		items = append(items, item{m.Date, mv.content})
	}
	for _, n := range data.notes {
		if len(shown) < len(data.messages) && n.Created.Before(shown[0].Date) {
			continue
		}
		o := v.notes[n.ID]
		if o == nil {
			o = noteView(n)
			v.notes[n.ID] = o
		}
		items = append(items, item{n.Created, o})
	}
	// MessagesOf is in date order already; notes slot in between.
	slices.SortStableFunc(items, func(a, b item) int { return a.at.Compare(b.at) })
	objs := make([]fyne.CanvasObject, len(items))
	for i, it := range items {
		objs[i] = it.obj
	}
	if len(objs) == 0 {
		empty := widget.NewLabel(lang.L("This conversation has no messages yet."))
		empty.Importance = widget.LowImportance
		objs = append(objs, empty)
	}
	v.list.Objects = objs
	v.list.Refresh()
	return grew
}

// recentMessages is how many of the latest messages a conversation
// opens with; the earlier ones are a click away.
const recentMessages = 10

// expandByDefault picks the messages shown in full when the
// conversation opens: the latest, and the customer's mail since our last
// reply (what the seller has to answer). The rest show one line each.
func expandByDefault(ms []storage.Message) map[uint64]bool {
	open := map[uint64]bool{}
	if len(ms) > 0 {
		open[ms[len(ms)-1].ID] = true
	}
	for i := len(ms) - 1; i >= 0 && ms[i].Direction == storage.Inbound; i-- {
		open[ms[i].ID] = true
	}
	return open
}

// scrollToLatest brings the start of the newest message into view.
func (v *conversationView) scrollToLatest() {
	var last *messageView
	for _, m := range v.data.messages {
		last = v.cards[m.ID]
	}
	if last == nil {
		return
	}
	v.scroll.Refresh()
	v.scroll.ScrollToOffset(fyne.NewPos(0, last.content.Position().Y))
}

func (v *conversationView) showNotice(text string) {
	v.notice.SetText(text)
	v.notice.Show()
}

// takeKey handles the view's single-key shortcuts; the desk gives it the
// keys no focused entry took, while the view is on top.
func (v *conversationView) takeKey(k keyPress) bool {
	if !v.loaded || v.data.missing {
		return false
	}
	switch k.r {
	case 'r':
		v.actions.reply(storage.DraftReply)
	case 'a':
		v.actions.reply(storage.DraftReplyAll)
	case 'f':
		v.actions.reply(storage.DraftForward)
	case 'e':
		v.actions.setStatus(storage.StatusClosed)
	default:
		return false
	}
	return true
}

// write runs fn in a store transaction off the main goroutine, then done
// on the main goroutine. A failure is logged (what, in English) and told
// to the seller (msg, translated).
func (v *conversationView) write(what, msg string, fn func(*storage.Tx) error, done func()) {
	go func() {
		err := v.d.store.Update(fn)
		if err != nil {
			v.log.WithError(err).Error(what)
		}
		v.d.do(func() {
			if err != nil {
				dialog.ShowError(errors.New(msg), v.d.win)
				return
			}
			if done != nil {
				done()
			}
		})
	}()
}

// updateConversation changes the conversation as it is in the store now,
// so a sync that saved it meanwhile is not overwritten.
func (v *conversationView) updateConversation(what, msg string, change func(*storage.Conversation) error) {
	v.write(what, msg, func(tx *storage.Tx) error {
		c, err := tx.Conversation(v.id)
		if err != nil {
			return err
		}
		if err := change(&c); err != nil {
			return err
		}
		return tx.SaveConversation(&c)
	}, nil)
}

// openURL opens a link the seller clicked, in the system browser.
func (v *conversationView) openURL(u *url.URL) {
	if err := v.d.app.OpenURL(u); err != nil {
		v.log.WithError(err).WithField("url", u.String()).Error("Open a link")
		msg := lang.L("Shopdesk could not open the link.")
		if u.Scheme == "file" {
			msg = lang.L("No program on this computer opened the attachment. Save it and open it from its folder.")
		}
		dialog.ShowError(errors.New(msg), v.d.win)
	}
}
