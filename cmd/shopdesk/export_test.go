package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/archive"
)

func TestExportCommands(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir)
	out := t.TempDir()
	cases := []struct {
		name  string
		args  []string
		code  int
		file  string
		check func(t *testing.T, data []byte)
	}{
		{"customers csv", []string{"export", "customers", "--format", "csv", "--out", filepath.Join(out, "c.csv")}, exitOK, "c.csv",
			func(t *testing.T, data []byte) {
				if !bytes.HasPrefix(data, []byte(archive.BOM+strings.Join(archive.CustomerColumns, ","))) || !bytes.Contains(data, []byte("张伟")) {
					t.Errorf("csv = %q", data)
				}
			}},
		{"customers vcf by extension", []string{"export", "customers", "--out", filepath.Join(out, "c.vcf")}, exitOK, "c.vcf",
			func(t *testing.T, data []byte) {
				cards, err := archive.ReadVCards(bytes.NewReader(data))
				if err != nil || len(cards) != 2 {
					t.Errorf("%d cards, %v", len(cards), err)
				}
			}},
		{"orders xlsx", []string{"export", "orders", "--format", "xlsx", "--out", filepath.Join(out, "o.xlsx")}, exitOK, "o.xlsx",
			func(t *testing.T, data []byte) {
				f, err := excelize.OpenReader(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				rows, _ := f.GetRows("Orders")
				if len(rows) != 3 || rows[1][4] != "N-张伟" {
					t.Errorf("rows = %q", rows)
				}
			}},
		{"one customer", []string{"export", "customer", "zhang@nowhere.example", "--out", filepath.Join(out, "x.zip")}, exitError, "", nil},
		{"one customer by email", []string{"export", "customer", "sarah.lee@example.com", "--out", filepath.Join(out, "s.zip")}, exitOK, "s.zip",
			func(t *testing.T, data []byte) {
				zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
				if err != nil {
					t.Fatal(err)
				}
				if len(zr.File) < 9 {
					t.Errorf("%d files in the archive", len(zr.File))
				}
			}},
		{"all to zip", []string{"export", "all", "--out", filepath.Join(out, "all.zip")}, exitOK, "all.zip", nil},
		{"orders as vcf", []string{"export", "orders", "--format", "vcf", "--out", filepath.Join(out, "o.vcf")}, exitUsage, "", nil},
		{"no --out", []string{"export", "customers", "--format", "csv"}, exitUsage, "", nil},
		{"unknown kind", []string{"export", "parcels", "--out", "x"}, exitUsage, "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := shopdesk(t, dir, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.code, stderr)
			}
			if c.file == "" {
				return
			}
			if !strings.Contains(stderr, "/") || !strings.Contains(stderr, "wrote") {
				t.Errorf("no progress on stderr:\n%s", stderr)
			}
			p := filepath.Join(out, c.file)
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v", fi.Mode().Perm())
			}
			if c.check != nil {
				data, _ := os.ReadFile(p)
				c.check(t, data)
			}
		})
	}
}

func TestForgetCommand(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir)
	if code, _, stderr := shopdesk(t, dir, "forget", "sarah.lee@example.com"); code != exitUsage || !strings.Contains(stderr, "--yes") {
		t.Fatalf("without --yes: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := shopdesk(t, dir, "forget", "sarah.lee@example.com", "--yes")
	if code != exitOK || !strings.Contains(stdout, "1 orders") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stderr, "sarah") || strings.Contains(stderr, "Sarah") {
		t.Errorf("the log names the forgotten customer:\n%s", stderr)
	}
	if code, _, _ := shopdesk(t, dir, "forget", "sarah.lee@example.com", "--yes"); code != exitError {
		t.Errorf("forgetting an unknown customer: exit %d", code)
	}
	st, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.View(func(tx *storage.Tx) error {
		if _, err := tx.CustomerByEmail("sarah.lee@example.com"); err == nil {
			t.Error("the customer is still there")
		}
		if n := tx.CountCustomers(); n != 1 {
			t.Errorf("%d customers left, want 1", n)
		}
		if log, _ := tx.AuditLog(); len(log) != 1 {
			t.Errorf("audit log = %+v", log)
		}
		return nil
	})
}
