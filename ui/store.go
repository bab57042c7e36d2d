package ui

import "github.com/shopdesk/shopdesk/storage"

// Store is what the desk needs from the database. *storage.Store satisfies
// it; keeping it narrow lets screens be tested against any store.
type Store interface {
	View(func(*storage.Tx) error) error
	Update(func(*storage.Tx) error) error
	Subscribe(func([]storage.Event)) (unsubscribe func())
}

var _ Store = (*storage.Store)(nil)
