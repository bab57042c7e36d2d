package storage

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

var (
	bOrders        = []byte("orders")
	bOrderNumber   = []byte("order_by_number")
	bOrderTracking = []byte("order_by_tracking")
	bOrderCustomer = []byte("order_by_customer")
)

var orders = table[Order]{
	bucket: bOrders,
	kind:   KindOrder,
	id:     func(o *Order) *uint64 { return &o.ID },
	indexes: []index[Order]{
		{bucket: bOrderNumber, keys: func(o *Order) [][]byte { return optKey(normalizeNumber(o.Number)) }},
		{bucket: bOrderTracking, keys: func(o *Order) [][]byte { return optKey(normalizeNumber(o.Tracking)) }},
		{bucket: bOrderCustomer, keys: func(o *Order) [][]byte {
			return [][]byte{join(u64(o.CustomerID), timeKey(o.Placed))}
		}},
	},
	prepare: func(tx *Tx, old, o *Order) error {
		if o.CustomerID == 0 {
			return fmt.Errorf("order %s has no customer", o.Number)
		}
		if o.Status == "" {
			o.Status = OrderPendingPayment
		}
		prev := o.Created
		if old != nil {
			prev = old.Created
		}
		tx.stamp(&o.Created, &o.Updated, prev)
		if o.Placed.IsZero() {
			o.Placed = o.Created
		}
		// Status changes are history: record each one once, when it happens.
		if n := len(o.History); n == 0 || o.History[n-1].Status != o.Status {
			o.History = append(o.History, StatusChange{Status: o.Status, At: o.Updated})
		}
		for i := range o.Cases {
			c := &o.Cases[i]
			if c.State == "" {
				c.State = CaseRequested
			}
			if c.Opened.IsZero() {
				c.Opened = o.Updated
			}
			if n := len(c.Steps); n == 0 || c.Steps[n-1].State != c.State {
				c.Steps = append(c.Steps, CaseStep{State: c.State, At: o.Updated})
			}
		}
		return orderRules(tx, old, o) // follow-up rules, same transaction
	},
}

func optKey(s string) [][]byte {
	if s == "" {
		return nil
	}
	return [][]byte{strKey(s)}
}

// normalizeNumber folds case and strips spaces, so an order or tracking
// number matches however it was pasted.
func normalizeNumber(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// SaveOrder creates or updates an order; a new status is appended to its history.
func (tx *Tx) SaveOrder(o *Order) error { return orders.put(tx, o) }

// Order returns the order with the ID.
func (tx *Tx) Order(id uint64) (Order, error) { return orders.get(tx, id) }

// OrdersByNumber finds orders by their number (several platforms may reuse one).
func (tx *Tx) OrdersByNumber(number string) ([]Order, error) {
	return orders.byIndex(tx, bOrderNumber, strKey(normalizeNumber(number)), false, 0)
}

// OrdersByTracking finds orders by tracking number.
func (tx *Tx) OrdersByTracking(tracking string) ([]Order, error) {
	return orders.byIndex(tx, bOrderTracking, strKey(normalizeNumber(tracking)), false, 0)
}

// OrdersOf lists a customer's orders, latest first.
func (tx *Tx) OrdersOf(customerID uint64) ([]Order, error) {
	return orders.byIndex(tx, bOrderCustomer, u64(customerID), true, 0)
}

// Orders returns up to limit orders with IDs after the given one.
func (tx *Tx) Orders(after uint64, limit int) ([]Order, error) { return orders.page(tx, after, limit) }

// CountOrders is the number of orders.
func (tx *Tx) CountOrders() int { return orders.count(tx) }

// DeleteOrder removes an order.
func (tx *Tx) DeleteOrder(id uint64) error { return orders.delete(tx, id) }

// CaseReasons are why buyers ask for after-sales, in the order the UI
// offers them; AfterSalesCase.Reason holds one, ReasonText the buyer's words.
var CaseReasons = []string{"size_wrong", "quality", "not_as_described", "damaged", "wrong_item",
	"changed_mind", "late_delivery", "other"}

// CaseStates lists the after-sales states in the order the UI offers them
// (CaseKinds, the kinds).
var CaseStates = []CaseState{CaseRequested, CaseApproved, CaseGoodsBack, CaseRefunded, CaseClosed}

// HasOpenCase reports whether an after-sales case on the order is still open.
func (o *Order) HasOpenCase() bool {
	return slices.ContainsFunc(o.Cases, func(c AfterSalesCase) bool { return c.State != CaseClosed })
}

// eachOrder calls fn with every order, by ID, until it returns false.
func (tx *Tx) eachOrder(fn func(*Order) bool) error {
	c := tx.btx.Bucket(bOrders).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var o Order
		if err := json.Unmarshal(v, &o); err != nil {
			return fmt.Errorf("decode order %d: %w", binary.BigEndian.Uint64(k), err)
		}
		if !fn(&o) {
			return nil
		}
	}
	return nil
}

// OrderFilter is one test an order must pass in FindOrders.
type OrderFilter func(*Order) bool

// OrderInStatus keeps the orders in the status.
func OrderInStatus(s OrderStatus) OrderFilter { return func(o *Order) bool { return o.Status == s } }

// OrderOnPlatform keeps the orders from the platform.
func OrderOnPlatform(p Platform) OrderFilter { return func(o *Order) bool { return o.Platform == p } }

// OrderWithCases keeps the orders with an after-sales case (open or not).
func OrderWithCases() OrderFilter { return func(o *Order) bool { return len(o.Cases) > 0 } }

// OrderNumbered keeps the orders whose number or tracking number contains
// the text, however it was spaced, dashed or cased.
func OrderNumbered(text string) OrderFilter {
	q := numberChars(text)
	return func(o *Order) bool {
		return q == "" || strings.Contains(numberChars(o.Number), q) || strings.Contains(numberChars(o.Tracking), q)
	}
}

// numberChars keeps the letters and digits of a number, upper-cased.
func numberChars(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return -1
	}, s)
}

// FindOrders lists the IDs of the orders that pass every filter, latest
// placed first.
func (tx *Tx) FindOrders(filters ...OrderFilter) ([]uint64, error) {
	type placed struct {
		id uint64
		at time.Time
	}
	var found []placed
	err := tx.eachOrder(func(o *Order) bool {
		for _, f := range filters {
			if f != nil && !f(o) {
				return true
			}
		}
		found = append(found, placed{o.ID, o.Placed})
		return true
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(found, func(a, b placed) int {
		if c := b.at.Compare(a.at); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	ids := make([]uint64, len(found))
	for i, p := range found {
		ids[i] = p.id
	}
	return ids, nil
}

// OrdersByID reads the orders with the IDs, in that order, skipping any
// deleted since the list was made.
func (tx *Tx) OrdersByID(ids []uint64) ([]Order, error) {
	out := make([]Order, 0, len(ids))
	for _, id := range ids {
		o, err := tx.Order(id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
