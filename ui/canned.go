package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// undoFor is how long "Deleted — Undo" stays offered.
const undoFor = 10 * time.Second

// cannedScreen manages the canned-reply library: grouped by category (two
// levels), searchable; each reply can be edited (with a live preview),
// duplicated, moved within its category, deleted (with undo); the library
// imports and exports JSON and CSV.
//
// Writes run off the main goroutine; the store's change event reloads the
// list.
type cannedScreen struct {
	d *Desk

	all    []storage.CannedReply // sorted by category, position, title; main goroutine only
	rows   []cannedRow           // what the list shows, after the search
	list   *widget.List
	panel  *panel
	search *widget.Entry

	headingH, replyH float32 // row heights; main goroutine only

	// The "Deleted — Undo" line.
	undoLine  *fyne.Container
	undoLabel *widget.Label
	undoBtn   *widget.Button
	undone    func() // re-saves the deleted record; nil when nothing to undo
	undoGen   int

	// report is the last import's or export's outcome, as shown; for tests.
	report string
	writes sync.WaitGroup
	editor *cannedEditor // the last one opened; for tests
}

// cannedRow is a heading (level 1 or 2 of the category) or a reply.
type cannedRow struct {
	heading string
	level   int // 1 or 2 for headings
	reply   *storage.CannedReply
}

func (s *cannedScreen) watches(k storage.Kind) bool { return k == storage.KindCanned }

func (s *cannedScreen) build() fyne.CanvasObject {
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		s.newRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.rows) {
				s.updateRow(s.rows[id], o.(*fyne.Container))
			}
		})
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.UnselectAll()
		if id < len(s.rows) && s.rows[id].reply != nil {
			s.edit(*s.rows[id].reply)
		}
	}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("Search title, shortcut or text"))
	s.search.OnChanged = func(string) { s.filter() }
	newBtn := widget.NewButtonWithIcon(lang.L("New"), theme.ContentAddIcon(), func() {
		s.edit(storage.CannedReply{Language: "zh-Hans", Variants: []storage.CannedVariant{{}}})
	})
	importBtn := widget.NewButtonWithIcon(lang.L("Import…"), theme.DownloadIcon(), s.chooseImport)
	exportBtn := widget.NewButtonWithIcon(lang.L("Export…"), theme.UploadIcon(), s.chooseExport)
	tools := container.NewHBox(newBtn, importBtn, exportBtn)

	s.undoLabel = widget.NewLabel("")
	s.undoBtn = widget.NewButtonWithIcon(lang.L("Undo"), theme.ContentUndoIcon(), s.undo)
	s.undoLine = container.NewHBox(s.undoLabel, s.undoBtn)
	s.undoLine.Hide()

	s.panel = newPanel(s.list, theme.ContentPasteIcon(), lang.L("No canned replies yet. Save the answers you type again and again, and reply in one click."))
	body := container.NewBorder(s.search, s.undoLine, nil, nil, s.panel.content)
	return screenFrame(lang.L("Canned replies"), tools, body, nil)
}

func (s *cannedScreen) newRow() fyne.CanvasObject {
	shortcut := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	title := container.NewBorder(nil, nil, nil, shortcut, newTruncLabel(true))
	preview := newTruncLabel(false)
	text := container.New(layout.NewCustomPaddedVBoxLayout(0), title, preview)
	btn := func(icon fyne.Resource) *widget.Button {
		b := widget.NewButtonWithIcon("", icon, nil)
		b.Importance = widget.LowImportance
		return b
	}
	buttons := container.NewHBox(btn(theme.DocumentCreateIcon()), btn(theme.ContentCopyIcon()),
		btn(theme.MoveUpIcon()), btn(theme.MoveDownIcon()), btn(theme.DeleteIcon()))
	heading := newTruncLabel(true)
	return container.NewStack(container.NewBorder(nil, nil, nil, buttons, text), heading)
}

func (s *cannedScreen) updateRow(row cannedRow, o *fyne.Container) {
	item, heading := o.Objects[0].(*fyne.Container), o.Objects[1].(*widget.Label)
	if row.reply == nil {
		item.Hide()
		heading.Show()
		heading.TextStyle.Italic = row.level == 2
		heading.SetText(row.heading)
		return
	}
	heading.Hide()
	item.Show()
	r := *row.reply
	text := item.Objects[0].(*fyne.Container)
	buttons := item.Objects[1].(*fyne.Container)
	title := text.Objects[0].(*fyne.Container)
	pin := ""
	if r.Pinned {
		pin = "📌 "
	}
	title.Objects[0].(*widget.Label).SetText(pin + oneLine(r.Title))
	var tags []string
	if r.Shortcut != "" {
		tags = append(tags, "/"+strings.TrimPrefix(r.Shortcut, "/"))
	}
	if r.Language != "" {
		tags = append(tags, r.Language)
	}
	if n := len(r.Attachments); n > 0 {
		tags = append(tags, lang.L("Files: {{.N}}", map[string]any{"N": n}))
	}
	title.Objects[1].(*widget.Label).SetText(strings.Join(tags, "  "))
	preview := ""
	if len(r.Variants) > 0 {
		preview = oneLine(r.Variants[0].Body)
	}
	text.Objects[1].(*widget.Label).SetText(preview)
	actions := []func(){
		func() { s.edit(r) },
		func() { s.duplicate(r) },
		func() { s.move(r, -1) },
		func() { s.move(r, 1) },
		func() { s.remove(r) },
	}
	for i, b := range buttons.Objects {
		b.(*widget.Button).OnTapped = actions[i]
	}
}

// sortLibrary is the library's order: the replies in the seller's own
// language (the UI's; zh-CN counts for zh-Hans) first, then by category,
// the seller's position, title.
func sortLibrary(rows []storage.CannedReply, uiLang string) {
	slices.SortStableFunc(rows, func(a, b storage.CannedReply) int {
		return cmp.Or(cmp.Compare(min(canned.LanguageRank(b.Language, uiLang), 1), min(canned.LanguageRank(a.Language, uiLang), 1)),
			cmp.Compare(a.Category, b.Category), cmp.Compare(a.Position, b.Position), cmp.Compare(a.Title, b.Title), cmp.Compare(a.ID, b.ID))
	})
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
	sortLibrary(rows, lang.SystemLocale().LanguageString())
	s.d.do(func() {
		s.all = rows
		s.filter()
		s.panel.show(len(rows), err)
	})
}

// filter lays out the rows matching the search, under their category
// headings. Main goroutine only.
func (s *cannedScreen) filter() {
	q := strings.ToLower(strings.TrimSpace(s.search.Text))
	s.rows = s.rows[:0]
	var top, sub string
	first := true
	for i := range s.all {
		r := &s.all[i]
		if q != "" && !replyMatches(*r, q) {
			continue
		}
		t, st, _ := strings.Cut(r.Category, "/")
		if first || t != top {
			name := strings.TrimSpace(t)
			if name == "" {
				name = lang.L("No category")
			}
			s.rows = append(s.rows, cannedRow{heading: name, level: 1})
			sub = "\x00"
		}
		if st != sub && strings.TrimSpace(st) != "" {
			s.rows = append(s.rows, cannedRow{heading: "  " + strings.ReplaceAll(strings.TrimSpace(st), "/", " › "), level: 2})
		}
		top, sub, first = t, st, false
		s.rows = append(s.rows, cannedRow{reply: r})
	}
	// Headings take one line; replies the template's height.
	if s.headingH == 0 {
		s.headingH = widget.NewLabel("M").MinSize().Height
		s.replyH = s.newRow().MinSize().Height
	}
	for i, r := range s.rows {
		if r.reply == nil {
			s.list.SetItemHeight(i, s.headingH)
		} else {
			s.list.SetItemHeight(i, s.replyH)
		}
	}
	s.list.Refresh()
}

func replyMatches(r storage.CannedReply, q string) bool {
	if strings.Contains(strings.ToLower(r.Title), q) || strings.Contains(strings.ToLower(r.Category), q) ||
		strings.Contains(canned.NormalizeShortcut(r.Shortcut), strings.TrimPrefix(q, "/")) {
		return true
	}
	for _, v := range r.Variants {
		if strings.Contains(strings.ToLower(v.Body), q) {
			return true
		}
	}
	return false
}

// write runs fn in a store transaction off the main goroutine, then done
// (with its error) on the main goroutine.
func (s *cannedScreen) write(what string, fn func(*storage.Tx) error, done func(error)) {
	s.writes.Add(1)
	go func() {
		defer s.writes.Done()
		err := s.d.store.Update(fn)
		if err != nil {
			s.d.log.WithError(err).Error(what)
		}
		if done != nil {
			s.d.do(func() { done(err) })
		}
	}()
}

// duplicate saves a copy of the reply, without its shortcut (two replies
// in one language may not share one) and usage, and opens it.
func (s *cannedScreen) duplicate(r storage.CannedReply) {
	c := r
	c.ID, c.UsageCount, c.LastUsed, c.Shortcut, c.Pinned = 0, 0, time.Time{}, "", false
	c.Title = lang.L("{{.Title}} (copy)", map[string]any{"Title": r.Title})
	c.Variants = slices.Clone(r.Variants)
	c.Attachments = slices.Clone(r.Attachments)
	s.write("Duplicate a canned reply", func(tx *storage.Tx) error { return tx.SaveCannedReply(&c) }, func(err error) {
		if err == nil {
			s.edit(c)
		}
	})
}

// move swaps the reply with its neighbour in the category (dir -1 up, +1
// down), numbering the category's positions 1..n.
func (s *cannedScreen) move(r storage.CannedReply, dir int) {
	var group []storage.CannedReply
	for _, x := range s.all {
		if x.Category == r.Category {
			group = append(group, x)
		}
	}
	i := slices.IndexFunc(group, func(x storage.CannedReply) bool { return x.ID == r.ID })
	j := i + dir
	if i < 0 || j < 0 || j >= len(group) {
		return
	}
	group[i], group[j] = group[j], group[i]
	s.write("Reorder the canned replies", func(tx *storage.Tx) error {
		for n, x := range group {
			cur, err := tx.CannedReply(x.ID)
			if err != nil {
				return err
			}
			if cur.Position != n+1 {
				cur.Position = n + 1
				if err := tx.SaveCannedReply(&cur); err != nil {
					return err
				}
			}
		}
		return nil
	}, nil)
}

// remove deletes the reply and offers to undo it for a while.
func (s *cannedScreen) remove(r storage.CannedReply) {
	var files [][]byte // the attachments' bytes, kept for the undo
	s.write("Delete a canned reply", func(tx *storage.Tx) error {
		cur, err := tx.CannedReply(r.ID)
		if err != nil {
			return err
		}
		r = cur // the record as stored, to restore exactly
		for _, a := range r.Attachments {
			data, err := tx.CannedFile(a.Hash)
			if err != nil {
				return err
			}
			files = append(files, data)
		}
		if err := tx.DeleteCannedReply(r.ID); err != nil {
			return err
		}
		_, err = tx.PruneCannedFiles()
		return err
	}, func(err error) {
		if err != nil {
			dialog.ShowError(fmt.Errorf("%s", lang.L("The reply could not be deleted.")), s.d.win)
			return
		}
		s.undoGen++
		gen := s.undoGen
		s.undone = func() {
			s.write("Restore a canned reply", func(tx *storage.Tx) error {
				for _, data := range files {
					if _, err := tx.PutCannedFile(data); err != nil {
						return err
					}
				}
				return tx.SaveCannedReply(&r)
			}, nil)
		}
		s.undoLabel.SetText(lang.L("Deleted “{{.Title}}”.", map[string]any{"Title": oneLine(r.Title)}))
		s.undoLine.Show()
		time.AfterFunc(undoFor, func() {
			s.d.do(func() {
				if s.undoGen == gen {
					s.undone = nil
					s.undoLine.Hide()
				}
			})
		})
	})
}

// undo restores the last deleted reply, with its ID.
func (s *cannedScreen) undo() {
	if s.undone == nil {
		return
	}
	s.undone()
	s.undone = nil
	s.undoGen++
	s.undoLine.Hide()
}

// fileFilter shows only the files the library can import.
func fileFilter() fynestorage.FileFilter {
	return fynestorage.NewExtensionFileFilter([]string{".json", ".csv", ".txt"})
}

func (s *cannedScreen) chooseImport() {
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s.importFile(path)
	}, s.d.win)
	dlg.SetFilter(fileFilter())
	dlg.Resize(fyne.NewSize(700, 500))
	dlg.Show()
}

// importFile merges the file into the library and says what happened.
func (s *cannedScreen) importFile(path string) {
	s.writes.Add(1)
	go func() {
		defer s.writes.Done()
		var added, updated int
		var bad []canned.RowError
		batch, err := canned.ReadFile(path)
		if err == nil {
			bad = batch.Bad
			err = s.d.store.Update(func(tx *storage.Tx) error {
				var refused []canned.RowError
				var err error
				added, updated, refused, err = canned.Merge(tx, batch, false)
				bad = append(bad, refused...)
				return err
			})
		}
		var msg string
		if err != nil {
			msg = lang.L("Nothing was imported: {{.Error}}", map[string]any{"Error": importFileError(err)})
		} else {
			counts := map[string]any{"Added": added, "Updated": updated, "Skipped": len(bad)}
			msg = lang.L("{{.Added}} added, {{.Updated}} updated, {{.Skipped}} rows skipped.", counts)
			if !batch.CSV {
				msg = lang.L("{{.Added}} added, {{.Updated}} updated, {{.Skipped}} records skipped.", counts)
			}
			slices.SortStableFunc(bad, func(a, b canned.RowError) int { return cmp.Compare(a.Line, b.Line) })
			for _, b := range bad {
				msg += "\n" + rowErrorText(b)
			}
		}
		s.d.do(func() { s.showReport(lang.L("Import"), msg) })
	}()
}

func (s *cannedScreen) chooseExport() {
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		s.exportFile(path)
	}, s.d.win)
	dlg.SetFileName("canned-replies.json")
	dlg.SetFilter(fileFilter())
	dlg.Resize(fyne.NewSize(700, 500))
	dlg.Show()
}

// exportFile writes the library, JSON or CSV by the name's extension.
func (s *cannedScreen) exportFile(path string) {
	s.writes.Add(1)
	go func() {
		defer s.writes.Done()
		var all []storage.CannedReply
		var files canned.Files
		kind, kerr := canned.FileKind(path)
		err := s.d.store.View(func(tx *storage.Tx) error {
			var err error
			if all, err = tx.CannedReplies(); err != nil || kind != "json" {
				return err
			}
			files, err = canned.LoadFiles(tx, all) // a JSON export carries the attachments
			return err
		})
		if err == nil {
			if kerr != nil {
				err = fmt.Errorf("%s", lang.L("Name the file .json or .csv."))
			} else {
				err = canned.Export(path, all, files)
			}
		}
		msg := lang.L("{{.Count}} replies exported.", map[string]any{"Count": len(all)})
		if err != nil {
			msg = lang.L("Nothing was exported: {{.Error}}", map[string]any{"Error": err.Error()})
		}
		s.d.do(func() { s.showReport(lang.L("Export"), msg) })
	}()
}

func (s *cannedScreen) showReport(title, msg string) {
	s.report = msg
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(560, 260))
	dialog.ShowCustom(title, lang.L("Close"), scroll, s.d.win)
}
