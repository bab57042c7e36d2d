package ui

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// Inserting a canned reply, whichever way it was chosen (the picker,
// "/shortcut" then Tab, Ctrl+1..9): placeholders the store cannot fill
// (no order yet, no agent name) are asked for in a small form first, and
// the reply's files are attached to the composer.

// insertReply puts the reply's first phrasing, filled, at the cursor (in
// place of the "/shortcut" at slash, if any), attaches its files and
// counts the use. Main goroutine only.
func (c *composer) insertReply(r storage.CannedReply, ctx canned.Context, slash int) {
	if len(r.Variants) == 0 {
		return
	}
	body := r.Variants[0].Body
	text, left := canned.Render(body, ctx, r.Language)
	if len(left) == 0 {
		c.applyReply(r, text, slash)
		return
	}
	c.picker.fill = newCannedFill(c, r.Title, left, func(values map[string]string) {
		ctx.Filled = values
		text, _ := canned.Render(body, ctx, r.Language) // fields left empty stay for Send to refuse
		c.applyReply(r, text, slash)
	})
}

func (c *composer) applyReply(r storage.CannedReply, text string, slash int) {
	c.insertText(text, slash)
	c.attachCanned(r.Attachments)
	c.countUse(r.ID)
}

// cannedFilesDir holds canned-reply attachments written out for the
// composer, which attaches files by path (so a saved draft keeps them):
// one folder per content hash, the file under its own name.
// It sits beside the database; a store that has no path (a test's) uses
// the user's cache folder.
func cannedFilesDir(st Store) string {
	if p, ok := st.(interface{ Path() string }); ok && p.Path() != "" {
		return filepath.Join(filepath.Dir(p.Path()), "canned-files")
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "shopdesk", "canned-files")
}

// attachCanned writes the reply's files out of the store (off the main
// goroutine) and attaches them.
func (c *composer) attachCanned(atts []storage.CannedAttachment) {
	if len(atts) == 0 {
		return
	}
	dir := cannedFilesDir(c.d.store)
	c.writes.Add(1)
	go func() {
		defer c.writes.Done()
		var paths []string
		err := c.d.store.View(func(tx *storage.Tx) error {
			for _, a := range atts {
				p, err := writeCannedFile(tx, dir, a)
				if err != nil {
					return err
				}
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			c.log.WithError(err).Error("Attach a canned reply's files")
		}
		c.d.do(func() { c.attachFiles(paths) })
	}()
}

// writeCannedFile writes the attachment under dir/<hash>/<name>, 0600,
// unless it is there already, and returns its path.
func writeCannedFile(tx *storage.Tx, dir string, a storage.CannedAttachment) (string, error) {
	name := canned.AttachmentName(a.Name)
	folder := filepath.Join(dir, a.Hash[:min(len(a.Hash), 16)])
	path := filepath.Join(folder, name)
	if fi, err := os.Stat(path); err == nil && fi.Size() == a.Size {
		return path, nil
	}
	data, err := tx.CannedFile(a.Hash)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(folder, 0o700); err != nil {
		return "", err
	}
	return path, storage.WriteFileAtomic(path, func(w io.Writer) error { _, err := w.Write(data); return err })
}

// cannedFill is the form that asks for the placeholders a reply still
// has after filling: one field per placeholder, named in words. Tab moves
// between fields, Enter inserts, Esc cancels. A field left empty keeps
// its {{…}} in the text, so Send stays blocked until it is filled.
type cannedFill struct {
	c       *composer
	popup   *widget.PopUp
	names   []string
	form    *widget.Form
	entries []*composerEntry
	done    func(map[string]string)
}

func newCannedFill(c *composer, title string, names []string, done func(map[string]string)) *cannedFill {
	f := &cannedFill{c: c, names: names, done: done}
	form := widget.NewForm()
	f.form = form
	for _, n := range names {
		e := newComposerEntry(false, nil)
		e.onKey = f.key
		e.SetPlaceHolder("{{" + n + "}}")
		f.entries = append(f.entries, e)
		form.Append(placeholderWords(n), e)
	}
	head := widget.NewLabelWithStyle(lang.L("Fill in “{{.Title}}”", map[string]any{"Title": oneLine(title)}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Truncation = fyne.TextTruncateEllipsis
	hint := widget.NewLabel(lang.L("Tab: next field · Enter: insert · Esc: cancel. A field left empty stays as {{.Mark}} and must be filled before sending.",
		map[string]any{"Mark": "{{…}}"}))
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = theme.SizeNameCaptionText
	cancel := widget.NewButton(lang.L("Cancel"), f.cancel)
	insert := widget.NewButtonWithIcon(lang.L("Insert"), theme.ConfirmIcon(), f.submit)
	insert.Importance = widget.HighImportance
	box := container.NewVBox(head, form, hint, container.NewHBox(cancel, insert))
	f.popup = widget.NewModalPopUp(box, c.win.Canvas())
	f.popup.Resize(fyne.NewSize(440, box.MinSize().Height))
	f.popup.Show()
	c.win.Canvas().Focus(f.entries[0])
	return f
}

func (f *cannedFill) key(k *fyne.KeyEvent) bool {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		f.submit()
	case fyne.KeyEscape:
		f.cancel()
	default:
		return false
	}
	return true
}

// values are the fields typed, by placeholder name.
func (f *cannedFill) values() map[string]string {
	out := map[string]string{}
	for i, e := range f.entries {
		if v := strings.TrimSpace(e.Text); v != "" {
			out[f.names[i]] = v
		}
	}
	return out
}

func (f *cannedFill) visible() bool { return f.popup != nil && f.popup.Visible() }

func (f *cannedFill) submit() {
	if !f.visible() {
		return
	}
	v := f.values()
	f.close()
	f.done(v)
}

func (f *cannedFill) cancel() { f.close() }

func (f *cannedFill) close() {
	f.popup.Hide()
	if !f.c.closed {
		f.c.win.Canvas().Focus(f.c.body)
	}
}

// placeholderWords names a placeholder as the seller would.
func placeholderWords(name string) string {
	switch name {
	case "customer.name":
		return lang.L("Customer's name")
	case "customer.first_name":
		return lang.L("Customer's first name")
	case "order.number":
		return lang.L("Order number")
	case "order.tracking":
		return lang.L("Tracking number")
	case "order.carrier":
		return lang.L("Carrier")
	case "order.status":
		return lang.L("Order status")
	case "order.total":
		return lang.L("Order total")
	case "shop.name":
		return lang.L("Shop name")
	case "agent.name":
		return lang.L("Your name")
	}
	return name
}
