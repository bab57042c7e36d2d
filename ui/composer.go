package ui

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// composeRequest says what the seller wants to write.
type composeRequest struct {
	Mode           storage.DraftMode
	ConversationID uint64 // the conversation replied in (0 for a new message)
	ReplyTo        uint64 // the stored message answered or forwarded
	DraftID        uint64 // an existing draft to reopen
}

// composerKey names a composer window, so that asking again for the same
// reply brings its window forward instead of opening a rival on the draft.
type composerKey struct {
	conv  uint64
	mode  storage.DraftMode
	draft uint64
}

func (r composeRequest) key() composerKey {
	if r.DraftID != 0 {
		return composerKey{draft: r.DraftID}
	}
	return composerKey{conv: r.ConversationID, mode: r.Mode}
}

// composer is one reply being written, in its own window. Its widgets and
// plain fields belong to the main goroutine; the draft saver and the
// outbox ID are shared with the goroutines that write to the store.
type composer struct {
	d   *Desk
	key composerKey
	log logrus.FieldLogger

	// What the reply is; fixed once the window opens.
	mode    storage.DraftMode
	account storage.Account
	convID  uint64
	replyTo uint64

	win      fyne.Window
	to, cc   *composerEntry
	subject  *composerEntry
	body     *composerEntry
	from     *widget.Label
	attach   *attachList
	saved    *widget.Label
	send     *tipButton
	discard  *widget.Button
	canned   *tipButton
	addFile  *widget.Button
	closeBtn *widget.Button
	status   *sendStatus
	tips     *tipLayer
	picker   *cannedPicker

	lastBody   string      // the body before the latest change, to spot a typed "/"
	edits      uint64      // changes made; the draft saver skips stale snapshots
	dirtySince time.Time   // first change not yet handed to the saver
	saveTimer  *time.Timer // pending debounced save
	busy       bool        // queueing: the fields are locked
	finished   bool        // queued or discarded: no more draft saves
	closed     bool

	saver      draftSaver
	writes     sync.WaitGroup // store writes under way, for tests and shutdown
	outboxID   atomic.Uint64  // the queued item, once sent
	statusLoad *throttle
	unsub      func()
}

const (
	// draftQuiet is how long typing pauses before the draft is saved, and
	// draftAtMost how long continuous typing may go unsaved.
	draftQuiet  = 500 * time.Millisecond
	draftAtMost = 5 * time.Second
	// maxAttachments is what most mail servers accept in one message.
	maxAttachments = 25 << 20
)

var errNoAccount = errors.New("no mail account")

// compose opens the composer. Main goroutine only.
func (d *Desk) compose(req composeRequest) {
	if req.Mode == "" {
		req.Mode = storage.DraftReply
	}
	key := req.key()
	if d.composers == nil {
		d.composers = map[composerKey]*composer{}
	}
	if c, ok := d.composers[key]; ok {
		if c.win != nil {
			c.win.RequestFocus()
		}
		return
	}
	c := &composer{d: d, key: key, log: d.log.WithField("mode", req.Mode)}
	d.composers[key] = c
	go c.load(req)
}

// composeStart is what a composer opens with, read from the store.
type composeStart struct {
	draft   storage.Draft // ID 0 for a fresh one
	account storage.Account
	sizes   map[string]int64 // the draft's attachments that still exist
}

// load reads the store off the main goroutine, then opens the window.
func (c *composer) load(req composeRequest) {
	var s composeStart
	err := c.d.store.View(func(tx *storage.Tx) error {
		var err error
		s, err = prepareCompose(tx, req)
		return err
	})
	if err == nil {
		s.sizes, _ = statFiles(s.draft.Attachments)
	}
	c.d.do(func() {
		if err != nil {
			delete(c.d.composers, c.key)
			msg := lang.L("The reply could not be opened. The details are in the log.")
			if errors.Is(err, errNoAccount) {
				msg = lang.L("There is no mail account to send from. Add one first.")
			} else {
				c.log.WithError(err).WithField("conversation", req.ConversationID).Error("Open the composer")
			}
			dialog.ShowError(errors.New(msg), c.d.win)
			return
		}
		c.open(s)
	})
}

// prepareCompose finds the account, the message answered and the draft to
// restore, or writes a fresh reply: recipients, subject, signature, quote.
func prepareCompose(tx *storage.Tx, req composeRequest) (composeStart, error) {
	var s composeStart
	accounts, err := tx.Accounts()
	if err != nil {
		return s, err
	}
	if len(accounts) == 0 {
		return s, errNoAccount
	}
	if req.DraftID != 0 {
		if s.draft, err = tx.Draft(req.DraftID); err != nil {
			return s, err
		}
		req.Mode, req.ConversationID, req.ReplyTo = s.draft.Mode, s.draft.ConversationID, s.draft.ReplyTo
	}
	var m storage.Message
	if req.ReplyTo != 0 {
		if m, err = tx.Message(req.ReplyTo); err != nil {
			return s, fmt.Errorf("the message answered: %w", err)
		}
		if req.ConversationID == 0 {
			req.ConversationID = m.ConversationID
		}
	}
	var conv storage.Conversation
	var cust storage.Customer
	if req.ConversationID != 0 {
		if conv, err = tx.Conversation(req.ConversationID); err != nil {
			return s, err
		}
		cust, _ = tx.Customer(conv.CustomerID) // a missing customer leaves To empty
	}
	if m.ID == 0 && conv.ID != 0 && req.Mode != storage.DraftNew {
		msgs, err := tx.MessagesOf(conv.ID)
		if err != nil {
			return s, err
		}
		m, _ = answeredMessage(msgs)
	}
	if s.draft.ID == 0 {
		drafts, err := tx.DraftsOf(conv.ID)
		if err != nil {
			return s, err
		}
		for _, d := range drafts {
			if d.Mode == req.Mode && d.Updated.After(s.draft.Updated) {
				s.draft = d
			}
		}
	}
	s.account = accounts[0]
	for _, name := range []string{s.draft.Account, conv.Account} {
		if i := slices.IndexFunc(accounts, func(a storage.Account) bool { return a.Name == name }); name != "" && i >= 0 {
			s.account = accounts[i]
			break
		}
	}
	if s.draft.ID != 0 {
		return s, nil
	}

	d := storage.Draft{Account: s.account.Name, ConversationID: conv.ID, ReplyTo: m.ID, Mode: req.Mode}
	d.Subject = replySubjectFor(req.Mode, m, conv)
	fallbackTo := func() {
		if len(d.To) == 0 && len(cust.Emails) > 0 {
			d.To = []storage.Address{{Name: cust.Name, Email: cust.Emails[0]}}
		}
	}
	switch {
	case req.Mode == storage.DraftForward && m.ID != 0:
		d.Text = forwardBody(m, s.account.Signature)
	case req.Mode == storage.DraftNew:
		d.Subject = conv.Subject
		fallbackTo()
		d.Text = "\n\n" + signatureBlock(s.account.Signature)
	case m.ID != 0:
		d.To, d.Cc = replyRecipients(m, req.Mode, mailbox.OwnAddresses(accounts...))
		fallbackTo()
		d.Text = replyBody(m, s.account.Signature)
	default:
		fallbackTo()
		d.Text = "\n\n" + signatureBlock(s.account.Signature)
	}
	s.draft = d
	return s, nil
}

// open builds the window for what load found. Main goroutine only.
func (c *composer) open(s composeStart) {
	dr := s.draft
	c.mode, c.account, c.convID, c.replyTo = dr.Mode, s.account, dr.ConversationID, dr.ReplyTo
	c.saver.id = dr.ID
	c.log = c.log.WithFields(logrus.Fields{"conversation": c.convID, "account": c.account.Name})

	c.win = c.d.app.NewWindow(c.title(dr.Subject))
	c.tips = newTipLayer(c.d.do)
	content := c.build()
	c.win.SetContent(c.tips.wrap(content))
	c.win.Resize(fyne.NewSize(760, 640))

	c.to.SetText(formatAddressField(dr.To))
	c.cc.SetText(formatAddressField(dr.Cc))
	c.subject.SetText(dr.Subject)
	c.body.SetText(dr.Text)
	c.lastBody = dr.Text
	var gone []string
	for _, p := range dr.Attachments {
		if size, ok := s.sizes[p]; ok {
			c.attach.add(p, size)
		} else {
			gone = append(gone, filepath.Base(p))
		}
	}
	if dr.ID != 0 {
		c.saved.SetText(lang.L("Draft restored from {{.Time}}", map[string]any{"Time": formatDate(dr.Updated)}))
	}
	// Wired after the texts are set: setting them is not the seller typing.
	for _, e := range []*composerEntry{c.to, c.cc, c.subject} {
		e.OnChanged = func(string) { c.changed() }
	}
	c.subject.OnChanged = func(s string) {
		c.win.SetTitle(c.title(s))
		c.changed()
	}
	c.body.OnChanged = c.bodyChanged
	c.attach.onChange = c.changed

	c.statusLoad = newThrottle(100*time.Millisecond, c.loadStatus)
	c.unsub = c.d.store.Subscribe(c.storeChanged)
	c.win.SetOnClosed(c.windowClosed)
	c.win.SetOnDropped(c.dropped)
	// The canvas has them when no entry has the focus; entries pass them on.
	for _, sc := range append([]fyne.Shortcut{sendShortcut(fyne.KeyReturn), sendShortcut(fyne.KeyEnter), cannedShortcut()}, pinnedShortcuts()...) {
		c.win.Canvas().AddShortcut(sc, func(sc fyne.Shortcut) { c.shortcut(sc) })
	}
	c.win.Show()
	if len(gone) > 0 { // moved or deleted since the draft was saved
		dialog.ShowError(errors.New(lang.L("{{.Name}} cannot be attached: only readable files can be sent.", map[string]any{"Name": strings.Join(gone, ", ")})), c.win)
	}
	if len(dr.To) == 0 {
		c.win.Canvas().Focus(c.to)
	} else {
		c.win.Canvas().Focus(c.body)
	}
}

func (c *composer) title(subject string) string {
	if s := oneLine(subject); s != "" {
		return s
	}
	return lang.L("(no subject)")
}

func (c *composer) build() fyne.CanvasObject {
	c.from = widget.NewLabel(formatAddressField([]storage.Address{{Name: c.account.DisplayName, Email: c.account.Email}}))
	c.from.Truncation = fyne.TextTruncateEllipsis
	c.to = newComposerEntry(false, c.shortcut)
	c.to.Validator = validateAddressField
	c.to.SetPlaceHolder(lang.L("name@example.com, another@example.com"))
	c.cc = newComposerEntry(false, c.shortcut)
	c.cc.Validator = validateAddressField
	c.subject = newComposerEntry(false, c.shortcut)
	c.body = newComposerEntry(true, c.shortcut)
	c.body.onKey = c.bodyKey // "/shortcut" + Tab (composer_expand.go)
	c.body.Wrapping = fyne.TextWrapWord
	c.body.SetPlaceHolder(lang.L("Write your reply. Ctrl+K or \"/\" at the start of a line inserts a canned reply."))

	fields := container.New(layout.NewFormLayout(),
		widget.NewLabel(lang.L("From")), c.from,
		widget.NewLabel(lang.L("To")), c.to,
		widget.NewLabel(lang.L("Cc")), c.cc,
		widget.NewLabel(lang.L("Subject")), c.subject)

	c.attach = newAttachList()
	c.addFile = widget.NewButtonWithIcon(lang.L("Attach file"), theme.ContentAddIcon(), c.chooseFile)
	c.canned = newTipButton(lang.L("Canned reply"), theme.ContentPasteIcon(), lang.L("Ctrl+K, or \"/\" at the start of a line"), c.tips, func() { c.picker.open(-1) })
	c.discard = widget.NewButtonWithIcon(lang.L("Discard draft"), theme.DeleteIcon(), c.confirmDiscard)
	c.send = newTipButton(lang.L("Send"), theme.MailSendIcon(), lang.L("Ctrl+Enter"), c.tips, c.sendNow)
	c.send.Importance = widget.HighImportance
	c.closeBtn = widget.NewButton(lang.L("Close"), func() { c.win.Close() })
	c.closeBtn.Hide()
	c.saved = widget.NewLabel("")
	c.saved.Importance = widget.LowImportance
	c.saved.Truncation = fyne.TextTruncateEllipsis
	c.status = newSendStatus(c)
	c.picker = newCannedPicker(c)

	tools := container.NewBorder(nil, nil,
		container.NewHBox(c.addFile, c.canned),
		container.NewHBox(c.discard, c.send, c.closeBtn),
		c.saved)
	bottom := container.NewVBox(c.attach.box, c.status.box, tools)
	return container.NewBorder(fields, bottom, nil, nil, c.body)
}

// sendShortcut and cannedShortcut are Ctrl+Enter and Ctrl+K (Cmd on macOS).
func sendShortcut(key fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
}

func cannedShortcut() *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault}
}

// shortcut handles the composer's keys, wherever the focus is. It reports
// whether the shortcut was one of them.
func (c *composer) shortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier != fyne.KeyModifierShortcutDefault {
		return false
	}
	switch cs.KeyName {
	case fyne.KeyReturn, fyne.KeyEnter:
		c.sendNow()
	case fyne.KeyK:
		if !c.busy && !c.finished {
			c.picker.open(-1)
		}
	default:
		return c.pinnedKey(cs.KeyName) // Ctrl+1..9 (composer_expand.go)
	}
	return true
}

func validateAddressField(s string) error {
	if _, err := parseAddressField(s); err != nil {
		return errors.New(lang.L("Write addresses like name@example.com, separated by commas."))
	}
	return nil
}

// bodyChanged saves the draft soon and opens the canned-reply picker when
// the seller types "/" at the start of a line.
func (c *composer) bodyChanged(text string) {
	prev := c.lastBody
	c.lastBody = text
	c.changed()
	runes := []rune(text)
	at := c.body.CursorTextOffset() - 1 // where the "/" would be
	if at < 0 || at >= len(runes) || runes[at] != '/' || (at > 0 && runes[at-1] != '\n') {
		return
	}
	if len(runes) != len([]rune(prev))+1 || string(runes[:at])+string(runes[at+1:]) != prev {
		return // a paste or a deletion, not a typed "/"
	}
	c.picker.open(at)
}

// windowClosed keeps the draft (unless it was sent or discarded) and stops
// following the outbox; a queued reply goes on without the window.
func (c *composer) windowClosed() {
	if c.closed {
		return
	}
	c.closed = true
	if c.d.composers[c.key] == c {
		delete(c.d.composers, c.key)
	}
	c.picker.close()
	c.tips.hideAll()
	c.saveDraft()
	c.unsub()
	c.statusLoad.Stop()
}
