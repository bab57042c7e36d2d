package canned

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopdesk/shopdesk/storage"
)

func openStore(t *testing.T) *storage.Store {
	t.Helper()
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// saveWithFile saves a reply with one attachment.
func saveWithFile(t *testing.T, st *storage.Store, shortcut, name string, data []byte) storage.CannedReply {
	t.Helper()
	r := storage.CannedReply{Category: "售前/尺码", Title: "尺码 " + shortcut, Shortcut: shortcut, Language: "zh-Hans",
		Variants: []storage.CannedVariant{{Body: "尺码表见附件"}}}
	err := st.Update(func(tx *storage.Tx) error {
		h, err := tx.PutCannedFile(data)
		if err != nil {
			return err
		}
		r.Attachments = []storage.CannedAttachment{{Name: name, Hash: h, Type: AttachmentType(name), Size: int64(len(data))}}
		return tx.SaveCannedReply(&r)
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func exportAll(t *testing.T, st *storage.Store, name string) {
	t.Helper()
	err := st.View(func(tx *storage.Tx) error {
		all, err := tx.CannedReplies()
		if err != nil {
			return err
		}
		files, err := LoadFiles(tx, all)
		if err != nil {
			return err
		}
		return Export(name, all, files)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func importFile(t *testing.T, st *storage.Store, name string) (added, updated int, bad []RowError) {
	t.Helper()
	b, err := ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	bad = b.Bad
	err = st.Update(func(tx *storage.Tx) error {
		var refused []RowError
		var err error
		added, updated, refused, err = Merge(tx, b, false)
		bad = append(bad, refused...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return added, updated, bad
}

// A JSON export carries the files (base64) into another shop's database;
// a CSV carries none, and re-importing one keeps the files already there.
func TestExportImportAttachments(t *testing.T) {
	chart := []byte("\x89PNG\r\n\x1a\nchart bytes")
	src := openStore(t)
	saveWithFile(t, src, "size", "尺码表.png", chart)
	dir := t.TempDir()
	jsonFile, csvFile := filepath.Join(dir, "lib.json"), filepath.Join(dir, "lib.csv")
	exportAll(t, src, jsonFile)
	exportAll(t, src, csvFile)
	raw, _ := os.ReadFile(jsonFile)
	if !strings.Contains(string(raw), base64.StdEncoding.EncodeToString(chart)) {
		t.Fatalf("the JSON export lacks the file's bytes:\n%s", raw)
	}
	if raw, _ := os.ReadFile(csvFile); bytes.Contains(raw, []byte("尺码表.png")) {
		t.Errorf("the CSV export names an attachment:\n%s", raw)
	}

	dst := openStore(t)
	if a, u, bad := importFile(t, dst, jsonFile); a != 1 || u != 0 || len(bad) != 0 {
		t.Fatalf("JSON import: %d added, %d updated, %v", a, u, bad)
	}
	check := func(when string) {
		t.Helper()
		err := dst.View(func(tx *storage.Tx) error {
			all, err := tx.CannedReplies()
			if err != nil {
				return err
			}
			if len(all) != 1 || len(all[0].Attachments) != 1 {
				t.Fatalf("%s: replies %+v", when, all)
			}
			a := all[0].Attachments[0]
			data, err := tx.CannedFile(a.Hash)
			if err != nil {
				return err
			}
			if a.Name != "尺码表.png" || a.Type != "image/png" || a.Size != int64(len(chart)) || !bytes.Equal(data, chart) {
				t.Errorf("%s: attachment %+v, data %q", when, a, data)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	check("after the JSON import")
	if a, u, bad := importFile(t, dst, csvFile); a != 0 || u != 1 || len(bad) != 0 {
		t.Fatalf("CSV re-import: %d added, %d updated, %v", a, u, bad)
	}
	check("after the CSV re-import")
	if err := dst.VerifyIndexes(); err != nil {
		t.Fatal(err)
	}
}

// Bad attachments in a JSON file refuse their record, by number, with a
// reason the desk can translate; the other records import.
func TestImportBadAttachments(t *testing.T) {
	good := base64.StdEncoding.EncodeToString([]byte("label"))
	big := strings.Repeat("A", (MaxAttachmentBytes/3+1)*4)
	file := `[
 {"title": "ok", "shortcut": "ok", "language": "en", "variants": [{"body": "fine"}],
  "attachments": [{"name": "../../label.pdf", "data": "` + good + `"}]},
 {"title": "tampered", "language": "en", "variants": [{"body": "x"}],
  "attachments": [{"name": "a.pdf", "hash": "00", "data": "` + good + `"}]},
 {"title": "no data", "language": "en", "variants": [{"body": "x"}],
  "attachments": [{"name": "gone.pdf", "hash": "` + storage.CannedFileHash([]byte("elsewhere")) + `"}]},
 {"title": "huge", "language": "en", "variants": [{"body": "x"}],
  "attachments": [{"name": "big.bin", "data": "` + big + `"}]},
 {"title": 42, "language": "en", "variants": [{"body": "x"}]},
 "just text"
]`
	name := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(name, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	st := openStore(t)
	added, _, bad := importFile(t, st, name)
	if added != 1 {
		t.Errorf("added %d, want 1", added)
	}
	want := []struct {
		record int
		reason Reason
		value  string
	}{
		{2, ReasonAttachment, "a.pdf"},
		{4, ReasonAttachmentsLarge, ""},
		{5, ReasonFieldType, ""},
		{6, ReasonRecord, ""},
		{3, ReasonAttachmentGone, "gone.pdf"}, // found when merging
	}
	if len(bad) != len(want) {
		t.Fatalf("bad rows %v, want %d", bad, len(want))
	}
	for i, w := range want {
		if b := bad[i]; b.Line != w.record || !b.Record || b.Reason != w.reason || b.Value != w.value || b.Msg == "" ||
			(b.Reason == ReasonFieldType) != (b.Field == "title") {
			t.Errorf("bad[%d] = %+v, want record %d %s %q", i, b, w.record, w.reason, w.value)
		}
	}
	err := st.View(func(tx *storage.Tx) error {
		all, err := tx.CannedReplies()
		if err != nil {
			return err
		}
		if len(all) != 1 || all[0].Attachments[0].Name != "label.pdf" || all[0].Attachments[0].Type != "application/pdf" {
			t.Errorf("imported %+v, want the label under its bare name", all)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Every refused CSV row has a reason code with its details, and its line.
func TestCSVRowReasons(t *testing.T) {
	csv := "category,title,shortcut,language,variant1\n" +
		"a/b,Fine,fine,en,hello\n" + // line 2
		"a/b,Short\n" + // 3
		"a/b,Spaced,two words,en,hi\n" + // 4
		"a/b,Empty,empty,en,\n" + // 5
		"a/b," + strings.Repeat("t", MaxTitle+1) + ",long,en,hi\n" + // 6
		"a/b,Bad \"quote,bq,en,hi\n" + // 7
		"a/b,Open,open,en,\"never closed\n" + // 8
		"a/b,Lost,lost,en,hi\n" +
		"售后/退款,\"坏\"引号,cq,zh-Hans,好\n" + // 10
		"售后/退款,Open,open,en,\"never closed\n" // 11: at the end of the file
	b, err := Read("x.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	want := []RowError{
		{Line: 3, Reason: ReasonColumns, N: 2, Max: 5},
		{Line: 4, Reason: ReasonShortcutSpace, Value: "two words"},
		{Line: 5, Reason: ReasonNoText},
		{Line: 6, Reason: ReasonTooLong, Field: "title", N: MaxTitle + 1, Max: MaxTitle},
		{Line: 7, Reason: ReasonBadQuote, N: 9},
		{Line: 8, Reason: ReasonUnclosedQuote},
		{Line: 10, Reason: ReasonBadQuote, N: 9}, // characters, not bytes
		{Line: 11, Reason: ReasonUnclosedQuote},
	}
	// The CSV reader reports syntax errors before rows are checked.
	var got []RowError
	for _, r := range b.Bad {
		r.Msg = ""
		got = append(got, r)
	}
	byLine := map[int]RowError{}
	for _, g := range got {
		byLine[g.Line] = g
	}
	if len(got) != len(want) {
		t.Fatalf("bad rows %+v, want %d", got, len(want))
	}
	for _, w := range want {
		if g := byLine[w.Line]; g != w {
			t.Errorf("line %d: %#v, want %#v", w.Line, g, w)
		}
	}
	if len(b.Replies) != 2 || b.Lines[0] != 2 || b.Lines[1] != 9 {
		t.Errorf("kept %d replies at lines %v, want lines 2 and 9", len(b.Replies), b.Lines)
	}
	for _, r := range b.Bad {
		if !strings.HasPrefix(r.String(), r.Where()+": ") || r.Msg == "" {
			t.Errorf("%+v: String %q", r, r.String())
		}
	}
}

// A file that is not a library at all is one error saying why.
func TestFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       FileReason
	}{
		{"x.json", `{"not": "an array"}`, FileNotJSON},
		{"x.csv", "a,b,c\n1,2,3\n", FileNotCSV},
		{"x.xlsx", "", FileKindName},
	} {
		_, err := Read(tc.name, []byte(tc.data))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Reason != tc.want {
			t.Errorf("%s %q: %v, want a %s FileError", tc.name, tc.data, err, tc.want)
		}
	}
}
