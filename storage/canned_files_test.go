package storage

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestCannedFiles(t *testing.T) {
	st := openTest(t)
	chart := []byte("\x89PNG size chart")
	label := []byte("%PDF-1.4 return label")
	var r1, r2 CannedReply
	mustUpdate(t, st, func(tx *Tx) error {
		// A reply cannot name bytes that are not stored.
		bad := CannedReply{Title: "size", Language: "en", Variants: []CannedVariant{{Body: "x"}},
			Attachments: []CannedAttachment{{Name: "chart.png", Hash: CannedFileHash(chart)}}}
		if err := tx.SaveCannedReply(&bad); !errors.Is(err, ErrNotFound) {
			t.Fatalf("save with a missing file: %v, want ErrNotFound", err)
		}
		h1, err := tx.PutCannedFile(chart)
		if err != nil {
			return err
		}
		h2, err := tx.PutCannedFile(label)
		if err != nil {
			return err
		}
		again, err := tx.PutCannedFile(chart)
		if err != nil || again != h1 {
			t.Fatalf("second put: %s, %v; want %s", again, err, h1)
		}
		r1 = CannedReply{Title: "size", Language: "en", Variants: []CannedVariant{{Body: "x"}},
			Attachments: []CannedAttachment{{Name: "chart.png", Hash: h1, Type: "image/png", Size: int64(len(chart))}}}
		r2 = CannedReply{Title: "return", Language: "en", Variants: []CannedVariant{{Body: "y"}},
			Attachments: []CannedAttachment{{Name: "chart.png", Hash: h1}, {Name: "label.pdf", Hash: h2}}}
		if err := tx.SaveCannedReply(&r1); err != nil {
			return err
		}
		return tx.SaveCannedReply(&r2)
	})
	// Pruning keeps what a reply uses: the chart while r1 has it, the label
	// until r2 goes.
	steps := []struct {
		name       string
		change     func(tx *Tx) error
		pruned     int
		has, hasnt [][]byte
	}{
		{"nothing unused", func(*Tx) error { return nil }, 0, [][]byte{chart, label}, nil},
		{"r2 deleted", func(tx *Tx) error { return tx.DeleteCannedReply(r2.ID) }, 1, [][]byte{chart}, [][]byte{label}},
		{"r1's attachment removed", func(tx *Tx) error {
			r1.Attachments = nil
			return tx.SaveCannedReply(&r1)
		}, 1, nil, [][]byte{chart}},
	}
	for _, s := range steps {
		mustUpdate(t, st, func(tx *Tx) error {
			if err := s.change(tx); err != nil {
				return err
			}
			n, err := tx.PruneCannedFiles()
			if err != nil {
				return err
			}
			if n != s.pruned {
				t.Errorf("%s: pruned %d, want %d", s.name, n, s.pruned)
			}
			for _, b := range s.has {
				got, err := tx.CannedFile(CannedFileHash(b))
				if err != nil || string(got) != string(b) {
					t.Errorf("%s: file %q: %q, %v", s.name, b, got, err)
				}
			}
			for _, b := range s.hasnt {
				if _, err := tx.CannedFile(CannedFileHash(b)); !errors.Is(err, ErrNotFound) {
					t.Errorf("%s: file %q still there (%v)", s.name, b, err)
				}
			}
			return nil
		})
	}
	mustVerify(t, st)
}

// A backup carries the attachments' bytes.
func TestCannedFilesInBackup(t *testing.T) {
	st := openTest(t)
	data := []byte("%PDF-1.4 label")
	mustUpdate(t, st, func(tx *Tx) error {
		h, err := tx.PutCannedFile(data)
		if err != nil {
			return err
		}
		r := CannedReply{Title: "return", Language: "en", Variants: []CannedVariant{{Body: "y"}},
			Attachments: []CannedAttachment{{Name: "label.pdf", Hash: h}}}
		return tx.SaveCannedReply(&r)
	})
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(path); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Restore(dir, path); err != nil {
		t.Fatal(err)
	}
	back, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	err = back.View(func(tx *Tx) error {
		got, err := tx.CannedFile(CannedFileHash(data))
		if err != nil {
			return err
		}
		if string(got) != string(data) {
			t.Errorf("restored file %q, want %q", got, data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
