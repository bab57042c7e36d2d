package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// column is one column of a record table: its heading, width and the
// plain text it shows for a record.
type column[T any] struct {
	title string
	width float32
	text  func(T) string
}

// newRecordTable makes a virtualized table with a header row. rows is read
// on every draw (main goroutine); drawn is told which row was drawn so the
// screen can fetch the next page.
func newRecordTable[T any](cols []column[T], rows func() []T, drawn func(row int)) *widget.Table {
	t := widget.NewTable(
		func() (int, int) { return len(rows()), len(cols) },
		func() fyne.CanvasObject { return newTruncLabel(false) },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			rs := rows()
			if id.Row >= len(rs) {
				return
			}
			o.(*widget.Label).SetText(cols[id.Col].text(rs[id.Row]))
			if drawn != nil && id.Col == 0 {
				drawn(id.Row)
			}
		})
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject { return newTruncLabel(true) }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(cols) {
			o.(*widget.Label).SetText(cols[id.Col].title)
		}
	}
	for i, c := range cols {
		t.SetColumnWidth(i, c.width)
	}
	return t
}
