package ui

// openConversation shows the conversation over the current screen.
// Main goroutine only.
func (d *Desk) openConversation(id uint64) {
	d.log.WithField("conversation", id).Debug("open conversation (view not built yet)")
}
