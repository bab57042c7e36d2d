package ui

import (
	"cmp"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// Expansion without the picker: "/shortcut" then Tab at the start of a
// line, and Ctrl+1..Ctrl+9 for the nine pinned replies.
//
// Pinned replies: the ones the seller pinned on the management screen, in
// their Position order (then category and title). When none is pinned,
// the nine most used (UsageCount, then the latest used) in the customer's
// language (the same base language counts; every language when the
// customer's is unknown) stand in; they move as the seller's habits change.
//
// Both read the library from the store on the main goroutine, once per
// key press: the key must be answered at once (a Tab that expands nothing
// is a normal Tab), and the read is one short bbolt view.

// maxPinned is how many replies Ctrl+1..Ctrl+9 reach.
const maxPinned = 9

// slashWord finds "/word" running from the start of the cursor's line to
// the cursor: the "/" offset (in runes) and the word; -1 when there is none.
func slashWord(text string, cursor int) (int, string) {
	runes := []rune(text)
	if cursor <= 0 || cursor > len(runes) {
		return -1, ""
	}
	start := cursor
	for start > 0 && runes[start-1] != '\n' {
		start--
	}
	line := runes[start:cursor]
	if len(line) < 2 || line[0] != '/' || slices.ContainsFunc(line[1:], func(r rune) bool { return r == '/' || r == ' ' || r == '\t' || r == '\u3000' }) {
		return -1, ""
	}
	return start, string(line[1:])
}

// pinnedReplies are the replies Ctrl+1..Ctrl+9 insert, in order (see above).
func pinnedReplies(replies []storage.CannedReply, customerLang string) []storage.CannedReply {
	var out []storage.CannedReply
	for _, r := range replies {
		if r.Pinned && len(r.Variants) > 0 {
			out = append(out, r)
		}
	}
	if len(out) > 0 {
		slices.SortStableFunc(out, func(a, b storage.CannedReply) int {
			return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.Category, b.Category), cmp.Compare(a.Title, b.Title))
		})
		return out[:min(len(out), maxPinned)]
	}
	for _, r := range replies {
		if len(r.Variants) > 0 && (customerLang == "" || canned.LanguageRank(r.Language, customerLang) > 0) {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b storage.CannedReply) int {
		return cmp.Or(cmp.Compare(b.UsageCount, a.UsageCount), b.LastUsed.Compare(a.LastUsed), cmp.Compare(a.Title, b.Title))
	})
	return out[:min(len(out), maxPinned)]
}

// cannedLibrary reads the replies and what fills their placeholders.
func (c *composer) cannedLibrary() ([]storage.CannedReply, canned.Context, bool) {
	var replies []storage.CannedReply
	var ctx canned.Context
	err := c.d.store.View(func(tx *storage.Tx) error {
		var err error
		if replies, err = tx.CannedReplies(); err != nil {
			return err
		}
		ctx, err = canned.LoadContext(tx, c.convID, 0, "")
		return err
	})
	if err != nil {
		c.log.WithError(err).Error("Load the canned replies to expand")
		return nil, ctx, false
	}
	ctx.Now = c.d.now()
	return replies, ctx, true
}

// bodyKey expands "/shortcut" on Tab; it reports whether it did, and
// anything else goes on to the Entry (a normal Tab).
func (c *composer) bodyKey(k *fyne.KeyEvent) bool {
	if k.Name != fyne.KeyTab || c.busy || c.finished {
		return false
	}
	if dd, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok && dd.CurrentKeyModifiers()&fyne.KeyModifierShift != 0 {
		return false
	}
	slash, word := slashWord(c.body.Text, c.body.CursorTextOffset())
	return slash >= 0 && c.expandShortcut(slash, word)
}

// expandShortcut puts the reply for shortcut in place of the "/" at slash
// and what follows it up to the cursor; it reports whether a reply has
// that shortcut. The picker's search field may call it for a Tab too.
func (c *composer) expandShortcut(slash int, shortcut string) bool {
	replies, ctx, ok := c.cannedLibrary()
	if !ok {
		return false
	}
	r, ok := canned.Choose(replies, shortcut, ctx.Customer.Language)
	if !ok {
		return false
	}
	c.picker.close() // the "/" may have opened it
	c.insertReply(r, ctx, slash)
	return true
}

// pinnedKey inserts pinned reply n for Ctrl+n; it reports whether the
// key was one of Ctrl+1..Ctrl+9.
func (c *composer) pinnedKey(key fyne.KeyName) bool {
	n := strings.Index("123456789", string(key))
	if len(key) != 1 || n < 0 {
		return false
	}
	if c.busy || c.finished {
		return true
	}
	replies, ctx, ok := c.cannedLibrary()
	if !ok {
		return true
	}
	pinned := pinnedReplies(replies, ctx.Customer.Language)
	if n >= len(pinned) {
		return true
	}
	c.picker.close()
	c.insertReply(pinned[n], ctx, -1)
	return true
}

// pinnedShortcuts are Ctrl+1..Ctrl+9 (Cmd on macOS).
func pinnedShortcuts() []fyne.Shortcut {
	out := make([]fyne.Shortcut, 0, maxPinned)
	for _, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9} {
		out = append(out, &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
	}
	return out
}
