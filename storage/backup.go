package storage

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Backup writes a consistent copy of the database to path while the store
// stays in use: the copy goes to a temporary file beside path, is synced,
// then renamed into place, so path is never a half-written backup.
func (s *Store) Backup(path string) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		return s.db.View(func(btx *bolt.Tx) error {
			_, err := btx.WriteTo(w)
			return err
		})
	})
}

// Restore replaces the database in dir with the backup at src. The backup
// is checked first (a bbolt file, pages intact, a schema this build knows),
// and the restore is refused while another process has the database open.
func Restore(dir, src string) error {
	if err := ValidateBackup(src); err != nil {
		return err
	}
	dst := filepath.Join(dir, FileName)
	// Taking the lock proves no other Shopdesk runs on this folder.
	cur, err := Open(dir)
	if err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		cur.Close()
		return fmt.Errorf("open backup: %w", err)
	}
	defer in.Close()
	tmp := dst + ".restore"
	err = WriteFileAtomic(tmp, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
	if cerr := cur.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("copy backup: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("replace database: %w", err)
	}
	// Bring the restored copy to the current schema now, not on next start.
	st, err := Open(dir)
	if err != nil {
		return fmt.Errorf("open restored database: %w", err)
	}
	return st.Close()
}

// ValidateBackup checks that path holds an intact Shopdesk database.
func ValidateBackup(path string) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return fmt.Errorf("backup %s is in use by another program", path)
	}
	if err != nil {
		return fmt.Errorf("backup %s is not a Shopdesk database: %w", path, err)
	}
	defer db.Close()
	return db.View(func(btx *bolt.Tx) error {
		var errs []error
		for err := range btx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return fmt.Errorf("backup %s is damaged: %w", path, errors.Join(errs...))
		}
		meta := btx.Bucket(bMeta)
		if meta == nil {
			return fmt.Errorf("backup %s is not a Shopdesk database", path)
		}
		if v := schemaVersion(meta); v < 1 || v > SchemaVersion {
			return fmt.Errorf("backup %s has schema %d; this Shopdesk reads 1 to %d", path, v, SchemaVersion)
		}
		return nil
	})
}

// WriteFileAtomic creates path (0600) through a temporary file beside it
// that is synced and then renamed, so path is never half written (a
// backup, an export), and a failed or cancelled write leaves nothing.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmp := f.Name()
	err = f.Chmod(0o600)
	if err == nil {
		err = write(f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}
