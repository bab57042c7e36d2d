// Package outbox sends the seller's replies so that none is lost and none
// goes out twice. A reply is persisted with its Message-ID frozen before
// any network I/O (Queue); a Sender then moves it through
// queued -> sending -> accepted -> filed -> done, persisting every step in
// its own short transaction before the network step it guards.
//
// The one moment that cannot be made safe is the wait for the server's
// reply to the final dot: when the connection is lost there, the message
// may or may not have been delivered. Such an item becomes "uncertain" and
// only the seller decides (Resend or Discard).
package outbox

import (
	"errors"

	"github.com/shopdesk/shopdesk/storage"
)

var (
	// ErrWrongState is returned when a seller action does not apply to
	// the item's current state.
	ErrWrongState = errors.New("not possible in this outbox state")
	// ErrAlreadySent is returned by Resend when the store holds our copy
	// of the message already (seen in Sent): sending it again would
	// deliver it twice.
	ErrAlreadySent = errors.New("this message is already in the Sent folder")
)

// Secrets gives an account's password (secrets.Getter: the keyring chain).
type Secrets interface {
	Get(account string) (string, error)
}

// PasswordFunc adapts a function to Secrets.
type PasswordFunc func(account string) (string, error)

// Get calls f.
func (f PasswordFunc) Get(account string) (string, error) { return f(account) }

// Result is where one outbox item ended after a flush.
type Result struct {
	ID        uint64
	MessageID string
	Subject   string
	State     storage.OutboxState
	// Error is the item's LastError: the server's own words, or what
	// went wrong on the way.
	Error string
}

func resultOf(it storage.OutboxItem) Result {
	return Result{ID: it.ID, MessageID: it.MessageID, Subject: it.Subject, State: it.State, Error: it.LastError}
}
