package storage

import (
	"encoding/json"
	"fmt"
)

var (
	bMeta           = []byte("meta")
	bCanned         = []byte("canned_replies")
	bCannedShortcut = []byte("canned_by_shortcut")
	keySettings     = []byte("settings")
	keySchema       = []byte("schema_version")
)

var canned = table[CannedReply]{
	bucket: bCanned,
	kind:   KindCanned,
	id:     func(c *CannedReply) *uint64 { return &c.ID },
	indexes: []index[CannedReply]{
		{bucket: bCannedShortcut, keys: func(c *CannedReply) [][]byte { return optKey(c.Shortcut) }},
	},
	prepare: func(tx *Tx, _, c *CannedReply) error {
		if len(c.Variants) == 0 {
			return fmt.Errorf("canned reply %q has no text", c.Title)
		}
		for _, a := range c.Attachments { // the bytes go in first (PutCannedFile)
			if !tx.HasCannedFile(a.Hash) {
				return fmt.Errorf("canned reply %q: attachment %s: %w", c.Title, a.Name, ErrNotFound)
			}
		}
		return nil
	},
}

// SaveCannedReply creates or updates a canned reply.
func (tx *Tx) SaveCannedReply(c *CannedReply) error { return canned.put(tx, c) }

// CannedReply returns the canned reply with the ID.
func (tx *Tx) CannedReply(id uint64) (CannedReply, error) { return canned.get(tx, id) }

// CannedReplies lists all canned replies by ID. The library is small (hundreds).
func (tx *Tx) CannedReplies() ([]CannedReply, error) { return canned.page(tx, 0, 0) }

// CannedByShortcut finds the replies with the shortcut keyword.
func (tx *Tx) CannedByShortcut(shortcut string) ([]CannedReply, error) {
	return canned.byIndex(tx, bCannedShortcut, strKey(shortcut), false, 0)
}

// DeleteCannedReply removes a canned reply.
func (tx *Tx) DeleteCannedReply(id uint64) error { return canned.delete(tx, id) }

// Settings returns the shop's settings, defaults where none were saved.
func (tx *Tx) Settings() (Settings, error) {
	s := DefaultSettings()
	v := tx.btx.Bucket(bMeta).Get(keySettings)
	if v == nil {
		return s, nil
	}
	if err := json.Unmarshal(v, &s); err != nil {
		return s, fmt.Errorf("decode settings: %w", err)
	}
	return s, nil
}

// SaveSettings replaces the shop's settings.
func (tx *Tx) SaveSettings(s Settings) error {
	v, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	if err := tx.btx.Bucket(bMeta).Put(keySettings, v); err != nil {
		return fmt.Errorf("put settings: %w", err)
	}
	tx.emit(KindSettings, 0, OpSaved)
	return nil
}
