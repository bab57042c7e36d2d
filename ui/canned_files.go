package ui

import (
	"errors"
	"fmt"
	"os"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// cannedFiles is the editor's list of the files a reply sends (a size
// chart, a return label): add from the file dialog, remove, each with its
// size. New files are held in memory until the reply is saved, when their
// bytes go into the store with it. Main goroutine only.
type cannedFiles struct {
	e      *cannedEditor
	list   []storage.CannedAttachment
	data   map[string][]byte // bytes of files added since the editor opened, by hash
	box    *fyne.Container
	addBtn *widget.Button
}

func newCannedFiles(e *cannedEditor, atts []storage.CannedAttachment) *cannedFiles {
	f := &cannedFiles{e: e, list: slices.Clone(atts), data: map[string][]byte{}, box: container.NewVBox()}
	f.addBtn = widget.NewButtonWithIcon(lang.L("Attach file…"), theme.ContentAddIcon(), f.choose)
	f.rebuild()
	return f
}

func (f *cannedFiles) rebuild() {
	rows := make([]fyne.CanvasObject, 0, len(f.list)+1)
	for _, a := range f.list {
		name := widget.NewLabel(a.Name + "  (" + fileSizeText(a.Size) + ")")
		name.Truncation = fyne.TextTruncateEllipsis
		remove := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { f.remove(a.Hash, a.Name) })
		remove.Importance = widget.LowImportance
		rows = append(rows, container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), remove, name))
	}
	if len(f.list) == 0 {
		none := widget.NewLabel(lang.L("No files. A size chart or a return label here is attached whenever the reply is inserted."))
		none.Wrapping = fyne.TextWrapWord
		none.Importance = widget.LowImportance
		rows = append(rows, none)
	}
	f.box.Objects = rows
	f.box.Refresh()
}

func (f *cannedFiles) total() int64 {
	var n int64
	for _, a := range f.list {
		n += a.Size
	}
	return n
}

// records are the attachments as the reply stores them.
func (f *cannedFiles) records() []storage.CannedAttachment { return slices.Clone(f.list) }

// newData are the bytes of the files added and still listed.
func (f *cannedFiles) newData() [][]byte {
	var out [][]byte
	for _, a := range f.list {
		if d, ok := f.data[a.Hash]; ok {
			out = append(out, d)
		}
	}
	return out
}

func (f *cannedFiles) remove(hash, name string) {
	f.list = slices.DeleteFunc(f.list, func(a storage.CannedAttachment) bool { return a.Hash == hash && a.Name == name })
	f.rebuild()
}

func (f *cannedFiles) choose() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			f.e.s.d.log.WithError(err).Error("Choose a file for a canned reply")
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		f.addFile(path)
	}, f.e.s.d.win)
	d.Resize(fyne.NewSize(700, 500))
	d.Show()
}

// errTooLarge marks a file that would take the reply over the limit.
var errTooLarge = errors.New("over the attachment limit")

// addFile reads the file off the main goroutine (a network folder may be
// slow) and lists it; the reply's files may add up to what a mail server
// takes in one message.
func (f *cannedFiles) addFile(path string) {
	room := canned.MaxAttachmentBytes - f.total()
	d := f.e.s.d
	go func() {
		var data []byte
		fi, err := os.Stat(path)
		switch {
		case err == nil && !fi.Mode().IsRegular():
			err = errors.New("not a regular file")
		case err == nil && fi.Size() > room:
			err = fmt.Errorf("%s: %d bytes: %w", path, fi.Size(), errTooLarge)
		case err == nil:
			data, err = os.ReadFile(path)
			if err == nil && int64(len(data)) > room {
				err = fmt.Errorf("%s: %d bytes: %w", path, len(data), errTooLarge)
			}
		}
		d.do(func() {
			if f.e.closed {
				return
			}
			name := canned.AttachmentName(path)
			switch {
			case errors.Is(err, errTooLarge):
				size := f.total() + fi.Size()
				dialog.ShowError(errors.New(lang.L("{{.Name}} is too big: the reply's files would add up to {{.Size}}, and mail servers take at most {{.Max}}.",
					map[string]any{"Name": name, "Size": fileSizeText(size), "Max": fileSizeText(canned.MaxAttachmentBytes)})), d.win)
				return
			case err != nil:
				d.log.WithError(err).WithField("file", path).Error("Read a file for a canned reply")
				dialog.ShowError(errors.New(lang.L("{{.Name}} cannot be attached: only readable files can be sent.", map[string]any{"Name": name})), d.win)
				return
			}
			f.add(name, data)
		})
	}()
}

// add lists the bytes under the name, once.
func (f *cannedFiles) add(name string, data []byte) {
	hash := storage.CannedFileHash(data)
	if slices.ContainsFunc(f.list, func(a storage.CannedAttachment) bool { return a.Hash == hash && a.Name == name }) {
		return
	}
	f.data[hash] = data
	f.list = append(f.list, storage.CannedAttachment{Name: name, Hash: hash, Type: canned.AttachmentType(name), Size: int64(len(data))})
	f.rebuild()
}
