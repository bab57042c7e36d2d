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

// Import presets are the seller's own column mappings, stored as the
// importer encodes them (storage does not interpret them), in the meta
// bucket under a prefix, so they need no bucket of their own.
var importPresetPrefix = []byte("import_preset\x00")

// SaveImportPreset stores a named import preset, replacing one of the same name.
func (tx *Tx) SaveImportPreset(name string, data []byte) error {
	if name == "" {
		return fmt.Errorf("import preset has no name")
	}
	if err := tx.btx.Bucket(bMeta).Put(join(importPresetPrefix, []byte(name)), bytes.Clone(data)); err != nil {
		return fmt.Errorf("put import preset %s: %w", name, err)
	}
	tx.emit(KindSettings, 0, OpSaved)
	return nil
}

// ImportPresets returns the stored import presets by name.
func (tx *Tx) ImportPresets() map[string][]byte {
	out := map[string][]byte{}
	c := tx.btx.Bucket(bMeta).Cursor()
	for k, v := c.Seek(importPresetPrefix); k != nil && bytes.HasPrefix(k, importPresetPrefix); k, v = c.Next() {
		out[string(k[len(importPresetPrefix):])] = bytes.Clone(v)
	}
	return out
}
