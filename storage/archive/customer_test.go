package archive_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/archive"
)

func readZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = data
	}
	return files
}

func exportOne(t *testing.T, s seeded) (string, map[string][]byte) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "customer.zip")
	var calls [][2]int
	err := archive.ExportCustomer(context.Background(), s.st, s.customer.ID, dst, archive.Options{
		Attachments: mailbox.ExportAttachment,
		Progress:    func(done, total int) { calls = append(calls, [2]int{done, total}) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) == 0 || calls[len(calls)-1][0] != calls[len(calls)-1][1] {
		t.Errorf("progress did not reach the end: %v", calls)
	}
	fi := must[os.FileInfo](t)(os.Stat(dst))
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("archive mode = %v, want 0600", fi.Mode().Perm())
	}
	return dst, readZip(t, dst)
}

func TestCustomerArchive(t *testing.T) {
	s := seed(t, 5)
	dst, files := exportOne(t, s)

	for _, name := range []string{"profile.json", "profile.csv", "conversations.json", "orders.csv", "calls.csv",
		"notes.csv", "followups.csv", "messages.mbox", "index.html", "manifest.json"} {
		if _, ok := files[name]; !ok {
			t.Errorf("%s is missing", name)
		}
	}

	t.Run("every .eml is the stored raw, byte for byte", func(t *testing.T) {
		emls := 0
		var stored []string
		for name, data := range files {
			if !strings.HasPrefix(name, "messages/") {
				continue
			}
			emls++
			id, err := strconv.ParseUint(strings.TrimSuffix(name[strings.LastIndexByte(name, '-')+1:], ".eml"), 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var raw []byte
			if err := s.st.View(func(tx *storage.Tx) error { raw, err = tx.Raw(id); return err }); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, raw) || !bytes.Equal(data, s.raws[id]) {
				t.Errorf("%s differs from the stored raw message %d", name, id)
			}
			stored = append(stored, name)
		}
		if emls != 5 {
			t.Errorf("got %d .eml files, want 5: %v", emls, stored)
		}
	})

	t.Run("manifest hashes verify", func(t *testing.T) {
		var man archive.Manifest
		if err := json.Unmarshal(files["manifest.json"], &man); err != nil {
			t.Fatal(err)
		}
		if man.Format != archive.ManifestFormat || man.CustomerID != s.customer.ID || man.Exported.IsZero() {
			t.Errorf("manifest header = %+v", man)
		}
		listed := map[string]bool{}
		for _, f := range man.Files {
			data, ok := files[f.Path]
			if !ok {
				t.Errorf("manifest lists %s, which is not in the zip", f.Path)
				continue
			}
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) != f.SHA256 || int64(len(data)) != f.Size {
				t.Errorf("%s: manifest hash or size does not match", f.Path)
			}
			listed[f.Path] = true
		}
		for name := range files {
			if name != "manifest.json" && !listed[name] {
				t.Errorf("%s is not in the manifest", name)
			}
		}
	})

	t.Run("attachments as they were", func(t *testing.T) {
		var found bool
		for name, data := range files {
			if strings.HasPrefix(name, "attachments/") && strings.HasSuffix(name, "/发票.pdf") {
				found = true
				if !bytes.HasPrefix(data, []byte("%PDF-1.4")) {
					t.Errorf("attachment content = %q", data)
				}
			}
		}
		if !found {
			t.Errorf("no attachments/*/发票.pdf in %v", keys(files))
		}
	})

	t.Run("profile and tables", func(t *testing.T) {
		var got storage.Customer
		if err := json.Unmarshal(files["profile.json"], &got); err != nil {
			t.Fatal(err)
		}
		var want storage.Customer
		s.st.View(func(tx *storage.Tx) error { want, _ = tx.Customer(s.customer.ID); return nil })
		if !reflect.DeepEqual(got, want) {
			t.Errorf("profile.json = %+v\nwant %+v", got, want)
		}
		for name, header := range map[string][]string{"profile.csv": archive.CustomerColumns, "orders.csv": archive.OrderColumns,
			"calls.csv": archive.CallColumns, "notes.csv": archive.NoteColumns, "followups.csv": archive.FollowUpColumns} {
			data := files[name]
			if !bytes.HasPrefix(data, []byte(archive.BOM)) {
				t.Errorf("%s has no BOM", name)
			}
			recs, err := csv.NewReader(bytes.NewReader(data[len(archive.BOM):])).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !reflect.DeepEqual(recs[0], header) || len(recs) < 2 {
				t.Errorf("%s: header %v, %d rows", name, recs[0], len(recs)-1)
			}
		}
		orders, _ := csv.NewReader(bytes.NewReader(files["orders.csv"][len(archive.BOM):])).ReadAll()
		row := map[string]string{}
		for i, h := range orders[0] {
			row[h] = orders[1][i]
		}
		if row["total"] != "188.00" || row["items"] != "真丝围巾 ×2 @94.00" || row["after_sales"] != "return/requested/颜色不对/94.00" ||
			row["customer_email"] != "xm@example.cn" {
			t.Errorf("orders.csv row = %v", row)
		}
		prof, _ := csv.NewReader(bytes.NewReader(files["profile.csv"][len(archive.BOM):])).ReadAll()
		if tags := prof[1][9]; tags != "'=cmd|' /C calc'!A0; 批发" {
			t.Errorf("tags cell = %q: a formula must be neutralised", tags)
		}
		if archive.UnescapeCell("'=cmd|' /C calc'!A0") != "=cmd|' /C calc'!A0" {
			t.Error("UnescapeCell does not undo EscapeCell")
		}
	})

	t.Run("index.html is offline and escaped", func(t *testing.T) {
		page := string(files["index.html"])
		for _, bad := range []string{"<script", "http://", "https://", "src=", "<img", "@import"} {
			if strings.Contains(strings.ToLower(page), bad) {
				t.Errorf("index.html contains %q", bad)
			}
		}
		for _, want := range []string{"王小明 &lt;script&gt;", "问物流 &amp; &lt;b&gt;催单&lt;/b&gt;", "您好，我的包裹到哪里了？ message 4",
			"VIP, 回复要快", "回访退货", "TB-8812-", "客户拍照", `href="messages/`, "%e5%8f%91%e7%a5%a8.pdf"} {
			if !strings.Contains(strings.ToLower(page), strings.ToLower(want)) {
				t.Errorf("index.html lacks %q", want)
			}
		}
	})

	t.Run("a real unzip tests it", func(t *testing.T) {
		out, err := exec.Command("unzip", "-t", dst).CombinedOutput()
		if err != nil {
			t.Fatalf("unzip -t: %v\n%s", err, out)
		}
		if !strings.Contains(string(out), "No errors detected") {
			t.Errorf("unzip -t said:\n%s", out)
		}
	})

	t.Run("a real mail program reads the mbox", func(t *testing.T) {
		mbox := filepath.Join(t.TempDir(), "messages.mbox")
		if err := os.WriteFile(mbox, files["messages.mbox"], 0o600); err != nil {
			t.Fatal(err)
		}
		// s-nail lists the mbox's headers and quits; -n skips any
		// system configuration, -R opens the box read-only.
		cmd := exec.Command("s-nail", "-n", "-N", "-R", "-H", "-S", "headline=%m|%s", "-S", "ttycharset=utf-8", "-f", mbox)
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "MAIL=/dev/null", "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("s-nail: %v\n%s", err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 5 {
			t.Fatalf("s-nail saw %d messages, want 5:\n%s", len(lines), out)
		}
		for i, l := range lines {
			num, subject, _ := strings.Cut(l, "|")
			if got, want := strings.TrimSpace(num)+"|"+strings.TrimSpace(subject), strconv.Itoa(i+1)+"|包裹 "+strconv.Itoa(i); got != want {
				t.Errorf("message %d: s-nail says %q, want %q", i+1, got, want)
			}
		}
		// mboxrd: a body line "From ..." is quoted, and ">From" gets one more.
		box := string(files["messages.mbox"])
		if !hasLine(box, ">From the shop's side:") || !hasLine(box, ">>From quoted") {
			t.Error("mbox body From lines are not quoted the mboxrd way")
		}
	})
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestExportCustomerCancelLeavesNothing(t *testing.T) {
	s := seed(t, 20)
	dir := t.TempDir()
	dst := filepath.Join(dir, "c.zip")
	ctx, cancel := context.WithCancel(context.Background())
	err := archive.ExportCustomer(ctx, s.st, s.customer.ID, dst, archive.Options{Progress: func(done, total int) {
		if done == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a cancelled export left %v", entries)
	}
	if err := archive.ExportCustomer(context.Background(), s.st, 9999, dst, archive.Options{}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown customer: err = %v", err)
	}
}
