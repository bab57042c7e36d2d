package storage

import (
	"fmt"
	"strings"
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
		return nil
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
