package archive_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/archive"
)

func TestBulkLists(t *testing.T) {
	s := seed(t, 3)
	var want []storage.Customer
	var orders []storage.Order
	s.st.View(func(tx *storage.Tx) error {
		want, _ = tx.Customers(0, 0)
		orders, _ = tx.Orders(0, 0)
		return nil
	})
	export := func(t *testing.T, f func(context.Context, archive.Store, archive.Format, io.Writer, archive.Progress) error, format archive.Format) []byte {
		var b bytes.Buffer
		last := 0
		if err := f(context.Background(), s.st, format, &b, func(done, total int) { last = done }); err != nil {
			t.Fatal(err)
		}
		if last == 0 {
			t.Error("no progress reported")
		}
		return b.Bytes()
	}

	t.Run("customers CSV", func(t *testing.T) {
		data := export(t, archive.ExportCustomers, archive.CSV)
		if !bytes.HasPrefix(data, []byte("\uFEFF")) {
			t.Fatal("no BOM")
		}
		recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(recs[0], archive.CustomerColumns) || len(recs) != len(want)+1 {
			t.Fatalf("header %v, %d rows", recs[0], len(recs)-1)
		}
		// Excel would run "+86 ... (mobile)" as a formula; the importer
		// undoes the guard with UnescapeCell.
		if got := recs[1][3]; got != "'+86 138 0013 8000 (mobile)" || archive.UnescapeCell(got) != "+86 138 0013 8000 (mobile)" {
			t.Errorf("phones cell = %q", got)
		}
		if got := recs[1][4]; got != "WeChat:wxid_xm" {
			t.Errorf("im cell = %q", got)
		}
	})

	t.Run("customers XLSX reads back with excelize", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(export(t, archive.ExportCustomers, archive.XLSX)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Customers")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rows[0], archive.CustomerColumns) || len(rows) != len(want)+1 {
			t.Fatalf("header %v, %d rows", rows[0], len(rows)-1)
		}
		for i, c := range want {
			wantRow := archive.CustomerRow(c)
			got := append(rows[i+1], make([]string, len(wantRow)-len(rows[i+1]))...)
			if !reflect.DeepEqual(got, wantRow) {
				t.Errorf("row %d:\n got %q\nwant %q", i+1, got, wantRow)
			}
		}
	})

	t.Run("customers vCard", func(t *testing.T) {
		cards, err := archive.ReadVCards(bytes.NewReader(export(t, archive.ExportCustomers, archive.VCard)))
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) != len(want) {
			t.Fatalf("%d cards", len(cards))
		}
		for i, c := range cards {
			w := want[i]
			w.Created = c.Customer.Created // vCard has no creation time
			w.Updated = w.Updated.UTC().Truncate(1e9)
			if c.Err != nil || !reflect.DeepEqual(c.Customer, w) {
				t.Errorf("card %d: %v\n got %+v\nwant %+v", i, c.Err, c.Customer, w)
			}
		}
	})

	t.Run("orders CSV and XLSX", func(t *testing.T) {
		data := export(t, archive.ExportOrders, archive.CSV)
		recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(recs[0], archive.OrderColumns) || len(recs) != len(orders)+1 {
			t.Fatalf("header %v, %d rows", recs[0], len(recs)-1)
		}
		f, err := excelize.OpenReader(bytes.NewReader(export(t, archive.ExportOrders, archive.XLSX)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows("Orders")
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows { // GetRows leaves out empty cells at a row's end
			rows[i] = append(rows[i], make([]string, len(recs[i])-len(rows[i]))...)
		}
		if !reflect.DeepEqual(rows, recs) {
			t.Errorf("XLSX rows differ from CSV rows:\n%q\n%q", rows, recs)
		}
		// The total is a number cell, so a spreadsheet can sum it.
		if typ, _ := f.GetCellType("Orders", "G2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("total cell type = %v", typ)
		}
		v, _ := f.GetCellValue("Orders", "G2", excelize.Options{RawCellValue: true})
		if v != "188" {
			t.Errorf("raw total = %q, want the number 188", v)
		}
	})
}

func TestExportAll(t *testing.T) {
	s := seed(t, 3)
	for _, kind := range []string{"zip", "folder"} {
		t.Run(kind, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "all")
			if kind == "zip" {
				dst += ".zip"
			}
			if err := archive.ExportAll(context.Background(), s.st, dst, archive.Options{Attachments: mailbox.ExportAttachment}); err != nil {
				t.Fatal(err)
			}
			files := map[string][]byte{}
			if kind == "zip" {
				files = readZip(t, dst)
				if out, err := exec.Command("unzip", "-t", dst).CombinedOutput(); err != nil {
					t.Fatalf("unzip -t: %v\n%s", err, out)
				}
			} else {
				filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					if fi, _ := d.Info(); fi.Mode().Perm() != 0o600 {
						t.Errorf("%s mode %v", p, fi.Mode().Perm())
					}
					rel, _ := filepath.Rel(dst, p)
					files[filepath.ToSlash(rel)] = must[[]byte](t)(os.ReadFile(p))
					return nil
				})
			}
			for _, name := range []string{"customers.csv", "customers.xlsx", "customers.vcf", "orders.csv", "orders.xlsx", "manifest.json"} {
				if files[name] == nil {
					t.Errorf("%s missing", name)
				}
			}
			var man archive.Manifest
			if err := json.Unmarshal(files["manifest.json"], &man); err != nil {
				t.Fatal(err)
			}
			if man.Customers != 2 || len(man.Files) != len(files)-1 {
				t.Errorf("manifest: %d customers, %d files for %d", man.Customers, len(man.Files), len(files)-1)
			}
			for _, f := range man.Files {
				sum := sha256.Sum256(files[f.Path])
				if hex.EncodeToString(sum[:]) != f.SHA256 {
					t.Errorf("%s: hash mismatch", f.Path)
				}
			}
			for _, c := range []storage.Customer{s.customer, s.other} {
				dir := "customers/" + archive.CustomerFolder(c) + "/"
				for _, name := range []string{"profile.json", "index.html", "messages.mbox", "manifest.json"} {
					if files[dir+name] == nil {
						t.Errorf("%s%s missing", dir, name)
					}
				}
			}
			if !strings.HasPrefix(archive.CustomerFolder(s.customer), fmt.Sprint(s.customer.ID, " 王小明 _script_")) {
				t.Errorf("folder name %q", archive.CustomerFolder(s.customer))
			}
		})
	}
	t.Run("a folder that is not empty is refused", func(t *testing.T) {
		dst := t.TempDir()
		os.WriteFile(filepath.Join(dst, "keep.txt"), []byte("mine"), 0o600)
		if err := archive.ExportAll(context.Background(), s.st, dst, archive.Options{}); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("err = %v", err)
		}
		if data, _ := os.ReadFile(filepath.Join(dst, "keep.txt")); string(data) != "mine" {
			t.Error("the seller's file was touched")
		}
	})
}

// BenchmarkExportCustomersCSV: the target is 20,000 customers in under 2 s.
func BenchmarkExportCustomersCSV(b *testing.B) {
	st, err := storage.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	for batch := 0; batch < 20; batch++ {
		err := st.Update(func(tx *storage.Tx) error {
			for i := range 1000 {
				n := batch*1000 + i
				c := storage.Customer{Name: fmt.Sprintf("客户 %d Customer", n), Emails: []string{fmt.Sprintf("c%d@example.com", n)},
					Phones:  []storage.Phone{{Number: fmt.Sprintf("+86 138 %04d %04d", n/10000, n%10000), Label: "mobile"}},
					Address: "上海市浦东新区世纪大道 100 号", Tags: []string{"批发", "复购"}, Notes: "Prefers SF Express, calls after 6pm"}
				if err := tx.SaveCustomer(&c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if err := archive.ExportCustomers(context.Background(), st, archive.CSV, io.Discard, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExportCustomer1000Messages: the target is one customer with
// 1,000 messages to a zip in under 1 s.
func BenchmarkExportCustomer1000Messages(b *testing.B) {
	s := seed(b, 1000)
	dst := filepath.Join(b.TempDir(), "c.zip")
	b.ResetTimer()
	for b.Loop() {
		if err := archive.ExportCustomer(context.Background(), s.st, s.customer.ID, dst,
			archive.Options{Attachments: mailbox.ExportAttachment}); err != nil {
			b.Fatal(err)
		}
	}
}
