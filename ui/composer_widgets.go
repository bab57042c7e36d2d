package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// composerEntry is an Entry that offers shortcuts to its window first.
// Fyne hands every shortcut to the focused widget, and an Entry drops the
// ones it does not know: without this, Ctrl+Enter would do nothing while
// the seller types.
type composerEntry struct {
	widget.Entry
	onShortcut func(fyne.Shortcut) bool // reports whether it handled the shortcut
	onKey      func(*fyne.KeyEvent) bool
	takesTab   bool // a single-line entry that handles Tab itself
}

func newComposerEntry(multiLine bool, onShortcut func(fyne.Shortcut) bool) *composerEntry {
	e := &composerEntry{onShortcut: onShortcut}
	e.MultiLine = multiLine
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab lets the body, and the picker's search field (which expands
// "/shortcut" on Tab), take Tab instead of moving the focus.
func (e *composerEntry) AcceptsTab() bool { return e.MultiLine || e.takesTab }

func (e *composerEntry) TypedShortcut(s fyne.Shortcut) {
	if e.onShortcut != nil && e.onShortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

func (e *composerEntry) TypedKey(k *fyne.KeyEvent) {
	if e.onKey != nil && e.onKey(k) {
		return
	}
	e.Entry.TypedKey(k)
}

// textClipboard lets the composer insert text at the cursor through the
// Entry's own paste, which places the cursor after it and can be undone,
// without touching the seller's clipboard.
type textClipboard string

func (t textClipboard) Content() string   { return string(t) }
func (t textClipboard) SetContent(string) {}

// composerTipDelay is how long the pointer rests on a button before its tip shows.
const composerTipDelay = 600 * time.Millisecond

// composerTips shows tooltips in a layer over a window's content (Fyne 2.7
// has none). It is no overlay: an overlay would take the keyboard focus
// from the entry the seller types in, and the taps meant for the content.
type composerTips struct {
	do    func(func())
	layer *fyne.Container
	bg    *canvas.Rectangle
	text  *canvas.Text
	box   *fyne.Container
	owner fyne.CanvasObject // the button the pointer is on; main goroutine only
	timer *time.Timer
}

func newComposerTips(do func(func())) *composerTips {
	t := &composerTips{do: do}
	t.bg = canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	t.bg.CornerRadius = theme.InputRadiusSize()
	t.bg.StrokeWidth = 1
	t.text = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	t.text.TextSize = theme.CaptionTextSize()
	t.box = container.NewStack(t.bg, container.NewPadded(t.text))
	t.box.Hide()
	t.layer = container.NewWithoutLayout(t.box)
	return t
}

// wrap lays the tip layer over the content.
func (t *composerTips) wrap(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(content, t.layer)
}

// hover starts the delay before the owner's tip shows.
func (t *composerTips) hover(owner fyne.CanvasObject, tip string) {
	t.owner = owner
	if t.timer != nil {
		t.timer.Stop()
	}
	t.timer = time.AfterFunc(composerTipDelay, func() {
		t.do(func() {
			if t.owner == owner && owner.Visible() {
				t.show(owner, tip)
			}
		})
	})
}

// show places the tip above the owner (below when there is no room).
func (t *composerTips) show(owner fyne.CanvasObject, tip string) {
	t.text.Text = tip
	t.text.Color = theme.Color(theme.ColorNameForeground)
	t.bg.FillColor = theme.Color(theme.ColorNameOverlayBackground)
	t.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	size := t.box.MinSize()
	drv := fyne.CurrentApp().Driver()
	at := drv.AbsolutePositionForObject(owner).Subtract(drv.AbsolutePositionForObject(t.layer))
	x := at.X + (owner.Size().Width-size.Width)/2
	x = max(0, min(x, t.layer.Size().Width-size.Width))
	y := at.Y - size.Height - theme.Padding()
	if y < 0 {
		y = at.Y + owner.Size().Height + theme.Padding()
	}
	t.box.Resize(size)
	t.box.Move(fyne.NewPos(x, y))
	t.box.Show()
	t.box.Refresh()
}

func (t *composerTips) leave(owner fyne.CanvasObject) {
	if t.owner != owner {
		return
	}
	t.owner = nil
	if t.timer != nil {
		t.timer.Stop()
	}
	t.box.Hide()
}

// shown is the tip on show, "" when none.
func (t *composerTips) shown() string {
	if !t.box.Visible() {
		return ""
	}
	return t.text.Text
}

// composerButton is a button with a tooltip.
type composerButton struct {
	widget.Button
	tip  string
	tips *composerTips
}

func newComposerButton(label string, icon fyne.Resource, tip string, tips *composerTips, tapped func()) *composerButton {
	b := &composerButton{tip: tip, tips: tips}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *composerButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	b.tips.hover(b, b.tip)
}

func (b *composerButton) MouseOut() {
	b.Button.MouseOut()
	b.tips.leave(b)
}

func (b *composerButton) Tapped(e *fyne.PointEvent) {
	b.tips.leave(b)
	b.Button.Tapped(e)
}
