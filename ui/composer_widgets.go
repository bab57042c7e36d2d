package ui

import (
	"fyne.io/fyne/v2"
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
