package storage

import (
	"encoding/binary"
	"fmt"
	"time"
)

var (
	bConversations = []byte("conversations")
	bConvCustomer  = []byte("conversation_by_customer")
	bConvStatus    = []byte("conversation_by_status")
	bConvTag       = []byte("conversation_by_tag")
	bConvSnooze    = []byte("conversation_by_snooze")
	bMessages      = []byte("messages")
	bMessageRaw    = []byte("message_raw")
	bMsgConv       = []byte("message_by_conversation")
	bMsgMessageID  = []byte("message_by_message_id")
	bMsgHash       = []byte("message_by_hash")
	bMsgLocation   = []byte("message_by_location")
)

var conversations = table[Conversation]{
	bucket: bConversations,
	kind:   KindConversation,
	id:     func(c *Conversation) *uint64 { return &c.ID },
	indexes: []index[Conversation]{
		{bucket: bConvCustomer, keys: func(c *Conversation) [][]byte {
			return [][]byte{join(u64(c.CustomerID), timeKey(c.Created))}
		}},
		{bucket: bConvStatus, keys: convStatusKeys},
		{bucket: bConvTag, keys: convTagKeys},
		{bucket: bConvSnooze, keys: convSnoozeKeys},
	},
	prepare: func(tx *Tx, old, c *Conversation) error {
		if c.CustomerID == 0 {
			return fmt.Errorf("conversation %q has no customer", c.Subject)
		}
		if c.Status == "" {
			c.Status = StatusOpen
		}
		if old != nil {
			tx.stamp(&c.Created, &c.Updated, old.Created)
		} else {
			tx.stamp(&c.Created, &c.Updated, c.Created)
		}
		// The close time feeds the resolution-time figures.
		switch {
		case c.Status != StatusClosed:
			c.Closed = time.Time{}
		case old != nil && old.Status != StatusClosed:
			c.Closed = tx.now()
		case old != nil && c.Closed.IsZero():
			c.Closed = old.Closed
		}
		return conversationRules(tx, old, c) // follow-up rules, same transaction
	},
}

// convStatusKeys orders each status the way the inbox shows it: open
// conversations by how long the customer has waited, the others by their
// last activity.
func convStatusKeys(c *Conversation) [][]byte {
	return [][]byte{join(strKey(string(c.Status)), timeKey(c.inboxTime()))}
}

func convTagKeys(c *Conversation) [][]byte {
	ks := make([][]byte, 0, len(c.Tags))
	for _, t := range c.Tags {
		ks = append(ks, strKey(t))
	}
	return ks
}

// convSnoozeKeys lists snoozed conversations by when they wake; a past
// time simply means awake.
func convSnoozeKeys(c *Conversation) [][]byte {
	if c.SnoozedUntil.IsZero() {
		return nil
	}
	return [][]byte{timeKey(c.SnoozedUntil)}
}

func (c *Conversation) inboxTime() time.Time {
	if c.Status == StatusOpen {
		if w := c.WaitingSince(); !w.IsZero() {
			return w
		}
		return c.Created
	}
	return c.LastActivity()
}

// LastActivity is the time of the latest message either way, or creation.
func (c *Conversation) LastActivity() time.Time {
	t := c.Created
	for _, x := range []time.Time{c.LastInbound, c.LastOutbound} {
		if x.After(t) {
			t = x
		}
	}
	return t
}

// SaveConversation creates or updates a conversation.
func (tx *Tx) SaveConversation(c *Conversation) error { return conversations.put(tx, c) }

// Conversation returns the conversation with the ID.
func (tx *Tx) Conversation(id uint64) (Conversation, error) { return conversations.get(tx, id) }

// ConversationsByStatus lists conversations with the status as the inbox
// shows them: open ones longest-waiting first, the others latest first.
// It reads at most limit records (all when limit <= 0).
func (tx *Tx) ConversationsByStatus(status ConversationStatus, limit int) ([]Conversation, error) {
	return conversations.byIndex(tx, bConvStatus, strKey(string(status)), status != StatusOpen, limit)
}

// ConversationIDs lists the IDs of the conversations with the status in
// inbox order, from the index alone: cheap enough for 100,000, so a
// virtualized list can hold every ID and read only the rows it shows.
func (tx *Tx) ConversationIDs(status ConversationStatus) []uint64 {
	return idsUnderOrdered(tx, bConvStatus, strKey(string(status)), status != StatusOpen)
}

// SnoozedIDs lists the conversations snoozed until after now, waking first.
func (tx *Tx) SnoozedIDs(now time.Time) []uint64 {
	var ids []uint64
	c := tx.btx.Bucket(bConvSnooze).Cursor()
	for k, _ := c.Seek(timeKey(now.Add(time.Nanosecond))); k != nil; k, _ = c.Next() {
		ids = append(ids, binary.BigEndian.Uint64(k[8:]))
	}
	return ids
}

// TaggedIDs lists the conversations with the tag.
func (tx *Tx) TaggedIDs(tag string) []uint64 { return idsUnder(tx, bConvTag, strKey(tag)) }

// ConversationTags lists every tag in use, sorted.
func (tx *Tx) ConversationTags() []string { return indexedTags(tx, bConvTag) }

// indexedTags lists the distinct tags of a tag index (keys are the tag
// then a separator and an 8-byte ID), in key order.
func indexedTags(tx *Tx, ix []byte) []string {
	var tags []string
	c := tx.btx.Bucket(ix).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) < 9 {
			continue
		}
		t := string(k[:len(k)-9])
		if len(tags) == 0 || tags[len(tags)-1] != t {
			tags = append(tags, t)
		}
	}
	return tags
}

// CountConversations counts the conversations with the status.
func (tx *Tx) CountConversations(status ConversationStatus) int {
	n := 0
	scanIndex(tx, bConvStatus, strKey(string(status)), false, func(uint64) bool { n++; return true })
	return n
}

// ConversationsOf lists a customer's conversations, oldest first.
func (tx *Tx) ConversationsOf(customerID uint64) ([]Conversation, error) {
	return conversations.byIndex(tx, bConvCustomer, u64(customerID), false, 0)
}

// DeleteConversation removes the conversation and its messages; notes and
// follow-ups about it stay with the customer.
func (tx *Tx) DeleteConversation(id uint64) error {
	for _, mid := range idsUnder(tx, bMsgConv, u64(id)) {
		if err := tx.DeleteMessage(mid); err != nil {
			return err
		}
	}
	return conversations.delete(tx, id)
}

// Conversations returns up to limit conversations with IDs after the given one.
func (tx *Tx) Conversations(after uint64, limit int) ([]Conversation, error) {
	return conversations.page(tx, after, limit)
}
