package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/stats"
)

// insightsScreen shows the desk's numbers for a period the seller picks:
// figure cards, charts drawn in the app (each with its rows as CSV) and
// the dormant customers to care for.
type insightsScreen struct {
	d *Desk

	mu     sync.Mutex
	period insightPeriod // the period load reads; set on the main goroutine

	// Main goroutine only.
	data       insightData // what the last load read
	periodSel  *widget.Select
	periodText *widget.Label
	cards      []*widget.Card // one per figure, in figures order
	charts     []*insightChart
	conversion *widget.Label
	care       *careList
	panel      *panel
	lastChoice int // the period option before "Custom…", to go back to on cancel
}

// insightPeriod is the last days days up to today, or, when days is 0,
// the custom days from and to (YYYY-MM-DD, both included).
type insightPeriod struct {
	days     int
	from, to string
}

// periodDays are the quick choices of the period picker.
var periodDays = []int{7, 30, 90}

// bounds turns the period into instants [from, to) in the shop's zone.
func (p insightPeriod) bounds(now time.Time, loc *time.Location) (time.Time, time.Time) {
	y, m, d := now.In(loc).Date()
	tomorrow := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	if p.days > 0 {
		return tomorrow.AddDate(0, 0, -p.days), tomorrow
	}
	from, err1 := time.ParseInLocation(time.DateOnly, p.from, loc)
	to, err2 := time.ParseInLocation(time.DateOnly, p.to, loc)
	if err1 != nil || err2 != nil || to.Before(from) {
		return tomorrow.AddDate(0, 0, -30), tomorrow
	}
	return from, to.AddDate(0, 0, 1)
}

// insightData is one load's result.
type insightData struct {
	report  *stats.Report
	now     nowCounts
	dormant []storage.DormantCustomer
	months  int
	any     bool // the store holds any customer at all
}

// nowCounts are the figures of the moment, whatever the period.
type nowCounts struct {
	open, waiting, followUps, overdue, customers, orders int
}

// figure is one card: its caption and how to read its value.
type figure struct {
	caption string
	value   func(insightData) string
}

func (s *insightsScreen) figures() []figure {
	r := func(fn func(*stats.Report) string) func(insightData) string {
		return func(d insightData) string {
			if d.report == nil {
				return "–"
			}
			return fn(d.report)
		}
	}
	count := func(fn func(nowCounts) int) func(insightData) string {
		return func(d insightData) string { return strconv.Itoa(fn(d.now)) }
	}
	return []figure{
		{lang.L("Waiting for us"), count(func(n nowCounts) int { return n.open })},
		{lang.L("Waiting for customer"), count(func(n nowCounts) int { return n.waiting })},
		{lang.L("Open follow-ups"), count(func(n nowCounts) int { return n.followUps })},
		{lang.L("Overdue follow-ups"), count(func(n nowCounts) int { return n.overdue })},
		{lang.L("Customers"), count(func(n nowCounts) int { return n.customers })},
		{lang.L("Orders"), count(func(n nowCounts) int { return n.orders })},

		{lang.L("Conversations"), r(func(r *stats.Report) string { return strconv.Itoa(r.Conversations) })},
		{lang.L("First response, median"), r(func(r *stats.Report) string { return spanText(r.FirstResponse.Median, r.FirstResponse.Count) })},
		{lang.L("First response, 90% within"), r(func(r *stats.Report) string { return spanText(r.FirstResponse.P90, r.FirstResponse.Count) })},
		{lang.L("Answered within the target"), r(func(r *stats.Report) string { return shareText(r.WithinTarget, r.Conversations) })},
		{lang.L("Resolution time, median"), r(func(r *stats.Report) string { return spanText(r.Resolution.Median, r.Resolution.Count) })},
		{lang.L("Resolution rate"), r(func(r *stats.Report) string { return shareText(r.ResolutionRate, r.Conversations) })},
		{lang.L("Peak hours"), r(func(r *stats.Report) string { return peakText(r.PeakHours) })},
		{lang.L("Calls"), r(func(r *stats.Report) string { return strconv.Itoa(r.Calls) })},
		{lang.L("Follow-ups done on time"), r(func(r *stats.Report) string {
			f := r.FollowUps
			if f.OnTime+f.Late+f.Overdue == 0 {
				return "–"
			}
			return lang.L("{{.N}} of {{.Of}}", map[string]any{"N": f.OnTime, "Of": f.OnTime + f.Late + f.Overdue})
		})},
		{lang.L("Average satisfaction"), r(func(r *stats.Report) string {
			if r.Satisfaction.Count == 0 {
				return "–"
			}
			return lang.L("{{.Avg}} / 5", map[string]any{"Avg": strconv.FormatFloat(r.Satisfaction.Average, 'f', 1, 64)})
		})},
		{lang.L("After-sales decided on time"), r(func(r *stats.Report) string {
			return shareText(r.AfterSales.Share, r.AfterSales.OnTime+r.AfterSales.Late)
		})},
		{lang.L("Inquiry-to-order conversion"), r(func(r *stats.Report) string { return shareText(r.Conversion.Rate, r.Conversion.Prospects) })},
		{lang.L("Forgotten on request"), r(func(r *stats.Report) string { return strconv.Itoa(r.Forgotten.Customers) })},
	}
}

// spanText is a duration figure, or a dash when nothing was measured.
func spanText(d stats.Duration, n int) string {
	switch {
	case n == 0:
		return "–"
	case time.Duration(d) < time.Minute:
		return lang.L("under 1 min")
	}
	return formatDuration(time.Duration(d))
}

func percentText(f float64) string { return strconv.FormatFloat(f*100, 'f', 0, 64) + "%" }

// shareText is a share of of things, or a dash when there were none.
func shareText(f float64, of int) string {
	if of == 0 {
		return "–"
	}
	return percentText(f)
}

func peakText(hours []int) string {
	if len(hours) == 0 {
		return "–"
	}
	var out []string
	for _, h := range hours {
		out = append(out, fmt.Sprintf("%02d:00", h))
	}
	return strings.Join(out, " ")
}

func (s *insightsScreen) watches(k storage.Kind) bool {
	switch k {
	case storage.KindConversation, storage.KindFollowUp, storage.KindCustomer, storage.KindOrder,
		storage.KindCall, storage.KindCanned, storage.KindSettings:
		return true
	}
	return false
}

func (s *insightsScreen) build() fyne.CanvasObject {
	s.period = insightPeriod{days: 30}
	options := []string{}
	for _, n := range periodDays {
		options = append(options, lang.L("Last {{.N}} days", map[string]any{"N": n}))
	}
	options = append(options, lang.L("Custom…"))
	s.periodSel = widget.NewSelect(options, s.pickPeriod)
	s.lastChoice = 1
	s.periodSel.SetSelectedIndex(1)
	s.periodText = widget.NewLabel("")
	s.periodText.Importance = widget.LowImportance

	heading := func(text string) *widget.Label {
		return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	cardGrid := func(figs []figure) *fyne.Container {
		grid := container.NewGridWrap(fyne.NewSize(236, 104))
		for _, f := range figs {
			c := widget.NewCard("–", f.caption, nil)
			s.cards = append(s.cards, c)
			grid.Add(c)
		}
		return grid
	}
	figs := s.figures()
	now, period := cardGrid(figs[:6]), cardGrid(figs[6:])

	s.charts = insightCharts()
	// Charts two a row; each row as tall as its taller chart (one grid
	// would make every row as tall as the tallest chart of all).
	chartRows := container.NewVBox()
	for i := 0; i < len(s.charts); i += 2 {
		row := container.NewGridWithColumns(2, s.chartBox(s.charts[i]))
		if i+1 < len(s.charts) {
			row.Add(s.chartBox(s.charts[i+1]))
		}
		chartRows.Add(row)
	}
	s.conversion = widget.NewLabel("")
	s.conversion.Wrapping = fyne.TextWrapWord
	conversion := container.NewBorder(nil, nil, nil, s.exportButton(stats.TableConversion), s.conversion)

	s.care = newCareList(s)
	body := container.NewVBox(
		container.NewHBox(widget.NewLabel(lang.L("Period")), s.periodSel, s.periodText),
		heading(lang.L("Right now")), now,
		heading(lang.L("In the period")), period,
		chartRows,
		heading(lang.L("Inquiry-to-order conversion")), conversion,
		s.care.content,
	)
	s.panel = newPanel(container.NewVScroll(body), theme.GridIcon(), lang.L("Nothing to measure yet. The numbers appear once customers write in."))
	return screenFrame(lang.L("Insights"), nil, s.panel.content, nil)
}

// chartBox is a chart with its title and its export button.
func (s *insightsScreen) chartBox(c *insightChart) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(c.title(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	c.empty = widget.NewLabel(lang.L("Nothing in this period."))
	c.empty.Importance = widget.LowImportance
	c.empty.Hide()
	top := container.NewBorder(nil, nil, nil, s.exportButton(c.table), title)
	return container.NewPadded(container.NewBorder(top, nil, nil, nil, container.NewStack(c.chart, c.empty)))
}

func (s *insightsScreen) exportButton(table string) *widget.Button {
	b := widget.NewButtonWithIcon(lang.L("Export CSV…"), theme.DocumentSaveIcon(), func() { s.chooseExport(table) })
	b.Importance = widget.LowImportance
	return b
}

// pickPeriod follows the period picker; "Custom…" asks for the days.
func (s *insightsScreen) pickPeriod(string) {
	i := s.periodSel.SelectedIndex()
	if i < 0 {
		return
	}
	if i < len(periodDays) {
		s.lastChoice = i
		s.setPeriod(insightPeriod{days: periodDays[i]})
		return
	}
	s.askCustomPeriod()
}

func (s *insightsScreen) setPeriod(p insightPeriod) {
	s.mu.Lock()
	s.period = p
	s.mu.Unlock()
	s.d.pageOf(s).reload.Trigger()
}

func (s *insightsScreen) currentPeriod() insightPeriod {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.period
}

// askCustomPeriod asks for the first and last day of a custom period.
func (s *insightsScreen) askCustomPeriod() {
	today := s.d.now().Format(time.DateOnly)
	from, to := widget.NewEntry(), widget.NewEntry()
	from.SetPlaceHolder("2025-11-01")
	to.SetPlaceHolder(today)
	cur := s.currentPeriod()
	if cur.days == 0 {
		from.SetText(cur.from)
		to.SetText(cur.to)
	}
	from.Validator, to.Validator = validDay, validDay
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("First day"), from),
		widget.NewFormItem(lang.L("Last day"), to),
	}
	dlg := dialog.NewForm(lang.L("Custom period"), lang.L("Show"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			s.periodSel.SetSelectedIndex(s.lastChoice)
			return
		}
		f, t := strings.TrimSpace(from.Text), strings.TrimSpace(to.Text)
		if t < f {
			f, t = t, f // the seller typed them the other way round
		}
		s.setPeriod(insightPeriod{from: f, to: t})
	}, s.d.win)
	dlg.Resize(fyne.NewSize(360, 0))
	dlg.Show()
	s.d.win.Canvas().Focus(from)
}

func validDay(s string) error {
	if _, err := time.Parse(time.DateOnly, strings.TrimSpace(s)); err != nil {
		return errors.New(lang.L("Enter a date as YYYY-MM-DD, such as 2025-11-01."))
	}
	return nil
}

func (s *insightsScreen) load() {
	p := s.currentPeriod()
	now := s.d.now()
	var data insightData
	err := s.d.store.View(func(tx *storage.Tx) error {
		set, err := tx.Settings()
		if err != nil {
			return err
		}
		n := &data.now
		n.open = tx.CountConversations(storage.StatusOpen)
		n.waiting = tx.CountConversations(storage.StatusWaiting)
		n.followUps = tx.CountOpenFollowUps()
		n.customers = tx.CountCustomers()
		n.orders = tx.CountOrders()
		overdue, err := tx.FollowUpsDue(now, 0)
		if err != nil {
			return err
		}
		n.overdue = len(overdue)
		data.any = n.customers > 0
		from, to := p.bounds(now, set.Hours.Location())
		if data.report, err = stats.Compute(tx, from, to, set, now); err != nil {
			return err
		}
		data.months = set.DormantAfter()
		data.dormant, err = tx.DormantCustomers(now, data.months)
		return err
	})
	if err != nil {
		s.d.log.WithError(err).Error("Load the insights")
	}
	s.d.do(func() { s.apply(data, err) })
}

// apply shows a load's result; main goroutine.
func (s *insightsScreen) apply(data insightData, err error) {
	s.data = data
	for i, f := range s.figures() {
		s.cards[i].SetTitle(f.value(data))
	}
	if r := data.report; r != nil {
		last := r.To.AddDate(0, 0, -1)
		s.periodText.SetText(lang.L("{{.From}} to {{.To}}", map[string]any{
			"From": r.From.Format(time.DateOnly), "To": last.Format(time.DateOnly)}))
		for _, c := range s.charts {
			pts := c.points(r)
			c.chart.setPoints(pts)
			// An empty chart gives its room back.
			if chartEmpty(pts) {
				c.chart.Hide()
				c.empty.Show()
			} else {
				c.empty.Hide()
				c.chart.Show()
			}
		}
		cv := r.Conversion
		s.conversion.SetText(lang.L("{{.Converted}} of {{.Prospects}} customers who first wrote in the period ordered within 30 days of their first message ({{.Rate}}).",
			map[string]any{"Converted": cv.Converted, "Prospects": cv.Prospects, "Rate": percentText(cv.Rate)}))
	}
	s.care.set(data.dormant, data.months)
	switch {
	case err != nil:
		s.panel.showError()
	case !data.any:
		s.panel.showEmpty()
	default:
		s.panel.showMain()
	}
}

func chartEmpty(pts []chartPoint) bool {
	for _, p := range pts {
		if !p.none && p.value != 0 {
			return false
		}
	}
	return true
}
