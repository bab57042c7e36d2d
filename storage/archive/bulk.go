package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/shopdesk/shopdesk/storage"
)

// Format is a file format for the customer and order lists.
type Format string

const (
	CSV   Format = "csv"
	XLSX  Format = "xlsx"
	VCard Format = "vcf"
)

// pageSize bounds how many records one read transaction holds.
const pageSize = 500

// eachPage walks a record type in ID order, one short transaction per
// page, checking ctx between pages.
func eachPage[T any](ctx context.Context, st Store, page func(*storage.Tx, uint64, int) ([]T, error),
	id func(T) uint64, fn func(tx *storage.Tx, recs []T) error) error {
	for after := uint64(0); ; {
		if err := ctx.Err(); err != nil {
			return err
		}
		var recs []T
		err := st.View(func(tx *storage.Tx) error {
			var err error
			if recs, err = page(tx, after, pageSize); err != nil || len(recs) == 0 {
				return err
			}
			return fn(tx, recs)
		})
		if err != nil {
			return err
		}
		if len(recs) < pageSize {
			return nil
		}
		after = id(recs[len(recs)-1])
	}
}

// rowSink takes rows of one table in one of the spreadsheet formats.
type rowSink interface {
	row(cells []string) error
	close() error
}

type csvRows struct{ cw csvWriter }

func (c *csvRows) row(cells []string) error { return c.cw.Write(cells) }
func (c *csvRows) close() error             { c.cw.Flush(); return c.cw.Error() }

// xlsxRows streams rows into one sheet, so 20,000 customers never sit in
// memory as cells.
type xlsxRows struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	w      io.Writer
	n      int
	money  map[int]bool // columns holding amounts, written as numbers
	ids    map[int]bool // columns holding IDs, written as integers
	styles map[int]int  // number style per decimal places
}

func newXLSXRows(w io.Writer, sheet string, header []string, widths map[int]float64) (*xlsxRows, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	x := &xlsxRows{f: f, sw: sw, w: w, money: map[int]bool{}, ids: map[int]bool{}, styles: map[int]int{}}
	for col, wd := range widths {
		if err := sw.SetColWidth(col+1, col+1, wd); err != nil {
			f.Close()
			return nil, err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		f.Close()
		return nil, err
	}
	for digits, fmtID := range map[int]int{0: 1, 2: 2} {
		st, err := f.NewStyle(&excelize.Style{NumFmt: fmtID})
		if err != nil {
			f.Close()
			return nil, err
		}
		x.styles[digits] = st
	}
	three := "0.000"
	if x.styles[3], err = f.NewStyle(&excelize.Style{CustomNumFmt: &three}); err != nil {
		f.Close()
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		f.Close()
		return nil, err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
		switch h {
		case "total":
			x.money[i] = true
		case "id", "customer_id":
			x.ids[i] = true
		}
	}
	if err := sw.SetRow("A1", cells, excelize.RowOpts{}); err != nil {
		f.Close()
		return nil, err
	}
	x.n = 1
	return x, nil
}

func (x *xlsxRows) row(cells []string) error {
	x.n++
	vals := make([]any, len(cells))
	currency := ""
	if len(cells) == len(OrderColumns) {
		currency = cells[7]
	}
	for i, c := range cells {
		switch {
		case x.ids[i] && c != "":
			if n, err := strconv.ParseUint(c, 10, 64); err == nil {
				vals[i] = n
				continue
			}
			vals[i] = c
		case x.money[i]:
			if v, err := strconv.ParseFloat(c, 64); err == nil {
				vals[i] = excelize.Cell{StyleID: x.styles[currencyDigits(currency)], Value: v}
				continue
			}
			vals[i] = c
		default:
			// Strings are stored as strings, never formulas, so no
			// escaping is needed here.
			vals[i] = c
		}
	}
	cell, err := excelize.CoordinatesToCellName(1, x.n)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, vals)
}

func (x *xlsxRows) close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.w)
	return err
}

func newRowSink(w io.Writer, format Format, sheet string, header []string, widths map[int]float64) (rowSink, error) {
	switch format {
	case CSV:
		cw := newCSV(w)
		if err := cw.Write(append([]string(nil), header...)); err != nil {
			return nil, err
		}
		return &csvRows{cw: cw}, nil
	case XLSX:
		return newXLSXRows(w, sheet, header, widths)
	}
	return nil, fmt.Errorf("format %q: use csv or xlsx", format)
}

// ExportCustomers writes every customer to w as CSV (UTF-8 with BOM,
// CustomerColumns), XLSX or vCard 4.0.
func ExportCustomers(ctx context.Context, st Store, format Format, w io.Writer, progress Progress) error {
	var total int
	if err := st.View(func(tx *storage.Tx) error { total = tx.CountCustomers(); return nil }); err != nil {
		return err
	}
	var rows rowSink
	if format != VCard {
		var err error
		rows, err = newRowSink(w, format, "Customers", CustomerColumns, map[int]float64{1: 20, 2: 30, 3: 24, 5: 40, 10: 40})
		if err != nil {
			return fmt.Errorf("export customers: %w", err)
		}
	}
	done := 0
	err := eachPage(ctx, st, (*storage.Tx).Customers, func(c storage.Customer) uint64 { return c.ID },
		func(_ *storage.Tx, cs []storage.Customer) error {
			for _, c := range cs {
				var err error
				if rows == nil {
					err = WriteVCard(w, c)
				} else {
					err = rows.row(CustomerRow(c))
				}
				if err != nil {
					return fmt.Errorf("customer %d: %w", c.ID, err)
				}
			}
			done += len(cs)
			progress.report(done, max(total, done))
			return nil
		})
	if err == nil && rows != nil {
		err = rows.close()
	}
	if err != nil {
		return fmt.Errorf("export customers: %w", err)
	}
	progress.report(done, done)
	return nil
}

// ExportOrders writes every order to w as CSV (OrderColumns) or XLSX,
// with the customer's first email beside the customer ID so the file
// still makes sense outside Shopdesk.
func ExportOrders(ctx context.Context, st Store, format Format, w io.Writer, progress Progress) error {
	var total int
	if err := st.View(func(tx *storage.Tx) error { total = tx.CountOrders(); return nil }); err != nil {
		return err
	}
	rows, err := newRowSink(w, format, "Orders", OrderColumns, map[int]float64{2: 28, 4: 22, 9: 20, 10: 22, 11: 40, 12: 30})
	if err != nil {
		return fmt.Errorf("export orders: %w", err)
	}
	done := 0
	emails := map[uint64]string{}
	err = eachPage(ctx, st, (*storage.Tx).Orders, func(o storage.Order) uint64 { return o.ID },
		func(tx *storage.Tx, os []storage.Order) error {
			for _, o := range os {
				email, ok := emails[o.CustomerID]
				if !ok {
					if c, err := tx.Customer(o.CustomerID); err == nil && len(c.Emails) > 0 {
						email = c.Emails[0]
					}
					emails[o.CustomerID] = email
				}
				if err := rows.row(OrderRow(o, email)); err != nil {
					return fmt.Errorf("order %d: %w", o.ID, err)
				}
			}
			done += len(os)
			progress.report(done, max(total, done))
			return nil
		})
	if err == nil {
		err = rows.close()
	}
	if err != nil {
		return fmt.Errorf("export orders: %w", err)
	}
	progress.report(done, done)
	return nil
}

// ExportFile writes one of the lists to dst atomically (0600).
func ExportFile(dst string, write func(io.Writer) error) error {
	return storage.WriteFileAtomic(dst, write)
}

// ExportAll writes everything: customers.csv/.xlsx/.vcf and orders.csv/.xlsx
// at the top, then one folder per customer holding that customer's
// archive, and a manifest.json of every file. dst ending in .zip becomes
// one zip; otherwise it is a folder that must be empty or not exist yet.
// Progress counts customers.
func ExportAll(ctx context.Context, st Store, dst string, opt Options) error {
	exported := opt.now()
	write := func(s sink) error {
		rec := &recorder{s: s}
		lists := []struct {
			name   string
			format Format
			export func(context.Context, Store, Format, io.Writer, Progress) error
		}{
			{"customers.csv", CSV, ExportCustomers}, {"customers.xlsx", XLSX, ExportCustomers},
			{"customers.vcf", VCard, ExportCustomers}, {"orders.csv", CSV, ExportOrders}, {"orders.xlsx", XLSX, ExportOrders},
		}
		for _, l := range lists {
			w, err := rec.create(l.name, exported)
			if err != nil {
				return err
			}
			if err := l.export(ctx, st, l.format, w, nil); err != nil {
				return err
			}
		}
		var total int
		if err := st.View(func(tx *storage.Tx) error { total = tx.CountCustomers(); return nil }); err != nil {
			return err
		}
		done := 0
		// Each customer's folder is written outside the page's
		// transaction: it reads the store in transactions of its own.
		for after := uint64(0); ; {
			var cs []storage.Customer
			if err := st.View(func(tx *storage.Tx) error {
				var err error
				cs, err = tx.Customers(after, pageSize)
				return err
			}); err != nil {
				return err
			}
			for _, c := range cs {
				if err := ctx.Err(); err != nil {
					return err
				}
				prefix := "customers/" + CustomerFolder(c) + "/"
				if err := writeCustomer(ctx, st, rec, prefix, c.ID, opt, exported, nil); err != nil {
					return fmt.Errorf("customer %d: %w", c.ID, err)
				}
				done++
				opt.Progress.report(done, max(total, done))
			}
			if len(cs) < pageSize {
				break
			}
			after = cs[len(cs)-1].ID
		}
		man := Manifest{Format: ManifestFormat, Exported: exported.UTC(), Customers: done, Files: rec.since(0, "")}
		data, err := json.MarshalIndent(man, "", "  ")
		if err != nil {
			return fmt.Errorf("encode manifest: %w", err)
		}
		if err := rec.write("manifest.json", exported, append(data, '\n')); err != nil {
			return err
		}
		return s.close()
	}
	var err error
	if strings.EqualFold(filepath.Ext(dst), ".zip") {
		err = storage.WriteFileAtomic(dst, func(w io.Writer) error { return write(newZipSink(w)) })
	} else {
		err = exportDir(dst, write)
	}
	if err != nil {
		return fmt.Errorf("export all to %s: %w", dst, err)
	}
	return nil
}

// exportDir writes into a new folder beside dst and renames it into
// place, so a cancelled export leaves no half-filled folder behind.
func exportDir(dst string, write func(sink) error) error {
	if entries, err := os.ReadDir(dst); err == nil && len(entries) > 0 {
		return fmt.Errorf("folder %s is not empty", dst)
	} else if err == nil {
		if err := os.Remove(dst); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp*")
	if err != nil {
		return err
	}
	d := &dirSink{root: tmp}
	if err := write(d); err != nil {
		d.close()
		os.RemoveAll(tmp)
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return nil
}

// CustomerFolder names a customer's folder in a full export: the ID
// first, so folders sort and never collide, then the name to find it by.
func CustomerFolder(c storage.Customer) string {
	name := c.Name
	if name == "" && len(c.Emails) > 0 {
		name = c.Emails[0]
	}
	if name == "" {
		return strconv.FormatUint(c.ID, 10)
	}
	return strconv.FormatUint(c.ID, 10) + " " + safeName(name, 60)
}
