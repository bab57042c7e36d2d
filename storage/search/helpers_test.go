package search

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

var day0 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

func openStore(t testing.TB) *storage.Store {
	t.Helper()
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func update(t testing.TB, st *storage.Store, fn func(*storage.Tx) error) {
	t.Helper()
	if err := st.Update(fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

// built returns an index built from the store and following it.
func built(t testing.TB, st *storage.Store) *Index {
	t.Helper()
	ix := New()
	stop := ix.Follow(st)
	t.Cleanup(stop)
	if err := ix.Build(context.Background(), st, nil); err != nil {
		t.Fatalf("build: %v", err)
	}
	return ix
}

// shop is a small store: customers each with one conversation.
type shop struct {
	st    *storage.Store
	custs map[string]uint64 // by name
	convs map[string]uint64 // by customer name
}

func newShop(t testing.TB, names ...string) *shop {
	t.Helper()
	s := &shop{st: openStore(t), custs: map[string]uint64{}, convs: map[string]uint64{}}
	for _, n := range names {
		s.customer(t, storage.Customer{Name: n, Emails: []string{n + "@example.test"}})
	}
	return s
}

func (s *shop) customer(t testing.TB, c storage.Customer) uint64 {
	t.Helper()
	update(t, s.st, func(tx *storage.Tx) error {
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		conv := storage.Conversation{CustomerID: c.ID, Subject: "about " + c.Name}
		if err := tx.SaveConversation(&conv); err != nil {
			return err
		}
		s.custs[c.Name], s.convs[c.Name] = c.ID, conv.ID
		return nil
	})
	return c.ID
}

// message saves a message from the named customer and returns its ID.
func (s *shop) message(t testing.TB, who string, m storage.Message) uint64 {
	t.Helper()
	m.ConversationID = s.convs[who]
	if m.Direction == "" {
		m.Direction = storage.Inbound
	}
	if m.From.Email == "" {
		m.From = storage.Address{Name: who, Email: who + "@example.test"}
	}
	if m.Date.IsZero() {
		m.Date = day0
	}
	update(t, s.st, func(tx *storage.Tx) error { return tx.SaveMessage(&m, nil) })
	return m.ID
}

func search(t testing.TB, ix *Index, st *storage.Store, q string) Results {
	t.Helper()
	res, err := ix.Search(st, q, Options{Limit: 100, Location: time.UTC})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return res
}

// ids lists the IDs found of a kind, sorted.
func ids(res Results, kind storage.Kind) []uint64 {
	var out []uint64
	for _, g := range res.Groups {
		if g.Kind != kind {
			continue
		}
		for _, h := range g.Hits {
			out = append(out, h.ID)
		}
	}
	slices.Sort(out)
	return out
}

func sorted(xs ...uint64) []uint64 {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	if xs == nil {
		return nil
	}
	return xs
}

// marked returns the highlighted parts of a hit's snippet and title.
func marked(h Hit) []string {
	var out []string
	for _, r := range h.TitleMatches {
		out = append(out, h.Title[r.Start:r.End])
	}
	for _, r := range h.SnippetMatches {
		out = append(out, h.Snippet[r.Start:r.End])
	}
	return out
}
