package ui

import (
	"cmp"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// cannedScreen browses the canned-reply library by category.
type cannedScreen struct {
	d *Desk

	rows  []storage.CannedReply // main goroutine only
	list  *widget.List
	panel *panel
}

func (s *cannedScreen) watches(k storage.Kind) bool { return k == storage.KindCanned }

func (s *cannedScreen) build() fyne.CanvasObject {
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			shortcut := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
			title := container.NewBorder(nil, nil, nil, shortcut, newTruncLabel(true))
			category := newTruncLabel(false)
			category.TextStyle.Italic = true
			category.SizeName = theme.SizeNameCaptionText
			return container.New(layout.NewCustomPaddedVBoxLayout(0), title, category, newTruncLabel(false))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.rows) {
				s.updateRow(s.rows[id], o.(*fyne.Container))
			}
		})
	s.panel = newPanel(s.list, theme.ContentPasteIcon(), lang.L("No canned replies yet. Save the answers you type again and again, and reply in one click."))
	return screenFrame(lang.L("Canned replies"), nil, s.panel.content, nil)
}

func (s *cannedScreen) updateRow(r storage.CannedReply, row *fyne.Container) {
	title := row.Objects[0].(*fyne.Container)
	title.Objects[0].(*widget.Label).SetText(oneLine(r.Title))
	shortcut := ""
	if r.Shortcut != "" {
		shortcut = "/" + strings.TrimPrefix(r.Shortcut, "/")
	}
	title.Objects[1].(*widget.Label).SetText(shortcut)
	row.Objects[1].(*widget.Label).SetText(strings.ReplaceAll(r.Category, "/", " › "))
	preview := ""
	if len(r.Variants) > 0 {
		preview = oneLine(r.Variants[0].Body)
	}
	row.Objects[2].(*widget.Label).SetText(preview)
}

func (s *cannedScreen) load() {
	var rows []storage.CannedReply
	err := s.d.store.View(func(tx *storage.Tx) error {
		var err error
		rows, err = tx.CannedReplies()
		return err
	})
	if err != nil {
		s.d.log.WithError(err).Error("Load the canned replies")
	}
	// Browse by category, then title, as the library is organised.
	slices.SortStableFunc(rows, func(a, b storage.CannedReply) int {
		return cmp.Or(cmp.Compare(a.Category, b.Category), cmp.Compare(a.Title, b.Title))
	})
	s.d.do(func() {
		s.rows = rows
		s.list.Refresh()
		s.panel.show(len(rows), err)
	})
}
