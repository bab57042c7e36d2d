package outbox

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// QueueRequest is a reply the seller wrote.
type QueueRequest struct {
	Account string // the account that sends it
	// ConversationID is the conversation the message belongs to; it may
	// be left zero when ReplyTo is given.
	ConversationID uint64
	// ReplyTo is the stored message answered (zero for none): it gives
	// In-Reply-To, References, the conversation, and the message that
	// gets \Answered once the reply is out.
	ReplyTo     uint64
	To, Cc, Bcc []storage.Address
	// Subject defaults to "Re: " and the answered message's subject, or
	// the conversation's subject.
	Subject     string
	Text        string
	HTML        string // optional
	Attachments []mailbox.DraftAttachment
}

// Queue composes the reply and persists it in the outbox, with its
// Message-ID and Date frozen, before anything touches the network. A
// Sender sends it later.
func Queue(st *storage.Store, req QueueRequest) (storage.OutboxItem, error) {
	var acct storage.Account
	var parent storage.Message
	var conv storage.Conversation
	err := st.View(func(tx *storage.Tx) error {
		var err error
		if acct, err = tx.Account(req.Account); err != nil {
			return err
		}
		if req.ReplyTo != 0 {
			if parent, err = tx.Message(req.ReplyTo); err != nil {
				return fmt.Errorf("the message answered: %w", err)
			}
		}
		convID := req.ConversationID
		if convID == 0 {
			convID = parent.ConversationID
		}
		if parent.ID != 0 && parent.ConversationID != convID {
			return fmt.Errorf("message %d is not in conversation %d", parent.ID, convID)
		}
		if convID == 0 {
			return errors.New("a reply needs a conversation or a message to answer")
		}
		conv, err = tx.Conversation(convID)
		return err
	})
	if err != nil {
		return storage.OutboxItem{}, fmt.Errorf("queue reply: %w", err)
	}

	d := mailbox.Draft{
		From:        storage.Address{Name: acct.DisplayName, Email: acct.Email},
		To:          req.To,
		Cc:          req.Cc,
		Bcc:         req.Bcc,
		Subject:     req.Subject,
		MessageID:   mailbox.NewMessageID(mailbox.DomainOf(acct.Email)),
		Date:        time.Now(),
		Text:        req.Text,
		HTML:        req.HTML,
		Attachments: req.Attachments,
	}
	if parent.ID != 0 {
		d.InReplyTo = parent.MessageID
		d.References = mailbox.ReplyReferences(parent.References, parent.MessageID)
	}
	if d.Subject == "" {
		d.Subject = conv.Subject
		if parent.ID != 0 {
			d.Subject = mailbox.ReplySubject(parent.Subject)
		}
	}
	raw, err := mailbox.Compose(d)
	if err != nil {
		return storage.OutboxItem{}, fmt.Errorf("queue reply: %w", err)
	}

	it := storage.OutboxItem{
		Account:        acct.Name,
		MessageID:      d.MessageID,
		ConversationID: conv.ID,
		ReplyTo:        parent.ID,
		From:           acct.Email,
		Recipients:     d.Recipients(),
		Subject:        d.Subject,
	}
	if err := st.Update(func(tx *storage.Tx) error { return tx.Enqueue(&it, raw) }); err != nil {
		return storage.OutboxItem{}, fmt.Errorf("queue reply %s: %w", d.MessageID, err)
	}
	return it, nil
}
