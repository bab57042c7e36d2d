package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/outbox"
	"github.com/shopdesk/shopdesk/storage"
)

// sendStatus shows where a queued reply is, live, and offers the
// seller's choices when it failed or may have been sent.
type sendStatus struct {
	c       *composer
	box     *fyne.Container
	icon    *widget.Icon
	label   *widget.Label
	retry   *widget.Button // failed: send again
	again   *widget.Button // uncertain: send again
	wasSent *widget.Button // uncertain: it did go out
	state   storage.OutboxState
}

func newSendStatus(c *composer) *sendStatus {
	s := &sendStatus{c: c}
	s.icon = widget.NewIcon(theme.MailSendIcon())
	s.label = widget.NewLabel("")
	s.label.Wrapping = fyne.TextWrapWord
	s.retry = widget.NewButtonWithIcon(lang.L("Retry"), theme.ViewRefreshIcon(), func() { s.act(false) })
	s.again = widget.NewButtonWithIcon(lang.L("Send again"), theme.MailSendIcon(), func() { s.act(false) })
	s.wasSent = widget.NewButtonWithIcon(lang.L("It was sent"), theme.ConfirmIcon(), func() { s.act(true) })
	actions := container.NewHBox(s.retry, s.again, s.wasSent)
	s.box = container.NewBorder(nil, nil, s.icon, container.NewCenter(actions), s.label)
	s.box.Hide()
	return s
}

func (s *sendStatus) hide() { s.box.Hide() }

// showQueueing is the moment between Send and the outbox's answer.
func (s *sendStatus) showQueueing() {
	s.set("", theme.MailSendIcon(), lang.L("Putting the reply in the outbox…"), widget.MediumImportance)
}

// show tells the item's state in words, with the choices it calls for.
func (s *sendStatus) show(it storage.OutboxItem) {
	reason := map[string]any{"Reason": it.LastError}
	switch it.State {
	case storage.OutQueued:
		if it.Attempts > 0 && it.LastError != "" {
			s.set(it.State, theme.HistoryIcon(), lang.L("Not sent yet; Shopdesk tries again shortly. The server said: {{.Reason}}", reason), widget.WarningImportance)
		} else {
			s.set(it.State, theme.HistoryIcon(), lang.L("Queued: it goes out as soon as the mail server answers. You can close this window."), widget.MediumImportance)
		}
	case storage.OutSending, storage.OutData:
		s.set(it.State, theme.MailSendIcon(), lang.L("Sending…"), widget.MediumImportance)
	case storage.OutAccepted:
		s.set(it.State, theme.ConfirmIcon(), lang.L("Sent. Filing a copy in Sent…"), widget.SuccessImportance)
	case storage.OutFiled, storage.OutDone:
		s.set(it.State, theme.ConfirmIcon(), lang.L("Sent, and filed in Sent."), widget.SuccessImportance)
	case storage.OutFailed:
		s.set(it.State, theme.ErrorIcon(), lang.L("Not sent: the mail server refused it. It said: {{.Reason}}", reason), widget.DangerImportance, s.retry)
	case storage.OutUncertain:
		s.set(it.State, theme.WarningIcon(), lang.L("This reply may have been sent: the connection dropped while the server was taking it ({{.Reason}}). Check your Sent folder or ask the customer, then choose.", reason),
			widget.WarningImportance, s.again, s.wasSent)
	case storage.OutCancelled:
		s.set(it.State, theme.CancelIcon(), lang.L("Cancelled: this reply will not be sent."), widget.MediumImportance)
	}
}

func (s *sendStatus) set(state storage.OutboxState, icon fyne.Resource, text string, imp widget.Importance, actions ...*widget.Button) {
	s.state = state
	s.icon.SetResource(icon)
	s.label.Importance = imp
	s.label.SetText(text)
	for _, b := range []*widget.Button{s.retry, s.again, s.wasSent} {
		b.Enable()
		b.Hide()
	}
	for _, b := range actions {
		b.Show()
	}
	s.box.Show()
	s.box.Refresh()
}

// act is the seller's choice: send again (Retry, Send again) or record
// that the message did go out. The store's event then updates the line.
func (s *sendStatus) act(wasSent bool) {
	id := s.c.outboxID.Load()
	st, ok := s.c.d.store.(*storage.Store)
	if id == 0 || !ok {
		return
	}
	for _, b := range []*widget.Button{s.retry, s.again, s.wasSent} {
		b.Disable()
	}
	s.c.writes.Add(1)
	go func() {
		defer s.c.writes.Done()
		var err error
		if wasSent {
			err = outbox.Discard(st, id, true)
		} else {
			err = outbox.Resend(st, id)
		}
		if err == nil {
			return
		}
		s.c.log.WithError(err).WithField("outbox", id).Error("Settle the reply")
		s.c.d.do(func() {
			msg := lang.L("That did not work. The details are in the log.")
			if errors.Is(err, outbox.ErrAlreadySent) {
				msg = lang.L("This reply is already in your Sent folder: it was sent.")
			}
			dialog.ShowError(errors.New(msg), s.c.win)
			s.c.statusLoad.Trigger()
		})
	}()
}
