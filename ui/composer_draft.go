package ui

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
)

// Drafts: the composer saves what the seller writes as they type (after a
// pause, off the main goroutine), so it survives a crash or a kill.
// changed notes an edit and schedules the draft's save: after a pause in
// typing, and at least every draftAtMost while the typing goes on.
func (c *composer) changed() {
	if c.finished || c.busy {
		return
	}
	c.edits++
	now := time.Now()
	if c.saveTimer == nil {
		c.dirtySince = now
		c.saveTimer = time.AfterFunc(draftQuiet, func() { c.d.do(c.saveDraft) })
		return
	}
	if now.Sub(c.dirtySince) < draftAtMost {
		c.saveTimer.Reset(draftQuiet)
	}
}

// saveDraft reads the fields here, on the main goroutine, and writes them
// to the store on another.
func (c *composer) saveDraft() {
	if c.saveTimer != nil {
		c.saveTimer.Stop()
		c.saveTimer = nil
	}
	if c.finished || c.edits == 0 {
		return
	}
	draft, seq := c.draftNow(), c.edits
	c.writes.Add(1)
	go func() {
		defer c.writes.Done()
		at, err := c.saver.save(c.d.store, draft, seq)
		if err != nil {
			c.log.WithError(err).Error("Save the draft")
		}
		c.d.do(func() {
			switch {
			case err != nil:
				c.saved.SetText(lang.L("The draft could not be saved. The details are in the log."))
				c.saved.Importance = widget.DangerImportance
			case !at.IsZero():
				c.saved.SetText(lang.L("Draft saved {{.Time}}", map[string]any{"Time": at.Local().Format("15:04:05")}))
				c.saved.Importance = widget.LowImportance
			}
			c.saved.Refresh()
		})
	}()
}

// draftNow is the draft as the fields hold it. Addresses not yet valid
// are kept as typed, so a half-written one survives a crash too.
func (c *composer) draftNow() storage.Draft {
	return storage.Draft{
		Account:        c.account.Name,
		ConversationID: c.convID,
		ReplyTo:        c.replyTo,
		Mode:           c.mode,
		To:             addressesAsTyped(c.to.Text),
		Cc:             addressesAsTyped(c.cc.Text),
		Subject:        c.subject.Text,
		Text:           c.body.Text,
		Attachments:    slices.Clone(c.attach.paths),
	}
}

// draftSaver writes a composer's draft; saves run one at a time, in the
// order of the edits, and none after the draft is finished.
type draftSaver struct {
	mu   sync.Mutex
	id   uint64 // the draft's ID once saved
	seq  uint64 // the edit count of the snapshot saved last
	done bool   // queued or discarded
}

// save writes the snapshot unless a newer one was saved or the draft is
// finished; it returns when it saved (zero when it skipped).
func (s *draftSaver) save(st Store, d storage.Draft, seq uint64) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done || seq <= s.seq {
		return time.Time{}, nil
	}
	d.ID = s.id
	if err := st.Update(func(tx *storage.Tx) error { return tx.SaveDraft(&d) }); err != nil {
		return time.Time{}, fmt.Errorf("save draft %d: %w", d.ID, err)
	}
	s.id, s.seq = d.ID, seq
	return d.Updated, nil
}

// finish deletes the draft and stops any later save.
func (s *draftSaver) finish(st Store) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	if s.id == 0 {
		return nil
	}
	err := st.Update(func(tx *storage.Tx) error { return tx.DeleteDraft(s.id) })
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return fmt.Errorf("delete draft %d: %w", s.id, err)
	}
	return nil
}

// confirmDiscard deletes the draft once the seller says so, and closes.
func (c *composer) confirmDiscard() {
	d := dialog.NewConfirm(lang.L("Discard this draft?"), lang.L("What you wrote here will be deleted."), func(yes bool) {
		if yes {
			c.discardDraft()
		}
	}, c.win)
	d.SetConfirmText(lang.L("Discard"))
	d.SetDismissText(lang.L("Keep writing"))
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

func (c *composer) discardDraft() {
	c.finished = true
	c.writes.Add(1)
	go func() {
		defer c.writes.Done()
		if err := c.saver.finish(c.d.store); err != nil {
			c.log.WithError(err).Error("Discard the draft")
			c.d.do(func() {
				dialog.ShowError(errors.New(lang.L("The draft could not be deleted. The details are in the log.")), c.d.win)
			})
		}
	}()
	c.win.Close()
}
