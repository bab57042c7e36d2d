package storage

import (
	"fmt"
	"time"
)

// OutboxState is where a reply is on its way out. The order of the happy
// path is queued -> sending -> accepted -> filed -> done.
type OutboxState string

const (
	OutQueued    OutboxState = "queued"    // waiting for its (next) attempt
	OutSending   OutboxState = "sending"   // an attempt is under way, before DATA: safe to retry
	OutData      OutboxState = "data"      // DATA is under way: from here the message may arrive
	OutAccepted  OutboxState = "accepted"  // the server said 250 after DATA
	OutFiled     OutboxState = "filed"     // a copy is in the Sent folder
	OutDone      OutboxState = "done"      // the replied-to message is marked \Answered
	OutFailed    OutboxState = "failed"    // the server refused it for good (5xx)
	OutUncertain OutboxState = "uncertain" // the connection dropped after the final dot: may have been sent
	OutCancelled OutboxState = "cancelled" // the seller gave it up unsent
)

// OutboxItem is a reply persisted before any network I/O, with its
// Message-ID frozen, so it is never lost and never sent twice.
type OutboxItem struct {
	ID             uint64      `json:"id"`
	Account        string      `json:"account"`
	MessageID      string      `json:"message_id"`
	ConversationID uint64      `json:"conversation_id,omitempty"`
	ReplyTo        uint64      `json:"reply_to,omitempty"` // the stored message answered
	From           string      `json:"from"`
	Recipients     []string    `json:"recipients"`
	Subject        string      `json:"subject"`
	State          OutboxState `json:"state"`
	Attempts       int         `json:"attempts"`
	NextAttempt    time.Time   `json:"next_attempt,omitzero"`
	LastError      string      `json:"last_error,omitempty"` // the server's own words
	Created        time.Time   `json:"created"`
	Updated        time.Time   `json:"updated"`
	Accepted       time.Time   `json:"accepted,omitzero"`
}

var (
	bOutbox          = []byte("outbox")
	bOutboxRaw       = []byte("outbox_raw")
	bOutboxState     = []byte("outbox_by_state")
	bOutboxMessageID = []byte("outbox_by_message_id")
)

var outbox = table[OutboxItem]{
	bucket: bOutbox,
	kind:   KindOutbox,
	id:     func(o *OutboxItem) *uint64 { return &o.ID },
	indexes: []index[OutboxItem]{
		{bucket: bOutboxState, keys: func(o *OutboxItem) [][]byte {
			return [][]byte{join(strKey(string(o.State)), timeKey(o.NextAttempt))}
		}},
		{bucket: bOutboxMessageID, keys: func(o *OutboxItem) [][]byte { return optKey(o.MessageID) }},
	},
	prepare: func(tx *Tx, old, o *OutboxItem) error {
		if o.MessageID == "" {
			return fmt.Errorf("outbox item has no Message-ID")
		}
		if old == nil {
			var dup bool
			scanIndex(tx, bOutboxMessageID, strKey(o.MessageID), false, func(uint64) bool { dup = true; return false })
			if dup {
				return fmt.Errorf("Message-ID %s is already in the outbox: %w", o.MessageID, ErrConflict)
			}
		} else if old.MessageID != o.MessageID {
			return fmt.Errorf("the Message-ID of outbox item %d is frozen: %w", o.ID, ErrConflict)
		}
		if o.State == "" {
			o.State = OutQueued
		}
		prev := o.Created
		if old != nil {
			prev = old.Created
		}
		tx.stamp(&o.Created, &o.Updated, prev)
		return nil
	},
}

// Enqueue persists a composed message (raw RFC 5322 bytes) in the outbox.
func (tx *Tx) Enqueue(o *OutboxItem, raw []byte) error {
	if o.ID != 0 {
		return fmt.Errorf("outbox item %d is already queued", o.ID)
	}
	o.State = OutQueued
	if err := outbox.put(tx, o); err != nil {
		return err
	}
	z, err := compress(raw)
	if err != nil {
		return fmt.Errorf("compress outbox item %d: %w", o.ID, err)
	}
	return tx.btx.Bucket(bOutboxRaw).Put(u64(o.ID), z)
}

// SaveOutboxItem records a state change of a queued message.
func (tx *Tx) SaveOutboxItem(o *OutboxItem) error {
	if o.ID == 0 {
		return fmt.Errorf("outbox item not queued yet")
	}
	return outbox.put(tx, o)
}

// OutboxItem returns the outbox item with the ID.
func (tx *Tx) OutboxItem(id uint64) (OutboxItem, error) { return outbox.get(tx, id) }

// OutboxRaw returns the bytes to send for an outbox item.
func (tx *Tx) OutboxRaw(id uint64) ([]byte, error) {
	return decompress(tx.btx.Bucket(bOutboxRaw).Get(u64(id)), fmt.Sprintf("outbox item %d", id))
}

// OutboxByState lists the items in a state, by next attempt time.
func (tx *Tx) OutboxByState(state OutboxState) ([]OutboxItem, error) {
	return outbox.byIndex(tx, bOutboxState, strKey(string(state)), false, 0)
}

// OutboxItems returns up to limit outbox items with IDs after the given one.
func (tx *Tx) OutboxItems(after uint64, limit int) ([]OutboxItem, error) {
	return outbox.page(tx, after, limit)
}
