package storage

import (
	"fmt"
	"slices"
)

// SegmentSuggestion is the segment a customer's orders point to, with the
// figures behind it so the seller can judge.
type SegmentSuggestion struct {
	Segment Segment `json:"segment"`
	Orders  int     `json:"orders"` // orders paid for and not cancelled
	Spend   Money   `json:"spend"`  // their total, in the shop's currency
}

// SuggestSegment looks at the customer's orders: a first order makes a
// prospect new, a second makes them returning, and spending more than the
// settings' VIP threshold makes them a key customer. It only ever
// suggests moving up: a customer the seller made VIP by hand stays so.
// ok is false when the customer already stands where the orders say.
// Nothing is changed: the seller decides.
func (tx *Tx) SuggestSegment(customerID uint64) (s SegmentSuggestion, ok bool, err error) {
	c, err := tx.Customer(customerID)
	if err != nil {
		return s, false, err
	}
	set, err := tx.Settings()
	if err != nil {
		return s, false, fmt.Errorf("suggest a segment: %w", err)
	}
	os, err := tx.OrdersOf(customerID)
	if err != nil {
		return s, false, fmt.Errorf("suggest a segment: %w", err)
	}
	for _, o := range os {
		// A cancelled order was never a purchase, and one still awaiting
		// payment is not one yet (the seller is chasing it).
		if o.Status == OrderCancelled || o.Status == OrderPendingPayment {
			continue
		}
		s.Orders++
		s.Spend += o.Total
	}
	s.Segment = segmentFor(s.Orders, s.Spend, set.VIPThreshold)
	return s, segmentRank(s.Segment) > segmentRank(c.Segment), nil
}

func segmentFor(orders int, spend, vip Money) Segment {
	switch {
	case vip > 0 && spend > vip:
		return SegmentVIP
	case orders >= 2:
		return SegmentReturning
	case orders == 1:
		return SegmentNew
	}
	return SegmentProspect
}

// segmentRank orders segments from prospect to VIP; an unknown one ranks
// lowest.
func segmentRank(s Segment) int { return slices.Index(Segments, s) }
