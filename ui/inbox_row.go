package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// inboxItem is one inbox row: an unread dot, the customer (bold while
// unread) and the time on the first line; the subject, the start of the
// latest message and the response clock on the second. Its colours come
// from the theme each time it is drawn, so light and dark both work.
type inboxItem struct {
	widget.BaseWidget
	s     *inboxScreen
	index int

	cursor *canvas.Rectangle
	dot    *canvas.Circle
	name   *widget.Label
	when   *widget.Label
	line   *widget.RichText
	clock  *widget.Label
}

func newInboxItem(s *inboxScreen) *inboxItem {
	it := &inboxItem{s: s, cursor: canvas.NewRectangle(color.Transparent), dot: canvas.NewCircle(color.Transparent)}
	it.cursor.CornerRadius = theme.InputRadiusSize()
	it.name = newTruncLabel(false)
	it.when = newTruncLabel(false)
	it.when.Alignment = fyne.TextAlignTrailing
	it.when.Importance = widget.LowImportance
	it.clock = newTruncLabel(false)
	it.clock.Alignment = fyne.TextAlignTrailing
	it.line = widget.NewRichText()
	it.line.Truncation = fyne.TextTruncateEllipsis
	it.ExtendBaseWidget(it)
	return it
}

func (it *inboxItem) CreateRenderer() fyne.WidgetRenderer {
	dot := container.New(fixedSize{10, 10}, it.dot)
	// A fixed width keeps the clocks of all rows in one column.
	right := container.NewGridWrap(fyne.NewSize(210, it.name.MinSize().Height*2),
		container.New(layout.NewCustomPaddedVBoxLayout(0), it.when, it.clock))
	body := container.NewBorder(nil, nil, container.NewCenter(dot), right, twoLines(it.name, it.line))
	return widget.NewSimpleRenderer(container.NewStack(it.cursor, body))
}

// Tapped opens the row's conversation.
func (it *inboxItem) Tapped(*fyne.PointEvent) { it.s.activate(it.index) }

// clear shows an empty row while its record is read.
func (it *inboxItem) clear() {
	it.name.SetText("")
	it.when.SetText("")
	it.clock.SetText("")
	it.line.Segments = nil
	it.line.Refresh()
	it.dot.FillColor = color.Transparent
	it.dot.Refresh()
	it.cursor.FillColor = color.Transparent
	it.cursor.Refresh()
}

func (it *inboxItem) set(r inboxRow, cursor bool, now time.Time, hours storage.WorkClock, target time.Duration) {
	if r.missing {
		it.clear()
		return
	}
	c := r.conv
	it.name.TextStyle.Bold = c.Unread
	it.name.Text = r.name
	it.name.Refresh()
	it.when.SetText(formatWhen(c.LastActivity(), now))

	subject := oneLine(c.Subject)
	if subject == "" {
		subject = lang.L("(no subject)")
	}
	// Plain text segments only: customer text is never parsed as Markdown.
	segs := []widget.RichTextSegment{&widget.TextSegment{Text: subject, Style: widget.RichTextStyleInline}}
	if snippet := oneLine(c.Snippet); snippet != "" {
		style := widget.RichTextStyleInline
		style.ColorName = theme.ColorNamePlaceHolder
		segs = append(segs, &widget.TextSegment{Text: "  " + snippet, Style: style})
	}
	it.line.Segments = segs
	it.line.Refresh()

	text, importance := responseClock(c, now, hours, target)
	it.clock.Text, it.clock.Importance = text, importance
	it.clock.Refresh()

	th := it.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	it.dot.FillColor = color.Transparent
	if c.Unread {
		it.dot.FillColor = th.Color(theme.ColorNamePrimary, v)
	}
	it.dot.Refresh()
	it.cursor.FillColor = color.Transparent
	if cursor {
		it.cursor.FillColor = th.Color(theme.ColorNameSelection, v)
	}
	it.cursor.Refresh()
}

// responseClock is the row's clock: how long the customer has waited for
// us, counted in working hours and coloured against the shop's target
// (warning from 80 %, error past it).
func responseClock(c storage.Conversation, now time.Time, hours storage.WorkClock, target time.Duration) (string, widget.Importance) {
	since := c.WaitingSince()
	switch {
	case c.SnoozedUntil.After(now):
		return lang.L("Snoozed until {{.Time}}", map[string]any{"Time": formatWhen(c.SnoozedUntil, now)}), widget.LowImportance
	case c.Status != storage.StatusOpen:
		return "", widget.MediumImportance
	case since.IsZero():
		return lang.L("Replied"), widget.LowImportance
	}
	waited := hours.Duration(since, now)
	if waited < time.Minute && now.Sub(since) >= time.Minute {
		// Written after hours: the clock starts when the shop opens.
		return lang.L("Came in after hours"), widget.MediumImportance
	}
	importance := widget.MediumImportance
	switch {
	case target <= 0:
	case waited >= target:
		importance = widget.DangerImportance
	case waited*5 >= target*4:
		importance = widget.WarningImportance
	}
	return lang.L("Waiting {{.Time}}", map[string]any{"Time": formatDuration(waited)}), importance
}

// formatWhen is a short time for a list: the time of day today, the day
// this year, the full date before.
func formatWhen(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t, now = t.Local(), now.Local()
	switch {
	case t.YearDay() == now.YearDay() && t.Year() == now.Year():
		return t.Format("15:04")
	case t.Year() == now.Year():
		// The key is Go's layout; each translation is the layout for its language.
		return t.Format(lang.L("2 Jan"))
	}
	return t.Format(lang.L("2 Jan 2006"))
}

// fixedSize lays its objects out at one size, centred.
type fixedSize fyne.Size

func (f fixedSize) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size(f) }

func (f fixedSize) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	s := fyne.Size(f)
	for _, o := range objects {
		o.Resize(s)
		o.Move(fyne.NewPos((size.Width-s.Width)/2, (size.Height-s.Height)/2))
	}
}
