package ui

import (
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox/outbox"
	"github.com/shopdesk/shopdesk/storage"
)

// Sending: checks, the outbox, and the reply's state followed live.
// sendNow checks the reply and hands it to the outbox.
func (c *composer) sendNow() {
	if c.busy || c.finished {
		return
	}
	to, errTo := parseAddressField(c.to.Text)
	cc, errCc := parseAddressField(c.cc.Text)
	var problem string
	switch left := unfilledPlaceholders(c.subject.Text + "\n" + c.body.Text); {
	case errTo != nil:
		problem = lang.L("Check the To addresses: write them like name@example.com, separated by commas.")
	case errCc != nil:
		problem = lang.L("Check the Cc addresses: write them like name@example.com, separated by commas.")
	case len(to)+len(cc) == 0:
		problem = lang.L("Add a recipient before sending.")
	case len(left) > 0:
		problem = lang.L("Fill in {{.Names}} before sending: the canned reply could not fill it in.", map[string]any{"Names": strings.Join(left, ", ")})
	}
	if problem != "" {
		dialog.ShowError(errors.New(problem), c.win)
		return
	}
	req := outbox.QueueRequest{
		Account:        c.account.Name,
		ConversationID: c.convID,
		To:             to,
		Cc:             cc,
		Subject:        strings.TrimSpace(c.subject.Text),
		Text:           c.body.Text,
	}
	if c.mode == storage.DraftReply || c.mode == storage.DraftReplyAll {
		req.ReplyTo = c.replyTo // a forward is not an answer: no In-Reply-To, no \Answered
	}
	c.checkThenQueue(req) // warnings first (composer_checks.go)
}

// enqueue hands the checked reply to the outbox.
func (c *composer) enqueue(req outbox.QueueRequest) {
	c.setBusy(true)
	c.status.showQueueing()
	paths := slices.Clone(c.attach.paths)
	c.writes.Add(1)
	go func() {
		defer c.writes.Done()
		it, err := c.queue(req, paths)
		c.d.do(func() {
			if err != nil {
				c.setBusy(false)
				c.status.hide()
				c.showQueueError(err)
				return
			}
			c.queued(it)
		})
	}()
}

// queue reads the attachments and puts the reply in the outbox, then
// deletes the draft. outbox.Queue commits on its own, so the draft goes
// in a second transaction: a crash between the two leaves a draft of a
// reply already queued, never a reply lost.
func (c *composer) queue(req outbox.QueueRequest, paths []string) (storage.OutboxItem, error) {
	st, ok := c.d.store.(*storage.Store)
	if !ok {
		return storage.OutboxItem{}, errors.New("queue reply: the desk's store cannot hold an outbox")
	}
	atts, err := readAttachments(paths, maxAttachments)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	req.Attachments = atts
	it, err := outbox.Queue(st, req)
	if err != nil {
		return storage.OutboxItem{}, err
	}
	c.log.WithFields(logrus.Fields{"outbox": it.ID, "message_id": it.MessageID}).Debug("Reply queued")
	if err := c.saver.finish(c.d.store); err != nil {
		c.log.WithError(err).Error("Delete the draft of a queued reply")
	}
	return it, nil
}

func (c *composer) showQueueError(err error) {
	var big *tooLargeError
	var unreadable *attachmentError
	msg := lang.L("The reply could not be put in the outbox. The details are in the log.")
	switch {
	case errors.As(err, &big):
		msg = lang.L("The attachments add up to {{.Size}}; mail servers take at most {{.Max}}. Remove some and send again.",
			map[string]any{"Size": fileSizeText(big.total), "Max": fileSizeText(big.max)})
	case errors.As(err, &unreadable):
		msg = lang.L("The attached file {{.Name}} cannot be read. Remove it or attach it again.", map[string]any{"Name": unreadable.name})
	default: // the seller's own mistakes above need no log
		c.log.WithError(err).Error("Queue the reply")
	}
	dialog.ShowError(errors.New(msg), c.win)
}

// setBusy locks the fields while the reply is being queued.
func (c *composer) setBusy(busy bool) {
	c.busy = busy
	for _, w := range []fyne.Disableable{c.to, c.cc, c.subject, c.body, c.send, c.discard, c.canned, c.addFile} {
		if busy {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	c.attach.setEnabled(!busy)
}

// queued turns the composer into the reply's live status.
func (c *composer) queued(it storage.OutboxItem) {
	c.finished = true
	c.outboxID.Store(it.ID)
	for _, b := range []fyne.CanvasObject{c.send, c.discard, c.addFile, c.canned} {
		b.Hide()
	}
	c.closeBtn.Show()
	c.saved.SetText("")
	c.status.show(it)
	c.statusLoad.Trigger() // the sender may have moved it on already
}

// storeChanged hears every write, on the writer's goroutine.
func (c *composer) storeChanged(events []storage.Event) {
	id := c.outboxID.Load()
	if id == 0 {
		return
	}
	if slices.ContainsFunc(events, func(e storage.Event) bool { return e.Kind == storage.KindOutbox && e.ID == id }) {
		c.statusLoad.Trigger()
	}
}

func (c *composer) loadStatus() {
	id := c.outboxID.Load()
	var it storage.OutboxItem
	err := c.d.store.View(func(tx *storage.Tx) error {
		var err error
		it, err = tx.OutboxItem(id)
		return err
	})
	if err != nil {
		c.log.WithError(err).WithField("outbox", id).Error("Read the reply's state")
		return
	}
	c.d.do(func() { c.status.show(it) })
}
