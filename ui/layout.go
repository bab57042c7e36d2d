package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// screenFrame lays a screen out: a heading with optional tools on its
// right, the body (a list with its placeholder stacked over it) and an
// optional footer line.
func screenFrame(title string, tools, body fyne.CanvasObject, foot *footer) *fyne.Container {
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	var right []fyne.CanvasObject
	if tools != nil {
		right = append(right, tools)
	}
	top := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(right...), heading), widget.NewSeparator())
	if foot == nil {
		return container.NewBorder(top, nil, nil, nil, body)
	}
	foot.frame = container.NewBorder(top, foot.label, nil, nil, body)
	return foot.frame
}

// newTruncLabel is a plain label that cuts long customer text with an
// ellipsis; customer text is never rendered as Markdown.
func newTruncLabel(bold bool) *widget.Label {
	l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// twoLines stacks a row's lines without extra padding: labels carry their own.
func twoLines(first, second fyne.CanvasObject) *fyne.Container {
	return container.New(layout.NewCustomPaddedVBoxLayout(0), first, second)
}

// footer is the line under a list that says when not everything is shown.
type footer struct {
	label *widget.Label
	frame *fyne.Container // the screen it sits in, re-laid out when it comes or goes
}

func newFooter() *footer {
	l := widget.NewLabel("")
	l.Importance = widget.LowImportance
	l.Hide()
	return &footer{label: l}
}

// setShown updates the footer; it is hidden when every record is shown.
func (f *footer) setShown(shown, total int) {
	was := f.label.Visible()
	if shown >= total {
		f.label.Hide()
	} else {
		f.label.SetText(lang.L("Showing {{.Shown}} of {{.Total}}.", map[string]any{"Shown": shown, "Total": total}))
		f.label.Show()
	}
	if was != f.label.Visible() && f.frame != nil {
		f.frame.Refresh()
	}
}

// maxWidth is a layout that stretches its objects across the container,
// up to a width, at their minimum height: forms stay readable on wide windows.
type maxWidth float32

func (m maxWidth) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objects {
		s = s.Max(o.MinSize())
	}
	return s
}

func (m maxWidth) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(max(min(size.Width, float32(m)), o.MinSize().Width), o.MinSize().Height))
	}
}
