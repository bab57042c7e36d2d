package ui

import (
	"errors"
	"fmt"
	"mime"
	"os"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox"
)

// attachList shows the files attached to a reply, each removable. The
// draft keeps their paths; the bytes are read only when the reply is sent.
type attachList struct {
	paths    []string
	sizes    []int64
	box      *fyne.Container
	enabled  bool
	onChange func()
}

func newAttachList() *attachList {
	return &attachList{box: container.NewVBox(), enabled: true}
}

// add attaches a file once; it reports whether it was new.
func (l *attachList) add(path string, size int64) bool {
	if slices.Contains(l.paths, path) {
		return false
	}
	l.paths = append(l.paths, path)
	l.sizes = append(l.sizes, size)
	l.rebuild()
	return true
}

func (l *attachList) remove(path string) {
	i := slices.Index(l.paths, path)
	if i < 0 || !l.enabled {
		return
	}
	l.paths = slices.Delete(l.paths, i, i+1)
	l.sizes = slices.Delete(l.sizes, i, i+1)
	l.rebuild()
	if l.onChange != nil {
		l.onChange()
	}
}

func (l *attachList) setEnabled(on bool) {
	l.enabled = on
	l.rebuild()
}

func (l *attachList) rebuild() {
	rows := make([]fyne.CanvasObject, len(l.paths))
	for i, p := range l.paths {
		name := widget.NewLabel(filepath.Base(p) + "  (" + fileSizeText(l.sizes[i]) + ")")
		name.Truncation = fyne.TextTruncateEllipsis
		remove := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { l.remove(p) })
		remove.Importance = widget.LowImportance
		if !l.enabled {
			remove.Disable()
		}
		rows[i] = container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), remove, name)
	}
	l.box.Objects = rows
	l.box.Refresh()
}

// total is the size of every attached file.
func (l *attachList) total() int64 {
	var n int64
	for _, s := range l.sizes {
		n += s
	}
	return n
}

// chooseFile attaches a file picked in the open dialog.
func (c *composer) chooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			c.log.WithError(err).Error("Choose a file to attach")
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		c.attachFiles([]string{path})
	}, c.win)
	d.Resize(fyne.NewSize(700, 500))
	d.Show()
}

// dropped attaches the files dropped onto the window.
func (c *composer) dropped(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	c.attachFiles(paths)
}

// attachFiles checks the files off the main goroutine (a network folder
// may be slow) and lists the ones that can be sent.
func (c *composer) attachFiles(paths []string) {
	if len(paths) == 0 || c.busy || c.finished {
		return
	}
	go func() {
		sizes, err := statFiles(paths)
		c.d.do(func() {
			added := false
			for _, p := range paths {
				if size, ok := sizes[p]; ok && c.attach.add(p, size) {
					added = true
				}
			}
			if added {
				c.changed()
			}
			var bad *attachmentError
			switch {
			case errors.As(err, &bad):
				dialog.ShowError(errors.New(lang.L("{{.Name}} cannot be attached: only readable files can be sent.", map[string]any{"Name": bad.name})), c.win)
			case c.attach.total() > maxAttachments:
				dialog.ShowError(errors.New(lang.L("The attachments add up to {{.Size}}; mail servers take at most {{.Max}}. Remove some and send again.",
					map[string]any{"Size": fileSizeText(c.attach.total()), "Max": fileSizeText(maxAttachments)})), c.win)
			}
		})
	}()
}

// attachmentError names a file that cannot be attached.
type attachmentError struct {
	name string
	err  error
}

func (e *attachmentError) Error() string { return fmt.Sprintf("attachment %s: %v", e.name, e.err) }
func (e *attachmentError) Unwrap() error { return e.err }

// tooLargeError says the attachments are over what servers accept.
type tooLargeError struct{ total, max int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("attachments of %d bytes are over the limit of %d", e.total, e.max)
}

// statFiles returns the sizes of the paths that are regular files, and
// an error naming the first that is not.
func statFiles(paths []string) (map[string]int64, error) {
	sizes := map[string]int64{}
	var first error
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err == nil && !fi.Mode().IsRegular() {
			err = errors.New("not a regular file")
		}
		if err != nil {
			if first == nil {
				first = &attachmentError{name: filepath.Base(p), err: err}
			}
			continue
		}
		sizes[p] = fi.Size()
	}
	return sizes, first
}

// readAttachments reads the files to send, refusing more than max bytes
// in all before reading any.
func readAttachments(paths []string, max int64) ([]mailbox.DraftAttachment, error) {
	sizes, err := statFiles(paths)
	if err != nil {
		return nil, err
	}
	var total int64
	for _, s := range sizes {
		total += s
	}
	if total > max {
		return nil, &tooLargeError{total: total, max: max}
	}
	out := make([]mailbox.DraftAttachment, 0, len(paths))
	var read int64
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, &attachmentError{name: filepath.Base(p), err: err}
		}
		if read += int64(len(data)); read > max { // a file grew since
			return nil, &tooLargeError{total: read, max: max}
		}
		typ := "application/octet-stream"
		if t, _, err := mime.ParseMediaType(mime.TypeByExtension(filepath.Ext(p))); err == nil {
			typ = t
		}
		out = append(out, mailbox.DraftAttachment{Name: filepath.Base(p), Type: typ, Data: data})
	}
	return out, nil
}
