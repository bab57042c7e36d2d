package storage

import (
	"fmt"
	"time"
)

var (
	bConversations = []byte("conversations")
	bConvCustomer  = []byte("conversation_by_customer")
	bConvStatus    = []byte("conversation_by_status")
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
		return nil
	},
}

// convStatusKeys orders each status the way the inbox shows it: open
// conversations by how long the customer has waited, the others by their
// last activity.
func convStatusKeys(c *Conversation) [][]byte {
	return [][]byte{join(strKey(string(c.Status)), timeKey(c.inboxTime()))}
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
