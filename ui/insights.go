package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// insightsScreen shows the desk's numbers. For now: counts; charts of
// response times and busy hours come with the insights work.
type insightsScreen struct {
	d *Desk

	cards []*widget.Card // one per metric, in metrics order; main goroutine only
	panel *panel
}

// insightCounts are the numbers one load reads.
type insightCounts struct {
	open, waiting, closed, followUps, overdue, customers, orders int
}

// metrics pairs each card's caption with its number.
func (s *insightsScreen) metrics(n insightCounts) []struct {
	caption string
	value   int
} {
	return []struct {
		caption string
		value   int
	}{
		{lang.L("Waiting for us"), n.open},
		{lang.L("Waiting for customer"), n.waiting},
		{lang.L("Closed"), n.closed},
		{lang.L("Open follow-ups"), n.followUps},
		{lang.L("Overdue follow-ups"), n.overdue},
		{lang.L("Customers"), n.customers},
		{lang.L("Orders"), n.orders},
	}
}

func (s *insightsScreen) watches(k storage.Kind) bool {
	return k == storage.KindConversation || k == storage.KindFollowUp ||
		k == storage.KindCustomer || k == storage.KindOrder
}

func (s *insightsScreen) build() fyne.CanvasObject {
	grid := container.NewGridWrap(fyne.NewSize(190, 110))
	for _, m := range s.metrics(insightCounts{}) {
		c := widget.NewCard("0", m.caption, nil)
		s.cards = append(s.cards, c)
		grid.Add(c)
	}
	note := widget.NewLabel(lang.L("Charts of response times, busy hours and top issues are coming to this page."))
	note.Wrapping = fyne.TextWrapWord
	note.TextStyle.Italic = true
	heading := widget.NewLabelWithStyle(lang.L("Conversations and follow-ups"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	body := container.NewVScroll(container.NewVBox(heading, grid, note))
	s.panel = newPanel(body, theme.GridIcon(), lang.L("Nothing to measure yet. The numbers appear once customers write in."))
	return screenFrame(lang.L("Insights"), nil, s.panel.content, nil)
}

func (s *insightsScreen) load() {
	var n insightCounts
	err := s.d.store.View(func(tx *storage.Tx) error {
		n.open = tx.CountConversations(storage.StatusOpen)
		n.waiting = tx.CountConversations(storage.StatusWaiting)
		n.closed = tx.CountConversations(storage.StatusClosed)
		n.followUps = tx.CountOpenFollowUps()
		n.customers = tx.CountCustomers()
		n.orders = tx.CountOrders()
		overdue, err := tx.FollowUpsDue(s.d.now(), 0)
		n.overdue = len(overdue)
		return err
	})
	if err != nil {
		s.d.log.WithError(err).Error("Load the insights")
	}
	s.d.do(func() {
		for i, m := range s.metrics(n) {
			s.cards[i].SetTitle(strconv.Itoa(m.value))
		}
		switch {
		case err != nil:
			s.panel.showError()
		case n.open+n.waiting+n.closed+n.customers+n.orders == 0:
			s.panel.showEmpty()
		default:
			s.panel.showMain()
		}
	})
}
