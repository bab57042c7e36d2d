package storage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Canned-reply attachments are stored once by content (the hex SHA-256 of
// their bytes) in their own bucket, so two replies sharing a size chart
// share its bytes, and a backup of the database carries them.

var bCannedFiles = []byte("canned_files")

// CannedFileHash is the key a file's bytes are stored under.
func CannedFileHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// PutCannedFile stores the bytes (once, whatever the number of replies
// using them) and returns their hash.
func (tx *Tx) PutCannedFile(data []byte) (string, error) {
	hash := CannedFileHash(data)
	b := tx.btx.Bucket(bCannedFiles)
	if b.Get([]byte(hash)) != nil {
		return hash, nil
	}
	if err := b.Put([]byte(hash), bytes.Clone(data)); err != nil {
		return "", fmt.Errorf("put canned file %s: %w", hash, err)
	}
	return hash, nil
}

// CannedFile returns a copy of the stored bytes with the hash.
func (tx *Tx) CannedFile(hash string) ([]byte, error) {
	v := tx.btx.Bucket(bCannedFiles).Get([]byte(hash))
	if v == nil {
		return nil, fmt.Errorf("canned file %s: %w", hash, ErrNotFound)
	}
	return bytes.Clone(v), nil
}

// HasCannedFile reports whether bytes with the hash are stored.
func (tx *Tx) HasCannedFile(hash string) bool {
	return tx.btx.Bucket(bCannedFiles).Get([]byte(hash)) != nil
}

// DeleteCannedFile removes the bytes with the hash; a missing one is no error.
func (tx *Tx) DeleteCannedFile(hash string) error {
	if err := tx.btx.Bucket(bCannedFiles).Delete([]byte(hash)); err != nil {
		return fmt.Errorf("delete canned file %s: %w", hash, err)
	}
	return nil
}

// PruneCannedFiles deletes the stored files no canned reply refers to
// any more (after an attachment was removed or a reply deleted) and
// returns how many went.
func (tx *Tx) PruneCannedFiles() (int, error) {
	all, err := tx.CannedReplies()
	if err != nil {
		return 0, err
	}
	used := map[string]bool{}
	for _, r := range all {
		for _, a := range r.Attachments {
			used[a.Hash] = true
		}
	}
	var gone [][]byte
	err = tx.btx.Bucket(bCannedFiles).ForEach(func(k, _ []byte) error {
		if !used[string(k)] {
			gone = append(gone, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range gone {
		if err := tx.DeleteCannedFile(string(k)); err != nil {
			return 0, err
		}
	}
	return len(gone), nil
}
