package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/shopdesk/shopdesk/storage"
)

// manageLibrary is the library the management tests start from.
var manageLibrary = []storage.CannedReply{
	{Category: "物流/发货", Title: "发货时间", Shortcut: "ship", Language: "zh-Hans",
		Variants: []storage.CannedVariant{{Body: "{{customer.name|亲}}您好，订单{{order.number}}的单号是{{order.tracking}}。"}, {Body: "第二种说法"}}},
	{Category: "物流/发货", Title: "Delay", Shortcut: "late", Language: "zh-Hans",
		Variants: []storage.CannedVariant{{Body: "抱歉，物流延迟了。"}}},
	{Category: "售后/退款", Title: "Refund", Shortcut: "refund", Language: "en",
		Variants: []storage.CannedVariant{{Body: "Your refund is on its way."}}},
}

// newCannedHarness shows the canned-replies screen over the library.
func newCannedHarness(t *testing.T) (*harness, *cannedScreen) {
	t.Helper()
	s := &shop{}
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedShop(tx, s, "王芳"); err != nil {
			return err
		}
		for _, r := range manageLibrary {
			if err := tx.SaveCannedReply(&r); err != nil {
				return err
			}
		}
		return nil
	})
	h.showPage("canned")
	cs := h.desk.canned
	h.waitFor("the library", func() bool { return len(cs.all) == len(manageLibrary) })
	return h, cs
}

// stored is the library as stored, by title.
func (h *harness) stored() map[string]storage.CannedReply {
	out := map[string]storage.CannedReply{}
	h.update(func(tx *storage.Tx) error {
		rs, err := tx.CannedReplies()
		for _, r := range rs {
			out[r.Title] = r
		}
		return err
	})
	return out
}

// openEditor opens the editor on the stored reply and waits for its preview.
func openEditor(h *harness, cs *cannedScreen, title string) *cannedEditor {
	h.t.Helper()
	cs.edit(h.stored()[title])
	e := cs.editor
	h.waitFor("the preview's customer", func() bool { return e.ctx.Customer.ID != 0 })
	return e
}

func TestCannedScreenGroupsByCategory(t *testing.T) {
	_, cs := newCannedHarness(t)
	var got []string
	for _, r := range cs.rows {
		if r.reply != nil {
			got = append(got, r.reply.Title)
		} else {
			got = append(got, "#"+strings.TrimSpace(r.heading))
		}
	}
	if want := "#售后 #退款 Refund #物流 #发货 Delay 发货时间"; strings.Join(got, " ") != want {
		t.Errorf("rows = %q, want %q", strings.Join(got, " "), want)
	}
	test.Type(cs.search, "ship")
	if len(cs.rows) != 3 || cs.rows[2].reply.Title != "发货时间" {
		t.Errorf("rows for /ship = %v", cs.rows)
	}
}

func TestCannedEditorSaves(t *testing.T) {
	h, cs := newCannedHarness(t)
	e := openEditor(h, cs, "发货时间")
	e.title.SetText("发货时间（新）")
	e.pinned.SetChecked(true)
	e.variants[1].SetText("第二种说法，改过")
	e.save()
	h.waitFor("the editor to close", func() bool { return len(h.desk.views) == 0 })
	got := h.stored()["发货时间（新）"]
	if got.ID != e.reply.ID || !got.Pinned || len(got.Variants) != 2 || got.Variants[1].Body != "第二种说法，改过" {
		t.Errorf("stored = %+v", got)
	}
}

func TestCannedEditorRefusesDuplicateShortcut(t *testing.T) {
	h, cs := newCannedHarness(t)
	e := openEditor(h, cs, "Delay")
	e.shortcut.SetText("/Ship")
	e.save()
	h.waitFor("the refusal", func() bool { return e.problem.Visible() })
	if !strings.Contains(e.problem.Text, "/ship") || !strings.Contains(e.problem.Text, "发货时间") {
		t.Errorf("refusal = %q", e.problem.Text)
	}
	if len(h.desk.views) != 1 || h.stored()["Delay"].Shortcut != "late" {
		t.Errorf("saved anyway: %+v", h.stored()["Delay"])
	}
	// Another language may share the shortcut.
	e.language.SetText("en")
	e.save()
	h.waitFor("the editor to close", func() bool { return len(h.desk.views) == 0 })
	if got := h.stored()["Delay"]; got.Shortcut != "ship" || got.Language != "en" {
		t.Errorf("stored = %+v", got)
	}
}

func TestCannedEditorPreview(t *testing.T) {
	h, cs := newCannedHarness(t)
	e := openEditor(h, cs, "发货时间")
	if got, want := e.previewText(), "王芳您好，订单TB2025112012345的单号是{{order.tracking}}。"; got != want {
		t.Errorf("preview = %q, want %q", got, want)
	}
	if !e.missing.Visible() || !strings.Contains(e.missing.Text, "{{order.tracking}}") {
		t.Errorf("missing = %q (shown %v)", e.missing.Text, e.missing.Visible())
	}
	// Live: typing changes it; the second variant can be previewed.
	e.variants[0].SetText("{{customer.name}}，{{shop.name}}")
	if got := e.previewText(); got != "王芳，竹麻家居" || e.missing.Visible() {
		t.Errorf("preview after typing = %q, missing shown %v", got, e.missing.Visible())
	}
	e.previewOf.SetSelectedIndex(1)
	if got := e.previewText(); got != "第二种说法" {
		t.Errorf("second variant preview = %q", got)
	}
}

func TestCannedDeleteUndo(t *testing.T) {
	h, cs := newCannedHarness(t)
	before := h.stored()["Refund"]
	cs.remove(before)
	h.waitFor("the undo line", func() bool { return cs.undoLine.Visible() })
	if _, ok := h.stored()["Refund"]; ok {
		t.Fatal("not deleted")
	}
	test.Tap(cs.undoBtn)
	cs.writes.Wait()
	after, ok := h.stored()["Refund"]
	if !ok || after.ID != before.ID || after.Variants[0].Body != before.Variants[0].Body {
		t.Errorf("restored %v: %+v, want %+v", ok, after, before)
	}
	if cs.undoLine.Visible() {
		t.Error("undo still offered")
	}
}

func TestCannedMoveUpDown(t *testing.T) {
	h, cs := newCannedHarness(t)
	order := func() string {
		var titles []string
		for _, r := range cs.all {
			if r.Category == "物流/发货" {
				titles = append(titles, r.Title)
			}
		}
		return strings.Join(titles, ",")
	}
	if order() != "Delay,发货时间" {
		t.Fatalf("order = %s", order())
	}
	cs.move(h.stored()["发货时间"], -1)
	h.waitFor("moved up", func() bool { return order() == "发货时间,Delay" })
	if s := h.stored(); s["发货时间"].Position != 1 || s["Delay"].Position != 2 {
		t.Errorf("positions %d %d", s["发货时间"].Position, s["Delay"].Position)
	}
	cs.move(h.stored()["发货时间"], 1)
	h.waitFor("moved down", func() bool { return order() == "Delay,发货时间" })
}

func TestCannedImportReportsBadRows(t *testing.T) {
	h, cs := newCannedHarness(t)
	path := filepath.Join(t.TempDir(), "replies.csv")
	data := "shortcut,text\r\nhello,\"Hello, how can I help?\"\r\nbad,one,two\r\nship,新的发货说明\r\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	old := h.stored()["发货时间"]
	cs.importFile(path)
	h.waitFor("the report", func() bool { return cs.report != "" })
	if !strings.HasPrefix(cs.report, "1 added, 1 updated, 1 rows skipped.") || !strings.Contains(cs.report, "\nLine 3: 3 columns; a shortcut,text file has 2.") {
		t.Errorf("report = %q", cs.report)
	}
	s := h.stored()
	if s["hello"].Variants[0].Body != "Hello, how can I help?" || s["ship"].Variants[0].Body != "新的发货说明" || s["ship"].ID != old.ID {
		t.Errorf("stored = %+v", s)
	}
}

func TestCannedExport(t *testing.T) {
	h, cs := newCannedHarness(t)
	path := filepath.Join(t.TempDir(), "out.csv")
	cs.exportFile(path)
	h.waitFor("the report", func() bool { return cs.report != "" })
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export: %v %v (%s)", fi, err, cs.report)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "发货时间") {
		t.Errorf("export = %q", data)
	}
}

func TestCtrlDigitUsesPinnedReplies(t *testing.T) {
	h, c := newExpandHarness(t, "zh-Hans")
	h.update(func(tx *storage.Tx) error {
		rs, err := tx.CannedReplies()
		if err != nil {
			return err
		}
		for _, r := range rs {
			switch r.Title {
			case "Greeting":
				r.Pinned, r.Position = true, 2
			case "物流延迟安抚":
				r.Pinned, r.Position = true, 1
			default:
				continue
			}
			if err := tx.SaveCannedReply(&r); err != nil {
				return err
			}
		}
		return nil
	})
	pressCtrl(c.body, fyne.Key2)
	if want := "Hi 王芳, I'm 小竹 from 竹麻家居."; c.body.Text != want {
		t.Errorf("body after Ctrl+2 = %q, want %q", c.body.Text, want)
	}
	c.body.SetText("")
	pressCtrl(c.body, fyne.Key1)
	if !strings.HasPrefix(c.body.Text, "王芳您好，订单TB2025112012345已由顺丰发出") {
		t.Errorf("body after Ctrl+1 = %q", c.body.Text)
	}
	pressCtrl(c.body, fyne.Key3) // two pinned: nothing
	c.writes.Wait()
}
