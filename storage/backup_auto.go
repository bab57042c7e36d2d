package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Automatic backups: one a day into a folder, the newest N kept, and a
// restore that is staged while the desk runs and applied at the next
// start, keeping the replaced database as a .before-restore file.

// DefaultBackupKeep is how many backups are kept when the seller has not
// said.
const DefaultBackupKeep = 7

const (
	backupPrefix   = "shopdesk-"
	backupSuffix   = ".db"
	backupStamp    = "20060102-150405"
	stagedSuffix   = ".restore-pending"
	beforeRestore  = ".before-restore"
	rejectedSuffix = ".restore-rejected"
)

// BackupFolder is where automatic backups go: the seller's folder, or
// "backups" in the data folder.
func (s Settings) BackupFolder(dataDir string) string {
	if s.BackupDir != "" {
		return s.BackupDir
	}
	return filepath.Join(dataDir, "backups")
}

// BackupsKept is how many backups pruning keeps.
func (s Settings) BackupsKept() int {
	if s.BackupKeep > 0 {
		return s.BackupKeep
	}
	return DefaultBackupKeep
}

// BackupFile is a backup found in the backup folder.
type BackupFile struct {
	Path  string
	Taken time.Time // from the name, in local time
	Size  int64
}

// BackupName is the file name of a backup taken at t: the date and time,
// so names sort in time order and tell the seller when.
func BackupName(t time.Time) string { return backupPrefix + t.Format(backupStamp) + backupSuffix }

// ListBackups lists the backups in dir, newest first. Files that are not
// named like a backup are left out (and never pruned).
func ListBackups(dir string) ([]BackupFile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read backup folder: %w", err)
	}
	var out []BackupFile
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, backupPrefix) || !strings.HasSuffix(name, backupSuffix) {
			continue
		}
		t, err := time.ParseInLocation(backupStamp, strings.TrimSuffix(strings.TrimPrefix(name, backupPrefix), backupSuffix), time.Local)
		if err != nil {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		out = append(out, BackupFile{Path: filepath.Join(dir, name), Taken: t, Size: fi.Size()})
	}
	slices.SortFunc(out, func(a, b BackupFile) int { return b.Taken.Compare(a.Taken) })
	return out, nil
}

// BackupTo writes a backup named for now into dir (created 0700 if
// needed) and returns its path.
func (s *Store) BackupTo(dir string, now time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create backup folder: %w", err)
	}
	p := filepath.Join(dir, BackupName(now))
	if err := s.Backup(p); err != nil {
		return "", fmt.Errorf("back up to %s: %w", p, err)
	}
	return p, nil
}

// DailyBackup takes today's backup unless one was taken today already,
// then prunes the oldest beyond keep. It returns the new backup's path,
// or "" when none was due.
func (s *Store) DailyBackup(dir string, keep int, now time.Time) (string, error) {
	have, err := ListBackups(dir)
	if err != nil {
		return "", err
	}
	y, m, d := now.Date()
	if len(have) > 0 {
		if hy, hm, hd := have[0].Taken.Date(); hy == y && hm == m && hd == d {
			return "", nil
		}
	}
	p, err := s.BackupTo(dir, now)
	if err != nil {
		return "", err
	}
	if _, err := PruneBackups(dir, keep); err != nil {
		return p, err
	}
	return p, nil
}

// PruneBackups removes the oldest backups in dir beyond the newest keep,
// and returns what it removed.
func PruneBackups(dir string, keep int) ([]string, error) {
	if keep < 1 {
		keep = 1
	}
	have, err := ListBackups(dir)
	if err != nil {
		return nil, err
	}
	var gone []string
	for _, b := range have[min(keep, len(have)):] {
		if err := os.Remove(b.Path); err != nil {
			return gone, fmt.Errorf("remove old backup: %w", err)
		}
		gone = append(gone, b.Path)
	}
	return gone, nil
}

// StageRestore checks the backup at src and copies it beside the
// database in dataDir, to replace it at the next start (the running desk
// holds the database open). The current database is untouched.
func StageRestore(dataDir, src string) error {
	if err := ValidateBackup(src); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open backup: %w", err)
	}
	defer in.Close()
	staged := filepath.Join(dataDir, FileName+stagedSuffix)
	if err := WriteFileAtomic(staged, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	}); err != nil {
		return fmt.Errorf("stage restore: %w", err)
	}
	return nil
}

// RestorePending reports whether a restore waits for the next start.
func RestorePending(dataDir string) bool {
	_, err := os.Stat(filepath.Join(dataDir, FileName+stagedSuffix))
	return err == nil
}

// ApplyStagedRestore puts a staged backup in place of the database before
// it is opened. The replaced database is kept as shopdesk.db.before-restore
// (with the time added if one is there already), so nothing is lost. A
// staged file that fails the check is set aside as .restore-rejected and
// the current database stays. It reports whether a restore was applied.
func ApplyStagedRestore(dataDir string, now time.Time) (bool, error) {
	staged := filepath.Join(dataDir, FileName+stagedSuffix)
	if _, err := os.Stat(staged); errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	cur := filepath.Join(dataDir, FileName)
	if err := ValidateBackup(staged); err != nil {
		if rerr := os.Rename(staged, staged[:len(staged)-len(stagedSuffix)]+rejectedSuffix); rerr != nil {
			return false, errors.Join(err, rerr)
		}
		return false, fmt.Errorf("the backup chosen for restore was not used: %w", err)
	}
	if _, err := os.Stat(cur); err == nil {
		// Taking the lock proves no other Shopdesk has the database open.
		st, err := OpenFile(cur)
		if err != nil {
			return false, err
		}
		if err := st.Close(); err != nil {
			return false, err
		}
		keep := cur + beforeRestore
		if _, err := os.Stat(keep); err == nil {
			keep += "-" + now.Format(backupStamp)
		}
		if err := os.Rename(cur, keep); err != nil {
			return false, fmt.Errorf("keep the current database: %w", err)
		}
	}
	if err := os.Rename(staged, cur); err != nil {
		return false, fmt.Errorf("put the backup in place: %w", err)
	}
	if err := syncDir(dataDir); err != nil {
		return true, fmt.Errorf("sync data folder: %w", err)
	}
	return true, nil
}

// RunDailyBackups takes the daily backup now and then every interval
// (hourly is enough to catch a new day), following the settings each
// time, until ctx ends. report hears each backup taken or failed.
func (s *Store) RunDailyBackups(ctx context.Context, dataDir string, every time.Duration, report func(path string, err error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		var set Settings
		err := s.View(func(tx *Tx) error {
			var err error
			set, err = tx.Settings()
			return err
		})
		if err == nil && !set.BackupOff {
			var p string
			p, err = s.DailyBackup(set.BackupFolder(dataDir), set.BackupsKept(), s.now())
			if p != "" || err != nil {
				report(p, err)
			}
		} else if err != nil {
			report("", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
