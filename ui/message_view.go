package ui

import (
	"errors"
	"fmt"
	"image/color"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	fstorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// Limits on what one message card draws: a label lays out every line it
// holds, so a 10 MB text would freeze the window.
const (
	maxCardText = 100 << 10 // text shown before "Show the whole message"
	maxCardRaw  = 64 << 10  // raw source shown in the card of an unreadable message
	maxLinks    = 20        // links listed under one message
)

// messageView is one message as a card: who wrote to whom and when, the
// text as plain words with quoted history folded, its links and
// attachments, and a way to its raw source. A collapsed card shows one
// line; its details are built when first expanded, so a long
// conversation opens fast and the seller sees the latest mail first.
type messageView struct {
	v   *conversationView
	msg storage.Message
	raw string // the start of the source, for a message that could not be parsed

	full, folded string // the text with and without quoted history
	expanded     bool
	showQuote    bool
	showAll      bool

	header  *cardHeader
	snippet *lineLabel
	details fyne.CanvasObject // nil until first expanded
	box     *fyne.Container
	content fyne.CanvasObject

	body      *widget.Label
	quoteBtn  *widget.Button
	allBtn    *widget.Button
	links     []*widget.Hyperlink
	openBtns  []*widget.Button
	saveBtns  []*widget.Button
	sourceBtn *widget.Button
}

// maxSnippet bounds the one line of a collapsed card, in cells (a
// Chinese character takes two): short enough to fit a card without
// cutting, since fitting by measuring costs Fyne a text shaping per try.
const maxSnippet = 80

// snippetOf is the start of a text on one line.
func snippetOf(text string) string {
	s := oneLine(cutText(text, 4*maxSnippet))
	cells := 0
	for i, r := range s {
		w := 1
		if isWide(r) {
			w = 2
		}
		if cells+w > maxSnippet {
			return s[:i] + "…"
		}
		cells += w
	}
	return s
}

// isWide: CJK characters and full-width forms are about twice as wide
// as Latin letters.
func isWide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xff60)
}

// newMessageView builds the card, collapsed or expanded.
func newMessageView(v *conversationView, m storage.Message, raw string, expanded bool) *messageView {
	mv := &messageView{v: v, msg: m, raw: raw}
	if m.ParseError != "" {
		mv.full, mv.folded = raw, raw
	} else {
		mv.full = m.Text
		mv.folded, _ = foldQuotes(m.Text)
	}
	// Card lines are lineLabels: with Fyne's ellipsis a conversation of
	// 50 messages took half a second to open.
	from := newLineLabel(formatAddress(m.From), fyne.TextStyle{Bold: true}, theme.ColorNameForeground)
	date := widget.NewLabel(formatDate(m.Date))
	if m.Date.IsZero() {
		date.SetText(lang.L("No date"))
	}
	mv.header = newCardHeader(container.NewBorder(nil, nil, directionIcon(m.Direction), date, from), mv.toggle)
	mv.snippet = newLineLabel(snippetOf(mv.folded), fyne.TextStyle{}, theme.ColorNamePlaceHolder)
	mv.box = container.NewVBox(mv.header, mv.snippet)

	bg := canvas.NewRectangle(cardColor(m.Direction))
	bg.CornerRadius = theme.InputRadiusSize()
	mv.content = container.NewStack(bg, container.NewPadded(mv.box))
	if expanded {
		mv.setExpanded(true)
	}
	return mv
}

// toggle expands or collapses the card.
func (mv *messageView) toggle() { mv.setExpanded(!mv.expanded) }

func (mv *messageView) setExpanded(on bool) {
	mv.expanded = on
	if on && mv.details == nil {
		mv.details = mv.buildDetails()
	}
	if on {
		mv.box.Objects = []fyne.CanvasObject{mv.header, mv.details}
	} else {
		mv.box.Objects = []fyne.CanvasObject{mv.header, mv.snippet}
	}
	mv.box.Refresh()
}

// buildDetails makes the expanded part: recipients, text, links,
// attachments and tools.
func (mv *messageView) buildDetails() fyne.CanvasObject {
	m := mv.msg
	var parts []fyne.CanvasObject
	if to := recipients(m); to != "" {
		l := widget.NewLabel(to)
		l.Importance = widget.LowImportance
		l.Wrapping = fyne.TextWrapWord
		parts = append(parts, l)
	}
	mv.body = widget.NewLabel("")
	mv.body.Wrapping = fyne.TextWrapWord
	mv.body.Selectable = true
	switch {
	case m.ParseError != "":
		note := widget.NewLabel(lang.L("Shopdesk could not read this message, so it is shown exactly as it arrived."))
		note.Wrapping = fyne.TextWrapWord
		note.Importance = widget.WarningImportance
		parts = append(parts, note)
		mv.body.TextStyle = fyne.TextStyle{Monospace: true}
	case len(m.Problems) > 0:
		note := widget.NewLabel(lang.L("Parts of this message were damaged; it is shown as well as it could be read."))
		note.Wrapping = fyne.TextWrapWord
		note.Importance = widget.LowImportance
		parts = append(parts, note)
	}
	parts = append(parts, mv.body)

	var tools []fyne.CanvasObject
	if mv.folded != mv.full {
		mv.quoteBtn = widget.NewButton(lang.L("Show quoted text"), mv.toggleQuote)
		mv.quoteBtn.Importance = widget.LowImportance
		tools = append(tools, mv.quoteBtn)
	}
	mv.allBtn = widget.NewButton(lang.L("Show the whole message"), func() {
		mv.showAll = true
		mv.refreshBody()
	})
	mv.allBtn.Importance = widget.LowImportance
	tools = append(tools, mv.allBtn)
	mv.refreshBody()

	if m.ParseError == "" {
		if links := findLinks(m.Text); len(links) > 0 {
			parts = append(parts, mv.linkList(links))
		}
	}
	if len(m.Attachments) > 0 {
		parts = append(parts, mv.attachmentList())
	}
	mv.sourceBtn = widget.NewButton(lang.L("View source"), func() { mv.v.viewSource(m) })
	mv.sourceBtn.Importance = widget.LowImportance
	tools = append(tools, layout.NewSpacer(), mv.sourceBtn)
	parts = append(parts, container.NewHBox(tools...))
	return container.NewVBox(parts...)
}

// cardHeader is a card's first line; a click on it expands or collapses
// the card.
type cardHeader struct {
	widget.BaseWidget
	content fyne.CanvasObject
	tapped  func()
}

func newCardHeader(content fyne.CanvasObject, tapped func()) *cardHeader {
	h := &cardHeader{content: content, tapped: tapped}
	h.ExtendBaseWidget(h)
	return h
}

func (h *cardHeader) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(h.content) }
func (h *cardHeader) Tapped(*fyne.PointEvent)             { h.tapped() }
func (h *cardHeader) Cursor() desktop.Cursor              { return desktop.PointerCursor }

// toggleQuote shows or folds the quoted history.
func (mv *messageView) toggleQuote() {
	mv.showQuote = !mv.showQuote
	if mv.showQuote {
		mv.quoteBtn.SetText(lang.L("Hide quoted text"))
	} else {
		mv.quoteBtn.SetText(lang.L("Show quoted text"))
	}
	mv.refreshBody()
}

func (mv *messageView) refreshBody() {
	text := mv.folded
	if mv.showQuote {
		text = mv.full
	}
	limit := maxCardText
	if mv.msg.ParseError != "" {
		limit = maxCardRaw
	}
	cut := !mv.showAll && len(text) > limit
	if cut {
		text = cutText(text, limit) + "\n…"
	}
	if cut {
		mv.allBtn.Show()
	} else {
		mv.allBtn.Hide()
	}
	mv.body.SetText(text)
}

func (mv *messageView) linkList(links []string) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(lang.L("Links in this message (opened only when clicked):"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	title.Importance = widget.LowImportance
	box := container.NewVBox(title)
	for _, s := range links {
		u, _ := url.Parse(s) // findLinks only returns parsable URLs
		// The text is the target itself: what the seller sees is where it goes.
		h := widget.NewHyperlink(s, u)
		h.Wrapping = fyne.TextWrapBreak
		h.OnTapped = func() { mv.v.openURL(u) }
		mv.links = append(mv.links, h)
		box.Add(h)
	}
	return box
}

func (mv *messageView) attachmentList() fyne.CanvasObject {
	box := container.NewVBox()
	for i, a := range mv.msg.Attachments {
		name := widget.NewLabel(a.Name + "  (" + formatSize(a.Size) + ")")
		name.Truncation = fyne.TextTruncateEllipsis
		open := widget.NewButtonWithIcon(lang.L("Open"), theme.FolderOpenIcon(), func() { mv.v.openAttachment(mv.msg, i) })
		save := widget.NewButtonWithIcon(lang.L("Save"), theme.DocumentSaveIcon(), func() { mv.v.saveAttachment(mv.msg, i) })
		mv.openBtns = append(mv.openBtns, open)
		mv.saveBtns = append(mv.saveBtns, save)
		box.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), container.NewHBox(open, save), name))
	}
	return box
}

// noteView is an internal note shown among the messages.
func noteView(n storage.Note) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(lang.L("Internal note"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	date := widget.NewLabel(formatDate(n.Created))
	text := widget.NewLabel(n.Text)
	text.Wrapping = fyne.TextWrapWord
	text.Selectable = true
	bg := canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNameWarning), 0x30))
	bg.CornerRadius = theme.InputRadiusSize()
	return container.NewStack(bg, container.NewPadded(container.NewVBox(
		container.NewBorder(nil, nil, widget.NewIcon(theme.DocumentCreateIcon()), date, head), text)))
}

func directionIcon(d storage.Direction) fyne.CanvasObject {
	if d == storage.Outbound {
		return widget.NewIcon(theme.MailSendIcon())
	}
	return widget.NewIcon(theme.MailComposeIcon())
}

// cardColor tells our replies from the customer's mail at a glance.
func cardColor(d storage.Direction) color.Color {
	if d == storage.Outbound {
		return withAlpha(theme.Color(theme.ColorNamePrimary), 0x22)
	}
	return theme.Color(theme.ColorNameInputBackground)
}

// withAlpha is the colour, opaque as given, at the alpha.
func withAlpha(c color.Color, a uint8) color.NRGBA {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

func formatAddress(a storage.Address) string {
	name := oneLine(a.Name)
	switch {
	case name == "" && a.Email == "":
		return lang.L("Unknown sender")
	case name == "":
		return a.Email
	case a.Email == "":
		return name
	}
	return name + " <" + a.Email + ">"
}

func formatAddresses(as []storage.Address) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = formatAddress(a)
	}
	return strings.Join(out, ", ")
}

// recipients is the "To ... Cc ..." line under the sender.
func recipients(m storage.Message) string {
	var parts []string
	if len(m.To) > 0 {
		parts = append(parts, lang.L("To: {{.Who}}", map[string]any{"Who": formatAddresses(m.To)}))
	}
	if len(m.Cc) > 0 {
		parts = append(parts, lang.L("Cc: {{.Who}}", map[string]any{"Who": formatAddresses(m.Cc)}))
	}
	return strings.Join(parts, "   ")
}

// formatSize gives a file size the way file managers do.
func formatSize(n int64) string {
	switch {
	case n < 1000:
		return lang.L("{{.N}} bytes", map[string]any{"N": n})
	case n < 1000*1000:
		return lang.L("{{.N}} KB", map[string]any{"N": (n + 500) / 1000})
	}
	return lang.L("{{.N}} MB", map[string]any{"N": float64(n*10/(1000*1000)) / 10})
}

// cutText cuts s to at most n bytes on a character boundary.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// foldQuotes takes the quoted history out of a message's text: lines
// starting with ">", the "On ... wrote:" / "在 ... 写道：" line that
// introduces them, and everything after an "Original Message" separator.
// A quote in the middle of the text leaves "…" in its place. It reports
// whether anything was folded; a text that is nothing but quotes is left
// whole, so a message never looks empty.
func foldQuotes(text string) (string, bool) {
	lines := strings.Split(text, "\n")
	quoted := make([]bool, len(lines))
	for i, l := range lines {
		if isSeparator(lines, i) {
			for j := i; j < len(lines); j++ {
				quoted[j] = true
			}
			break
		}
		quoted[i] = strings.HasPrefix(strings.TrimLeft(l, " \t"), ">")
	}
	// Attribution lines: just before a quote, perhaps across a blank line
	// and wrapped over two lines by the sender's mail program.
	for i := range lines {
		if quoted[i] || !isAttribution(lines[i]) {
			continue
		}
		next := i + 1
		for next < len(lines) && strings.TrimSpace(lines[next]) == "" {
			next++
		}
		if next < len(lines) && quoted[next] {
			for j := i; j < next; j++ {
				quoted[j] = true
			}
			if i > 0 && !quoted[i-1] && startsAttribution(lines[i-1]) && !startsAttribution(lines[i]) {
				quoted[i-1] = true
			}
		}
	}
	var out []string
	folded := false
	for i, l := range lines {
		if !quoted[i] {
			out = append(out, l)
			continue
		}
		folded = true
		if i == 0 || !quoted[i-1] {
			out = append(out, "…")
		}
	}
	// A quote at the end needs no marker: the toggle says it is there.
	for len(out) > 0 && (strings.TrimSpace(out[len(out)-1]) == "" || out[len(out)-1] == "…") {
		out = out[:len(out)-1]
	}
	shown := strings.Join(out, "\n")
	if !folded || strings.Trim(shown, "…\n \t") == "" {
		return text, false
	}
	return shown, true
}

var separatorWords = []string{"original message", "原始邮件", "原始郵件", "原始メッセージ"}

// isSeparator: an Outlook-style "-----Original Message-----" line, or a
// rule of underscores followed by a "From:" header block.
func isSeparator(lines []string, i int) bool {
	t := strings.ToLower(strings.Trim(lines[i], "-_ \t"))
	for _, w := range separatorWords {
		if t == w {
			return true
		}
	}
	if strings.Count(strings.TrimSpace(lines[i]), "_") >= 20 && strings.Trim(lines[i], "_ \t") == "" {
		for j := i + 1; j < len(lines); j++ {
			if n := strings.TrimSpace(lines[j]); n != "" {
				for _, h := range []string{"From:", "发件人:", "发件人：", "寄件者:", "寄件者：", "De :", "Von:"} {
					if strings.HasPrefix(n, h) {
						return true
					}
				}
				return false
			}
		}
	}
	return false
}

func isAttribution(l string) bool {
	t := strings.TrimSpace(l)
	for _, end := range []string{"wrote:", "wrote :", "写道：", "写道:", "寫道：", "寫道:", "schrieb:", "a écrit :", "escribió:"} {
		if strings.HasSuffix(t, end) {
			return true
		}
	}
	return false
}

// startsAttribution: the first half of an attribution wrapped in two.
func startsAttribution(l string) bool {
	t := strings.TrimSpace(l)
	return strings.HasPrefix(t, "On ") || strings.HasPrefix(t, "在") || strings.HasPrefix(t, "Am ") || strings.HasPrefix(t, "Le ")
}

// linkPattern finds web links in plain text. It stops at non-ASCII, so a
// link followed by Chinese text without a space ends where the URL does.
var linkPattern = regexp.MustCompile(`(?i)\bhttps?://[a-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+`)

// findLinks lists the distinct http(s) links in the text, in order.
func findLinks(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range linkPattern.FindAllString(text, -1) {
		s = strings.TrimRight(s, ".,;:!?'")
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
		if len(out) == maxLinks {
			break
		}
	}
	return out
}

// rawText makes raw mail displayable: valid UTF-8, LF line ends, no
// control characters, at most limit bytes. It reports whether it cut.
func rawText(raw []byte, limit int) (string, bool) {
	cut := len(raw) > limit
	if cut {
		raw = raw[:limit]
	}
	var b strings.Builder
	b.Grow(len(raw))
	s := strings.ToValidUTF8(string(raw), "\uFFFD")
	for i, r := range s {
		switch {
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			b.WriteByte('\n')
		case r == '\n' || r == '\t' || (r >= 0x20 && r != 0x7f && (r < 0x80 || r > 0x9f)):
			b.WriteRune(r)
		}
	}
	return b.String(), cut
}

// maxSource bounds the source shown in the source window; an entry lays
// out every line, and a raw message may be tens of megabytes.
const maxSource = 1 << 20

// viewSource shows the message exactly as it arrived, read-only.
func (v *conversationView) viewSource(m storage.Message) {
	go func() {
		var raw []byte
		err := v.d.store.View(func(tx *storage.Tx) error {
			var err error
			raw, err = tx.Raw(m.ID)
			return err
		})
		if err != nil {
			v.log.WithError(err).WithField("message", m.ID).Error("Read a message's source")
			v.d.do(func() {
				dialog.ShowError(errors.New(lang.L("Shopdesk could not read the source of this message.")), v.d.win)
			})
			return
		}
		text, cut := rawText(raw, maxSource)
		v.d.do(func() { v.showSource(text, cut, int64(len(raw))) })
	}()
}

func (v *conversationView) showSource(text string, cut bool, size int64) {
	v.source = newSourceView(text, v.d.app.Clipboard())
	var top fyne.CanvasObject
	if cut {
		note := widget.NewLabel(lang.L("This message is {{.Size}}; its first {{.Shown}} are shown.",
			map[string]any{"Size": formatSize(size), "Shown": formatSize(maxSource)}))
		note.Importance = widget.WarningImportance
		top = note
	}
	body := container.NewBorder(top, container.NewHBox(v.source.copyAll), nil, nil, v.source.list)
	dlg := dialog.NewCustom(lang.L("Message source"), lang.L("Close"), body, v.d.win)
	win := v.d.win.Canvas().Size()
	dlg.Resize(fyne.NewSize(max(win.Width*0.85, 400), max(win.Height*0.85, 300)))
	dlg.Show()
}

// maxSourceLine bounds one line of the source as shown; mail that never
// breaks its lines would otherwise make one huge row.
const maxSourceLine = 2000

// sourceView shows raw mail read-only, one monospace line a row. It is a
// virtualized list, not a multi-line entry: an entry lays out every line
// at once, and 1 MB of source took half a minute to show.
type sourceView struct {
	lines   []string
	list    *widget.List
	copyAll *widget.Button
}

func newSourceView(text string, clip fyne.Clipboard) *sourceView {
	s := &sourceView{lines: strings.Split(text, "\n")}
	s.list = widget.NewList(
		func() int { return len(s.lines) },
		func() fyne.CanvasObject {
			// Bare text rows keep the lines close, as in a text editor.
			t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
			t.TextStyle = fyne.TextStyle{Monospace: true}
			return container.New(layout.NewCustomPaddedLayout(0, 0, theme.Padding(), 0), t)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			line := s.lines[id]
			if len(line) > maxSourceLine {
				line = cutText(line, maxSourceLine) + "…"
			}
			t := o.(*fyne.Container).Objects[0].(*canvas.Text)
			t.Text, t.Color = line, theme.Color(theme.ColorNameForeground)
			t.Refresh()
		})
	s.list.HideSeparators = true
	s.copyAll = widget.NewButtonWithIcon(lang.L("Copy all"), theme.ContentCopyIcon(), func() { clip.SetContent(text) })
	return s
}

// executableExts are file types that run code when opened: a customer's
// "invoice.pdf.exe" must not be one click from running.
var executableExts = map[string]bool{
	".exe": true, ".bat": true, ".cmd": true, ".com": true, ".js": true, ".jse": true, ".vbs": true,
	".vbe": true, ".wsf": true, ".hta": true, ".scr": true, ".msi": true, ".ps1": true, ".apk": true,
	".jar": true, ".lnk": true, ".reg": true, ".cpl": true, ".pif": true, ".sh": true, ".app": true,
}

func isExecutable(name string) bool {
	return executableExts[strings.ToLower(filepath.Ext(name))]
}

// attachmentData reads the message's source and cuts the attachment out.
func (v *conversationView) attachmentData(m storage.Message, i int) ([]byte, error) {
	var raw []byte
	err := v.d.store.View(func(tx *storage.Tx) error {
		var err error
		raw, err = tx.Raw(m.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read message %d: %w", m.ID, err)
	}
	_, _, data, err := mailbox.AttachmentData(raw, i)
	if err != nil {
		return nil, fmt.Errorf("attachment %d of message %d: %w", i, m.ID, err)
	}
	return data, nil
}

// confirmExecutable asks before a program or script leaves the mail.
func (v *conversationView) confirmExecutable(name string, then func()) {
	if !isExecutable(name) {
		then()
		return
	}
	dialog.ShowConfirm(lang.L("This file can run programs"),
		lang.L("{{.Name}} is a program or script. Files like this are a common way to spread viruses: open or save it only if you expected it from this customer.", map[string]any{"Name": name}),
		func(ok bool) {
			if ok {
				then()
			}
		}, v.d.win)
}

// openAttachment writes the attachment to a folder of its own in the
// temporary directory, under its safe name, and opens it with the
// program the system chooses.
func (v *conversationView) openAttachment(m storage.Message, i int) {
	name := mailbox.SafeFileName(m.Attachments[i].Name)
	v.confirmExecutable(name, func() {
		go func() {
			path, err := v.writeTemp(m, i, name)
			v.d.do(func() {
				if err != nil {
					v.log.WithError(err).WithField("message", m.ID).Error("Open an attachment")
					dialog.ShowError(errors.New(lang.L("Shopdesk could not open the attachment.")), v.d.win)
					return
				}
				u, _ := url.Parse(fstorage.NewFileURI(path).String())
				v.openURL(u)
			})
		}()
	})
}

func (v *conversationView) writeTemp(m storage.Message, i int, name string) (string, error) {
	data, err := v.attachmentData(m, i)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "shopdesk-attachment-")
	if err != nil {
		return "", fmt.Errorf("make a folder for the attachment: %w", err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("write the attachment: %w", err)
	}
	return path, nil
}

// saveAttachment asks for a folder and saves the attachment in it under
// its safe name: nothing is overwritten and nothing lands outside the
// folder, whatever name the sender gave (mailbox.SaveAttachment).
func (v *conversationView) saveAttachment(m storage.Message, i int) {
	name := mailbox.SafeFileName(m.Attachments[i].Name)
	v.confirmExecutable(name, func() {
		dlg := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err != nil {
				v.log.WithError(err).Error("Choose where to save an attachment")
				dialog.ShowError(errors.New(lang.L("Shopdesk could not save the attachment.")), v.d.win)
				return
			}
			if dir == nil {
				return // the seller cancelled
			}
			go v.writeAttachment(m, i, dir.Path())
		}, v.d.win)
		dlg.Show()
		size := v.d.win.Canvas().Size()
		dlg.Resize(fyne.NewSize(max(size.Width*0.8, 600), max(size.Height*0.8, 420)))
		v.saveDialog = dlg
	})
}

// writeAttachment saves the attachment in the folder and says under
// which name.
func (v *conversationView) writeAttachment(m storage.Message, i int, dir string) {
	data, err := v.attachmentData(m, i)
	saved := ""
	if err == nil {
		saved, err = mailbox.SaveAttachment(dir, m.Attachments[i].Name, data)
	}
	if err != nil {
		v.log.WithError(err).WithField("message", m.ID).Error("Save an attachment")
		v.d.do(func() {
			dialog.ShowError(errors.New(lang.L("Shopdesk could not save the attachment.")), v.d.win)
		})
		return
	}
	v.d.do(func() {
		dialog.ShowInformation(lang.L("Attachment saved"),
			lang.L("Saved as {{.Name}} in {{.Folder}}.", map[string]any{"Name": saved, "Folder": dir}), v.d.win)
	})
}

// lineLabel is one line of text cut to its width with "…". Fyne's own
// ellipsis and clip shape the text again for every width they try (each
// try costs about a millisecond on new text); this measures the text once
// and cuts in proportion, so a conversation's cards lay out fast.
type lineLabel struct {
	widget.BaseWidget
	full  string
	style fyne.TextStyle
	color fyne.ThemeColorName
}

func newLineLabel(text string, style fyne.TextStyle, color fyne.ThemeColorName) *lineLabel {
	l := &lineLabel{full: text, style: style, color: color}
	l.ExtendBaseWidget(l)
	return l
}

func (l *lineLabel) CreateRenderer() fyne.WidgetRenderer {
	t := canvas.NewText(l.full, theme.Color(l.color))
	t.TextStyle = l.style
	return &lineLabelRenderer{l: l, text: t}
}

type lineLabelRenderer struct {
	l    *lineLabel
	text *canvas.Text
}

func (r *lineLabelRenderer) Layout(size fyne.Size) {
	pad := theme.InnerPadding()
	avail := size.Width - 2*pad
	full := fyne.MeasureText(r.l.full, r.text.TextSize, r.l.style)
	r.text.Text = r.l.full
	if full.Width > avail {
		runes := []rune(r.l.full)
		n := int(float32(len(runes))*max(avail, 0)/full.Width*0.95) - 1
		r.text.Text = string(runes[:max(n, 0)]) + "…"
	}
	r.text.Move(fyne.NewPos(pad, (size.Height-full.Height)/2))
	r.text.Resize(fyne.NewSize(max(avail, 0), full.Height))
	r.text.Refresh()
}

// MinSize is one line high and narrow: the text gives way to its neighbours.
func (r *lineLabelRenderer) MinSize() fyne.Size {
	h := fyne.MeasureText("M", r.text.TextSize, r.l.style).Height
	return fyne.NewSize(2*theme.InnerPadding(), h+2*theme.InnerPadding())
}

func (r *lineLabelRenderer) Refresh() {
	r.text.Color = theme.Color(r.l.color)
	r.text.TextSize = theme.TextSize()
	r.Layout(r.l.Size())
}

func (r *lineLabelRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.text} }
func (r *lineLabelRenderer) Destroy()                     {}
