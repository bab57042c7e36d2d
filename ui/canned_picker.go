package ui

import (
	"cmp"
	"image/color"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// cannedPicker is the composer's quick canned-reply popup (Ctrl+K, or "/"
// at the start of a line): a search over the library, most-used first,
// worked entirely from the keyboard. Main goroutine only.
type cannedPicker struct {
	c      *composer
	popup  *widget.PopUp
	search *composerEntry
	list   *widget.List

	all    []cannedItem          // most used first
	shown  []storage.CannedReply // those matching the search
	ctx    canned.Context
	cursor int  // the row Enter picks
	isOpen bool // shown and not closed by us (a tap outside hides it on its own)
	slash  int  // rune offset of the "/" that opened the picker; -1 for none
	loads  int  // load generation: a late load must not overwrite a newer one

	fill *cannedFill // the last placeholder form opened (canned_fill.go)
}

// pickerSize fits a title, a line of preview and about six replies.
var pickerSize = fyne.NewSize(480, 340)

func newCannedPicker(c *composer) *cannedPicker { return &cannedPicker{c: c, slash: -1} }

func (p *cannedPicker) build() {
	p.search = newComposerEntry(false, nil)
	p.search.SetPlaceHolder(lang.L("Search canned replies"))
	p.search.OnChanged = func(string) { p.refilter() }
	p.search.onKey = p.key
	p.search.takesTab = true
	p.list = widget.NewList(
		func() int { return len(p.shown) },
		func() fyne.CanvasObject {
			shortcut := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
			title := container.NewBorder(nil, nil, nil, shortcut, newTruncLabel(true))
			mark := canvas.NewRectangle(color.Transparent)
			mark.CornerRadius = theme.SelectionRadiusSize()
			return container.NewStack(mark, container.New(layout.NewCustomPaddedVBoxLayout(0), title, newTruncLabel(false)))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(p.shown) {
				p.updateRow(id, o.(*fyne.Container))
			}
		})
	// The keyboard's row is marked by the picker itself: the list's own
	// selection would swallow a click on the row already selected.
	p.list.OnSelected = func(id widget.ListItemID) {
		p.list.UnselectAll()
		if id < len(p.shown) {
			p.pick(p.shown[id])
		}
	}
	hint := widget.NewLabel(lang.L("↑ ↓ to choose, Enter to insert, Esc to close"))
	hint.Importance = widget.LowImportance
	hint.SizeName = theme.SizeNameCaptionText
	p.popup = widget.NewPopUp(container.NewBorder(p.search, hint, nil, nil, p.list), p.c.win.Canvas())
}

func (p *cannedPicker) updateRow(id widget.ListItemID, row *fyne.Container) {
	r := p.shown[id]
	mark := row.Objects[0].(*canvas.Rectangle)
	mark.FillColor = color.Transparent
	if id == p.cursor {
		mark.FillColor = theme.Color(theme.ColorNameSelection)
	}
	mark.Refresh()
	lines := row.Objects[1].(*fyne.Container)
	title := lines.Objects[0].(*fyne.Container)
	title.Objects[0].(*widget.Label).SetText(oneLine(r.Title))
	shortcut := ""
	if r.Shortcut != "" {
		shortcut = "/" + strings.TrimPrefix(r.Shortcut, "/")
	}
	title.Objects[1].(*widget.Label).SetText(shortcut)
	preview := ""
	if len(r.Variants) > 0 {
		preview = oneLine(r.Variants[0].Body)
	}
	lines.Objects[1].(*widget.Label).SetText(preview)
}

// open shows the picker near the cursor and loads the library. slash is
// where the "/" that opened it sits in the body, or -1.
func (p *cannedPicker) open(slash int) {
	if p.popup == nil {
		p.build()
	}
	p.slash = slash
	if !p.visible() {
		p.search.SetText("")
		p.popup.Resize(pickerSize)
		p.popup.ShowAtPosition(p.position())
		p.isOpen = true
	}
	p.c.win.Canvas().Focus(p.search)
	p.loads++
	gen := p.loads
	convID := p.c.convID
	go p.load(gen, convID)
}

// position puts the popup under the body's cursor, inside the window.
func (p *cannedPicker) position() fyne.Position {
	body := p.c.body
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(body).Add(body.CursorPosition())
	at.Y += theme.TextSize() * 1.8
	win := p.c.win.Canvas().Size()
	at.X = max(0, min(at.X, win.Width-pickerSize.Width))
	if at.Y+pickerSize.Height > win.Height {
		at.Y = max(0, win.Height-pickerSize.Height)
	}
	return at
}

// load reads the replies and what fills their placeholders, off the main goroutine.
func (p *cannedPicker) load(gen int, convID uint64) {
	var replies []storage.CannedReply
	var ctx canned.Context
	err := p.c.d.store.View(func(tx *storage.Tx) error {
		var err error
		if replies, err = tx.CannedReplies(); err != nil {
			return err
		}
		ctx, err = canned.LoadContext(tx, convID, 0, "")
		return err
	})
	if err != nil {
		p.c.log.WithError(err).Error("Load the canned replies for the picker")
	}
	ctx.Now = p.c.d.now()
	sortCanned(replies, ctx.Customer.Language)
	index := indexCanned(replies)
	p.c.d.do(func() {
		if gen != p.loads {
			return
		}
		p.all, p.ctx = index, ctx
		p.refilter()
	})
}

// sortCanned puts replies in the customer's language first (the same
// base language next: zh-Hans for a zh-Hant customer), then the most used.
func sortCanned(replies []storage.CannedReply, customerLang string) {
	slices.SortStableFunc(replies, func(a, b storage.CannedReply) int {
		return cmp.Or(cmp.Compare(canned.LanguageRank(b.Language, customerLang), canned.LanguageRank(a.Language, customerLang)),
			cmp.Compare(b.UsageCount, a.UsageCount), b.LastUsed.Compare(a.LastUsed), cmp.Compare(a.Title, b.Title))
	})
}

func (p *cannedPicker) refilter() {
	p.shown = filterCanned(p.all, p.search.Text)
	p.cursor = 0
	p.list.Refresh()
	p.list.ScrollToTop()
}

// moveTo marks another row for Enter.
func (p *cannedPicker) moveTo(row int) {
	row = max(0, min(row, len(p.shown)-1))
	if row == p.cursor {
		return
	}
	old := p.cursor
	p.cursor = row
	p.list.RefreshItem(old)
	p.list.RefreshItem(row)
	p.list.ScrollTo(row)
}

// key works the list from the search field.
func (p *cannedPicker) key(k *fyne.KeyEvent) bool {
	switch k.Name {
	case fyne.KeyDown:
		p.moveTo(p.cursor + 1)
	case fyne.KeyUp:
		p.moveTo(p.cursor - 1)
	case fyne.KeyReturn, fyne.KeyEnter:
		if p.cursor < len(p.shown) {
			p.pick(p.shown[p.cursor])
		}
	case fyne.KeyEscape:
		p.close()
	case fyne.KeyTab:
		// "/shortcut" then Tab: the reply goes straight in (and the
		// picker closes). An unknown shortcut leaves it open to choose from.
		p.c.expandShortcut(p.slash, p.search.Text)
	default:
		return false
	}
	return true
}

// close hides the picker and gives the body its focus back.
func (p *cannedPicker) close() {
	if !p.visible() {
		return
	}
	p.isOpen = false
	p.popup.Hide()
	if !p.c.closed {
		p.c.win.Canvas().Focus(p.c.body)
	}
}

// visible reports whether the picker is open. A new PopUp reports itself
// visible before it is ever shown, hence the flag.
func (p *cannedPicker) visible() bool { return p.popup != nil && p.isOpen && p.popup.Visible() }

// pick inserts the reply (see insertReply).
func (p *cannedPicker) pick(r storage.CannedReply) {
	slash := p.slash
	p.close()
	p.c.insertReply(r, p.ctx, slash)
}

// insertText puts text at the body's cursor, replacing the "/" (and any
// query typed after it) when the picker was opened by one.
func (c *composer) insertText(text string, slash int) {
	b := c.body
	runes := []rune(b.Text)
	cur := b.CursorTextOffset()
	if slash >= 0 && slash < cur && cur <= len(runes) && runes[slash] == '/' && !slices.Contains(runes[slash:cur], '\n') {
		for range cur - slash {
			b.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
		}
	}
	b.TypedShortcut(&fyne.ShortcutPaste{Clipboard: textClipboard(text)})
	c.win.Canvas().Focus(b)
}

// countUse records that a canned reply was used, for "most used first".
func (c *composer) countUse(id uint64) {
	now := c.d.now()
	c.writes.Add(1)
	go func() {
		defer c.writes.Done()
		err := c.d.store.Update(func(tx *storage.Tx) error {
			r, err := tx.CannedReply(id)
			if err != nil {
				return err
			}
			r.UsageCount++
			r.LastUsed = now
			return tx.SaveCannedReply(&r)
		})
		if err != nil {
			c.log.WithError(err).WithField("canned", id).Error("Count a canned reply's use")
		}
	}()
}

// cannedItem is a reply with its searchable text folded once, not at
// every keystroke.
type cannedItem struct {
	reply storage.CannedReply
	text  string
}

func indexCanned(replies []storage.CannedReply) []cannedItem {
	out := make([]cannedItem, len(replies))
	for i, r := range replies {
		hay := []string{r.Title, r.Shortcut, r.Category}
		for _, v := range r.Variants {
			hay = append(hay, v.Body)
		}
		out[i] = cannedItem{reply: r, text: strings.ToLower(strings.Join(hay, "\n"))}
	}
	return out
}

// filterCanned keeps the replies whose title, shortcut, category or text
// holds every word of the query, in any script and any case. A reply
// whose shortcut is the query comes first.
func filterCanned(items []cannedItem, query string) []storage.CannedReply {
	words := strings.Fields(strings.ToLower(strings.TrimPrefix(strings.TrimSpace(query), "/")))
	var exact, rest []storage.CannedReply
	for _, it := range items {
		switch {
		case len(words) == 1 && strings.EqualFold(strings.TrimPrefix(it.reply.Shortcut, "/"), words[0]):
			exact = append(exact, it.reply)
		case !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(it.text, w) }):
			rest = append(rest, it.reply)
		}
	}
	return append(exact, rest...)
}
