package ui

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
	dataexport "github.com/shopdesk/shopdesk/storage/archive"
)

func TestArchiveLabels(t *testing.T) {
	useEnglish(t)
	labels := archiveLabels()
	for _, k := range dataexport.LabelKeys {
		if labels[k] == "" {
			t.Errorf("index.html heading %q has no translation in archiveLabels", k)
		}
	}
	if len(labels) != len(dataexport.LabelKeys) {
		t.Errorf("archiveLabels has %d keys, archive.LabelKeys %d", len(labels), len(dataexport.LabelKeys))
	}
}

// seedMailCustomer stores a customer with n messages (raw kept).
func seedMailCustomer(c *storage.Customer, n int) func(*storage.Tx) error {
	return func(tx *storage.Tx) error {
		*c = storage.Customer{Name: "陈静 Chen Jing", Emails: []string{"chenjing@example.cn"}, Phones: []storage.Phone{{Number: "13912345678"}}}
		if err := tx.SaveCustomer(c); err != nil {
			return err
		}
		conv := storage.Conversation{CustomerID: c.ID, Subject: "退货", Status: storage.StatusOpen}
		if err := tx.SaveConversation(&conv); err != nil {
			return err
		}
		for i := range n {
			raw := fmt.Sprintf("From: chenjing@example.cn\r\nSubject: return %d\r\nMessage-ID: <r%d@example.cn>\r\n\r\n想退货 %d\r\n", i, i, i)
			m := storage.Message{ConversationID: conv.ID, Direction: storage.Inbound, MessageID: fmt.Sprintf("<r%d@example.cn>", i),
				From: storage.Address{Email: c.Emails[0]}, Subject: fmt.Sprint("return ", i), Text: "想退货", Date: clock.Add(time.Duration(i) * time.Minute),
				Locations: []storage.Location{{Account: "shop", Folder: "INBOX", UIDValidity: 1, UID: uint32(i + 1)}}}
			if err := tx.SaveMessage(&m, []byte(raw)); err != nil {
				return err
			}
		}
		return tx.SaveOrder(&storage.Order{CustomerID: c.ID, Number: "JD-77", Total: 5000, Currency: "CNY"})
	}
}

func TestExportCustomerFromDesk(t *testing.T) {
	var c storage.Customer
	h := newHarness(t, seedMailCustomer(&c, 3))
	h.settle()

	// The button on the profile opens a save dialog named for the customer.
	h.desk.exportCustomerDialog(c.ID)
	if h.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no save dialog")
	}
	h.win.Canvas().Overlays().Top().Hide()
	h.win.Canvas().Overlays().Remove(h.win.Canvas().Overlays().Top())

	path := filepath.Join(t.TempDir(), "chen.zip")
	var result error = errors.New("not done")
	h.desk.exportCustomerTo(c.ID, path, func(err error) { result = err })
	if !strings.Contains(topDialogText(h.win), "chen.zip") {
		t.Errorf("progress dialog says %q", topDialogText(h.win))
	}
	h.waitFor("the export", func() bool { return result == nil || result.Error() != "not done" })
	if result != nil {
		t.Fatal(result)
	}
	if !strings.Contains(topDialogText(h.win), path) {
		t.Errorf("the result dialog says %q, want the path", topDialogText(h.win))
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	emls := 0
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, ".eml") {
			emls++
		}
	}
	if emls != 3 {
		t.Errorf("%d .eml files in the archive, want 3", emls)
	}
}

func TestExportCancelButton(t *testing.T) {
	h := newHarness(t, nil)
	h.settle()
	path := filepath.Join(t.TempDir(), "x.zip")
	var result error
	finished := false
	h.desk.runExport("Export", path, func(ctx context.Context, p dataexport.Progress) error {
		p(1, 4)
		<-ctx.Done() // a long export, until the seller cancels
		return ctx.Err()
	}, func(err error) { result, finished = err, true })
	h.waitFor("the progress bar to move", func() bool {
		var bar *widget.ProgressBar
		walkObjects(h.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.ProgressBar); ok {
				bar = b
			}
		})
		return bar != nil && bar.Value == 0.25
	})
	tapButton(t, h.win, "Cancel")
	h.waitFor("the export to stop", func() bool { return finished })
	if !errors.Is(result, context.Canceled) {
		t.Errorf("result = %v", result)
	}
	if !strings.Contains(topDialogText(h.win), "cancelled") {
		t.Errorf("dialog says %q", topDialogText(h.win))
	}
}

func TestForgetCustomerDialog(t *testing.T) {
	var c storage.Customer
	h := newHarness(t, seedMailCustomer(&c, 2))
	h.settle()
	var result error = errors.New("not done")
	h.desk.forgetCustomerDialogThen(c.ID, func(err error) { result = err })
	h.waitFor("the confirmation", func() bool { return strings.Contains(topDialogText(h.win), "陈静 Chen Jing") })
	text := topDialogText(h.win)
	if !strings.Contains(text, "1 conversations") || !strings.Contains(text, "1 orders") || !strings.Contains(text, "cannot be undone") {
		t.Errorf("confirmation says %q", text)
	}
	var trash *widget.Check
	walkObjects(h.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if ch, ok := o.(*widget.Check); ok {
			trash = ch
		}
	})
	if trash == nil || !strings.Contains(trash.Text, "2 messages") || trash.Checked {
		t.Fatalf("trash option = %+v", trash)
	}
	if !trash.Disabled() {
		t.Error("moving to Trash is offered with no way to reach the server")
	}
	tapButton(t, h.win, "Forget for good")
	h.waitFor("forgetting", func() bool { return result == nil || result.Error() != "not done" })
	if result != nil {
		t.Fatal(result)
	}
	if !strings.Contains(topDialogText(h.win), "Removed 1 conversations, 2 messages, 1 orders") {
		t.Errorf("result says %q", topDialogText(h.win))
	}
	h.store.View(func(tx *storage.Tx) error {
		if _, err := tx.Customer(c.ID); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("customer still there: %v", err)
		}
		if log, _ := tx.AuditLog(); len(log) != 1 || strings.Contains(log[0].Detail, "Chen") {
			t.Errorf("audit = %+v", log)
		}
		return nil
	})
}

func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	walkObjects(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no %q button", text)
	}
	return found
}

func TestDataSettingsBackups(t *testing.T) {
	h := newHarness(t, nil)
	h.settle()
	p := h.showPage("settings")
	h.settle()
	data := h.desk.dataDir()
	if data == "" {
		t.Fatal("no data folder")
	}

	// Automatic backup settings: keep 3, in a folder of the seller's.
	mine := filepath.Join(t.TempDir(), "my backups")
	var keep, folder *widget.Entry
	walkObjects(p.content, func(o fyne.CanvasObject) {
		if f, ok := o.(*widget.Form); ok {
			for _, it := range f.Items {
				switch it.Text {
				case "Backups to keep":
					keep = it.Widget.(*widget.Entry)
				case "Backup folder":
					walkObjects(it.Widget, func(o fyne.CanvasObject) {
						if e, ok := o.(*widget.Entry); ok {
							folder = e
						}
					})
				}
			}
		}
	})
	if keep == nil || folder == nil {
		t.Fatal("no backup fields")
	}
	if keep.Text != "7" || folder.Text != filepath.Join(data, "backups") {
		t.Errorf("defaults: keep %q, folder %q", keep.Text, folder.Text)
	}
	keep.SetText("3")
	folder.SetText(mine)
	test.Tap(findButton(t, p.content, "Save backup settings"))
	h.waitFor("the settings to save", func() bool {
		var set storage.Settings
		h.store.View(func(tx *storage.Tx) error { set, _ = tx.Settings(); return nil })
		return set.BackupKeep == 3 && set.BackupDir == mine && !set.BackupOff
	})

	test.Tap(findButton(t, p.content, "Back up now"))
	var have []storage.BackupFile
	h.waitFor("the backup", func() bool {
		have, _ = storage.ListBackups(mine)
		return len(have) == 1
	})
	h.settle()
	if fi, err := os.Stat(have[0].Path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v %v", fi, err)
	}

	// Restore: the chosen backup is staged for the next start.
	var result error = errors.New("not done")
	h.desk.stageRestore(have[0].Path, func(err error) { result = err })
	h.waitFor("staging", func() bool { return result == nil || result.Error() != "not done" })
	if result != nil {
		t.Fatal(result)
	}
	if !storage.RestorePending(data) {
		t.Error("no restore pending")
	}
	if !strings.Contains(topDialogText(h.win), "starts next") {
		t.Errorf("dialog says %q", topDialogText(h.win))
	}
}
