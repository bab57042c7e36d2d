// Package storage keeps the desk's data in one bbolt file: the model,
// its secondary indexes, schema migrations, change events and backups.
// No bbolt type leaves the package: callers work through Tx.
package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// FileName is the database file inside the data folder.
const FileName = "shopdesk.db"

// ErrAlreadyRunning means another process holds the database open.
var ErrAlreadyRunning = errors.New("Shopdesk is already running with this data folder")

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write would break a uniqueness rule, such
// as one email address belonging to two customers.
var ErrConflict = errors.New("conflict")

// lockTimeout bounds the wait for another process's lock: a second
// Shopdesk must hear about the first within two seconds, never hang.
const lockTimeout = 1500 * time.Millisecond

// Store is an open database.
type Store struct {
	db   *bolt.DB
	path string
	now  func() time.Time

	mu     sync.Mutex
	subs   map[int]func([]Event)
	nextID int
}

// Open opens (creating if needed) the database in dir, migrating it to the
// current schema.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	return OpenFile(filepath.Join(dir, FileName))
}

// OpenFile opens the database file at path.
func OpenFile(path string) (*Store, error) { return openFile(path, SchemaVersion) }

// openFile opens the database migrated up to the schema version target;
// tests use an older target to build databases of earlier releases.
func openFile(path string, target int) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrAlreadyRunning
	}
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s := &Store{db: db, path: path, now: time.Now, subs: map[int]func([]Event){}}
	if err := s.migrateTo(target); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// View runs fn in a read-only transaction. Readers never block the writer.
func (s *Store) View(fn func(*Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error { return fn(&Tx{btx: btx, now: s.now}) })
}

// Update runs fn in a read-write transaction; everything fn writes commits
// together or not at all. Subscribers hear of the changes after the commit.
func (s *Store) Update(fn func(*Tx) error) error {
	var events []Event
	err := s.db.Update(func(btx *bolt.Tx) error {
		tx := &Tx{btx: btx, now: s.now}
		if err := fn(tx); err != nil {
			return err
		}
		events = tx.events
		return nil
	})
	if err == nil {
		s.publish(events)
	}
	return err
}

// Check verifies the database's page structure, as after a crash.
func (s *Store) Check() error {
	return s.db.View(func(btx *bolt.Tx) error {
		var errs []error
		for err := range btx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
}

// Tx is a transaction. Its reads return copies that stay valid after it ends.
type Tx struct {
	btx    *bolt.Tx
	now    func() time.Time
	events []Event
	seen   map[Event]bool
	// past marks a transaction that writes down what happened before
	// (demo seeding, old history): a closing or a call it records is not
	// the seller acting now, so no visit or call-back is planned for it.
	// A complaint still open still starts its procedure.
	past bool
}

// RecordingPast says the transaction records past events; see Tx.past.
func (tx *Tx) RecordingPast() { tx.past = true }

// stamp sets a record's times: created keeps its first value (prev when
// the caller left it empty, now for a new record), updated becomes now.
func (tx *Tx) stamp(created, updated *time.Time, prev time.Time) {
	if created.IsZero() {
		*created = prev
	}
	if created.IsZero() {
		*created = tx.now()
	}
	*updated = tx.now()
}
