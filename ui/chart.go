package ui

import (
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// chartKind is how a chart draws its points.
type chartKind int

const (
	chartBars  chartKind = iota // vertical bars over labelled slots (days, hours)
	chartLine                   // a line through the points; gaps where a point has no value
	chartHBars                  // one labelled horizontal bar a row (top lists)
)

// chartPoint is one labelled value. A point with none (a day without a
// reply) breaks a line chart and draws no bar.
type chartPoint struct {
	label string
	value float64
	none  bool
	shown string // the value as written, when the chart's format cannot say it (an amount in its currency)
}

// valueText is the point's value as the chart writes it.
func (c *chart) valueText(p chartPoint) string {
	if p.shown != "" {
		return p.shown
	}
	return c.format(p.value)
}

// chart is a small chart drawn with canvas primitives in the theme's
// colours: an axis with labels and, for each point, its value written
// where there is room or shown while the pointer is over it. Labels are
// plain canvas text, so Chinese renders like any other label.
type chart struct {
	widget.BaseWidget
	kind   chartKind
	format func(float64) string // a value as written on the chart

	points []chartPoint // main goroutine only
	hover  int          // the point under the pointer, or -1
}

func newChart(kind chartKind, format func(float64) string) *chart {
	if format == nil {
		format = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	}
	c := &chart{kind: kind, format: format, hover: -1}
	c.ExtendBaseWidget(c)
	return c
}

// setPoints replaces the chart's data.
func (c *chart) setPoints(p []chartPoint) {
	c.points = p
	c.hover = -1
	c.Refresh()
}

// Hover shows the value of the point under the pointer.
func (c *chart) MouseIn(e *desktop.MouseEvent)    { c.MouseMoved(e) }
func (c *chart) MouseMoved(e *desktop.MouseEvent) { c.setHover(c.pointAt(e.Position)) }
func (c *chart) MouseOut()                        { c.setHover(-1) }

func (c *chart) setHover(i int) {
	if i != c.hover {
		c.hover = i
		c.Refresh()
	}
}

// pointAt finds the point whose slot holds pos, or -1.
func (c *chart) pointAt(pos fyne.Position) int {
	g := c.geometry(c.Size())
	if len(c.points) == 0 {
		return -1
	}
	var i int
	if c.kind == chartHBars {
		i = int((pos.Y - g.top) / g.slot)
	} else {
		i = int((pos.X - g.left) / g.slot)
	}
	if i < 0 || i >= len(c.points) {
		return -1
	}
	return i
}

func (c *chart) CreateRenderer() fyne.WidgetRenderer {
	return &chartRenderer{c: c}
}

// chartGeometry is where the plot area lies inside the widget.
type chartGeometry struct {
	left, top, width, height float32 // the plot area
	slot                     float32 // room per point along the axis
	textSize, lineH          float32
	max                      float64 // the axis' top value
}

const (
	hbarRow   = 26  // height of one row of a horizontal bar chart
	chartH    = 190 // minimum height of a bar or line chart
	chartMinW = 260
)

func (c *chart) geometry(size fyne.Size) chartGeometry {
	th := c.Theme()
	g := chartGeometry{textSize: th.Size(theme.SizeNameCaptionText)}
	g.lineH = fyne.MeasureText("0", g.textSize, fyne.TextStyle{}).Height
	g.max = niceMax(c.maxValue())
	pad := th.Size(theme.SizeNamePadding)
	n := float32(max(len(c.points), 1))
	if c.kind == chartHBars {
		// No axis: the longest bar takes the whole width.
		if g.max = c.maxValue(); g.max <= 0 {
			g.max = 1
		}
		g.left = min(c.labelWidth()+2*pad, size.Width*0.4)
		g.top = 0
		g.slot = hbarRow
		g.height = g.slot * n
		g.width = max(size.Width-g.left-c.valueWidth()-2*pad, 1)
		return g
	}
	g.left = fyne.MeasureText(c.format(g.max), g.textSize, fyne.TextStyle{}).Width + 2*pad
	g.top = g.lineH + pad // room for the value over the highest point
	g.width = max(size.Width-g.left-pad, 1)
	g.height = max(size.Height-g.top-g.lineH-2*pad, 1)
	g.slot = g.width / n
	return g
}

func (c *chart) maxValue() float64 {
	m := 0.0
	for _, p := range c.points {
		if !p.none {
			m = math.Max(m, p.value)
		}
	}
	return m
}

func (c *chart) labelWidth() float32 {
	size := c.Theme().Size(theme.SizeNameCaptionText)
	w := float32(0)
	for _, p := range c.points {
		w = max(w, fyne.MeasureText(p.label, size, fyne.TextStyle{}).Width)
	}
	return w
}

func (c *chart) valueWidth() float32 {
	size := c.Theme().Size(theme.SizeNameCaptionText)
	w := float32(0)
	for _, p := range c.points {
		w = max(w, fyne.MeasureText(c.valueText(p), size, fyne.TextStyle{}).Width)
	}
	return w
}

// niceMax rounds an axis top up to a round number (1, 2, 3, 4, 5, 6 or 8
// times a power of ten), close enough that the tallest bar fills the chart.
func niceMax(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 3, 4, 5, 6, 8, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

type chartRenderer struct {
	c       *chart
	objects []fyne.CanvasObject
	size    fyne.Size
}

func (r *chartRenderer) Destroy()                     {}
func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *chartRenderer) MinSize() fyne.Size {
	if r.c.kind == chartHBars {
		return fyne.NewSize(chartMinW, float32(max(len(r.c.points), 1))*hbarRow)
	}
	return fyne.NewSize(chartMinW, chartH)
}

func (r *chartRenderer) Layout(size fyne.Size) {
	r.size = size
	r.draw()
}

func (r *chartRenderer) Refresh() {
	r.draw()
	canvas.Refresh(r.c)
}

// draw rebuilds the chart's primitives for its size: a few dozen objects.
func (r *chartRenderer) draw() {
	c := r.c
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	dim := th.Color(theme.ColorNamePlaceHolder, v)
	bar := th.Color(theme.ColorNamePrimary, v)
	grid := th.Color(theme.ColorNameSeparator, v)
	hot := th.Color(theme.ColorNameFocus, v)
	g := c.geometry(r.size)
	r.objects = r.objects[:0]
	text := func(s string, col color.Color, x, y float32, align fyne.TextAlign) {
		t := canvas.NewText(s, col)
		t.TextSize = g.textSize
		w := t.MinSize().Width
		switch align {
		case fyne.TextAlignCenter:
			x -= w / 2
		case fyne.TextAlignTrailing:
			x -= w
		}
		t.Move(fyne.NewPos(x, y))
		t.Resize(t.MinSize())
		r.objects = append(r.objects, t)
	}
	rect := func(col color.Color, x, y, w, h float32) {
		b := canvas.NewRectangle(col)
		b.Move(fyne.NewPos(x, y))
		b.Resize(fyne.NewSize(w, h))
		r.objects = append(r.objects, b)
	}
	line := func(col color.Color, x1, y1, x2, y2, width float32) {
		l := canvas.NewLine(col)
		l.StrokeWidth = width
		l.Position1, l.Position2 = fyne.NewPos(x1, y1), fyne.NewPos(x2, y2)
		r.objects = append(r.objects, l)
	}
	if len(c.points) == 0 {
		return
	}
	pad := th.Size(theme.SizeNamePadding)

	if c.kind == chartHBars {
		for i, p := range c.points {
			y := g.top + float32(i)*g.slot
			col := bar
			if i == c.hover {
				col = hot
			}
			label := p.label
			for rs := []rune(label); len(rs) > 2 && fyne.MeasureText(label, g.textSize, fyne.TextStyle{}).Width > g.left-2*pad; rs = []rune(label) {
				label = string(rs[:len(rs)-2]) + "…"
			}
			text(label, fg, pad, y+(g.slot-g.lineH)/2, fyne.TextAlignLeading)
			w := float32(p.value/g.max) * g.width
			rect(col, g.left, y+4, max(w, 1), g.slot-8)
			text(c.valueText(p), fg, g.left+w+pad, y+(g.slot-g.lineH)/2, fyne.TextAlignLeading)
		}
		return
	}

	bottom := g.top + g.height
	// Grid lines at zero, half and the top, with their values.
	for _, f := range []float64{0, 0.5, 1} {
		y := bottom - float32(f)*g.height
		line(grid, g.left, y, g.left+g.width, y, 1)
		text(c.format(g.max*f), dim, g.left-pad, y-g.lineH/2, fyne.TextAlignTrailing)
	}
	// X labels: as many as fit without overlapping.
	labelW := float32(0)
	for _, p := range c.points {
		labelW = max(labelW, fyne.MeasureText(p.label, g.textSize, fyne.TextStyle{}).Width)
	}
	every := max(1, int(math.Ceil(float64((labelW+2*pad)/g.slot))))
	for i, p := range c.points {
		if i%every == 0 {
			text(p.label, dim, g.left+(float32(i)+0.5)*g.slot, bottom+pad/2, fyne.TextAlignCenter)
		}
	}
	valueFits := func(p chartPoint) bool {
		return fyne.MeasureText(c.valueText(p), g.textSize, fyne.TextStyle{}).Width <= g.slot-2
	}
	y := func(v float64) float32 { return bottom - float32(v/g.max)*g.height }
	switch c.kind {
	case chartBars:
		gap := max(1, g.slot*0.2)
		for i, p := range c.points {
			if p.none || p.value <= 0 {
				continue
			}
			col := bar
			if i == c.hover {
				col = hot
			}
			x := g.left + float32(i)*g.slot + gap/2
			rect(col, x, y(p.value), g.slot-gap, bottom-y(p.value))
			if i == c.hover || valueFits(p) {
				text(c.valueText(p), fg, x+(g.slot-gap)/2, y(p.value)-g.lineH, fyne.TextAlignCenter)
			}
		}
	case chartLine:
		prev := -1
		for i, p := range c.points {
			if p.none {
				prev = -1
				continue
			}
			cx := g.left + (float32(i)+0.5)*g.slot
			if prev >= 0 {
				px := g.left + (float32(prev)+0.5)*g.slot
				line(bar, px, y(c.points[prev].value), cx, y(p.value), 2)
			}
			prev = i
			dot := canvas.NewCircle(bar)
			rad := float32(3)
			if i == c.hover {
				dot.FillColor, rad = hot, 5
				text(c.valueText(p), fg, cx, y(p.value)-g.lineH-rad, fyne.TextAlignCenter)
			}
			dot.Move(fyne.NewPos(cx-rad, y(p.value)-rad))
			dot.Resize(fyne.NewSquareSize(2 * rad))
			r.objects = append(r.objects, dot)
		}
	}
	if c.hover >= 0 && c.hover < len(c.points) && c.points[c.hover].none {
		p := c.points[c.hover]
		text(p.label, fg, g.left+(float32(c.hover)+0.5)*g.slot, g.top, fyne.TextAlignCenter)
	}
}

var _ desktop.Hoverable = (*chart)(nil)
