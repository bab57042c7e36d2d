package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/importer"
)

const taobaoCSV = "订单编号,买家会员名,收货人姓名,联系手机,收货地址,订单状态,物流公司,运单号,实付款,订单创建时间\r\n" +
	"3712840011223344556,林小雨lxy,林小雨,13800138001,浙江省杭州市西湖区文三路88号,买家已付款，等待卖家发货,,,188.00,2026-10-03 21:15:07\r\n" +
	"3712840011223344557,王建国wjg,王建国,13900139002,南京市鼓楼区中山北路20号\"后门,交易成功,,,99.00,2026-10-04 10:00:00\r\n" +
	"3712840011223344558,张丽zl,张丽,13700137003,上海市浦东新区张杨路500号,等待买家付款,,,59.00,2026-10-05 08:00:00\r\n"

func gbkFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	data, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportOrdersCLI(t *testing.T) {
	dir := t.TempDir()
	file := gbkFile(t, t.TempDir(), "taobao.csv", taobaoCSV)

	code, out, errOut := shopdesk(t, dir, "import", "orders", file, "--dry-run")
	if code != exitOK || !strings.Contains(out, "would import orders: 3 rows: 2 new, 0 updated, 0 unchanged, 1 skipped; 2 new customers") ||
		!strings.Contains(out, "line 3: skipped: the row could not be read") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "GBK/GB18030, comma-separated, preset taobao, 3 rows") || !strings.Contains(errOut, "100%") {
		t.Errorf("stderr %q", errOut)
	}
	if out := mustOut(t, dir, "list", "orders"); strings.TrimSpace(out) != "" {
		t.Errorf("a dry run stored orders: %s", out)
	}

	// The real import; then a later export where one order shipped.
	mustOut(t, dir, "import", "orders", file)
	shipped := strings.Replace(taobaoCSV, "买家已付款，等待卖家发货,,,", "卖家已发货，等待买家确认,中通快递,ZT123,", 1)
	file2 := gbkFile(t, t.TempDir(), "taobao2.csv", shipped)
	out = mustOut(t, dir, "import", "orders", file2, "--json")
	var rep importer.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if rep.Imported != 0 || rep.Updated != 1 || rep.Unchanged != 1 || rep.Skipped != 1 || rep.Issues[0].Line != 3 {
		t.Errorf("re-import %+v", rep)
	}
	st, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	st.View(func(tx *storage.Tx) error {
		os, _ := tx.OrdersByNumber("3712840011223344556")
		if tx.CountOrders() != 2 || len(os) != 1 || os[0].Status != storage.OrderShipped || os[0].Tracking != "ZT123" || len(os[0].History) != 2 {
			t.Errorf("orders %d, %+v", tx.CountOrders(), os)
		}
		return nil
	})
	st.Close()
}

func TestImportCLIErrors(t *testing.T) {
	dir := t.TempDir()
	src := t.TempDir()
	onlyBad := gbkFile(t, src, "bad.csv", "订单编号,买家会员名,收货人姓名,订单状态\r\n,某人,某人,交易成功\r\n")
	if code, out, _ := shopdesk(t, dir, "import", "orders", onlyBad); code != exitError || !strings.Contains(out, "line 2: skipped: no order number") {
		t.Errorf("only bad rows: exit %d, %s", code, out)
	}
	unknown := filepath.Join(src, "x.csv")
	os.WriteFile(unknown, []byte("a,b,c\n1,2,3\n"), 0o600)
	if code, _, errOut := shopdesk(t, dir, "import", "customers", unknown); code != exitUsage || !strings.Contains(errOut, "The columns are: a, b, c") {
		t.Errorf("unknown layout: exit %d, %s", code, errOut)
	}
	// Mapped by hand, the same file imports.
	if code, out, errOut := shopdesk(t, dir, "import", "customers", unknown, "--map", "name=a", "--map", "phone=3"); code != exitOK || !strings.Contains(out, "1 new") {
		t.Errorf("mapped: exit %d, %s %s", code, out, errOut)
	}
	if code, _, _ := shopdesk(t, dir, "import", "orders", unknown, "--preset", "nope"); code != exitUsage {
		t.Errorf("unknown preset: exit %d", code)
	}
	if code, _, _ := shopdesk(t, dir, "import", "widgets", unknown); code != exitUsage {
		t.Errorf("unknown kind: exit %d", code)
	}
}

func TestImportMailCLI(t *testing.T) {
	dir := t.TempDir()
	box := filepath.Join(t.TempDir(), "old.mbox")
	mail := "From a@b Mon Oct  5 09:12:00 2026\nFrom: Emma <emma@example.org>\nTo: shop@example.test\nSubject: hi\nMessage-ID: <e1@example.org>\nDate: Mon, 05 Oct 2026 09:12:00 +0000\n\nhello\n\n"
	os.WriteFile(box, []byte(mail), 0o600)
	if out := mustOut(t, dir, "import", "mail", box); !strings.Contains(out, "1 messages: 1 new, 0 already held") {
		t.Errorf("first: %s", out)
	}
	if out := mustOut(t, dir, "import", "mail", box); !strings.Contains(out, "0 new, 1 already held") {
		t.Errorf("again: %s", out)
	}
}
