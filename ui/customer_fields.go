package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fieldSpec is one entry in a row of a listEditor: a placeholder and,
// for a field with usual values (a phone's label, a chat network), the
// values offered.
type fieldSpec struct {
	placeholder string
	options     []string
}

// listEditor edits a list of values (email addresses, phone numbers with
// labels, chat handles) as rows of entries, each with a remove button,
// and an add button under them.
type listEditor struct {
	specs   []fieldSpec
	changed func()
	rows    []listRow
	box     *fyne.Container
	add     *widget.Button
	content fyne.CanvasObject
}

type listRow struct {
	entries []*widget.Entry
	obj     fyne.CanvasObject
}

func newListEditor(addLabel string, specs []fieldSpec, changed func()) *listEditor {
	l := &listEditor{specs: specs, changed: changed, box: container.NewVBox()}
	l.add = widget.NewButtonWithIcon(addLabel, theme.ContentAddIcon(), func() {
		l.addRow(nil)
		l.changed()
	})
	l.add.Importance = widget.LowImportance
	l.content = container.NewVBox(l.box, container.NewHBox(l.add))
	return l
}

func (l *listEditor) addRow(values []string) {
	var r listRow
	fields := make([]fyne.CanvasObject, len(l.specs))
	for i, sp := range l.specs {
		var e *widget.Entry
		if len(sp.options) > 0 {
			se := widget.NewSelectEntry(sp.options)
			e, fields[i] = &se.Entry, se
		} else {
			e = widget.NewEntry()
			fields[i] = e
		}
		e.SetPlaceHolder(sp.placeholder)
		if i < len(values) {
			e.SetText(values[i])
		}
		e.OnChanged = func(string) { l.changed() }
		r.entries = append(r.entries, e)
	}
	var rm *widget.Button
	rm = widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), func() {
		for i := range l.rows {
			if l.rows[i].obj == r.obj {
				l.rows = append(l.rows[:i], l.rows[i+1:]...)
				break
			}
		}
		l.box.Remove(r.obj)
		l.changed()
	})
	rm.Importance = widget.LowImportance
	r.obj = container.NewBorder(nil, nil, nil, rm, container.NewGridWithColumns(len(fields), fields...))
	l.rows = append(l.rows, r)
	l.box.Add(r.obj)
}

// set shows the values, one row each.
func (l *listEditor) set(rows [][]string) {
	l.rows = nil
	l.box.RemoveAll()
	for _, r := range rows {
		l.addRow(r)
	}
}

// values reads the rows, trimmed; rows left blank are dropped.
func (l *listEditor) values() [][]string {
	var out [][]string
	for _, r := range l.rows {
		vals := make([]string, len(r.entries))
		blank := true
		for i, e := range r.entries {
			vals[i] = strings.TrimSpace(e.Text)
			blank = blank && vals[i] == ""
		}
		if !blank {
			out = append(out, vals)
		}
	}
	return out
}
