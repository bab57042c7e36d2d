package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/shopdesk/shopdesk/storage"
)

// pageSize is how many records one read transaction of a build takes:
// short transactions, and the index answers (partially) while it builds.
const pageSize = 2000

// Progress reports a build's advance: records read of the total.
type Progress func(done, total int)

// Build reads every searchable record of the store into the index. Events
// that Follow queued meanwhile are applied after it, so a record changed
// during the build ends up current.
func (ix *Index) Build(ctx context.Context, st Store, progress Progress) error {
	var total int
	if err := st.View(func(tx *storage.Tx) error {
		total = tx.CountMessages() + tx.CountCustomers() + tx.CountOrders()
		return nil
	}); err != nil {
		return fmt.Errorf("count records: %w", err)
	}
	done := 0
	report := func(n int) {
		done += n
		if progress != nil {
			progress(done, max(total, done))
		}
	}
	if err := buildKind(ctx, ix, st, report, func(tx *storage.Tx, after uint64) ([]storage.Conversation, error) {
		return tx.Conversations(after, pageSize)
	}, func(c *storage.Conversation) (uint64, *doc) {
		ix.convs[c.ID] = convMetaOf(c)
		return c.ID, nil
	}, false); err != nil {
		return err
	}
	steps := []func() error{
		func() error {
			return buildKind(ctx, ix, st, report, func(tx *storage.Tx, after uint64) ([]storage.Message, error) {
				return tx.Messages(after, pageSize)
			}, func(m *storage.Message) (uint64, *doc) { d := messageDoc(m); return m.ID, &d }, true)
		},
		func() error {
			return buildKind(ctx, ix, st, report, func(tx *storage.Tx, after uint64) ([]storage.Customer, error) {
				return tx.Customers(after, pageSize)
			}, func(c *storage.Customer) (uint64, *doc) { d := customerDoc(c); return c.ID, &d }, true)
		},
		func() error {
			return buildKind(ctx, ix, st, report, func(tx *storage.Tx, after uint64) ([]storage.Order, error) {
				return tx.Orders(after, pageSize)
			}, func(o *storage.Order) (uint64, *doc) { d := orderDoc(o); return o.ID, &d }, true)
		},
		func() error {
			return buildKind(ctx, ix, st, nil, func(tx *storage.Tx, after uint64) ([]storage.Call, error) {
				return tx.Calls(after, pageSize)
			}, func(c *storage.Call) (uint64, *doc) { d := callDoc(c); return c.ID, &d }, true)
		},
		func() error {
			// Notes are read customer by customer: every note names its customer.
			return buildKind(ctx, ix, st, nil, func(tx *storage.Tx, after uint64) ([]noteBatch, error) {
				cs, err := tx.Customers(after, pageSize)
				if err != nil {
					return nil, err
				}
				out := make([]noteBatch, 0, len(cs))
				for _, c := range cs {
					ns, err := tx.NotesOf(c.ID)
					if err != nil {
						return nil, err
					}
					out = append(out, noteBatch{c.ID, ns})
				}
				return out, nil
			}, func(b *noteBatch) (uint64, *doc) {
				// Each customer's notes are put here; the returned doc is none.
				ix.mu.Lock()
				for i := range b.notes {
					ix.put(noteDoc(&b.notes[i]))
				}
				ix.mu.Unlock()
				return b.customer, nil
			}, true)
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	ix.mu.Lock()
	ix.mergeFresh()
	ix.trim()
	ix.mu.Unlock()
	ix.markReady()
	return nil
}

type noteBatch struct {
	customer uint64
	notes    []storage.Note
}

// buildKind pages through one record kind: read a page in a short
// transaction, fold it outside any lock, index it under the write lock.
func buildKind[T any](ctx context.Context, ix *Index, st Store, report func(int),
	page func(*storage.Tx, uint64) ([]T, error), mk func(*T) (uint64, *doc), count bool) error {
	var after uint64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var recs []T
		if err := st.View(func(tx *storage.Tx) error {
			var err error
			recs, err = page(tx, after)
			return err
		}); err != nil {
			return fmt.Errorf("read records for the search index: %w", err)
		}
		if len(recs) == 0 {
			return nil
		}
		docs := make([]*doc, 0, len(recs))
		if !count {
			ix.mu.Lock()
		}
		for i := range recs {
			id, d := mk(&recs[i])
			after = id
			if d != nil {
				docs = append(docs, d)
			}
		}
		if count {
			ix.mu.Lock()
		}
		for _, d := range docs {
			ix.put(*d)
		}
		ix.mu.Unlock()
		if report != nil && count {
			report(len(recs))
		}
	}
}

// Follow keeps the index current with the store: every committed change
// is queued (the store's writer never waits on the index) and applied by
// one goroutine, which starts once Build has finished. stop ends it.
func (ix *Index) Follow(st Store) (stop func()) {
	unsub := st.Subscribe(func(evs []storage.Event) {
		ix.qmu.Lock()
		for _, e := range evs {
			switch e.Kind {
			case storage.KindMessage, storage.KindConversation, storage.KindCustomer,
				storage.KindOrder, storage.KindCall, storage.KindNote:
				ix.queue = append(ix.queue, e)
				ix.queued++
			}
		}
		ix.qcond.Broadcast()
		ix.qmu.Unlock()
	})
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-ix.ready:
		case <-quit:
			return
		}
		for {
			ix.qmu.Lock()
			for len(ix.queue) == 0 {
				select {
				case <-quit:
					ix.qmu.Unlock()
					return
				default:
				}
				ix.qcond.Wait()
			}
			batch := ix.queue
			ix.queue = nil
			ix.qmu.Unlock()
			ix.apply(st, batch)
			ix.qmu.Lock()
			ix.applied += uint64(len(batch))
			ix.qcond.Broadcast()
			ix.qmu.Unlock()
		}
	}()
	return func() {
		unsub()
		close(quit)
		ix.qmu.Lock()
		ix.qcond.Broadcast()
		ix.qmu.Unlock()
		<-finished
	}
}

// Flush waits until every event queued so far has been applied; Build
// must have finished. Tests and the command line use it.
func (ix *Index) Flush() {
	ix.qmu.Lock()
	defer ix.qmu.Unlock()
	want := ix.queued
	for ix.applied < want {
		ix.qcond.Wait()
	}
}

// apply reads the changed records and re-indexes them. A record that is
// gone is removed; so a merge or a forget, whatever its steps, leaves the
// index as the store is.
func (ix *Index) apply(st Store, evs []storage.Event) {
	type change struct {
		key  docKey
		doc  *doc
		conv *convMeta
	}
	var changes []change
	_ = st.View(func(tx *storage.Tx) error {
		seen := map[docKey]bool{}
		for _, e := range evs {
			k := docKey{e.Kind, e.ID}
			if seen[k] {
				continue
			}
			seen[k] = true
			c := change{key: k}
			var err error
			switch e.Kind {
			case storage.KindConversation:
				var v storage.Conversation
				if v, err = tx.Conversation(e.ID); err == nil {
					m := convMetaOf(&v)
					c.conv = &m
				}
			case storage.KindMessage:
				var v storage.Message
				if v, err = tx.Message(e.ID); err == nil {
					d := messageDoc(&v)
					c.doc = &d
				}
			case storage.KindCustomer:
				var v storage.Customer
				if v, err = tx.Customer(e.ID); err == nil {
					d := customerDoc(&v)
					c.doc = &d
				}
			case storage.KindOrder:
				var v storage.Order
				if v, err = tx.Order(e.ID); err == nil {
					d := orderDoc(&v)
					c.doc = &d
				}
			case storage.KindCall:
				var v storage.Call
				if v, err = tx.Call(e.ID); err == nil {
					d := callDoc(&v)
					c.doc = &d
				}
			case storage.KindNote:
				var v storage.Note
				if v, err = tx.Note(e.ID); err == nil {
					d := noteDoc(&v)
					c.doc = &d
				}
			}
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				continue // unreadable now; the record keeps its last indexed form
			}
			changes = append(changes, c)
		}
		return nil
	})
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, c := range changes {
		switch {
		case c.key.kind == storage.KindConversation && c.conv != nil:
			ix.convs[c.key.id] = *c.conv
		case c.key.kind == storage.KindConversation:
			delete(ix.convs, c.key.id)
		case c.doc != nil:
			ix.put(*c.doc)
		default:
			ix.remove(c.key)
		}
	}
	if len(ix.fresh) > 4096 {
		ix.mergeFresh()
	}
}
