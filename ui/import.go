package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/mailimport"
	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/importer"
)

// importMail is the wizard's third kind, beside customers and orders.
const importMail importer.Kind = "mail"

// Wizard steps.
const (
	stepFile    = "file"
	stepLoading = "loading"
	stepMap     = "map"
	stepPreview = "preview"
	stepRun     = "run"
	stepDone    = "done"
)

// previewRows is how many rows the preview shows; the report covers all.
const previewRows = 20

// importWizard walks the seller through an import: choose the file, see
// what was detected, map the columns, preview (a dry run), import with
// progress and cancel, read the report. Widgets are touched on the main
// goroutine only; reading the file and the imports run off it.
type importWizard struct {
	d    *Desk
	kind importer.Kind
	dlg  dialog.Dialog
	body *fyne.Container // the current step
	step string

	path    string
	vcard   bool
	table   *importer.Table
	presets []importer.Preset
	preset  importer.Preset // the chosen one; Name "" for none

	info      *widget.Label
	presetSel *widget.Select
	selects   map[importer.Field]*widget.Select
	summary   *widget.Label
	issues    []string
	bar       *widget.ProgressBar
	cancel    context.CancelFunc
	report    importer.Report
	mailRep   mailimport.Report
	status    *widget.Label
}

// importDialog opens the import wizard for customers, orders or mail.
// Main goroutine.
func (d *Desk) importDialog(kind importer.Kind) *importWizard {
	w := &importWizard{d: d, kind: kind, body: container.NewStack()}
	title := lang.L("Import customers")
	switch kind {
	case importer.KindOrders:
		title = lang.L("Import orders")
	case importMail:
		title = lang.L("Import mail")
	}
	w.dlg = dialog.NewCustomWithoutButtons(title, w.body, d.win)
	size := d.win.Canvas().Size()
	w.dlg.Resize(fyne.NewSize(max(size.Width*0.85, 760), max(size.Height*0.9, 560)))
	w.dlg.SetOnClosed(func() {
		if w.cancel != nil {
			w.cancel()
		}
	})
	w.showFile()
	w.dlg.Show()
	return w
}

// setStep puts a step's content in the dialog: the body over a button row.
func (w *importWizard) setStep(step string, body fyne.CanvasObject, left []fyne.CanvasObject, right ...fyne.CanvasObject) {
	w.step = step
	buttons := container.NewBorder(nil, nil, container.NewHBox(left...), container.NewHBox(right...))
	w.body.Objects = []fyne.CanvasObject{container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), buttons), nil, nil, body)}
	w.body.Refresh()
}

func (w *importWizard) closeButton(text string) *widget.Button {
	return widget.NewButton(text, func() { w.dlg.Hide() })
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// showFile is the first step: what can be imported, and the file chooser.
func (w *importWizard) showFile() {
	var help string
	var choose []fyne.CanvasObject
	switch w.kind {
	case importMail:
		help = lang.L("Bring old mail into the customers' timelines: an mbox file (Thunderbird, Foxmail and most mail programs export one) or .eml files, one or a whole folder. Mail already in Shopdesk is skipped.")
		choose = []fyne.CanvasObject{
			widget.NewButton(lang.L("Choose a file…"), func() { w.chooseFile([]string{".mbox", ".mbx", ".eml", ".txt"}) }),
			widget.NewButton(lang.L("Choose a folder…"), w.chooseFolder),
		}
	default:
		help = lang.L("Choose a CSV or Excel (XLSX) file: an order export from Taobao/Tmall, Shopee, Amazon or Shopify, a Shopdesk export, or your own table. GBK files from Chinese Excel are read too. Customers can also come from a vCard (.vcf) file.")
		choose = []fyne.CanvasObject{widget.NewButton(lang.L("Choose a file…"), func() {
			w.chooseFile([]string{".csv", ".txt", ".tsv", ".xlsx", ".vcf"})
		})}
	}
	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord
	w.status.Importance = widget.DangerImportance
	body := container.NewVBox(wrapped(help), container.NewHBox(choose...), w.status)
	w.setStep(stepFile, container.NewVScroll(body), nil, w.closeButton(lang.L("Cancel")))
}

func (w *importWizard) chooseFile(exts []string) {
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		w.open(path)
	}, w.d.win)
	dlg.SetFilter(fynestorage.NewExtensionFileFilter(exts))
	dlg.Resize(fyne.NewSize(760, 520))
	dlg.Show()
}

func (w *importWizard) chooseFolder() {
	dlg := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		w.open(dir.Path())
	}, w.d.win)
	dlg.Resize(fyne.NewSize(760, 520))
	dlg.Show()
}

// open reads the chosen file off the main goroutine and moves on to the
// mapping (or, for mail, to the start button).
func (w *importWizard) open(path string) {
	w.path = path
	if w.kind == importMail {
		w.showMailReady()
		return
	}
	w.vcard = strings.EqualFold(filepath.Ext(path), ".vcf")
	if w.vcard && w.kind != importer.KindCustomers {
		w.status.SetText(lang.L("A vCard file holds customers, not orders."))
		return
	}
	w.step = stepLoading
	w.status.SetText(lang.L("Reading the file…"))
	w.status.Importance = widget.MediumImportance
	go func() {
		var tab *importer.Table
		var err error
		if !w.vcard {
			tab, err = importer.ReadFile(path)
		}
		var presets []importer.Preset
		if err == nil {
			err = w.d.store.View(func(tx *storage.Tx) error {
				var perr error
				presets, perr = importer.Presets(tx)
				if perr != nil {
					w.d.log.WithError(perr).Warn("Some saved import presets could not be read")
				}
				return nil
			})
		}
		if err != nil {
			w.d.log.WithError(err).WithField("file", path).Warn("Read an import file")
		}
		w.d.do(func() {
			if err != nil {
				w.step = stepFile
				w.status.Importance = widget.DangerImportance
				w.status.SetText(readError(err))
				return
			}
			w.table, w.presets = tab, presets
			if w.vcard {
				w.preview()
				return
			}
			w.preset, _ = importer.Detect(tab.Header, w.kind, presets)
			w.showMapping()
		})
	}()
}

// readError says why a file could not be read, in the seller's words.
func readError(err error) string {
	switch {
	case errors.Is(err, importer.ErrEmpty):
		return lang.L("The file is empty: it has no header row.")
	case errors.Is(err, os.ErrNotExist), errors.Is(err, os.ErrPermission):
		return lang.L("The file could not be opened.")
	}
	return lang.L("The file could not be read: {{.Error}}", map[string]any{"Error": err.Error()})
}

// presetLabel is a preset's name as the seller knows it.
func presetLabel(p importer.Preset) string {
	if p.Custom {
		return p.Name
	}
	switch p.Name {
	case "taobao":
		return lang.L("Taobao / Tmall order export")
	case "shopee":
		return lang.L("Shopee order export")
	case "amazon":
		return lang.L("Amazon order report")
	case "shopify":
		return lang.L("Shopify orders")
	case importer.PresetShopdesk:
		if p.Kind == importer.KindCustomers {
			return lang.L("Shopdesk customer export")
		}
		return lang.L("Shopdesk order export")
	}
	return p.Name
}

// usable lists the presets that fit the kind: order layouts also give
// customers (the buyers), customer layouts give no orders.
func (w *importWizard) usable() []importer.Preset {
	var out []importer.Preset
	for _, p := range w.presets {
		if p.Kind == w.kind || (w.kind == importer.KindCustomers && p.Kind == importer.KindOrders) {
			out = append(out, p)
		}
	}
	return out
}

// showMapping shows what was detected and a column choice per field.
func (w *importWizard) showMapping() {
	tab := w.table
	delim := map[rune]string{',': lang.L("comma"), '\t': lang.L("tab"), ';': lang.L("semicolon")}[tab.Delimiter]
	args := map[string]any{"File": filepath.Base(w.path), "Encoding": tab.Encoding, "Rows": len(tab.Rows) + len(tab.Bad), "Delimiter": delim}
	w.info = widget.NewLabel(lang.L("{{.File}}: {{.Encoding}}, {{.Rows}} rows", args))
	if delim != "" {
		w.info.SetText(lang.L("{{.File}}: {{.Encoding}}, {{.Rows}} rows, separated by {{.Delimiter}}", args))
	}
	w.info.Wrapping = fyne.TextWrapWord

	none := lang.L("(no preset)")
	labels := []string{none}
	byLabel := map[string]importer.Preset{none: {Kind: w.kind}}
	for _, p := range w.usable() {
		l := presetLabel(p)
		if _, dup := byLabel[l]; !dup {
			labels = append(labels, l)
			byLabel[l] = p
		}
	}
	w.presetSel = widget.NewSelect(labels, nil)
	if w.preset.Name != "" {
		w.presetSel.SetSelected(presetLabel(w.preset))
	} else {
		w.presetSel.SetSelected(none)
	}
	w.presetSel.OnChanged = func(l string) {
		w.preset = byLabel[l]
		w.fillSelects()
	}
	detected := lang.L("No known layout was recognised: choose the columns below.")
	if w.preset.Name != "" {
		detected = lang.L("Recognised: {{.Preset}}. Check the columns below.", map[string]any{"Preset": presetLabel(w.preset)})
	}

	noColumn := lang.L("(not imported)")
	options := append([]string{noColumn}, columnNames(tab.Header)...)
	w.selects = map[importer.Field]*widget.Select{}
	grid := container.NewGridWithColumns(3,
		widget.NewLabelWithStyle(lang.L("Field"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle(lang.L("Column in the file"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle(lang.L("First row"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, f := range importer.Fields(w.kind) {
		sample := newTruncLabel(false)
		sel := widget.NewSelect(options, func(s string) {
			sample.SetText("")
			if i := slices.Index(options, s) - 1; i >= 0 && len(tab.Rows) > 0 && i < len(tab.Rows[0].Cells) {
				sample.SetText(oneLine(tab.Rows[0].Cells[i]))
			}
		})
		w.selects[f] = sel
		grid.Add(widget.NewLabel(fieldName(f)))
		grid.Add(sel)
		grid.Add(sample)
	}
	w.fillSelects()

	top := container.NewVBox(w.info, container.NewBorder(nil, nil, widget.NewLabel(lang.L("Layout")), nil, w.presetSel),
		wrapped(detected))
	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord
	body := container.NewBorder(top, w.status, nil, nil, container.NewVScroll(grid))
	save := widget.NewButton(lang.L("Save as preset…"), w.askPresetName)
	next := widget.NewButton(lang.L("Preview"), w.preview)
	next.Importance = widget.HighImportance
	w.setStep(stepMap, body, []fyne.CanvasObject{w.closeButton(lang.L("Cancel"))},
		widget.NewButton(lang.L("Back"), w.showFile), save, next)
}

// columnNames are the header's columns as offered, numbered where a
// header cell is empty or repeated.
func columnNames(header []string) []string {
	out := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		if h == "" || seen[h] {
			h = lang.L("Column {{.N}}", map[string]any{"N": i + 1}) + " " + h
		}
		seen[h] = true
		out[i] = h
	}
	return out
}

// fillSelects sets each field's column from the chosen preset.
func (w *importWizard) fillSelects() {
	m := w.preset.Resolve(w.table.Header)
	for f, sel := range w.selects {
		if i, ok := m[f]; ok {
			sel.SetSelectedIndex(i + 1)
		} else {
			sel.SetSelectedIndex(0)
		}
	}
}

// mapping reads the selects.
func (w *importWizard) mapping() importer.Mapping {
	m := importer.Mapping{}
	for f, sel := range w.selects {
		if i := sel.SelectedIndex(); i > 0 {
			m[f] = i - 1
		}
	}
	return m
}

func (w *importWizard) options(dry bool, progress func(done, total int)) importer.Options {
	p := w.preset
	p.Kind = w.kind
	return importer.Options{Kind: w.kind, Preset: p, Mapping: w.mapping(), DryRun: dry, Progress: progress}
}

func (w *importWizard) askPresetName() {
	name := widget.NewEntry()
	name.SetPlaceHolder(lang.L("For example: my Taobao export"))
	dialog.ShowForm(lang.L("Save the columns as a preset"), lang.L("Save"), lang.L("Cancel"),
		[]*widget.FormItem{widget.NewFormItem(lang.L("Preset name"), name)}, func(ok bool) {
			if ok && strings.TrimSpace(name.Text) != "" {
				w.savePreset(name.Text)
			}
		}, w.d.win)
}

// savePreset stores the current mapping under the name, so the next file
// with these columns is recognised.
func (w *importWizard) savePreset(name string) {
	p := importer.PresetFromMapping(name, w.kind, w.table.Header, w.mapping(), w.preset)
	go func() {
		err := w.d.store.Update(func(tx *storage.Tx) error { return importer.SavePreset(tx, p) })
		if err != nil {
			w.d.log.WithError(err).Error("Save an import preset")
		}
		w.d.do(func() {
			if err != nil {
				w.status.SetText(lang.L("The preset could not be saved. The details are in the log."))
				return
			}
			w.presets = append(slices.DeleteFunc(w.presets, func(x importer.Preset) bool {
				return x.Custom && x.Name == p.Name && x.Kind == p.Kind
			}), p)
			w.status.SetText(lang.L("Saved as “{{.Name}}”. Files with these columns will be recognised.", map[string]any{"Name": p.Name}))
		})
	}()
}

// preview runs the whole import as a dry run and shows its report.
func (w *importWizard) preview() {
	if !w.vcard {
		if err := w.checkMapping(); err != "" {
			w.status.SetText(err)
			return
		}
	}
	w.runInBackground(stepLoading, lang.L("Checking every row…"), true, w.showPreview)
}

// runInBackground runs the import (a dry run or the real one) off the
// main goroutine with a progress bar and a stop button, then shows.
func (w *importWizard) runInBackground(step, working string, dryRun bool, show func()) {
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	w.step = step
	w.showWorking(working, cancel)
	opt := w.options(dryRun, w.progressTo(w.bar))
	go func() {
		rep, err := w.run(ctx, opt)
		w.d.do(func() {
			w.cancel = nil
			if err != nil {
				w.showFailed(err)
				return
			}
			w.report = rep
			show()
		})
	}()
}

func (w *importWizard) checkMapping() string {
	m := w.mapping()
	if w.kind == importer.KindOrders {
		if _, ok := m[importer.FieldNumber]; !ok {
			return lang.L("Choose the column with the order number.")
		}
		return ""
	}
	for _, f := range []importer.Field{importer.FieldName, importer.FieldEmail, importer.FieldPhone, importer.FieldPhone2,
		importer.FieldBuyer, importer.FieldIM, importer.FieldRecvName} {
		if _, ok := m[f]; ok {
			return ""
		}
	}
	return lang.L("Choose at least the column with the name, email or phone.")
}

// run imports the file (or the vCards) with the options.
func (w *importWizard) run(ctx context.Context, opt importer.Options) (importer.Report, error) {
	if w.vcard {
		f, err := os.Open(w.path)
		if err != nil {
			return importer.Report{}, err
		}
		defer f.Close()
		return importer.ImportVCards(ctx, w.d.store, f, opt)
	}
	return importer.Run(ctx, w.d.store, w.table, opt)
}

func (w *importWizard) showFailed(err error) {
	w.d.log.WithError(err).WithField("file", w.path).Error("Import")
	msg := lang.L("The import stopped: {{.Error}}. What was imported before stays.", map[string]any{"Error": err.Error()})
	w.setStep(stepDone, wrapped(msg), nil, w.closeButton(lang.L("Close")))
}

// showWorking shows a progress bar; cancel, when set, gets a button.
func (w *importWizard) showWorking(text string, cancel func()) {
	w.bar = widget.NewProgressBar()
	body := container.NewVBox(wrapped(text), w.bar)
	var right []fyne.CanvasObject
	if cancel != nil {
		right = append(right, widget.NewButton(lang.L("Stop"), cancel))
	}
	w.setStep(w.step, body, nil, right...)
}

// summaryText is a report's counts in a sentence.
func summaryText(rep importer.Report) string {
	args := map[string]any{"Rows": rep.Rows, "New": rep.Imported, "Updated": rep.Updated,
		"Unchanged": rep.Unchanged, "Skipped": rep.Skipped, "Customers": rep.CustomersCreated}
	var s string
	if rep.DryRun {
		s = lang.L("{{.Rows}} rows: {{.New}} would be added, {{.Updated}} would update records already here, {{.Unchanged}} have nothing new, {{.Skipped}} would be skipped.", args)
	} else {
		s = lang.L("{{.Rows}} rows: {{.New}} added, {{.Updated}} updated, {{.Unchanged}} had nothing new, {{.Skipped}} skipped.", args)
	}
	if rep.CustomersCreated > 0 {
		s = sentences(s, lang.L("{{.Customers}} new customers.", args))
	}
	if rep.Cancelled {
		s = sentences(s, lang.L("Stopped before the end: the rows after these were not imported."))
	}
	return s
}

// sentences joins two sentences: with a space after a Latin full stop,
// directly after a Chinese one.
func sentences(a, b string) string {
	if strings.HasSuffix(a, "。") {
		return a + b
	}
	return a + " " + b
}

// issueText is one issue as a line of the report.
func issueText(is importer.Issue) string {
	args := map[string]any{"Line": is.Line, "Reason": reasonName(is.Code)}
	s := lang.L("Line {{.Line}}: {{.Reason}}", args)
	if is.Skipped {
		s = lang.L("Line {{.Line}}, skipped: {{.Reason}}", args)
	}
	if is.Field != "" && is.Code != importer.ReasonNoNumber && is.Code != importer.ReasonNumberMangled {
		s += " · " + fieldName(is.Field)
	}
	if is.Value != "" {
		s += " · " + oneLine(is.Value)
	}
	return s
}

// issueList is a virtualized list of report lines.
func (w *importWizard) issueList(lines []string) *widget.List {
	w.issues = lines
	return widget.NewList(func() int { return len(w.issues) },
		func() fyne.CanvasObject { return newTruncLabel(false) },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(w.issues[id]) })
}

func issueLines(rep importer.Report) []string {
	out := make([]string, len(rep.Issues))
	for i, is := range rep.Issues {
		out[i] = issueText(is)
	}
	return out
}

// showPreview shows the dry run: the counts, the first rows as they will
// be read, and every problem by line.
func (w *importWizard) showPreview() {
	w.summary = wrapped(summaryText(w.report))
	var rows fyne.CanvasObject = widget.NewLabel("")
	if !w.vcard {
		rows = w.previewTable()
	}
	var issues fyne.CanvasObject = widget.NewLabel(lang.L("No problems found."))
	if len(w.report.Issues) > 0 {
		issues = w.issueList(issueLines(w.report))
	}
	split := container.NewVSplit(rows, container.NewBorder(widget.NewLabelWithStyle(lang.L("Problems by line"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, issues))
	split.Offset = 0.5
	body := container.NewBorder(w.summary, nil, nil, nil, split)
	start := widget.NewButton(lang.L("Import"), w.start)
	start.Importance = widget.HighImportance
	if w.report.Imported+w.report.Updated == 0 {
		start.Disable()
	}
	back := widget.NewButton(lang.L("Back"), func() {
		if w.vcard {
			w.showFile()
		} else {
			w.showMapping()
		}
	})
	w.setStep(stepPreview, body, []fyne.CanvasObject{w.closeButton(lang.L("Cancel"))}, back, start)
}

// previewTable shows the first rows through the mapping, one column per
// mapped field.
func (w *importWizard) previewTable() fyne.CanvasObject {
	m := w.mapping()
	var cols []column[importer.Row]
	cols = append(cols, column[importer.Row]{title: lang.L("Line"), width: 56, text: func(r importer.Row) string { return strconv.Itoa(r.Line) }})
	for _, f := range importer.Fields(w.kind) {
		i, ok := m[f]
		if !ok {
			continue
		}
		width := float32(150)
		switch f {
		case importer.FieldNumber, importer.FieldAddress, importer.FieldItemName, importer.FieldItems, importer.FieldEmail:
			width = 210
		}
		cols = append(cols, column[importer.Row]{title: fieldName(f), width: width, text: func(r importer.Row) string {
			if i < len(r.Cells) {
				return oneLine(r.Cells[i])
			}
			return ""
		}})
	}
	rows := w.table.Rows[:min(previewRows, len(w.table.Rows))]
	return newRecordTable(cols, func() []importer.Row { return rows }, nil)
}

// progressTo moves the bar from the importing goroutine.
func (w *importWizard) progressTo(bar *widget.ProgressBar) func(done, total int) {
	return func(done, total int) {
		if total > 0 {
			w.d.do(func() { bar.SetValue(float64(done) / float64(total)) })
		}
	}
}

// start runs the import for real, with a progress bar and a stop button.
func (w *importWizard) start() {
	w.runInBackground(stepRun, lang.L("Importing…"), false, func() { w.showDone(summaryText(w.report), issueLines(w.report)) })
}

// showDone shows the report of a finished import.
func (w *importWizard) showDone(summary string, lines []string) {
	w.summary = wrapped(summary)
	var issues fyne.CanvasObject = widget.NewLabel(lang.L("No problems found."))
	if len(lines) > 0 {
		issues = w.issueList(lines)
	}
	body := container.NewBorder(w.summary, nil, nil, nil, issues)
	done := w.closeButton(lang.L("Close"))
	done.Importance = widget.HighImportance
	w.setStep(stepDone, body, nil, done)
}

// importSection is the Settings screen's way in for customers, orders
// and old mail from files, a card beside the data card's exports.
func (d *Desk) importSection() fyne.CanvasObject {
	return widget.NewCard(lang.L("Import"), lang.L("Bring customers, orders and old mail in from files."),
		container.NewGridWithColumns(3,
			widget.NewButton(lang.L("Import customers…"), func() { d.importDialog(importer.KindCustomers) }),
			widget.NewButton(lang.L("Import orders…"), func() { d.importDialog(importer.KindOrders) }),
			widget.NewButton(lang.L("Import mail…"), func() { d.importDialog(importMail) })))
}
