package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// DefaultDormantMonths is how long a customer may go without a message,
// call or order before the desk counts them dormant (沉睡客户).
const DefaultDormantMonths = 6

// DormantAfter is the shop's dormancy period in months.
func (s Settings) DormantAfter() int {
	if s.DormantMonths <= 0 {
		return DefaultDormantMonths
	}
	return s.DormantMonths
}

// DormantCutoff is the instant a customer's last contact must not be
// before: a contact exactly months ago still counts (the customer is not
// dormant), one a moment earlier does not.
func DormantCutoff(now time.Time, months int) time.Time { return now.AddDate(0, -months, 0) }

// DormantCustomer is a customer who has gone quiet.
type DormantCustomer struct {
	Customer Customer
	// LastContact is the latest message either way, call or order; zero
	// when there was none (the customer was only added to the archive).
	LastContact time.Time
	// CareOpen is set when a care follow-up is already waiting to be done.
	CareOpen bool
}

// DormantCustomers lists the customers with no message, call or order
// since DormantCutoff(now, months), longest silent first. A customer with
// no contact at all counts from when they were added. It reads the
// conversations' clocks and the call and order indexes, not the messages.
func (tx *Tx) DormantCustomers(now time.Time, months int) ([]DormantCustomer, error) {
	cutoff := DormantCutoff(now, months)
	last, err := tx.lastContacts()
	if err != nil {
		return nil, err
	}
	type quiet struct {
		id   uint64
		last time.Time
	}
	var found []quiet
	err = tx.EachRecord(KindCustomer, func(id uint64, v []byte) error {
		var c struct {
			Created time.Time `json:"created"`
		}
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("decode customer %d: %w", id, err)
		}
		t, seen := last[id]
		if dormantSince(t, seen, c.Created, cutoff) {
			found = append(found, quiet{id: id, last: t})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	care, err := tx.openCare()
	if err != nil {
		return nil, err
	}
	out := make([]DormantCustomer, 0, len(found))
	for _, q := range found {
		c, err := tx.Customer(q.id)
		if err != nil {
			return nil, err
		}
		out = append(out, DormantCustomer{Customer: c, LastContact: q.last, CareOpen: care[q.id]})
	}
	slices.SortStableFunc(out, func(a, b DormantCustomer) int { return a.since().Compare(b.since()) })
	return out, nil
}

func (d DormantCustomer) since() time.Time {
	if d.LastContact.IsZero() {
		return d.Customer.Created
	}
	return d.LastContact
}

// lastContacts maps each customer to their latest message, call or order.
func (tx *Tx) lastContacts() (map[uint64]time.Time, error) {
	last := map[uint64]time.Time{}
	note := func(id uint64, t time.Time) {
		if t.After(last[id]) || last[id].IsZero() {
			last[id] = t
		}
	}
	err := tx.EachRecord(KindConversation, func(id uint64, v []byte) error {
		var c struct {
			CustomerID   uint64    `json:"customer_id"`
			LastInbound  time.Time `json:"last_inbound"`
			LastOutbound time.Time `json:"last_outbound"`
		}
		if err := json.Unmarshal(v, &c); err != nil {
			return fmt.Errorf("decode conversation %d: %w", id, err)
		}
		for _, t := range []time.Time{c.LastInbound, c.LastOutbound} {
			if !t.IsZero() {
				note(c.CustomerID, t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Calls and orders are indexed by (customer, time): no record is read.
	for _, ix := range [][]byte{bCallCustomer, bOrderCustomer} {
		c := tx.btx.Bucket(ix).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) != 24 {
				continue
			}
			t := keyTime(k[8:16])
			if !t.IsZero() {
				note(binary.BigEndian.Uint64(k), t)
			}
		}
	}
	return last, nil
}

// keyTime reads a timeKey back.
func keyTime(k []byte) time.Time {
	n := binary.BigEndian.Uint64(k)
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(n))
}

// openCare lists the customers with a care follow-up not yet done.
func (tx *Tx) openCare() (map[uint64]bool, error) {
	care := map[uint64]bool{}
	var err error
	scanIndex(tx, bFollowUpDue, []byte{dueOpen}, false, func(id uint64) bool {
		var f FollowUp
		if f, err = tx.FollowUp(id); err != nil {
			return false
		}
		if f.Kind == FollowCare {
			care[f.CustomerID] = true
		}
		return true
	})
	return care, err
}

// ScheduleCare adds a care follow-up for a customer, due at due, unless
// one is already open: a second click never makes a second call to make.
// It returns the open follow-up and whether it was made now.
func (tx *Tx) ScheduleCare(customerID uint64, due time.Time, note string) (FollowUp, bool, error) {
	fus, err := followUps.byIndex(tx, bFollowUpCustomer, u64(customerID), false, 0)
	if err != nil {
		return FollowUp{}, false, err
	}
	for _, f := range fus {
		if f.Kind == FollowCare && f.Done.IsZero() {
			return f, false, nil
		}
	}
	f := FollowUp{CustomerID: customerID, Kind: FollowCare, Due: due, Note: note}
	if err := tx.SaveFollowUp(&f); err != nil {
		return FollowUp{}, false, fmt.Errorf("schedule care for customer %d: %w", customerID, err)
	}
	return f, true, nil
}

// Dormant keeps the customers dormant at now by the shop's setting: the
// customer list's filter for the same people as DormantCustomers.
func Dormant(now time.Time) CustomerFilter {
	return func(tx *Tx) (func(*Customer) bool, error) {
		set, err := tx.Settings()
		if err != nil {
			return nil, err
		}
		cutoff := DormantCutoff(now, set.DormantAfter())
		last, err := tx.lastContacts()
		if err != nil {
			return nil, err
		}
		return func(c *Customer) bool {
			t, seen := last[c.ID]
			return dormantSince(t, seen, c.Created, cutoff)
		}, nil
	}
}

// dormantSince decides dormancy from the last contact, or from when the
// customer was added when there was none.
func dormantSince(last time.Time, seen bool, created, cutoff time.Time) bool {
	if !seen {
		last = created
	}
	return last.Before(cutoff)
}
