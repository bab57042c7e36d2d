package storage

import (
	"fmt"
	"time"
)

// DraftMode is what a draft answers.
type DraftMode string

const (
	DraftReply    DraftMode = "reply"
	DraftReplyAll DraftMode = "reply_all"
	DraftForward  DraftMode = "forward"
	DraftNew      DraftMode = "new"
)

// Draft is a reply being written. The composer saves it as the seller
// types, so it survives a crash or a kill; queueing it deletes it.
type Draft struct {
	ID             uint64    `json:"id"`
	Account        string    `json:"account"`
	ConversationID uint64    `json:"conversation_id,omitempty"`
	ReplyTo        uint64    `json:"reply_to,omitempty"` // the stored message answered or forwarded
	Mode           DraftMode `json:"mode"`
	To             []Address `json:"to,omitempty"`
	Cc             []Address `json:"cc,omitempty"`
	Subject        string    `json:"subject"`
	Text           string    `json:"text"`
	Attachments    []string  `json:"attachments,omitempty"` // file paths
	Updated        time.Time `json:"updated"`
}

var (
	bDrafts    = []byte("drafts")
	bDraftConv = []byte("draft_by_conversation")
)

var drafts = table[Draft]{
	bucket: bDrafts,
	kind:   KindDraft,
	id:     func(d *Draft) *uint64 { return &d.ID },
	indexes: []index[Draft]{
		{bucket: bDraftConv, keys: func(d *Draft) [][]byte { return [][]byte{u64(d.ConversationID)} }},
	},
	prepare: func(tx *Tx, _, d *Draft) error {
		if d.Mode == "" {
			return fmt.Errorf("draft has no mode")
		}
		d.Updated = tx.now()
		return nil
	},
}

// SaveDraft creates or updates a draft.
func (tx *Tx) SaveDraft(d *Draft) error { return drafts.put(tx, d) }

// Draft returns the draft with the ID.
func (tx *Tx) Draft(id uint64) (Draft, error) { return drafts.get(tx, id) }

// DraftsOf lists the drafts in a conversation (0: drafts of new messages).
func (tx *Tx) DraftsOf(conversationID uint64) ([]Draft, error) {
	return drafts.byIndex(tx, bDraftConv, u64(conversationID), false, 0)
}

// DeleteDraft removes a draft.
func (tx *Tx) DeleteDraft(id uint64) error { return drafts.delete(tx, id) }
