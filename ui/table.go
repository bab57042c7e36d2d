package ui

import (
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
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

// listFilter is one filter control above a list and the filter it
// currently stands for (nil when it lets everything through). A screen
// keeps its filters in a slice, so a new one is one more entry.
type listFilter[F any] struct {
	control fyne.CanvasObject
	current func() F
}

// listQuery is a list screen's search box and filters, and the query
// they make, which the screen's load reads off the main goroutine. F is
// a screen's filter function type (nil lets everything through).
type listQuery[F storage.CustomerFilter | storage.OrderFilter] struct {
	search  *widget.Entry
	filters []listFilter[F]

	mu    sync.Mutex
	query []F
}

// controls makes the search box (it calls changed as the seller types)
// and lays it out with the filters' controls.
func (q *listQuery[F]) controls(placeholder string, changed func()) fyne.CanvasObject {
	q.search = widget.NewEntry()
	q.search.SetPlaceHolder(placeholder)
	q.search.OnChanged = func(string) { changed() }
	bar := container.NewHBox()
	for _, f := range q.filters {
		bar.Add(f.control)
	}
	return container.NewBorder(nil, nil, nil, bar, q.search)
}

// set reads the controls (main goroutine): the typed text through text,
// then each filter that narrows the list.
func (q *listQuery[F]) set(text func(string) F) {
	var fs []F
	if t := strings.TrimSpace(q.search.Text); t != "" {
		fs = append(fs, text(t))
	}
	for _, f := range q.filters {
		if c := f.current(); c != nil {
			fs = append(fs, c)
		}
	}
	q.mu.Lock()
	q.query = fs
	q.mu.Unlock()
}

// current is the query to run; narrowed says the seller narrowed the
// list, so an empty result is "nothing found" rather than "none yet".
func (q *listQuery[F]) current() (query []F, narrowed bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.query, len(q.query) > 0
}
