package main

import (
	"fmt"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// seedCannedReplies gives a new shop the default canned-reply library,
// once: replies the seller deletes later stay deleted.
func seedCannedReplies(st *storage.Store, log logrus.FieldLogger) error {
	defaults, err := assets.LoadCannedReplies()
	if err != nil {
		return err
	}
	n := 0
	err = st.Update(func(tx *storage.Tx) error {
		set, err := tx.Settings()
		if err != nil || set.CannedSeeded {
			return err
		}
		for _, d := range defaults {
			c := storage.CannedReply{Category: d.Category, Title: d.Title, Shortcut: d.Shortcut, Language: d.Language}
			for _, v := range d.Variants {
				c.Variants = append(c.Variants, storage.CannedVariant{Body: strings.TrimSpace(v)})
			}
			for _, a := range d.Attachments {
				hash, err := tx.PutCannedFile(a.Data)
				if err != nil {
					return fmt.Errorf("canned reply %q: %w", d.Title, err)
				}
				c.Attachments = append(c.Attachments, storage.CannedAttachment{
					Name: a.Name, Hash: hash, Type: canned.AttachmentType(a.Name), Size: int64(len(a.Data))})
			}
			if err := tx.SaveCannedReply(&c); err != nil {
				return fmt.Errorf("canned reply %q: %w", d.Title, err)
			}
			n++
		}
		set.CannedSeeded = true
		return tx.SaveSettings(set)
	})
	if err != nil {
		return fmt.Errorf("add the default canned replies: %w", err)
	}
	if n > 0 {
		log.WithField("count", n).Info("default canned replies added")
	}
	return nil
}
