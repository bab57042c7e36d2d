package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/importer"
)

// taobaoFile is a Taobao order export saved by Chinese Excel (GBK), with
// a broken row on line 4 and a row without an order number on line 7.
const taobaoFile = "../storage/importer/testdata/taobao_orders_gbk.csv"

func TestImportWizardDryRunThenImport(t *testing.T) {
	h := newHarness(t, nil)
	w := h.desk.importDialog(importer.KindOrders)
	if w.step != stepFile {
		t.Fatalf("starts at %s", w.step)
	}
	w.open(taobaoFile)
	h.waitFor("the mapping step", func() bool { return w.step == stepMap })

	if !strings.Contains(w.info.Text, "GBK/GB18030") || !strings.Contains(w.info.Text, "6 rows") {
		t.Errorf("info %q", w.info.Text)
	}
	if w.presetSel.Selected != "Taobao / Tmall order export" {
		t.Errorf("preset %q", w.presetSel.Selected)
	}
	for f, col := range map[importer.Field]string{importer.FieldNumber: "订单编号", importer.FieldBuyer: "买家会员名",
		importer.FieldTracking: "物流单号", importer.FieldTotal: "买家实际支付金额"} {
		if got := w.selects[f].Selected; got != col {
			t.Errorf("%s mapped to %q, want %q", f, got, col)
		}
	}
	// The seller drops the buyer's message column before previewing.
	w.selects[importer.FieldBuyerMessage].SetSelectedIndex(0)

	w.preview()
	h.waitFor("the preview", func() bool { return w.step == stepPreview })
	want := "6 rows: 4 would be added, 0 would update records already here, 0 have nothing new, 2 would be skipped. 3 new customers."
	if w.summary.Text != want {
		t.Errorf("summary %q\nwant    %q", w.summary.Text, want)
	}
	if len(w.issues) != 2 || w.issues[0] != "Line 4, skipped: the row could not be read (a stray or unclosed quote)" ||
		!strings.HasPrefix(w.issues[1], "Line 7, skipped: no order number") {
		t.Errorf("issues %q", w.issues)
	}
	h.store.View(func(tx *storage.Tx) error {
		if tx.CountOrders() != 0 || tx.CountCustomers() != 0 {
			t.Errorf("the preview wrote %d orders, %d customers", tx.CountOrders(), tx.CountCustomers())
		}
		return nil
	})

	w.start()
	h.waitFor("the report", func() bool { return w.step == stepDone })
	if !strings.HasPrefix(w.summary.Text, "6 rows: 4 added, 0 updated") {
		t.Errorf("report %q", w.summary.Text)
	}
	h.store.View(func(tx *storage.Tx) error {
		os, _ := tx.OrdersByNumber("3712840011223344559")
		if tx.CountOrders() != 4 || len(os) != 1 || os[0].Notes != "老客户 送小样" {
			t.Errorf("%d orders; %+v", tx.CountOrders(), os)
		}
		return nil
	})
}

func TestImportWizardSavesPresetAndRecognisesIt(t *testing.T) {
	h := newHarness(t, nil)
	path := filepath.Join(t.TempDir(), "客户.csv")
	if err := os.WriteFile(path, []byte("客户,手机,微信备注\n周杰,13912345678,老客户\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := h.desk.importDialog(importer.KindCustomers)
	w.open(path)
	h.waitFor("the mapping step", func() bool { return w.step == stepMap })
	if w.presetSel.Selected != "(no preset)" {
		t.Errorf("preset %q", w.presetSel.Selected)
	}
	w.preview()
	if w.step != stepMap || w.status.Text != "Choose at least the column with the name, email or phone." {
		t.Errorf("preview without columns: step %s, %q", w.step, w.status.Text)
	}
	w.selects[importer.FieldName].SetSelected("客户")
	w.selects[importer.FieldPhone].SetSelected("手机")
	w.savePreset("我的客户表")
	h.waitFor("the preset saved", func() bool { return strings.HasPrefix(w.status.Text, "Saved as") })
	w.dlg.Hide()

	again := h.desk.importDialog(importer.KindCustomers)
	again.open(path)
	h.waitFor("the mapping step", func() bool { return again.step == stepMap })
	if again.presetSel.Selected != "我的客户表" || again.selects[importer.FieldPhone].Selected != "手机" {
		t.Errorf("saved preset not recognised: %q, phone %q", again.presetSel.Selected, again.selects[importer.FieldPhone].Selected)
	}
}
