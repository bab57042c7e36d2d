package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDailyBackupKeepsN(t *testing.T) {
	st := openTest(t)
	dir := filepath.Join(t.TempDir(), "backups")
	day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.Local)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(dir, "shopdesk-notes.txt")
	os.WriteFile(mine, []byte("the seller's"), 0o600)

	var made []string
	for i := range 5 {
		now := day.AddDate(0, 0, i)
		p, err := st.DailyBackup(dir, 3, now)
		if err != nil {
			t.Fatal(err)
		}
		if p == "" || filepath.Base(p) != BackupName(now) {
			t.Fatalf("day %d: backup %q", i, p)
		}
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("backup %s: %v %v", p, fi.Mode(), err)
		}
		if err := ValidateBackup(p); err != nil {
			t.Fatal(err)
		}
		made = append(made, p)
		// Later the same day nothing is due.
		if p, err := st.DailyBackup(dir, 3, now.Add(8*time.Hour)); err != nil || p != "" {
			t.Fatalf("second backup the same day: %q, %v", p, err)
		}
	}
	have, err := ListBackups(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(have) != 3 || have[0].Path != made[4] || have[2].Path != made[2] {
		t.Errorf("kept %v, want the newest three", have)
	}
	if !have[0].Taken.Equal(day.AddDate(0, 0, 4)) {
		t.Errorf("taken = %v", have[0].Taken)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Error("pruning removed a file that is not a backup")
	}
}

func TestStagedRestore(t *testing.T) {
	dataDir := t.TempDir()
	st, err := Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, st, func(tx *Tx) error {
		return tx.SaveCustomer(&Customer{Name: "In the backup", Emails: []string{"old@example.com"}})
	})
	backup, err := st.BackupTo(filepath.Join(dataDir, "backups"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, st, func(tx *Tx) error {
		return tx.SaveCustomer(&Customer{Name: "Added after", Emails: []string{"new@example.com"}})
	})

	// A file that is not a database is refused before anything happens.
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("not a database"), 0o600)
	if err := StageRestore(dataDir, junk); err == nil {
		t.Fatal("a junk file was staged")
	}
	if RestorePending(dataDir) {
		t.Fatal("junk is pending")
	}
	if err := StageRestore(dataDir, backup); err != nil {
		t.Fatal(err)
	}
	if !RestorePending(dataDir) {
		t.Fatal("no restore pending")
	}
	// While the desk runs, applying is refused and nothing moves.
	if _, err := ApplyStagedRestore(dataDir, time.Now()); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("apply while open: %v", err)
	}
	st.Close()

	applied, err := ApplyStagedRestore(dataDir, time.Now())
	if err != nil || !applied {
		t.Fatalf("applied %v, %v", applied, err)
	}
	if RestorePending(dataDir) {
		t.Error("still pending after apply")
	}
	count := func(path string) int {
		s, err := OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		n := 0
		s.View(func(tx *Tx) error { n = tx.CountCustomers(); return nil })
		return n
	}
	if n := count(filepath.Join(dataDir, FileName)); n != 1 {
		t.Errorf("restored database has %d customers, want the backup's 1", n)
	}
	if n := count(filepath.Join(dataDir, FileName+".before-restore")); n != 2 {
		t.Errorf("kept database has %d customers, want 2", n)
	}

	// A second restore keeps the first .before-restore too.
	if err := StageRestore(dataDir, backup); err != nil {
		t.Fatal(err)
	}
	if applied, err := ApplyStagedRestore(dataDir, time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local)); err != nil || !applied {
		t.Fatal(applied, err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, FileName+".before-restore-20260102-030405")); err != nil {
		t.Error(err)
	}

	// A staged file damaged after staging is set aside, the database stays.
	os.WriteFile(filepath.Join(dataDir, FileName+".restore-pending"), []byte("damaged"), 0o600)
	if applied, err := ApplyStagedRestore(dataDir, time.Now()); applied || err == nil || !strings.Contains(err.Error(), "not used") {
		t.Errorf("damaged staged file: applied %v, err %v", applied, err)
	}
	if n := count(filepath.Join(dataDir, FileName)); n != 1 {
		t.Errorf("database lost: %d customers", n)
	}
	if applied, err := ApplyStagedRestore(dataDir, time.Now()); applied || err != nil {
		t.Errorf("nothing staged: %v %v", applied, err)
	}
}

func TestRunDailyBackupsFollowsSettings(t *testing.T) {
	st := openTest(t)
	dir := filepath.Join(t.TempDir(), "mine")
	mustUpdate(t, st, func(tx *Tx) error {
		set, err := tx.Settings()
		if err != nil {
			return err
		}
		set.BackupDir, set.BackupKeep = dir, 2
		return tx.SaveSettings(set)
	})
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		st.RunDailyBackups(ctx, t.TempDir(), time.Hour, func(p string, err error) {
			if err != nil {
				t.Error(err)
			}
			got <- p
		})
	}()
	p := <-got
	cancel()
	<-done
	if filepath.Dir(p) != dir {
		t.Errorf("backup %s is not in the chosen folder %s", p, dir)
	}
}
