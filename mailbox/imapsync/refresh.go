package imapsync

import (
	"errors"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/shopdesk/shopdesk/storage"
)

// refresh brings flags and expunges of known messages up to date, and
// retries quarantined ones. With CONDSTORE an unchanged folder costs
// nothing beyond the EXAMINE.
func (s *Syncer) refresh(c *imapclient.Client, state *storage.FolderState, sel *imap.SelectData, condstore bool) (Stats, error) {
	var stats Stats
	if !condstore || state.HighestModSeq == 0 || sel.HighestModSeq != state.HighestModSeq {
		n, err := s.refreshFlags(c, state, condstore)
		if err != nil {
			return stats, err
		}
		stats.Flags = n
		state.HighestModSeq = sel.HighestModSeq
	}
	gone, err := s.dropExpunged(c, state, sel)
	if err != nil {
		return stats, err
	}
	stats.Gone = gone
	st, err := s.retryQuarantine(c, state)
	stats.add(st)
	return stats, err
}

func (s *Syncer) refreshFlags(c *imapclient.Client, state *storage.FolderState, condstore bool) (int, error) {
	if state.LastUID == 0 {
		return 0, nil
	}
	opts := &imap.FetchOptions{UID: true, Flags: true}
	if condstore && state.HighestModSeq != 0 {
		opts.ChangedSince = state.HighestModSeq
	}
	bufs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: imap.UID(state.LastUID)}}, opts).Collect()
	if err != nil {
		return 0, fmt.Errorf("fetch flags: %w", err)
	}
	changed := 0
	err = s.st.Update(func(tx *storage.Tx) error {
		changed = 0
		for _, b := range bufs {
			loc := storage.Location{Account: s.o.Account.Name, Folder: state.Folder, UIDValidity: state.UIDValidity, UID: uint32(b.UID)}
			m, err := tx.MessageAt(loc)
			if errors.Is(err, storage.ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			flags := flagStrings(b.Flags)
			if sameSet(m.Flags, flags) {
				continue
			}
			m.Flags = flags
			changed++
			if err := tx.SaveMessage(&m, nil); err != nil {
				return err
			}
		}
		return nil
	})
	return changed, err
}

// dropExpunged forgets the server locations of messages that are gone
// from the folder. The messages themselves stay: they are the customer's
// history, and sync never deletes it.
func (s *Syncer) dropExpunged(c *imapclient.Client, state *storage.FolderState, sel *imap.SelectData) (int, error) {
	var held []storage.Located
	known := map[uint32]bool{} // held or quarantined, under this UIDVALIDITY
	if err := s.st.View(func(tx *storage.Tx) error {
		held = tx.LocationsIn(s.o.Account.Name, state.Folder)
		for _, l := range held {
			if l.UIDValidity == state.UIDValidity {
				known[l.UID] = true
			}
		}
		qs, err := tx.QuarantinedIn(s.o.Account.Name, state.Folder)
		for _, q := range qs {
			if q.UIDValidity == state.UIDValidity {
				known[q.UID] = true
			}
		}
		return err
	}); err != nil {
		return 0, err
	}
	// As many as the server counts: none went and none is missing.
	if len(known) == int(sel.NumMessages) && !hasOtherValidity(held, state.UIDValidity) {
		return 0, nil
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("search all: %w", err)
	}
	present := map[uint32]bool{}
	var missing []storage.Location
	for _, u := range data.AllUIDs() {
		present[uint32(u)] = true
		if uint32(u) <= state.LastUID && !known[uint32(u)] {
			missing = append(missing, storage.Location{Account: s.o.Account.Name, Folder: state.Folder, UIDValidity: state.UIDValidity, UID: uint32(u)})
		}
	}
	var gone []storage.Located
	for _, l := range held {
		if l.UIDValidity != state.UIDValidity || !present[l.UID] {
			gone = append(gone, l)
		}
	}
	return len(gone), s.st.Update(func(tx *storage.Tx) error {
		// Below the cursor, neither held nor quarantined: the server left
		// it out of a FETCH answer. Quarantined, it is fetched again below.
		for _, l := range missing {
			if err := tx.Quarantine(storage.Quarantined{Location: l, Error: "the server left it out of its FETCH answer"}); err != nil {
				return err
			}
		}
		return s.unlocate(tx, state.Folder, gone)
	})
}

func hasOtherValidity(ls []storage.Located, v uint32) bool {
	return slices.ContainsFunc(ls, func(l storage.Located) bool { return l.UIDValidity != v })
}

// unlocate removes the given folder locations from their messages.
func (s *Syncer) unlocate(tx *storage.Tx, folder string, gone []storage.Located) error {
	for _, l := range gone {
		m, err := tx.Message(l.ID)
		if err != nil {
			return err
		}
		m.Locations = slices.DeleteFunc(m.Locations, func(x storage.Location) bool {
			return x.Account == s.o.Account.Name && x.Folder == folder && x.UIDValidity == l.UIDValidity && x.UID == l.UID
		})
		if err := tx.SaveMessage(&m, nil); err != nil {
			return err
		}
	}
	return nil
}

// retryQuarantine fetches again the messages that failed before.
func (s *Syncer) retryQuarantine(c *imapclient.Client, state *storage.FolderState) (Stats, error) {
	var qs []storage.Quarantined
	if err := s.st.View(func(tx *storage.Tx) error {
		var err error
		qs, err = tx.QuarantinedIn(s.o.Account.Name, state.Folder)
		return err
	}); err != nil || len(qs) == 0 {
		return Stats{}, err
	}
	var uids imap.UIDSet
	for _, q := range qs {
		if q.UIDValidity == state.UIDValidity {
			uids.AddNum(imap.UID(q.UID))
		}
	}
	if len(uids) == 0 {
		return Stats{}, nil
	}
	bufs, err := c.Fetch(uids, fullFetch).Collect()
	if err != nil {
		return Stats{}, fmt.Errorf("fetch quarantined: %w", err)
	}
	b := make([]fetched, 0, len(bufs))
	answered := map[uint32]bool{}
	for _, buf := range bufs {
		b = append(b, newFetched(buf))
		answered[uint32(buf.UID)] = true
	}
	s.prepare(b)
	st, err := s.commit(state, b)
	if err != nil {
		return st, err
	}
	// A quarantined message the server no longer has is gone for good.
	return st, s.st.Update(func(tx *storage.Tx) error {
		for _, q := range qs {
			if q.UIDValidity != state.UIDValidity || !answered[q.UID] {
				if err := tx.Release(q.Location); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
