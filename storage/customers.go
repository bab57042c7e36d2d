package storage

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

var (
	bCustomers     = []byte("customers")
	bCustomerEmail = []byte("customer_by_email")
	bCustomerPhone = []byte("customer_by_phone")
	bCustomerTag   = []byte("customer_by_tag")
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
		{bucket: bCustomerTag, keys: func(c *Customer) [][]byte {
			ks := make([][]byte, 0, len(c.Tags))
			for _, t := range c.Tags {
				if t = strings.TrimSpace(t); t != "" {
					ks = append(ks, strKey(t))
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

// CustomerTags lists every tag on a customer, sorted.
func (tx *Tx) CustomerTags() []string { return indexedTags(tx, bCustomerTag) }

// CustomerFilter narrows a customer search. It runs once per search, in
// the search's transaction, to gather what it needs (who has open items,
// which customers own an order number), and returns the test each
// customer must pass. New filters are new functions of this type.
type CustomerFilter func(tx *Tx) (func(*Customer) bool, error)

// InSegment keeps the customers of a segment.
func InSegment(s Segment) CustomerFilter {
	return func(*Tx) (func(*Customer) bool, error) {
		return func(c *Customer) bool { return c.Segment == s }, nil
	}
}

// WithTag keeps the customers with the tag.
func WithTag(tag string) CustomerFilter {
	return func(*Tx) (func(*Customer) bool, error) {
		return func(c *Customer) bool { return slices.Contains(c.Tags, tag) }, nil
	}
}

// WithOpenItems keeps the customers with something still to do: a
// conversation not closed, a follow-up not done or an after-sales case
// not closed.
func WithOpenItems() CustomerFilter {
	return func(tx *Tx) (func(*Customer) bool, error) {
		open, err := tx.customersWithOpenItems()
		if err != nil {
			return nil, err
		}
		return func(c *Customer) bool { return open[c.ID] }, nil
	}
}

func (tx *Tx) customersWithOpenItems() (map[uint64]bool, error) {
	open := map[uint64]bool{}
	for _, st := range []ConversationStatus{StatusOpen, StatusWaiting} {
		for _, id := range tx.ConversationIDs(st) {
			c, err := tx.Conversation(id)
			if err != nil {
				return nil, err
			}
			open[c.CustomerID] = true
		}
	}
	fs, err := tx.FollowUpsDue(time.Time{}, 0)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		open[f.CustomerID] = true
	}
	err = tx.eachOrder(func(o *Order) bool {
		if o.HasOpenCase() {
			open[o.CustomerID] = true
		}
		return true
	})
	return open, err
}

// Matching keeps the customers the seller's words find: part of the name,
// an email address, a tag, a phone number written any way, or the number
// (or tracking number) of one of their orders.
func Matching(text string) CustomerFilter {
	return func(tx *Tx) (func(*Customer) bool, error) {
		q := strings.ToLower(strings.TrimSpace(text))
		if q == "" {
			return func(*Customer) bool { return true }, nil
		}
		// Orders are found by their index, whole numbers only: a part of a
		// long order number matching would find customers at random.
		owners := map[uint64]bool{}
		for _, find := range []func(string) ([]Order, error){tx.OrdersByNumber, tx.OrdersByTracking} {
			os, err := find(text)
			if err != nil {
				return nil, err
			}
			for _, o := range os {
				owners[o.CustomerID] = true
			}
		}
		digits := NormalizePhone(text)
		// A phone query needs a few digits and little else, so "2025" in a
		// name search does not match every phone.
		phoneLike := len(strings.TrimLeft(digits, "+")) >= 4 && !strings.ContainsFunc(q, func(r rune) bool {
			return r != '+' && r != '-' && r != ' ' && r != '(' && r != ')' && (r < '0' || r > '9') && (r < '０' || r > '９')
		})
		return func(c *Customer) bool {
			if owners[c.ID] || strings.Contains(strings.ToLower(c.Name), q) {
				return true
			}
			for _, e := range c.Emails {
				if strings.Contains(strings.ToLower(e), q) {
					return true
				}
			}
			for _, t := range c.Tags {
				if strings.Contains(strings.ToLower(t), q) {
					return true
				}
			}
			for _, h := range c.IM {
				if strings.Contains(strings.ToLower(h.Handle), q) {
					return true
				}
			}
			if phoneLike {
				for _, p := range c.Phones {
					if n := NormalizePhone(p.Number); strings.Contains(n, digits) || strings.Contains(digits, n) && len(n) >= 7 {
						return true
					}
				}
			}
			return false
		}, nil
	}
}

// FindCustomers lists the IDs of the customers that pass every filter,
// in the order they came to the shop. It reads every customer record, which a shop's archive
// (thousands, tens of thousands) allows per keystroke; the list shows
// them by ID, reading only the rows on screen.
func (tx *Tx) FindCustomers(filters ...CustomerFilter) ([]uint64, error) {
	tests := make([]func(*Customer) bool, 0, len(filters))
	for _, f := range filters {
		if f == nil {
			continue
		}
		t, err := f(tx)
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
	}
	var ids []uint64
	c := tx.btx.Bucket(bCustomers).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(tests) == 0 {
			ids = append(ids, binary.BigEndian.Uint64(k))
			continue
		}
		var rec Customer
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("decode customer %d: %w", binary.BigEndian.Uint64(k), err)
		}
		if !slices.ContainsFunc(tests, func(t func(*Customer) bool) bool { return !t(&rec) }) {
			ids = append(ids, rec.ID)
		}
	}
	return ids, nil
}

// CustomersByID reads the customers with the IDs, in that order; IDs no
// longer stored (deleted since the list was made) are skipped.
func (tx *Tx) CustomersByID(ids []uint64) ([]Customer, error) {
	out := make([]Customer, 0, len(ids))
	for _, id := range ids {
		c, err := tx.Customer(id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
