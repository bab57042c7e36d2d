package ui

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/shopdesk/shopdesk/storage"
)

// storedFile is the stored bytes with the hash, or nil.
func (h *harness) storedFile(hash string) []byte {
	var data []byte
	h.update(func(tx *storage.Tx) error {
		var err error
		data, err = tx.CannedFile(hash)
		if errors.Is(err, storage.ErrNotFound) {
			return nil
		}
		return err
	})
	return data
}

func TestCannedEditorAttachments(t *testing.T) {
	h, cs := newCannedHarness(t)
	dir := t.TempDir()
	chart := filepath.Join(dir, "尺码表.png")
	if err := os.WriteFile(chart, sizeChart, 0o600); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(dir, "video.mp4")
	if err := os.WriteFile(huge, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, 26<<20); err != nil { // sparse: no 26 MB written
		t.Fatal(err)
	}

	e := openEditor(h, cs, "发货时间")
	e.files.addFile(chart)
	h.waitFor("the chart listed", func() bool { return len(e.files.list) == 1 })
	if a := e.files.list[0]; a.Name != "尺码表.png" || a.Size != int64(len(sizeChart)) || a.Type != "image/png" {
		t.Errorf("listed %+v", a)
	}
	if got := strings.Join(texts(e.files.box), " "); !strings.Contains(got, "尺码表.png  (") {
		t.Errorf("the list shows %q", got)
	}
	e.files.addFile(huge)
	h.waitFor("the refusal", func() bool {
		return strings.Contains(dialogText(h.desk.win), "ideo.mp4 is too big: the reply's files would add up to 26.0 MB")
	})
	if len(e.files.list) != 1 {
		t.Errorf("the oversized file was listed: %+v", e.files.list)
	}
	e.save()
	h.waitFor("the editor to close", func() bool { return len(h.desk.views) == 0 })
	saved := h.stored()["发货时间"]
	if len(saved.Attachments) != 1 || !bytes.Equal(h.storedFile(saved.Attachments[0].Hash), sizeChart) {
		t.Fatalf("stored %+v", saved.Attachments)
	}
	hash := saved.Attachments[0].Hash

	// Deleting the reply drops the file; Undo brings both back.
	cs.remove(saved)
	h.waitFor("the undo line", func() bool { return cs.undoLine.Visible() })
	if h.storedFile(hash) != nil {
		t.Error("the deleted reply's file is still stored")
	}
	test.Tap(cs.undoBtn)
	cs.writes.Wait()
	h.waitFor("the restored reply listed", func() bool {
		return slices.ContainsFunc(cs.all, func(r storage.CannedReply) bool { return r.Title == "发货时间" })
	})
	if got := h.stored()["发货时间"]; len(got.Attachments) != 1 || !bytes.Equal(h.storedFile(hash), sizeChart) {
		t.Errorf("after Undo: %+v", got.Attachments)
	}

	// Removed in the editor, the file goes when the reply is saved.
	e = openEditor(h, cs, "发货时间")
	e.files.remove(hash, "尺码表.png")
	e.save()
	h.waitFor("the editor to close", func() bool { return len(h.desk.views) == 0 })
	if got := h.stored()["发货时间"]; len(got.Attachments) != 0 || h.storedFile(hash) != nil {
		t.Errorf("after removing: %+v, file kept %v", got.Attachments, h.storedFile(hash) != nil)
	}
	if err := h.store.VerifyIndexes(); err != nil {
		t.Error(err)
	}
}
