package storage

import (
	"fmt"
	"slices"
	"strings"
)

var (
	bCustomers     = []byte("customers")
	bCustomerEmail = []byte("customer_by_email")
	bCustomerPhone = []byte("customer_by_phone")
)

var customers = table[Customer]{
	bucket: bCustomers,
	kind:   KindCustomer,
	id:     func(c *Customer) *uint64 { return &c.ID },
	indexes: []index[Customer]{
		{bucket: bCustomerEmail, keys: func(c *Customer) [][]byte {
			var ks [][]byte
			for _, e := range c.Emails {
				if e = normalizeEmail(e); e != "" {
					ks = append(ks, strKey(e))
				}
			}
			return ks
		}},
		{bucket: bCustomerPhone, keys: func(c *Customer) [][]byte {
			var ks [][]byte
			for _, p := range c.Phones {
				if n := NormalizePhone(p.Number); n != "" {
					ks = append(ks, strKey(n))
				}
			}
			return ks
		}},
	},
	prepare: func(tx *Tx, old, c *Customer) error {
		for _, e := range c.Emails {
			if owner := emailOwner(tx, e); owner != 0 && owner != c.ID {
				return fmt.Errorf("email %s belongs to customer %d: %w", e, owner, ErrConflict)
			}
		}
		if c.Segment == "" {
			c.Segment = SegmentNew
		}
		if old != nil {
			tx.stamp(&c.Created, &c.Updated, old.Created)
		} else {
			tx.stamp(&c.Created, &c.Updated, c.Created)
		}
		return nil
	},
}

func normalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func emailOwner(tx *Tx, email string) uint64 {
	var owner uint64
	scanIndex(tx, bCustomerEmail, strKey(normalizeEmail(email)), false, func(id uint64) bool {
		owner = id
		return false
	})
	return owner
}

// SaveCustomer creates or updates a customer. An email address can belong
// to one customer only (ErrConflict); phones may be shared.
func (tx *Tx) SaveCustomer(c *Customer) error { return customers.put(tx, c) }

// Customer returns the customer with the ID.
func (tx *Tx) Customer(id uint64) (Customer, error) { return customers.get(tx, id) }

// Customers returns up to limit customers with IDs after the given one.
func (tx *Tx) Customers(after uint64, limit int) ([]Customer, error) {
	return customers.page(tx, after, limit)
}

// CountCustomers is the number of customers.
func (tx *Tx) CountCustomers() int { return customers.count(tx) }

// CustomerByEmail finds the customer with the address, case-insensitively.
func (tx *Tx) CustomerByEmail(email string) (Customer, error) {
	cs, err := customers.byIndex(tx, bCustomerEmail, strKey(normalizeEmail(email)), false, 1)
	if err != nil {
		return Customer{}, err
	}
	if len(cs) == 0 {
		return Customer{}, fmt.Errorf("customer with email %s: %w", email, ErrNotFound)
	}
	return cs[0], nil
}

// CustomersByPhone finds the customers with the number, however it is written.
func (tx *Tx) CustomersByPhone(phone string) ([]Customer, error) {
	n := NormalizePhone(phone)
	if n == "" {
		return nil, nil
	}
	return customers.byIndex(tx, bCustomerPhone, strKey(n), false, 0)
}

// DeleteCustomer removes the customer and everything linked to them:
// conversations with their messages, orders, calls, follow-ups and notes.
func (tx *Tx) DeleteCustomer(id uint64) error {
	if _, err := tx.Customer(id); err != nil {
		return err
	}
	convs, err := tx.ConversationsOf(id)
	if err != nil {
		return err
	}
	for _, c := range convs {
		if err := tx.DeleteConversation(c.ID); err != nil {
			return err
		}
	}
	for _, del := range []struct {
		ix  []byte
		del func(uint64) error
	}{
		{bOrderCustomer, func(id uint64) error { return orders.delete(tx, id) }},
		{bCallCustomer, func(id uint64) error { return calls.delete(tx, id) }},
		{bFollowUpCustomer, func(id uint64) error { return followUps.delete(tx, id) }},
		{bNoteCustomer, func(id uint64) error { return notes.delete(tx, id) }},
	} {
		ids := idsUnder(tx, del.ix, u64(id))
		for _, rid := range ids {
			if err := del.del(rid); err != nil {
				return err
			}
		}
	}
	return customers.delete(tx, id)
}

// idsUnder collects the IDs under an index prefix, so the caller may then
// change the index while walking them.
func idsUnder(tx *Tx, ix, prefix []byte) []uint64 {
	return slices.Compact(idsUnderOrdered(tx, ix, prefix, false))
}

// idsUnderOrdered collects the IDs under an index prefix in key order.
func idsUnderOrdered(tx *Tx, ix, prefix []byte, reverse bool) []uint64 {
	var ids []uint64
	scanIndex(tx, ix, prefix, reverse, func(id uint64) bool {
		ids = append(ids, id)
		return true
	})
	return ids
}
