package storage

import (
	"encoding/binary"
	"fmt"
	"time"
)

var (
	bCalls            = []byte("calls")
	bCallCustomer     = []byte("call_by_customer")
	bFollowUps        = []byte("followups")
	bFollowUpDue      = []byte("followup_by_due")
	bFollowUpCustomer = []byte("followup_by_customer")
	bNotes            = []byte("notes")
	bNoteCustomer     = []byte("note_by_customer")
	bNoteTarget       = []byte("note_by_target")
)

var calls = table[Call]{
	bucket: bCalls,
	kind:   KindCall,
	id:     func(c *Call) *uint64 { return &c.ID },
	indexes: []index[Call]{
		{bucket: bCallCustomer, keys: func(c *Call) [][]byte { return [][]byte{join(u64(c.CustomerID), timeKey(c.Start))} }},
	},
	prepare: func(tx *Tx, old, c *Call) error {
		if c.CustomerID == 0 {
			return fmt.Errorf("call has no customer")
		}
		if c.Start.IsZero() {
			c.Start = tx.now()
		}
		return callRules(tx, old, c)
	},
}

// Follow-ups are indexed by due time in two runs, open ones first, so the
// due list is a prefix scan that never reads finished work.
const (
	dueOpen byte = 0
	dueDone byte = 1
)

var followUps = table[FollowUp]{
	bucket: bFollowUps,
	kind:   KindFollowUp,
	id:     func(f *FollowUp) *uint64 { return &f.ID },
	indexes: []index[FollowUp]{
		{bucket: bFollowUpDue, keys: func(f *FollowUp) [][]byte {
			state := dueOpen
			if !f.Done.IsZero() {
				state = dueDone
			}
			return [][]byte{join([]byte{state}, timeKey(f.Due))}
		}},
		{bucket: bFollowUpCustomer, keys: func(f *FollowUp) [][]byte { return [][]byte{join(u64(f.CustomerID), timeKey(f.Due))} }},
	},
	prepare: func(tx *Tx, old, f *FollowUp) error {
		if f.CustomerID == 0 {
			return fmt.Errorf("follow-up has no customer")
		}
		if f.Due.IsZero() {
			return fmt.Errorf("follow-up has no due time")
		}
		if f.Created.IsZero() {
			f.Created = tx.now()
		}
		return nil
	},
}

var notes = table[Note]{
	bucket: bNotes,
	kind:   KindNote,
	id:     func(n *Note) *uint64 { return &n.ID },
	indexes: []index[Note]{
		{bucket: bNoteCustomer, keys: func(n *Note) [][]byte { return [][]byte{join(u64(n.CustomerID), timeKey(n.Created))} }},
		{bucket: bNoteTarget, keys: func(n *Note) [][]byte {
			var ks [][]byte
			if n.ConversationID != 0 {
				ks = append(ks, join(noteTarget(KindConversation, n.ConversationID), timeKey(n.Created)))
			}
			if n.OrderID != 0 {
				ks = append(ks, join(noteTarget(KindOrder, n.OrderID), timeKey(n.Created)))
			}
			return ks
		}},
	},
	prepare: func(tx *Tx, _, n *Note) error {
		if n.CustomerID == 0 {
			return fmt.Errorf("note has no customer")
		}
		if n.Created.IsZero() {
			n.Created = tx.now()
		}
		return nil
	},
}

// SaveCall logs or updates a phone call.
func (tx *Tx) SaveCall(c *Call) error { return calls.put(tx, c) }

// Call returns the call with the ID.
func (tx *Tx) Call(id uint64) (Call, error) { return calls.get(tx, id) }

// CallsOf lists a customer's calls, oldest first.
func (tx *Tx) CallsOf(customerID uint64) ([]Call, error) {
	return calls.byIndex(tx, bCallCustomer, u64(customerID), false, 0)
}

// Calls returns up to limit calls with IDs after the given one.
func (tx *Tx) Calls(after uint64, limit int) ([]Call, error) { return calls.page(tx, after, limit) }

// DeleteCall removes a call.
func (tx *Tx) DeleteCall(id uint64) error { return calls.delete(tx, id) }

// SaveFollowUp creates or updates a follow-up.
func (tx *Tx) SaveFollowUp(f *FollowUp) error { return followUps.put(tx, f) }

// FollowUp returns the follow-up with the ID.
func (tx *Tx) FollowUp(id uint64) (FollowUp, error) { return followUps.get(tx, id) }

// FollowUpsDue lists open follow-ups due before the time (all open ones
// for a zero time), earliest first, at most limit when limit > 0.
func (tx *Tx) FollowUpsDue(before time.Time, limit int) ([]FollowUp, error) {
	var out []FollowUp
	var err error
	scanIndex(tx, bFollowUpDue, []byte{dueOpen}, false, func(id uint64) bool {
		var f FollowUp
		if f, err = tx.FollowUp(id); err != nil {
			return false
		}
		if !before.IsZero() && !f.Due.Before(before) {
			return false
		}
		out = append(out, f)
		return limit <= 0 || len(out) < limit
	})
	return out, err
}

// CountOpenFollowUps counts the follow-ups not yet done.
func (tx *Tx) CountOpenFollowUps() int {
	n := 0
	scanIndex(tx, bFollowUpDue, []byte{dueOpen}, false, func(uint64) bool { n++; return true })
	return n
}

// FollowUpsOf lists a customer's follow-ups by due time.
func (tx *Tx) FollowUpsOf(customerID uint64) ([]FollowUp, error) {
	return followUps.byIndex(tx, bFollowUpCustomer, u64(customerID), false, 0)
}

// FollowUps returns up to limit follow-ups with IDs after the given one.
func (tx *Tx) FollowUps(after uint64, limit int) ([]FollowUp, error) {
	return followUps.page(tx, after, limit)
}

// DeleteFollowUp removes a follow-up.
func (tx *Tx) DeleteFollowUp(id uint64) error { return followUps.delete(tx, id) }

// SaveNote creates or updates an internal note.
func (tx *Tx) SaveNote(n *Note) error { return notes.put(tx, n) }

// Note returns the note with the ID.
func (tx *Tx) Note(id uint64) (Note, error) { return notes.get(tx, id) }

// NotesOf lists a customer's notes, oldest first.
func (tx *Tx) NotesOf(customerID uint64) ([]Note, error) {
	return notes.byIndex(tx, bNoteCustomer, u64(customerID), false, 0)
}

// NotesAbout lists the notes on a conversation or an order, oldest first.
func (tx *Tx) NotesAbout(kind Kind, id uint64) ([]Note, error) {
	return notes.byIndex(tx, bNoteTarget, noteTarget(kind, id), false, 0)
}

func noteTarget(kind Kind, id uint64) []byte { return join(strKey(string(kind)), u64(id)) }

// DeleteNote removes a note.
func (tx *Tx) DeleteNote(id uint64) error { return notes.delete(tx, id) }

// NextFollowUpDue is the earliest due time of an open follow-up after the
// time, for a timer that wakes when the next one falls due.
func (tx *Tx) NextFollowUpDue(after time.Time) (time.Time, bool) {
	var next time.Time
	found := false
	c := tx.btx.Bucket(bFollowUpDue).Cursor()
	for k, _ := c.Seek(join([]byte{dueOpen}, timeKey(after.Add(time.Nanosecond)))); k != nil && k[0] == dueOpen; k, _ = c.Next() {
		f, err := tx.FollowUp(binary.BigEndian.Uint64(k[len(k)-8:]))
		if err != nil {
			continue
		}
		next, found = f.Due, true
		break
	}
	return next, found
}
