package imapsync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/storage"
)

// syncFolder brings one folder up to date: new messages, then (for a
// folder synced before) flag changes and expunges.
func (s *Syncer) syncFolder(ctx context.Context, c *imapclient.Client, name string, role storage.FolderRole) (Stats, error) {
	stats := Stats{Folders: 1}
	condstore := c.Caps().Has(imap.CapCondStore)
	sel, err := c.Select(name, &imap.SelectOptions{ReadOnly: true, CondStore: condstore}).Wait()
	if err != nil {
		return stats, fmt.Errorf("examine: %w", err)
	}
	var state storage.FolderState
	if err := s.st.View(func(tx *storage.Tx) error {
		state, err = tx.FolderState(s.o.Account.Name, name)
		return err
	}); err != nil {
		return stats, err
	}
	known := state.UIDValidity != 0
	s.reportFolder(name, !known)
	state.Role = role
	log := s.o.Log.WithFields(logrus.Fields{"folder": name, "uidvalidity": sel.UIDValidity, "messages": sel.NumMessages})

	// A new UIDVALIDITY (or none at all) means the UIDs we hold say
	// nothing: find our messages again by Message-ID and size.
	if sel.UIDValidity == 0 || (known && state.UIDValidity != sel.UIDValidity) {
		if sel.UIDValidity == 0 {
			log.Debug("the server gives no UIDVALIDITY; re-matching messages")
		} else {
			log.WithField("was", state.UIDValidity).Warn("UIDVALIDITY changed; re-matching messages")
		}
		st, err := s.rematch(ctx, c, name, sel, &state)
		stats.add(st)
		if err != nil {
			return stats, err
		}
	}
	state.UIDValidity = sel.UIDValidity

	if sel.NumMessages > 0 && (sel.UIDNext == 0 || uint32(sel.UIDNext) > state.LastUID+1) {
		total := 0
		if sel.UIDNext != 0 {
			total = int(min(uint32(sel.UIDNext)-1-state.LastUID, sel.NumMessages))
		}
		above := imap.UIDSet{imap.UIDRange{Start: imap.UID(state.LastUID + 1), Stop: 0}}
		st, err := s.fetch(ctx, c, &state, above, state.LastUID, total)
		stats.add(st)
		if err != nil {
			return stats, err
		}
	}
	if known {
		st, err := s.refresh(c, &state, sel, condstore)
		stats.add(st)
		if err != nil {
			return stats, err
		}
	} else if condstore {
		// A first sync fetched flags with the messages, as new as this modseq.
		state.HighestModSeq = sel.HighestModSeq
	}
	state.Synced = s.o.Now()
	return stats, s.st.Update(func(tx *storage.Tx) error { return tx.SaveFolderState(state) })
}

// fetch downloads the messages in set in one streamed UID FETCH, skipping
// UIDs up to skipTo, committing them (and the cursor) in batches while the
// next batch downloads.
func (s *Syncer) fetch(ctx context.Context, c *imapclient.Client, state *storage.FolderState, set imap.UIDSet, skipTo uint32, total int) (Stats, error) {
	start := time.Now()
	batches := make(chan []fetched, 2)
	committed := make(chan commitResult, 1)
	// The committer owns *state until it is done: read nothing of it here.
	folder := state.Folder
	go func() { committed <- s.commitAll(state, batches) }()

	cmd := c.Fetch(set, fullFetch)
	var (
		batch     []fetched
		batchSize int
		n         int
		bytes     int64
		fetchErr  error
	)
	flush := func() {
		if len(batch) > 0 {
			batches <- batch
			batch, batchSize = nil, 0
		}
	}
	for {
		msg := cmd.Next()
		if msg == nil {
			break
		}
		buf, err := collect(msg)
		if err != nil {
			fetchErr = err
			if errors.Is(err, errCutShort) {
				// The connection died inside a literal, and go-imap's
				// reader goes on reading it: let that end before Close
				// below reads (discards) the rest of the literal.
				c.Close()
				<-c.Closed()
			}
			break
		}
		if uint32(buf.UID) <= skipTo {
			continue // "n:*" always returns the last message, even below n
		}
		f := newFetched(buf)
		batch = append(batch, f)
		batchSize += len(f.raw)
		n++
		bytes += int64(len(f.raw))
		if len(batch) >= s.o.Batch || batchSize >= 32<<20 {
			flush()
			s.progress(folder, n, bytes, total, start, false)
		}
		if ctx.Err() != nil {
			fetchErr = ctx.Err()
			break
		}
	}
	if err := cmd.Close(); fetchErr == nil {
		fetchErr = err
	}
	// Whatever arrived whole is kept; a cut connection resumes after it.
	flush()
	close(batches)
	res := <-committed
	s.progress(folder, n, bytes, total, start, true)
	res.stats.Bytes = bytes
	if res.err != nil {
		return res.stats, res.err
	}
	if fetchErr != nil {
		return res.stats, fmt.Errorf("fetch: %w", fetchErr)
	}
	return res.stats, nil
}

func (s *Syncer) progress(folder string, n int, bytes int64, total int, start time.Time, done bool) {
	p := Progress{Folder: folder, Messages: n, Bytes: bytes, Total: total, Elapsed: time.Since(start), Done: done}
	if s.o.Progress != nil {
		s.o.Progress(p)
	}
	s.reportProgress(p)
}

// fullFetch is what sync downloads of a message: no ENVELOPE or
// BODYSTRUCTURE, which servers get wrong; the raw bytes are parsed here.
var fullFetch = &imap.FetchOptions{UID: true, Flags: true, RFC822Size: true, InternalDate: true,
	BodySection: []*imap.FetchItemBodySection{{Peek: true}}}

func newFetched(buf *imapclient.FetchMessageBuffer) fetched {
	f := fetched{uid: uint32(buf.UID), flags: flagStrings(buf.Flags), internal: buf.InternalDate, size: buf.RFC822Size}
	// BODY[] NIL is no body either: Dovecot answers so for a message
	// expunged since the EXAMINE.
	if len(buf.BodySection) > 0 && buf.BodySection[0].Bytes != nil {
		f.raw = buf.BodySection[0].Bytes
	} else {
		f.err = "the server sent no body"
	}
	return f
}

var errCutShort = errors.New("message cut short")

// collect reads one message of a streamed FETCH as msg.Collect does,
// except that a literal cut short is an error: go-imap reads literals
// through an io.LimitReader, so a connection dropped inside one looks like
// its clean end, and Collect returns the truncated bytes as the message.
func collect(msg *imapclient.FetchMessageData) (*imapclient.FetchMessageBuffer, error) {
	buf := &imapclient.FetchMessageBuffer{SeqNum: msg.SeqNum}
	for {
		switch item := msg.Next().(type) {
		case nil:
			return buf, nil
		case imapclient.FetchItemDataBodySection:
			var b []byte
			if item.Literal != nil {
				b = make([]byte, item.Literal.Size())
				if _, err := io.ReadFull(item.Literal, b); err != nil {
					return nil, fmt.Errorf("UID %d: %w (%v)", buf.UID, errCutShort, err)
				}
			}
			buf.BodySection = append(buf.BodySection, imapclient.FetchBodySectionBuffer{Section: item.Section, Bytes: b})
		case imapclient.FetchItemDataUID:
			buf.UID = item.UID
		case imapclient.FetchItemDataFlags:
			buf.Flags = item.Flags
		case imapclient.FetchItemDataRFC822Size:
			buf.RFC822Size = item.Size
		case imapclient.FetchItemDataInternalDate:
			buf.InternalDate = item.Time
		case imapclient.FetchItemDataModSeq:
			buf.ModSeq = item.ModSeq
		}
		// Anything else was not asked for; Next discards it.
	}
}

func flagStrings(fs []imap.Flag) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}
