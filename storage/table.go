package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// table describes how one record type is stored: a bucket of JSON values
// keyed by big-endian ID, plus secondary indexes kept in the same
// transaction as the record.
type table[T any] struct {
	bucket  []byte
	kind    Kind
	id      func(*T) *uint64
	indexes []index[T]
	// prepare, when set, runs before a record is written, with the stored
	// version (nil for a new record): timestamps, history, uniqueness checks.
	prepare func(tx *Tx, old, rec *T) error
}

// index maps each record to zero or more keys in its own bucket. The
// record's ID is appended to every key, so keys are unique and a prefix
// scan yields IDs in key order. Values are empty.
type index[T any] struct {
	bucket []byte
	keys   func(*T) [][]byte
}

func (t table[T]) get(tx *Tx, id uint64) (T, error) {
	var rec T
	v := tx.btx.Bucket(t.bucket).Get(u64(id))
	if v == nil {
		return rec, fmt.Errorf("%s %d: %w", t.kind, id, ErrNotFound)
	}
	if err := json.Unmarshal(v, &rec); err != nil {
		return rec, fmt.Errorf("decode %s %d: %w", t.kind, id, err)
	}
	return rec, nil
}

// put saves rec, giving it an ID when it has none, and rewrites its index
// keys: the old record's keys that the new one lacks are removed.
func (t table[T]) put(tx *Tx, rec *T) error {
	b := tx.btx.Bucket(t.bucket)
	idp := t.id(rec)
	var old *T
	if *idp == 0 {
		seq, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("next %s id: %w", t.kind, err)
		}
		*idp = seq
	} else if prev, err := t.get(tx, *idp); err == nil {
		old = &prev
	} else if !isNotFound(err) {
		return err
	} else if *idp > b.Sequence() {
		// An ID given by the caller (an import, a restore) must never be
		// handed out again by NextSequence.
		if err := b.SetSequence(*idp); err != nil {
			return fmt.Errorf("set %s sequence: %w", t.kind, err)
		}
	}
	if t.prepare != nil {
		if err := t.prepare(tx, old, rec); err != nil {
			return err
		}
	}
	v, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode %s %d: %w", t.kind, *idp, err)
	}
	if err := b.Put(u64(*idp), v); err != nil {
		return fmt.Errorf("put %s %d: %w", t.kind, *idp, err)
	}
	for _, ix := range t.indexes {
		if err := ix.rewrite(tx, old, rec, *idp); err != nil {
			return fmt.Errorf("index %s %d in %s: %w", t.kind, *idp, ix.bucket, err)
		}
	}
	tx.emit(t.kind, *idp, OpSaved)
	return nil
}

func (ix index[T]) rewrite(tx *Tx, old, rec *T, id uint64) error {
	b := tx.btx.Bucket(ix.bucket)
	var newKeys [][]byte
	if rec != nil {
		newKeys = ix.keys(rec)
	}
	if old != nil {
		for _, k := range ix.keys(old) {
			if containsKey(newKeys, k) {
				continue
			}
			if err := b.Delete(withID(k, id)); err != nil {
				return err
			}
		}
	}
	for _, k := range newKeys {
		if err := b.Put(withID(k, id), nil); err != nil {
			return err
		}
	}
	return nil
}

func (t table[T]) delete(tx *Tx, id uint64) error {
	old, err := t.get(tx, id)
	if err != nil {
		return err
	}
	for _, ix := range t.indexes {
		if err := ix.rewrite(tx, &old, nil, id); err != nil {
			return fmt.Errorf("unindex %s %d: %w", t.kind, id, err)
		}
	}
	if err := tx.btx.Bucket(t.bucket).Delete(u64(id)); err != nil {
		return fmt.Errorf("delete %s %d: %w", t.kind, id, err)
	}
	tx.emit(t.kind, id, OpDeleted)
	return nil
}

// page returns up to limit records with IDs after the given one, in ID order.
func (t table[T]) page(tx *Tx, after uint64, limit int) ([]T, error) {
	var out []T
	c := tx.btx.Bucket(t.bucket).Cursor()
	k, v := c.Seek(u64(after + 1))
	for ; k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
		var rec T
		if err := json.Unmarshal(v, &rec); err != nil {
			return out, fmt.Errorf("decode %s %d: %w", t.kind, binary.BigEndian.Uint64(k), err)
		}
		out = append(out, rec)
	}
	return out, nil
}

func (t table[T]) count(tx *Tx) int { return tx.btx.Bucket(t.bucket).Stats().KeyN }

// byIndex returns the records whose index key starts with prefix, in key
// order (or reversed), at most limit of them when limit > 0.
func (t table[T]) byIndex(tx *Tx, ixBucket, prefix []byte, reverse bool, limit int) ([]T, error) {
	var out []T
	var err error
	scanIndex(tx, ixBucket, prefix, reverse, func(id uint64) bool {
		var rec T
		if rec, err = t.get(tx, id); err != nil {
			return false
		}
		out = append(out, rec)
		return limit <= 0 || len(out) < limit
	})
	return out, err
}

// scanIndex calls fn with the ID of each index key under prefix until fn
// returns false.
func scanIndex(tx *Tx, ixBucket, prefix []byte, reverse bool, fn func(id uint64) bool) {
	c := tx.btx.Bucket(ixBucket).Cursor()
	var k []byte
	if !reverse {
		k, _ = c.Seek(prefix)
	} else {
		k = seekLast(c, prefix)
	}
	for k != nil && bytes.HasPrefix(k, prefix) {
		if len(k) >= 8 && !fn(binary.BigEndian.Uint64(k[len(k)-8:])) {
			return
		}
		if reverse {
			k, _ = c.Prev()
		} else {
			k, _ = c.Next()
		}
	}
}

// seekLast positions c on the last key with the prefix.
func seekLast(c *bolt.Cursor, prefix []byte) []byte {
	end := prefixEnd(prefix)
	var k []byte
	if end == nil {
		k, _ = c.Last()
	} else if k, _ = c.Seek(end); k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	return k
}

// prefixEnd is the smallest key greater than every key with the prefix, or
// nil when there is none.
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// timeKey orders times; times before 1970 sort as 1970.
func timeKey(t time.Time) []byte {
	if t.IsZero() || t.Unix() < 0 {
		return u64(0)
	}
	return u64(uint64(t.UnixNano()))
}

// strKey ends a string key with NUL so "ab" is not a prefix match of "abc".
func strKey(s string) []byte { return append([]byte(s), 0) }

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func withID(k []byte, id uint64) []byte { return join(k, u64(id)) }

func containsKey(keys [][]byte, k []byte) bool {
	for _, x := range keys {
		if bytes.Equal(x, k) {
			return true
		}
	}
	return false
}
