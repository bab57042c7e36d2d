package imapsync

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/textproto"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/shopdesk/shopdesk/storage"
)

// identity is what survives a UIDVALIDITY change: the Message-ID header
// and the size. Matching on it finds our messages again without
// downloading them, so their conversations, notes and orders stay linked.
type identity struct {
	messageID string
	size      int64
}

var messageIDHeader = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader,
	HeaderFields: []string{"Message-ID"}, Peek: true}

// rematch re-finds the folder's messages after a UIDVALIDITY change: those
// that match move to their new UIDs, those that do not are downloaded, and
// the locations of messages no longer there are dropped.
func (s *Syncer) rematch(ctx context.Context, c *imapclient.Client, name string, sel *imap.SelectData, state *storage.FolderState) (Stats, error) {
	var stats Stats
	var server []*imapclient.FetchMessageBuffer
	if sel.NumMessages > 0 {
		var err error
		server, err = c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}},
			&imap.FetchOptions{UID: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{messageIDHeader}}).Collect()
		if err != nil {
			return stats, fmt.Errorf("fetch Message-IDs: %w", err)
		}
	}
	var missing imap.UIDSet
	var maxUID uint32
	err := s.st.Update(func(tx *storage.Tx) error {
		stats, missing, maxUID = Stats{}, nil, 0
		held := map[identity][]storage.Located{}
		var old []storage.Located
		for _, l := range tx.LocationsIn(s.o.Account.Name, name) {
			m, err := tx.Message(l.ID)
			if err != nil {
				return err
			}
			id := identity{m.MessageID, m.Size}
			held[id] = append(held[id], l)
			old = append(old, l)
		}
		// Every old location goes; matched messages get their new one.
		if err := s.unlocate(tx, name, old); err != nil {
			return err
		}
		stats.Gone = len(old)
		for _, buf := range server {
			maxUID = max(maxUID, uint32(buf.UID))
			id := identity{headerMessageID(buf.FindBodySection(messageIDHeader)), buf.RFC822Size}
			ls := held[id]
			if id.messageID == "" || len(ls) == 0 {
				missing.AddNum(buf.UID)
				continue
			}
			held[id] = ls[1:]
			m, err := tx.Message(ls[0].ID)
			if err != nil {
				return err
			}
			m.Locations = append(m.Locations, storage.Location{Account: s.o.Account.Name, Folder: name,
				UIDValidity: sel.UIDValidity, UID: uint32(buf.UID)})
			if err := tx.SaveMessage(&m, nil); err != nil {
				return err
			}
			stats.Relocated++
			stats.Gone--
		}
		// The cursor restarts under the new UIDVALIDITY: if we die before
		// the unmatched messages are in, the next run fetches from 1 and
		// skips the messages already placed.
		return tx.SaveFolderState(storage.FolderState{Account: s.o.Account.Name, Folder: name, Role: state.Role,
			UIDValidity: sel.UIDValidity})
	})
	if err != nil {
		return stats, err
	}
	state.UIDValidity, state.LastUID, state.HighestModSeq = sel.UIDValidity, 0, 0
	if len(missing) > 0 {
		// Each batch moves the cursor to its own top only: a crash in
		// between leaves the rest to the next run's fetch from there,
		// which skips the messages already placed.
		st, err := s.fetch(ctx, c, state, missing, 0, len(server)-stats.Relocated)
		stats.add(st)
		if err != nil {
			return stats, err
		}
	}
	state.LastUID = maxUID
	return stats, s.st.Update(func(tx *storage.Tx) error { return tx.SaveFolderState(*state) })
}

// headerMessageID reads the Message-ID out of a header fetch.
func headerMessageID(h []byte) string {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(h, '\r', '\n'))))
	hdr, _ := r.ReadMIMEHeader()
	return strings.Trim(strings.TrimSpace(hdr.Get("Message-Id")), "<>")
}
