package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// inboxLimit bounds one read of the inbox; the storage index has no cursor
// by status yet, so the longest-waiting conversations come first.
const inboxLimit = 500

// inboxScreen lists conversations by status, the longest-waiting first.
type inboxScreen struct {
	d *Desk

	mu     sync.Mutex
	status storage.ConversationStatus // read by load, set from the filter

	rows   []inboxRow // main goroutine only
	target time.Duration
	list   *widget.List
	filter *widget.Select
	panel  *panel
	footer *footer
}

type inboxRow struct {
	conv     storage.Conversation
	customer storage.Customer
}

var inboxStatuses = []storage.ConversationStatus{storage.StatusOpen, storage.StatusWaiting, storage.StatusClosed}

func (s *inboxScreen) watches(k storage.Kind) bool {
	return k == storage.KindConversation || k == storage.KindCustomer || k == storage.KindSettings
}

func (s *inboxScreen) currentStatus() storage.ConversationStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.status == "" {
		return storage.StatusOpen
	}
	return s.status
}

func (s *inboxScreen) build() fyne.CanvasObject {
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			clock := widget.NewLabel("")
			clock.Alignment = fyne.TextAlignTrailing
			return container.NewBorder(nil, nil, nil, clock,
				twoLines(newTruncLabel(true), newTruncLabel(false)))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.rows) {
				s.updateRow(s.rows[id], o.(*fyne.Container))
			}
		})

	names := make([]string, len(inboxStatuses))
	for i, st := range inboxStatuses {
		names[i] = conversationStatusName(st)
	}
	s.filter = widget.NewSelect(names, nil)
	s.filter.SetSelectedIndex(0)
	s.filter.OnChanged = func(string) {
		s.mu.Lock()
		s.status = inboxStatuses[s.filter.SelectedIndex()]
		s.mu.Unlock()
		s.d.pageOf(s).reload.Trigger()
	}

	s.panel = newPanel(s.list, theme.MailReplyIcon(), "")
	s.footer = newFooter()
	// A fixed width keeps the longest status readable rather than cut.
	tools := container.NewGridWrap(fyne.NewSize(230, s.filter.MinSize().Height), s.filter)
	return screenFrame(lang.L("Inbox"), tools, s.panel.content, s.footer)
}

func (s *inboxScreen) updateRow(r inboxRow, row *fyne.Container) {
	texts := row.Objects[0].(*fyne.Container).Objects
	texts[0].(*widget.Label).SetText(customerName(r.customer))
	subject := oneLine(r.conv.Subject)
	if subject == "" {
		subject = lang.L("(no subject)")
	}
	texts[1].(*widget.Label).SetText(subject)

	clock := row.Objects[1].(*widget.Label)
	now := s.d.now()
	clock.Importance = widget.MediumImportance
	switch since := r.conv.WaitingSince(); {
	case r.conv.Status == storage.StatusOpen && !since.IsZero():
		waited := now.Sub(since)
		clock.SetText(lang.L("Waiting {{.Time}}", map[string]any{"Time": formatDuration(waited)}))
		if s.target > 0 && waited > s.target {
			clock.Importance = widget.DangerImportance
		}
	case r.conv.Status == storage.StatusOpen:
		clock.SetText(lang.L("Replied"))
	default:
		clock.SetText(lang.L("{{.Time}} ago", map[string]any{"Time": formatDuration(now.Sub(r.conv.LastActivity()))}))
	}
	clock.Refresh()
}

func (s *inboxScreen) load() {
	status := s.currentStatus()
	var rows []inboxRow
	var total int
	var target time.Duration
	err := s.d.store.View(func(tx *storage.Tx) error {
		convs, err := tx.ConversationsByStatus(status, inboxLimit)
		if err != nil {
			return err
		}
		total = tx.CountConversations(status)
		rows = make([]inboxRow, len(convs))
		for i, c := range convs {
			rows[i].conv = c
			// A missing customer still shows the conversation.
			rows[i].customer, _ = tx.Customer(c.CustomerID)
		}
		set, err := tx.Settings()
		target = set.ResponseTarget
		return err
	})
	if err != nil {
		s.d.log.WithError(err).WithField("status", status).Error("Load the inbox")
	}
	s.d.do(func() {
		s.rows, s.target = rows, target
		s.list.Refresh()
		s.footer.setShown(len(rows), total)
		switch {
		case err != nil:
			s.panel.showError()
		case len(rows) == 0:
			s.panel.message = s.emptyMessage(status)
			s.panel.showEmpty()
		default:
			s.panel.showMain()
		}
	})
}

func (s *inboxScreen) emptyMessage(status storage.ConversationStatus) string {
	switch status {
	case storage.StatusWaiting:
		return lang.L("No conversations are waiting on a customer.")
	case storage.StatusClosed:
		return lang.L("No closed conversations yet.")
	}
	return lang.L("No conversations waiting. New mail appears here.")
}

// refreshClocks redraws the waiting times as time passes.
func (s *inboxScreen) refreshClocks() {
	if s.list != nil {
		s.list.Refresh()
	}
}
