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

// Keyboard: the window's canvas hears the keys that no focused widget
// takes (an Entry keeps its own typing) and hands them to the top detail
// view, else to the current screen; Esc not used there goes back.

// keyPress is a named key (arrows, Enter, Esc) or a typed character:
// letters arrive as characters, so they follow the keyboard layout.
type keyPress struct {
	name fyne.KeyName
	r    rune
}

// keyTaker is a screen, or a detail view's content, with keys of its
// own; takeKey reports whether it used the key.
type keyTaker interface {
	takeKey(keyPress) bool
}

// withKeys wraps a detail view's content so that it takes keys: push the
// result, and take gets the keys while the view is on top.
func withKeys(content fyne.CanvasObject, take func(keyPress) bool) fyne.CanvasObject {
	k := &keyedView{content: content, take: take}
	k.ExtendBaseWidget(k)
	return k
}

type keyedView struct {
	widget.BaseWidget
	content fyne.CanvasObject
	take    func(keyPress) bool
}

func (k *keyedView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(k.content) }
func (k *keyedView) takeKey(p keyPress) bool             { return k.take(p) }

// Shortcuts with Ctrl (Cmd on macOS).
var (
	shortcutSearch = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutQuit   = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutCall   = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
)

// setupKeys listens to the window's keys. Main goroutine.
func (d *Desk) setupKeys() {
	c := d.win.Canvas()
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if isLetterKey(e.Name) {
			return // it arrives as a character too
		}
		d.typedKey(keyPress{name: e.Name})
	})
	c.SetOnTypedRune(func(r rune) { d.typedKey(keyPress{r: r}) })
	c.AddShortcut(shortcutSearch, func(fyne.Shortcut) { d.openSearch() })
	c.AddShortcut(shortcutQuit, func(fyne.Shortcut) { d.app.Quit() })
	c.AddShortcut(shortcutCall, func(fyne.Shortcut) { d.logCall() })
}

func isLetterKey(k fyne.KeyName) bool { return len(k) == 1 && k[0] >= 'A' && k[0] <= 'Z' }

// typedKey routes a key nobody focused took.
func (d *Desk) typedKey(k keyPress) {
	d.tips.hideAll()
	if d.win.Canvas().Focused() != nil {
		return // the driver gives keys to the focused widget; tests call in directly
	}
	if d.win.Canvas().Overlays().Top() != nil {
		return // a dialog is up: Esc must not take the screen away under it
	}
	var taker keyTaker
	if n := len(d.views); n > 0 {
		taker, _ = d.views[n-1].content.(keyTaker)
	} else if d.current < len(d.pages) {
		taker, _ = d.pages[d.current].screen.(keyTaker)
	}
	if taker != nil && taker.takeKey(k) {
		return
	}
	if k.name == fyne.KeyEscape {
		d.pop()
	}
}

// searchEntry is a search box that gives the keys back on Esc and Down.
type searchEntry struct {
	widget.Entry
	onEscape, onDown func()
}

func newSearchEntry() *searchEntry {
	e := &searchEntry{}
	e.ExtendBaseWidget(e)
	return e
}

func (e *searchEntry) TypedKey(k *fyne.KeyEvent) {
	switch {
	case k.Name == fyne.KeyEscape && e.onEscape != nil:
		e.onEscape()
	case k.Name == fyne.KeyDown && e.onDown != nil:
		e.onDown()
	default:
		e.Entry.TypedKey(k)
	}
}

// Tooltips: Fyne 2.7 has none, so the desk keeps a layer over its content
// where a button's tip appears after the pointer rests on it. The layer
// holds no interactive objects, so clicks and hovers pass through.

const tipDelay = 600 * time.Millisecond

type tipLayer struct {
	do    func(func()) // runs on the main goroutine
	layer *fyne.Container
	bg    *canvas.Rectangle
	text  *widget.Label
	box   *fyne.Container
	owner fyne.CanvasObject // the button whose tip shows or is due; main goroutine only
	timer *time.Timer
}

// newTipLayer makes the tip layer of one window; do is its dispatcher.
func newTipLayer(do func(func())) *tipLayer {
	t := &tipLayer{do: do, bg: canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground)), text: widget.NewLabel("")}
	t.bg.StrokeWidth = 1
	t.bg.CornerRadius = theme.InputRadiusSize()
	t.box = container.NewStack(t.bg, t.text)
	t.box.Hide()
	t.layer = container.NewWithoutLayout(t.box)
	return t
}

// wrap lays the tip layer over a window's content.
func (t *tipLayer) wrap(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(content, t.layer)
}

// show shows owner's tip after tipDelay, unless the pointer leaves first.
func (t *tipLayer) show(owner fyne.CanvasObject, tip string) {
	t.owner = owner
	if t.timer != nil {
		t.timer.Stop()
	}
	t.timer = time.AfterFunc(tipDelay, func() {
		t.do(func() {
			if t.owner == owner {
				t.place(owner, tip)
			}
		})
	})
}

func (t *tipLayer) hide(owner fyne.CanvasObject) {
	if t.owner == owner {
		t.hideAll()
	}
}

// shown is the tip on show, "" when none.
func (t *tipLayer) shown() string {
	if !t.box.Visible() {
		return ""
	}
	return t.text.Text
}

// hideAll hides the tip whoever owns it: keys and screen changes leave
// the pointer where it was, and no MouseOut comes.
func (t *tipLayer) hideAll() {
	t.owner = nil
	if t.timer != nil {
		t.timer.Stop()
	}
	t.box.Hide()
}

// place puts the tip under owner, kept inside the window.
func (t *tipLayer) place(owner fyne.CanvasObject, tip string) {
	if !owner.Visible() {
		return
	}
	v := fyne.CurrentApp().Settings().ThemeVariant()
	th := fyne.CurrentApp().Settings().Theme()
	t.bg.FillColor = th.Color(theme.ColorNameOverlayBackground, v)
	t.bg.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	t.text.SetText(tip)
	size := t.box.MinSize()
	drv := fyne.CurrentApp().Driver()
	pos := drv.AbsolutePositionForObject(owner).Subtract(drv.AbsolutePositionForObject(t.layer))
	pos.Y += owner.Size().Height + theme.Padding()
	area := t.layer.Size()
	if pos.X+size.Width > area.Width {
		pos.X = max(0, area.Width-size.Width)
	}
	if pos.Y+size.Height > area.Height {
		pos.Y = max(0, pos.Y-owner.Size().Height-size.Height-2*theme.Padding())
	}
	t.box.Resize(size)
	t.box.Move(pos)
	t.box.Show()
	t.layer.Refresh()
}

// tipButton is a button whose tip names what it does and its shortcut.
type tipButton struct {
	widget.Button
	tip  string
	tips *tipLayer
}

// newTipButton makes a button with a tip, e.g. "Reply to the customer (R)".
func (d *Desk) newTipButton(text string, icon fyne.Resource, tip string, tapped func()) *tipButton {
	return newTipButton(text, icon, tip, d.tips, tapped)
}

func newTipButton(text string, icon fyne.Resource, tip string, tips *tipLayer, tapped func()) *tipButton {
	b := &tipButton{tip: tip, tips: tips}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *tipButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	b.tips.show(b, b.tip)
}

func (b *tipButton) MouseOut() {
	b.Button.MouseOut()
	b.tips.hide(b)
}

func (b *tipButton) Tapped(e *fyne.PointEvent) {
	b.tips.hide(b)
	b.Button.Tapped(e)
}
