package storage

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
)

// dump reads every record type, for comparing whole databases.
func dump(t *testing.T, st *Store) map[string]any {
	t.Helper()
	out := map[string]any{}
	err := st.View(func(tx *Tx) error {
		var errs []error
		add := func(name string, v any, err error) {
			out[name] = v
			errs = append(errs, err)
		}
		cs, err := tx.Customers(0, 0)
		add("customers", cs, err)
		convs, err := tx.Conversations(0, 0)
		add("conversations", convs, err)
		ms, err := tx.Messages(0, 0)
		add("messages", ms, err)
		var raws []string
		for _, m := range ms {
			r, err := tx.Raw(m.ID)
			errs = append(errs, err)
			raws = append(raws, string(r))
		}
		out["raw"] = raws
		os, err := tx.Orders(0, 0)
		add("orders", os, err)
		calls, err := tx.Calls(0, 0)
		add("calls", calls, err)
		fs, err := tx.FollowUps(0, 0)
		add("followups", fs, err)
		cr, err := tx.CannedReplies()
		add("canned", cr, err)
		s, err := tx.Settings()
		add("settings", s, err)
		return errors.Join(errs...)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Normalise through JSON so nil and empty slices compare alike.
	b, _ := json.Marshal(out)
	var norm map[string]any
	json.Unmarshal(b, &norm)
	return norm
}

func TestBackupThenRestoreGivesEqualData(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	custID, convID := seedCustomer(t, st, "周杰", "zhoujie@example.cn")
	mustUpdate(t, st, func(tx *Tx) error {
		return errors.Join(
			tx.SaveMessage(&Message{ConversationID: convID, Direction: Inbound, Subject: "退货", Text: "我想退货"}, []byte("Subject: x\r\n\r\n我想退货")),
			tx.SaveOrder(&Order{CustomerID: custID, Platform: PlatformTaobao, Number: "3928475610293847561", Total: 12900, Currency: "CNY"}),
			tx.SaveCall(&Call{CustomerID: custID, Summary: "催发货"}),
			tx.SaveCannedReply(&CannedReply{Title: "问候", Variants: []CannedVariant{{Body: "您好"}}}),
			tx.SaveSettings(Settings{ShopName: "竹麻家居"}),
		)
	})
	want := dump(t, st)
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(backup); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(backup); fi.Mode().Perm() != 0o600 {
			t.Errorf("backup mode %v, want 0600", fi.Mode().Perm())
		}
	}
	// Changes after the backup are undone by the restore.
	seedCustomer(t, st, "Later", "later@example.com")

	if err := Restore(dir, backup); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("restore while open: %v, want ErrAlreadyRunning", err)
	}
	st.Close()
	if err := Restore(dir, backup); err != nil {
		t.Fatal(err)
	}
	back, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	mustVerify(t, back)
	if got := dump(t, back); !reflect.DeepEqual(got, want) {
		t.Errorf("restored data differs:\n got %v\nwant %v", got, want)
	}
}

func TestRestoreRefusesBadBackups(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	seedCustomer(t, st, "Amy", "amy@example.com")
	want := dump(t, st)
	st.Close()

	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("this is not a database"), 0o600)
	cases := map[string]string{
		"missing": filepath.Join(t.TempDir(), "none.db"),
		"junk":    junk,
	}
	for name, path := range cases {
		if err := Restore(dir, path); err == nil {
			t.Errorf("%s backup restored", name)
		}
	}
	back, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if got := dump(t, back); !reflect.DeepEqual(got, want) {
		t.Errorf("a refused restore changed the data")
	}
}
