package imapsync

import (
	"errors"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// fetched is one message as the server sent it.
type fetched struct {
	uid      uint32
	flags    []string
	internal time.Time
	size     int64
	raw      []byte
	err      string // why it could not be fetched; it goes to quarantine

	// filled by prepare
	msg    storage.Message
	packed storage.Packed
}

type commitResult struct {
	stats Stats
	err   error
}

// commitAll stores batches as they come; after a failure it drains the
// channel so the fetcher never blocks.
func (s *Syncer) commitAll(state *storage.FolderState, batches <-chan []fetched) commitResult {
	var res commitResult
	for b := range batches {
		if res.err != nil {
			continue
		}
		s.prepare(b)
		st, err := s.commit(state, b)
		res.stats.add(st)
		res.err = err
	}
	return res
}

// prepare parses a batch on all cores; parsing is the costly part of
// ingesting and needs no transaction.
func (s *Syncer) prepare(b []fetched) {
	workers := min(runtime.GOMAXPROCS(0), len(b))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f := &b[i]
				if f.err != "" {
					continue
				}
				packed, err := storage.Pack(f.raw)
				if err != nil {
					f.err = err.Error()
					continue
				}
				f.packed = packed
				f.msg = storage.Message{Flags: f.flags}
				p, err := mailbox.Parse(f.raw)
				if err != nil {
					f.msg.ParseError = err.Error()
				}
				p.Fill(&f.msg)
				if f.msg.Date.IsZero() {
					f.msg.Date = f.internal
				}
			}
		}()
	}
	for i := range b {
		next <- i
	}
	close(next)
	wg.Wait()
}

// commit stores a parsed batch and moves the folder's cursor past it in
// one transaction: after a crash either all of it is there or none.
func (s *Syncer) commit(state *storage.FolderState, b []fetched) (Stats, error) {
	var stats Stats
	linker := mailbox.Linker{Account: s.o.Account.Name, Own: mailbox.OwnAddresses(s.o.Account),
		QuietBefore: s.o.Now().Add(-s.o.History)}
	next := *state
	err := s.st.Update(func(tx *storage.Tx) error {
		stats = Stats{}
		for i := range b {
			f := &b[i]
			loc := storage.Location{Account: s.o.Account.Name, Folder: state.Folder, UIDValidity: state.UIDValidity, UID: f.uid}
			next.LastUID = max(next.LastUID, f.uid)
			if f.err != "" {
				stats.Quarantined++
				if err := tx.Quarantine(storage.Quarantined{Location: loc, Error: f.err}); err != nil {
					return err
				}
				continue
			}
			added, err := s.store(tx, linker, loc, f)
			if err != nil {
				return err
			}
			if added {
				stats.New++
			} else {
				stats.Relocated++
			}
			if err := tx.Release(loc); err != nil {
				return err
			}
		}
		return tx.SaveFolderState(next)
	})
	if err == nil {
		*state = next
	}
	return stats, err
}

// store files one message: a copy we already hold (same bytes, or our
// own sent message under the same Message-ID) only gains a location.
func (s *Syncer) store(tx *storage.Tx, linker mailbox.Linker, loc storage.Location, f *fetched) (added bool, err error) {
	if _, err := tx.MessageAt(loc); err == nil {
		return false, nil // committed by an earlier run that died before its cursor moved: cannot happen, but harmless
	} else if !errors.Is(err, storage.ErrNotFound) {
		return false, err
	}
	existing, err := tx.MessageByHash(f.packed.Hash)
	if errors.Is(err, storage.ErrNotFound) && f.msg.MessageID != "" && linker.Own(f.msg.From.Email) {
		// The Sent copy of a reply we sent: servers may re-encode it, so
		// its bytes can differ from the outbox's.
		var same []storage.Message
		if same, err = tx.MessagesByMessageID(f.msg.MessageID); err == nil && len(same) > 0 {
			existing = same[0]
		} else if err == nil {
			err = storage.ErrNotFound
		}
	}
	switch {
	case err == nil:
		existing.Locations = append(existing.Locations, loc)
		existing.Flags = mergeFlags(existing.Flags, f.flags)
		return false, tx.SaveMessage(&existing, nil)
	case !errors.Is(err, storage.ErrNotFound):
		return false, err
	}
	m := f.msg
	m.Locations = []storage.Location{loc}
	if err := linker.Link(tx, &m); err != nil {
		return false, err
	}
	return true, tx.SavePacked(&m, f.packed)
}

func mergeFlags(a, b []string) []string {
	out := slices.Clone(a)
	for _, f := range b {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
