package storage

import (
	"testing"
	"time"
)

// t0 is a fixed clock so stored times are predictable.
var t0 = time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)

func openTest(t *testing.T) *Store {
	t.Helper()
	st, err := Open(t.TempDir())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	st.now = func() time.Time { return t0 }
	t.Cleanup(func() { st.Close() })
	return st
}

func mustUpdate(t *testing.T, st *Store, fn func(*Tx) error) {
	t.Helper()
	if err := st.Update(fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func mustVerify(t *testing.T, st *Store) {
	t.Helper()
	if err := st.Check(); err != nil {
		t.Fatalf("check: %v", err)
	}
	if err := st.VerifyIndexes(); err != nil {
		t.Fatalf("indexes: %v", err)
	}
}

// seedCustomer saves a customer with a conversation and returns both IDs.
func seedCustomer(t *testing.T, st *Store, name, email string) (custID, convID uint64) {
	t.Helper()
	mustUpdate(t, st, func(tx *Tx) error {
		c := Customer{Name: name, Emails: []string{email}}
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		conv := Conversation{CustomerID: c.ID, Subject: "Hello from " + name}
		if err := tx.SaveConversation(&conv); err != nil {
			return err
		}
		custID, convID = c.ID, conv.ID
		return nil
	})
	return custID, convID
}
