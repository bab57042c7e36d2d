package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// migration moves the schema from version-1 to version. Migrations are
// append-only: a released one never changes, so a database of any age
// walks the same steps.
type migration struct {
	version int
	name    string
	apply   func(tx *Tx) error
}

var migrations = []migration{
	{1, "initial buckets", func(tx *Tx) error {
		return createBuckets(tx, "customers", "customer_by_email", "customer_by_phone",
			"conversations", "conversation_by_customer",
			"messages", "message_raw", "message_by_conversation", "message_by_message_id",
			"message_by_hash", "message_by_location",
			"orders", "order_by_number", "order_by_tracking", "order_by_customer",
			"calls", "call_by_customer", "followups", "followup_by_due", "followup_by_customer",
			"notes", "note_by_customer", "note_by_target", "canned_replies", "canned_by_shortcut")
	}},
	{2, "index conversations by status for the inbox", func(tx *Tx) error {
		if err := createBuckets(tx, "conversation_by_status"); err != nil {
			return err
		}
		return tx.btx.Bucket(bConversations).ForEach(func(_, v []byte) error {
			var c Conversation
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("decode conversation: %w", err)
			}
			for _, k := range convStatusKeys(&c) {
				if err := tx.btx.Bucket(bConvStatus).Put(withID(k, c.ID), nil); err != nil {
					return err
				}
			}
			return nil
		})
	}},
	{3, "mail accounts, folder cursors, quarantine and outbox", func(tx *Tx) error {
		return createBuckets(tx, "accounts", "folders", "quarantine",
			"outbox", "outbox_raw", "outbox_by_state", "outbox_by_message_id")
	}},
	{4, "index conversations by tag and by snooze time; drafts", func(tx *Tx) error {
		if err := createBuckets(tx, "conversation_by_tag", "conversation_by_snooze", "drafts", "draft_by_conversation"); err != nil {
			return err
		}
		return rebuildIndexes(tx, conversations, bConvTag, bConvSnooze)
	}},
	{5, "canned-reply attachments", func(tx *Tx) error {
		return createBuckets(tx, "canned_files")
	}},
	{6, "index customers by tag", func(tx *Tx) error {
		if err := createBuckets(tx, "customer_by_tag"); err != nil {
			return err
		}
		return rebuildIndexes(tx, customers, bCustomerTag)
	}},
	{7, "rules that made follow-ups (followup_rules.go)", func(tx *Tx) error {
		return createBuckets(tx, "followup_rules_fired")
	}},
	{8, "audit log (forget.go)", func(tx *Tx) error {
		return createBuckets(tx, "audit")
	}},
}

// rebuildIndexes writes the named indexes of a table afresh from its
// records, for a migration that adds an index.
func rebuildIndexes[T any](tx *Tx, t table[T], buckets ...[]byte) error {
	return tx.btx.Bucket(t.bucket).ForEach(func(_, v []byte) error {
		var rec T
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("decode %s: %w", t.kind, err)
		}
		for _, ix := range t.indexes {
			if !slices.ContainsFunc(buckets, func(b []byte) bool { return bytes.Equal(b, ix.bucket) }) {
				continue
			}
			if err := ix.rewrite(tx, nil, &rec, *t.id(&rec)); err != nil {
				return err
			}
		}
		return nil
	})
}

// SchemaVersion is the schema this build reads and writes.
var SchemaVersion = migrations[len(migrations)-1].version

func createBuckets(tx *Tx, names ...string) error {
	for _, n := range names {
		if _, err := tx.btx.CreateBucketIfNotExists([]byte(n)); err != nil {
			return fmt.Errorf("create bucket %s: %w", n, err)
		}
	}
	return nil
}

// migrateTo applies the pending migrations up to target, each in its own
// transaction together with the new version number, so a crash leaves the
// database at one version or the next, never in between.
func (s *Store) migrateTo(target int) error {
	for _, m := range migrations {
		if m.version > target {
			break
		}
		err := s.db.Update(func(btx *bolt.Tx) error {
			meta, err := btx.CreateBucketIfNotExists(bMeta)
			if err != nil {
				return err
			}
			v := schemaVersion(meta)
			if v > SchemaVersion {
				return fmt.Errorf("database schema %d is newer than this Shopdesk (%d): update Shopdesk", v, SchemaVersion)
			}
			if v >= m.version {
				return nil
			}
			if err := m.apply(&Tx{btx: btx, now: s.now}); err != nil {
				return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
			}
			return meta.Put(keySchema, u64(uint64(m.version)))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func schemaVersion(meta *bolt.Bucket) int {
	v := meta.Get(keySchema)
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

// SchemaVersion reports the database's schema version.
func (tx *Tx) SchemaVersion() int { return schemaVersion(tx.btx.Bucket(bMeta)) }
