package ui

import (
	"fyne.io/fyne/v2"
)

// The desk shows one screen at a time; a screen may open a detail view
// over itself (a conversation over the inbox, a customer over the list).
// Esc, or the view's back button, goes back to what was under it.

// view is a detail view pushed over the current screen.
type view struct {
	content fyne.CanvasObject
	onClose func() // stops the view's subscriptions; may be nil
}

// push shows content over the current screen. Main goroutine only.
func (d *Desk) push(content fyne.CanvasObject, onClose func()) {
	d.views = append(d.views, view{content: content, onClose: onClose})
	// A hidden entry keeping the focus would swallow Esc and the view's keys.
	d.win.Canvas().Unfocus()
	d.stack.Objects = []fyne.CanvasObject{content}
	d.stack.Refresh()
}

// pop closes the top detail view, back to the one under it or to the
// current screen. It reports whether there was a view to close.
func (d *Desk) pop() bool {
	if len(d.views) == 0 {
		return false
	}
	top := d.views[len(d.views)-1]
	d.views = d.views[:len(d.views)-1]
	if top.onClose != nil {
		top.onClose()
	}
	d.win.Canvas().Unfocus()
	under := d.pages[d.current].content
	if len(d.views) > 0 {
		under = d.views[len(d.views)-1].content
	}
	d.stack.Objects = []fyne.CanvasObject{under}
	d.stack.Refresh()
	return true
}

// popAll closes every detail view, as switching screens does.
func (d *Desk) popAll() {
	for d.pop() {
	}
}
