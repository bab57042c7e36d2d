package outbox

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// Recover settles the items an earlier run left half-sent (the app
// crashed or was killed mid-send). Call it once at startup, before any
// Sender runs: an item in OutSending never reached DATA and is queued
// again at once; an item in storage.OutData may have been delivered and becomes
// uncertain, for the seller to decide.
func Recover(st *storage.Store) (requeued, uncertain int, err error) {
	err = st.Update(func(tx *storage.Tx) error {
		sending, err := tx.OutboxByState(storage.OutSending)
		if err != nil {
			return err
		}
		for _, it := range sending {
			it.State, it.NextAttempt = storage.OutQueued, time.Time{}
			it.LastError = "interrupted before the message was handed over; sending again"
			if err := tx.SaveOutboxItem(&it); err != nil {
				return err
			}
			requeued++
		}
		inData, err := tx.OutboxByState(storage.OutData)
		if err != nil {
			return err
		}
		for _, it := range inData {
			it.State = storage.OutUncertain
			it.LastError = "interrupted while the message was being handed over: it may have been sent"
			if err := tx.SaveOutboxItem(&it); err != nil {
				return err
			}
			uncertain++
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("recover outbox: %w", err)
	}
	return requeued, uncertain, nil
}

// Resend is the seller saying "send it again" about an uncertain, failed
// or cancelled item: it goes back to the queue, due now. It refuses with
// ErrAlreadySent when the message has since shown up in Sent.
func Resend(st *storage.Store, id uint64) error {
	return change(st, id, func(tx *storage.Tx, it *storage.OutboxItem) error {
		if !slices.Contains([]storage.OutboxState{storage.OutUncertain, storage.OutFailed, storage.OutCancelled}, it.State) {
			return fmt.Errorf("send again a %s message: %w", it.State, ErrWrongState)
		}
		if _, err := sentCopy(tx, it.MessageID); err == nil {
			return ErrAlreadySent
		} else if !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		it.State, it.NextAttempt = storage.OutQueued, time.Time{}
		return nil
	})
}

// Discard is the seller settling an item by hand. wasSent says the
// message did go out (the customer got it): an uncertain item is then
// recorded as accepted, as of its last attempt, and filing in Sent
// proceeds. Otherwise a queued, failed or uncertain item is cancelled and
// never sent.
func Discard(st *storage.Store, id uint64, wasSent bool) error {
	return change(st, id, func(tx *storage.Tx, it *storage.OutboxItem) error {
		if wasSent {
			if it.State != storage.OutUncertain {
				return fmt.Errorf("mark a %s message as sent: %w", it.State, ErrWrongState)
			}
			raw, err := tx.OutboxRaw(it.ID)
			if err != nil {
				return err
			}
			it.LastError = ""
			return accept(tx, it, raw, it.Updated)
		}
		if !slices.Contains([]storage.OutboxState{storage.OutQueued, storage.OutFailed, storage.OutUncertain}, it.State) {
			return fmt.Errorf("cancel a %s message: %w", it.State, ErrWrongState)
		}
		it.State = storage.OutCancelled
		return nil
	})
}

// change applies fn to the item and saves it, in one transaction.
func change(st *storage.Store, id uint64, fn func(*storage.Tx, *storage.OutboxItem) error) error {
	err := st.Update(func(tx *storage.Tx) error {
		it, err := tx.OutboxItem(id)
		if err != nil {
			return err
		}
		if err := fn(tx, &it); err != nil {
			return err
		}
		return tx.SaveOutboxItem(&it)
	})
	if err != nil {
		return fmt.Errorf("outbox item %d: %w", id, err)
	}
	return nil
}
