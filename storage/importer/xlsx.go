package importer

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// ReadXLSX reads the first sheet of an Excel workbook. Cells are read
// raw (dates as serial numbers, which parseTime understands), so no
// display format turns an order number into "1.23E+17" or a date into
// the reader's locale.
func ReadXLSX(r io.Reader) (*Table, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("open the workbook: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ErrEmpty
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w", sheets[0], err)
	}
	defer rows.Close()
	t := &Table{Encoding: EncXLSX}
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Bad = append(t.Bad, Issue{Line: n, Code: ReasonMalformed, Detail: err.Error(), Skipped: true})
			continue
		}
		if t.Header == nil {
			if blank(cells) {
				continue
			}
			t.Header = trimCells(cells)
			continue
		}
		if blank(cells) {
			continue
		}
		t.Rows = append(t.Rows, Row{Line: n, Cells: cells})
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("read sheet %s: %w", sheets[0], err)
	}
	if t.Header == nil {
		return nil, ErrEmpty
	}
	return t, nil
}
