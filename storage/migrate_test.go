package storage

import (
	"encoding/json"
	bolt "go.etcd.io/bbolt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMigrateEmptyDatabase(t *testing.T) {
	st := openTest(t)
	st.View(func(tx *Tx) error {
		if v := tx.SchemaVersion(); v != SchemaVersion {
			t.Errorf("schema %d, want %d", v, SchemaVersion)
		}
		return nil
	})
	mustVerify(t, st)
}

// A database written by the previous release (schema 1, no status index)
// gets the index built from its conversations.
func TestMigrateFromPreviousVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	old, err := openFile(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	convs := []Conversation{
		{ID: 1, CustomerID: 1, Subject: "waiting long", Status: StatusOpen, FirstInbound: t0.Add(-time.Hour), LastInbound: t0.Add(-time.Hour)},
		{ID: 2, CustomerID: 1, Subject: "closed", Status: StatusClosed, LastInbound: t0, Tags: []string{"退货"}},
		{ID: 3, CustomerID: 1, Subject: "waiting short", Status: StatusOpen, FirstInbound: t0, LastInbound: t0},
	}
	err = old.Update(func(tx *Tx) error {
		if tx.btx.Bucket(bConvStatus) != nil {
			t.Error("schema 1 already has the status index")
		}
		if err := tx.SaveCustomer(&Customer{Name: "Amy"}); err != nil {
			return err
		}
		b := tx.btx.Bucket(bConversations)
		for _, c := range convs {
			v, _ := json.Marshal(c)
			if err := b.Put(u64(c.ID), v); err != nil {
				return err
			}
			if err := tx.btx.Bucket(bConvCustomer).Put(withID(join(u64(c.CustomerID), timeKey(c.Created)), c.ID), nil); err != nil {
				return err
			}
		}
		return b.SetSequence(3)
	})
	if err != nil {
		t.Fatal(err)
	}
	old.Close()

	st, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mustVerify(t, st)
	st.View(func(tx *Tx) error {
		if v := tx.SchemaVersion(); v != SchemaVersion {
			t.Errorf("schema %d after migration, want %d", v, SchemaVersion)
		}
		open, _ := tx.ConversationsByStatus(StatusOpen, 0)
		if len(open) != 2 || open[0].Subject != "waiting long" || open[1].Subject != "waiting short" {
			t.Errorf("open conversations after migration: %+v", open)
		}
		if n := tx.CountConversations(StatusClosed); n != 1 {
			t.Errorf("%d closed conversations, want 1", n)
		}
		if ids := tx.TaggedIDs("退货"); len(ids) != 1 || ids[0] != 2 {
			t.Errorf("tag index after migration: %v", ids)
		}
		return nil
	})
}

func TestRefuseNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	st, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st.db.Update(func(btx *bolt.Tx) error { return btx.Bucket(bMeta).Put(keySchema, u64(uint64(SchemaVersion+1))) })
	st.Close()
	_, err = OpenFile(path)
	if err == nil || !strings.Contains(err.Error(), "newer than this Shopdesk") {
		t.Fatalf("got %v, want a refusal of the newer schema", err)
	}
}
