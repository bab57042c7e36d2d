package storage

// Kind names a record type in change events and the timeline.
type Kind string

const (
	KindCustomer     Kind = "customer"
	KindConversation Kind = "conversation"
	KindMessage      Kind = "message"
	KindOrder        Kind = "order"
	KindCall         Kind = "call"
	KindFollowUp     Kind = "followup"
	KindNote         Kind = "note"
	KindCanned       Kind = "canned"
	KindSettings     Kind = "settings"
	KindAccount      Kind = "account"
	KindOutbox       Kind = "outbox"
	KindDraft        Kind = "draft"
)

// Op is what happened to a record.
type Op string

const (
	OpSaved   Op = "saved"
	OpDeleted Op = "deleted"
)

// Event tells subscribers that a record changed. It carries no data:
// subscribers read what they need in their own transaction.
type Event struct {
	Kind Kind
	ID   uint64
	Op   Op
}

// Subscribe calls fn with the events of every committed write, on the
// writer's goroutine, after the commit. fn must not block; a UI hands the
// work to its own goroutine. The returned func unsubscribes.
func (s *Store) Subscribe(fn func([]Event)) (unsubscribe func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID
	s.nextID++
	s.subs[id] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subs, id)
	}
}

func (s *Store) publish(events []Event) {
	if len(events) == 0 {
		return
	}
	s.mu.Lock()
	subs := make([]func([]Event), 0, len(s.subs))
	for _, fn := range s.subs {
		subs = append(subs, fn)
	}
	s.mu.Unlock()
	for _, fn := range subs {
		fn(events)
	}
}

func (tx *Tx) emit(kind Kind, id uint64, op Op) {
	e := Event{Kind: kind, ID: id, Op: op}
	if tx.seen == nil {
		tx.seen = map[Event]bool{}
	}
	if tx.seen[e] {
		return
	}
	tx.seen[e] = true
	tx.events = append(tx.events, e)
}
