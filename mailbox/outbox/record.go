package outbox

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// accept records that the server took the message: the item becomes
// accepted and the message joins its conversation as ours, in the same
// transaction. The sync engine matches the Sent copy by Message-ID and
// only adds its location, so the message is never stored twice.
//
// The conversation's clocks move here rather than at "done": the customer
// has the reply from this moment, even if filing in Sent waits for the
// IMAP server.
func accept(tx *storage.Tx, it *storage.OutboxItem, raw []byte, at time.Time) error {
	it.State = storage.OutAccepted
	it.Accepted = at
	it.NextAttempt = time.Time{}
	if err := tx.SaveOutboxItem(it); err != nil {
		return err
	}
	if _, err := sentCopy(tx, it.MessageID); err == nil {
		return nil // the sync already stored the server's Sent copy
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	conv, err := tx.Conversation(it.ConversationID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // the seller deleted the conversation meanwhile
	} else if err != nil {
		return err
	}
	m := storage.Message{ConversationID: conv.ID, Direction: storage.Outbound, Flags: []string{"\\Seen"}}
	p, perr := mailbox.Parse(raw)
	p.Fill(&m)
	if perr != nil {
		m.ParseError = perr.Error()
	}
	if m.MessageID == "" {
		m.MessageID = it.MessageID
	}
	if err := tx.SaveMessage(&m, raw); err != nil {
		return fmt.Errorf("store sent message %s: %w", it.MessageID, err)
	}
	touch(&conv, at)
	return tx.SaveConversation(&conv)
}

// sentCopy finds our own stored copy of the message.
func sentCopy(tx *storage.Tx, messageID string) (storage.Message, error) {
	ms, err := tx.MessagesByMessageID(messageID)
	if err != nil {
		return storage.Message{}, err
	}
	for _, m := range ms {
		if m.Direction == storage.Outbound {
			return m, nil
		}
	}
	return storage.Message{}, fmt.Errorf("sent copy of %s: %w", messageID, storage.ErrNotFound)
}

// touch moves the conversation's clocks for our reply sent at `at`, by the
// sync's linking rule: the first reply after the customer wrote is the
// first response, and an open conversation now waits on the customer (a
// closed one stays closed: the seller chose that).
func touch(c *storage.Conversation, at time.Time) {
	if !c.FirstInbound.IsZero() && at.After(c.FirstInbound) && (c.FirstResponse.IsZero() || at.Before(c.FirstResponse)) {
		c.FirstResponse = at
	}
	if at.After(c.LastOutbound) {
		c.LastOutbound = at
		if !at.Before(c.LastInbound) && c.Status == storage.StatusOpen {
			c.Status = storage.StatusWaiting
		}
	}
}

// addLocation records where the Sent copy lives, so the sync recognises
// it at once.
func addLocation(tx *storage.Tx, messageID string, loc storage.Location) error {
	if loc.UID == 0 {
		return nil // the server did not say (no UIDPLUS): the sync will find it
	}
	m, err := sentCopy(tx, messageID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if slices.Contains(m.Locations, loc) {
		return nil
	}
	m.Locations = append(m.Locations, loc)
	return tx.SaveMessage(&m, nil)
}

// markAnswered notes \Answered on our copy of the replied-to message.
func markAnswered(tx *storage.Tx, id uint64) error {
	m, err := tx.Message(id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if slices.Contains(m.Flags, answeredFlag) {
		return nil
	}
	m.Flags = append(m.Flags, answeredFlag)
	return tx.SaveMessage(&m, nil)
}

const answeredFlag = "\\Answered"
