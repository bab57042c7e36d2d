package ui

import "github.com/shopdesk/shopdesk/storage"

// composeRequest says what the seller wants to write.
type composeRequest struct {
	Mode           storage.DraftMode
	ConversationID uint64 // the conversation replied in (0 for a new message)
	ReplyTo        uint64 // the stored message answered or forwarded
	DraftID        uint64 // an existing draft to reopen
}

// compose opens the composer. Main goroutine only.
func (d *Desk) compose(req composeRequest) {
	d.log.WithField("mode", req.Mode).Debug("compose (composer not built yet)")
}
