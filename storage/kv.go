package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Records keyed by name rather than by sequence (accounts, folder cursors,
// quarantine entries) are plain JSON values with no secondary index.

func (tx *Tx) putJSON(bucket, key []byte, v any, kind Kind) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", bucket, err)
	}
	if err := tx.btx.Bucket(bucket).Put(key, b); err != nil {
		return fmt.Errorf("put %s: %w", bucket, err)
	}
	if kind != "" {
		tx.emit(kind, 0, OpSaved)
	}
	return nil
}

func (tx *Tx) getJSON(bucket, key []byte, v any, what string) error {
	b := tx.btx.Bucket(bucket).Get(key)
	if b == nil {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode %s: %w", what, err)
	}
	return nil
}

func listJSON[T any](tx *Tx, bucket, prefix []byte) ([]T, error) {
	var out []T
	c := tx.btx.Bucket(bucket).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var rec T
		if err := json.Unmarshal(v, &rec); err != nil {
			return out, fmt.Errorf("decode %s %q: %w", bucket, k, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

func deletePrefix(tx *Tx, bucket, prefix []byte) error {
	var keys [][]byte
	c := tx.btx.Bucket(bucket).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := tx.btx.Bucket(bucket).Delete(k); err != nil {
			return fmt.Errorf("delete from %s: %w", bucket, err)
		}
	}
	return nil
}
