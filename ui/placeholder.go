package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// panel shows either a screen's data or, when there is none, a friendly
// empty state (or a plain notice when the data could not be read).
//
// It swaps the one object in its stack rather than hiding and showing:
// a widget hidden when first laid out sometimes stayed blank when shown
// again under the GL driver.
type panel struct {
	main    fyne.CanvasObject
	icon    fyne.Resource
	message string

	image   *canvas.Image
	label   *widget.Label
	notice  fyne.CanvasObject
	content *fyne.Container
}

// newPanel starts out showing nothing, until the first load says what to show.
func newPanel(main fyne.CanvasObject, icon fyne.Resource, message string) *panel {
	p := &panel{main: main, icon: icon, message: message}
	p.image = canvas.NewImageFromResource(theme.NewDisabledResource(icon))
	p.image.FillMode = canvas.ImageFillContain
	p.image.SetMinSize(fyne.NewSquareSize(64))
	p.label = widget.NewLabel(message)
	p.label.Alignment = fyne.TextAlignCenter
	p.label.Wrapping = fyne.TextWrapWord
	// A fixed-width column keeps the sentence readable on wide windows.
	text := container.NewGridWrap(fyne.NewSize(380, p.label.MinSize().Height*3), p.label)
	p.notice = container.NewCenter(container.NewVBox(p.image, text))
	p.content = container.NewStack()
	return p
}

// showMain shows the data.
func (p *panel) showMain() { p.swap(p.main) }

// showEmpty shows the friendly empty state.
func (p *panel) showEmpty() { p.setNotice(p.icon, p.message) }

// showError tells the seller the data could not be read; details go to the log.
func (p *panel) showError() {
	p.setNotice(theme.ErrorIcon(), lang.L("Shopdesk could not read this list. The details are in the log."))
}

func (p *panel) setNotice(icon fyne.Resource, message string) {
	p.image.Resource = theme.NewDisabledResource(icon)
	p.image.Refresh()
	p.label.SetText(message)
	p.swap(p.notice)
}

func (p *panel) swap(o fyne.CanvasObject) {
	if len(p.content.Objects) == 1 && p.content.Objects[0] == o {
		return
	}
	p.content.Objects = []fyne.CanvasObject{o}
	p.content.Refresh()
}

// noticeShown reports whether the empty state or error notice is showing.
func (p *panel) noticeShown() bool {
	return len(p.content.Objects) == 1 && p.content.Objects[0] == p.notice
}

// mainShown reports whether the data is showing.
func (p *panel) mainShown() bool {
	return len(p.content.Objects) == 1 && p.content.Objects[0] == p.main
}

// show picks what the panel shows after a load: the error notice, the
// empty state, or the screen's content.
func (p *panel) show(n int, err error) {
	switch {
	case err != nil:
		p.showError()
	case n == 0:
		p.showEmpty()
	default:
		p.showMain()
	}
}
