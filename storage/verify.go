package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// indexed is a table whose indexes can be checked against its records.
type indexed interface {
	verify(tx *Tx) error
}

var allTables = []indexed{customers, conversations, messages, orders, calls, followUps, notes, canned, outbox, drafts}

// VerifyIndexes checks that every secondary index holds exactly the keys
// its records produce: no stale key left by an update or delete, none
// missing. It reads the whole database; use it in tests and repairs.
func (s *Store) VerifyIndexes() error {
	return s.View(func(tx *Tx) error {
		var errs []error
		for _, t := range allTables {
			errs = append(errs, t.verify(tx))
		}
		return errors.Join(errs...)
	})
}

func (t table[T]) verify(tx *Tx) error {
	want := make([][][]byte, len(t.indexes))
	err := tx.btx.Bucket(t.bucket).ForEach(func(k, v []byte) error {
		var rec T
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("decode %s %d: %w", t.kind, binary.BigEndian.Uint64(k), err)
		}
		id := *t.id(&rec)
		if id != binary.BigEndian.Uint64(k) {
			return fmt.Errorf("%s stored under %d has ID %d", t.kind, binary.BigEndian.Uint64(k), id)
		}
		for i, ix := range t.indexes {
			for _, ik := range ix.keys(&rec) {
				want[i] = append(want[i], withID(ik, id))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var errs []error
	for i, ix := range t.indexes {
		var have [][]byte
		tx.btx.Bucket(ix.bucket).ForEach(func(k, _ []byte) error {
			have = append(have, bytes.Clone(k))
			return nil
		})
		slices.SortFunc(want[i], bytes.Compare)
		want[i] = slices.CompactFunc(want[i], bytes.Equal)
		if !slices.EqualFunc(have, want[i], bytes.Equal) {
			errs = append(errs, fmt.Errorf("index %s: %d keys, records give %d", ix.bucket, len(have), len(want[i])))
		}
	}
	return errors.Join(errs...)
}
