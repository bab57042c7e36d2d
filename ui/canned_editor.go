package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// recentCustomers is how many customers the preview offers.
const recentCustomers = 20

// cannedEditor edits one canned reply, with a live preview of the chosen
// variant filled for a chosen customer. It is a detail view over the
// canned-replies screen.
type cannedEditor struct {
	s     *cannedScreen
	reply storage.CannedReply // as opened; ID 0 for a new one

	category, title, shortcut *widget.Entry
	language                  *widget.SelectEntry
	pinned                    *widget.Check
	variants                  []*widget.Entry
	variantBox                *fyne.Container
	previewOf                 *widget.Select // which variant is previewed
	customer                  *widget.Select
	preview                   *widget.RichText
	missing                   *widget.Label // the unresolved placeholders, in words
	problem                   *widget.Label // why Save was refused
	files                     *cannedFiles  // the attachments

	customers []storage.Customer
	ctx       canned.Context // main goroutine only
	closed    bool
}

// edit opens the editor on the reply. Main goroutine only.
func (s *cannedScreen) edit(r storage.CannedReply) {
	e := &cannedEditor{s: s, reply: r}
	s.d.push(e.build(), func() { e.closed = true })
	s.d.canned.editor = e
	go e.loadCustomers()
}

func (e *cannedEditor) build() fyne.CanvasObject {
	r := e.reply
	e.category = widget.NewEntry()
	e.category.SetPlaceHolder(lang.L("Category/Subcategory, e.g. 物流/发货时间"))
	e.category.SetText(r.Category)
	e.title = widget.NewEntry()
	e.title.SetText(r.Title)
	e.shortcut = widget.NewEntry()
	e.shortcut.SetPlaceHolder(lang.L("e.g. ship (typed as /ship)"))
	e.shortcut.SetText(r.Shortcut)
	e.language = widget.NewSelectEntry([]string{"zh-Hans", "en"})
	e.language.SetPlaceHolder(lang.L("Other: a language code such as ja or zh-Hant"))
	e.language.SetText(r.Language)
	e.language.OnChanged = func(string) { e.updatePreview() }
	e.pinned = widget.NewCheck(lang.L("Pinned (Ctrl+1…9 in the composer)"), nil)
	e.pinned.SetChecked(r.Pinned)

	e.variantBox = container.NewVBox()
	e.previewOf = widget.NewSelect(nil, func(string) { e.updatePreview() })
	for _, v := range r.Variants {
		e.addVariant(v.Body)
	}
	if len(e.variants) == 0 {
		e.addVariant("")
	}
	e.previewOf.SetSelectedIndex(0)
	addBtn := widget.NewButtonWithIcon(lang.L("Add variant"), theme.ContentAddIcon(), func() {
		e.addVariant("")
		e.previewOf.SetSelectedIndex(len(e.variants) - 1)
	})

	e.customer = widget.NewSelect(nil, func(string) { e.loadContext() })
	e.customer.PlaceHolder = lang.L("No customers yet")
	e.preview = widget.NewRichText()
	e.preview.Wrapping = fyne.TextWrapWord
	e.missing = widget.NewLabel("")
	e.missing.Wrapping = fyne.TextWrapWord
	e.missing.Importance = widget.WarningImportance
	e.problem = widget.NewLabel("")
	e.problem.Wrapping = fyne.TextWrapWord
	e.problem.Importance = widget.DangerImportance
	e.problem.Hide()

	form := widget.NewForm(
		widget.NewFormItem(lang.L("Category"), e.category),
		widget.NewFormItem(lang.L("Title"), e.title),
		widget.NewFormItem(lang.L("Shortcut"), e.shortcut),
		widget.NewFormItem(lang.L("Language"), e.language),
		widget.NewFormItem("", e.pinned),
	)
	e.files = newCannedFiles(e, r.Attachments)
	left := container.NewVBox(form, widget.NewLabelWithStyle(lang.L("Variants"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		e.variantBox, container.NewHBox(addBtn),
		widget.NewLabelWithStyle(lang.L("Attachments"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		e.files.box, container.NewHBox(e.files.addBtn))
	previewHead := widget.NewForm(
		widget.NewFormItem(lang.L("Preview"), e.previewOf),
		widget.NewFormItem(lang.L("Customer"), e.customer),
	)
	right := container.NewBorder(container.NewVBox(previewHead, widget.NewSeparator()), e.missing, nil, nil,
		container.NewVScroll(e.preview))

	back := widget.NewButtonWithIcon(lang.L("Back"), theme.NavigateBackIcon(), func() { e.s.d.pop() })
	save := widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), e.save)
	save.Importance = widget.HighImportance
	heading := lang.L("Edit canned reply")
	if r.ID == 0 {
		heading = lang.L("New canned reply")
	}
	split := container.NewHSplit(container.NewVScroll(left), right)
	split.SetOffset(0.55)
	body := container.NewBorder(nil, e.problem, nil, nil, split)
	return screenFrame(heading, container.NewHBox(back, save), body, nil)
}

// addVariant adds a phrasing's entry, with its Remove button.
func (e *cannedEditor) addVariant(text string) {
	v := widget.NewMultiLineEntry()
	v.Wrapping = fyne.TextWrapWord
	v.SetMinRowsVisible(3)
	v.SetText(text)
	v.OnChanged = func(string) { e.updatePreview() }
	e.variants = append(e.variants, v)
	var row *fyne.Container
	remove := widget.NewButtonWithIcon(lang.L("Remove variant"), theme.ContentRemoveIcon(), nil)
	remove.OnTapped = func() { e.removeVariant(v, row) }
	row = container.NewBorder(nil, nil, nil, container.NewVBox(remove), v)
	e.variantBox.Add(row)
	e.numberVariants()
}

func (e *cannedEditor) removeVariant(v *widget.Entry, row *fyne.Container) {
	if len(e.variants) <= 1 {
		v.SetText("")
		return
	}
	i := slices.Index(e.variants, v)
	if i < 0 {
		return
	}
	e.variants = slices.Delete(e.variants, i, i+1)
	e.variantBox.Remove(row)
	sel := e.previewOf.SelectedIndex()
	e.numberVariants()
	e.previewOf.SetSelectedIndex(min(max(sel, 0), len(e.variants)-1))
	e.updatePreview()
}

// numberVariants names the variants in the preview's select.
func (e *cannedEditor) numberVariants() {
	opts := make([]string, len(e.variants))
	for i := range e.variants {
		opts[i] = lang.L("Variant {{.N}}", map[string]any{"N": i + 1})
	}
	e.previewOf.SetOptions(opts)
}

// loadCustomers reads the most recently updated customers for the
// preview, off the main goroutine.
func (e *cannedEditor) loadCustomers() {
	var list []storage.Customer
	err := e.s.d.store.View(func(tx *storage.Tx) error {
		var err error
		list, err = tx.Customers(0, 0)
		return err
	})
	if err != nil {
		e.s.d.log.WithError(err).Error("Load the customers for the preview")
	}
	slices.SortStableFunc(list, func(a, b storage.Customer) int {
		return cmp.Or(b.Updated.Compare(a.Updated), cmp.Compare(b.ID, a.ID))
	})
	list = list[:min(len(list), recentCustomers)]
	e.s.d.do(func() {
		if e.closed {
			return
		}
		e.customers = list
		opts := make([]string, len(list))
		for i, c := range list {
			opts[i] = fmt.Sprintf("%d. %s", i+1, oneLine(cmp.Or(c.Name, lang.L("(no name)"))))
		}
		e.customer.SetOptions(opts)
		if len(opts) > 0 {
			e.customer.SetSelectedIndex(0) // loads the context
		} else {
			e.updatePreview()
		}
	})
}

// loadContext reads what fills the placeholders for the chosen customer,
// off the main goroutine.
func (e *cannedEditor) loadContext() {
	i := e.customer.SelectedIndex()
	if i < 0 || i >= len(e.customers) {
		return
	}
	id := e.customers[i].ID
	go func() {
		var ctx canned.Context
		err := e.s.d.store.View(func(tx *storage.Tx) error {
			var err error
			ctx, err = canned.LoadContext(tx, 0, id, "")
			return err
		})
		if err != nil {
			e.s.d.log.WithError(err).Error("Load the preview's customer")
		}
		ctx.Now = e.s.d.now()
		e.s.d.do(func() {
			if e.closed || e.customer.SelectedIndex() != i {
				return
			}
			e.ctx = ctx
			e.updatePreview()
		})
	}()
}

// updatePreview fills the previewed variant for the customer; what
// stays unfilled is highlighted and named in words. Plain text segments:
// customer text is never Markdown.
func (e *cannedEditor) updatePreview() {
	if e.preview == nil {
		return
	}
	i := e.previewOf.SelectedIndex()
	if i < 0 || i >= len(e.variants) {
		i = 0
	}
	text := ""
	if len(e.variants) > 0 {
		text = e.variants[i].Text
	}
	filled, left := canned.Render(text, e.ctx, strings.TrimSpace(e.language.Text))
	var segs []widget.RichTextSegment
	plain := func(s string) {
		if s != "" {
			segs = append(segs, &widget.TextSegment{Text: s, Style: widget.RichTextStyleInline})
		}
	}
	last := 0
	if len(left) > 0 {
		if phs, err := assets.ParsePlaceholders(filled); err == nil {
			for _, ph := range phs {
				if !slices.Contains(left, ph.Name) {
					continue
				}
				plain(filled[last:ph.Start])
				style := widget.RichTextStyleStrong
				style.Inline = true
				style.ColorName = theme.ColorNameError
				segs = append(segs, &widget.TextSegment{Text: filled[ph.Start:ph.End], Style: style})
				last = ph.End
			}
		}
	}
	plain(filled[last:])
	// A paragraph per line, so line breaks show.
	var out []widget.RichTextSegment
	for _, s := range segs {
		t := s.(*widget.TextSegment)
		lines := strings.Split(t.Text, "\n")
		for j, l := range lines {
			if j > 0 {
				out = append(out, &widget.TextSegment{Text: "", Style: widget.RichTextStyleParagraph})
			}
			if l != "" {
				out = append(out, &widget.TextSegment{Text: l, Style: t.Style})
			}
		}
	}
	e.preview.Segments = out
	e.preview.Refresh()
	if len(left) == 0 {
		e.missing.SetText("")
		e.missing.Hide()
		return
	}
	names := make([]string, len(left))
	for j, n := range left {
		names[j] = "{{" + n + "}}"
	}
	e.missing.SetText(lang.L("Not known for this customer, to be filled in before sending: {{.Names}}",
		map[string]any{"Names": strings.Join(names, lang.L(", "))}))
	e.missing.Show()
}

// previewText is the preview as plain text, for tests.
func (e *cannedEditor) previewText() string { return e.preview.String() }

// record is the reply as the form has it.
func (e *cannedEditor) record() storage.CannedReply {
	r := e.reply
	r.Category = strings.Trim(strings.TrimSpace(e.category.Text), "/")
	r.Title = strings.TrimSpace(e.title.Text)
	r.Shortcut = canned.NormalizeShortcut(e.shortcut.Text)
	r.Language = strings.TrimSpace(e.language.Text)
	r.Pinned = e.pinned.Checked
	r.Attachments = e.files.records()
	r.Variants = nil
	for _, v := range e.variants {
		if strings.TrimSpace(v.Text) != "" {
			r.Variants = append(r.Variants, storage.CannedVariant{Body: v.Text})
		}
	}
	return r
}

// check says in words what keeps the reply from being saved, or "".
func (e *cannedEditor) check(r storage.CannedReply) string {
	switch {
	case r.Title == "":
		return lang.L("Give the reply a title.")
	case r.Language == "":
		return lang.L("Choose the reply's language.")
	case len(r.Variants) == 0:
		return lang.L("Write the reply's text.")
	case strings.ContainsFunc(r.Shortcut, func(c rune) bool { return c == ' ' || c == '\t' || c == '\u3000' || c == '/' }):
		return lang.L("A shortcut is one word, with no spaces or slashes.")
	}
	return ""
}

// save writes the reply; a shortcut another reply in the same language
// already has is refused in words. The editor closes when it is saved.
func (e *cannedEditor) save() {
	r := e.record()
	if msg := e.check(r); msg != "" {
		e.refuse(msg)
		return
	}
	var clash string
	newFiles := e.files.newData()
	e.s.write("Save a canned reply", func(tx *storage.Tx) error {
		if r.Shortcut != "" {
			all, err := tx.CannedReplies()
			if err != nil {
				return err
			}
			for _, o := range all {
				if o.ID != r.ID && canned.NormalizeShortcut(o.Shortcut) == r.Shortcut && strings.EqualFold(strings.TrimSpace(o.Language), r.Language) {
					clash = o.Title
					return nil
				}
			}
		}
		for _, data := range newFiles {
			if _, err := tx.PutCannedFile(data); err != nil {
				return err
			}
		}
		if err := tx.SaveCannedReply(&r); err != nil {
			return err
		}
		_, err := tx.PruneCannedFiles() // a file this reply no longer sends
		return err
	}, func(err error) {
		switch {
		case err != nil:
			e.refuse(lang.L("The reply could not be saved. Try again."))
		case clash != "":
			e.refuse(lang.L("“{{.Title}}” already uses the shortcut /{{.Shortcut}} in {{.Language}}. Choose another shortcut.",
				map[string]any{"Title": oneLine(clash), "Shortcut": r.Shortcut, "Language": r.Language}))
		default:
			e.reply = r
			if !e.closed {
				e.s.d.pop()
			}
		}
	})
}

func (e *cannedEditor) refuse(msg string) {
	e.problem.SetText(msg)
	e.problem.Show()
}
