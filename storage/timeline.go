package storage

import (
	"slices"
	"strings"
	"time"
)

// TimelineKind is a kind of entry in a customer's timeline.
type TimelineKind string

const (
	TimelineMessage    TimelineKind = "message"
	TimelineCall       TimelineKind = "call"
	TimelineNote       TimelineKind = "note"
	TimelineOrder      TimelineKind = "order"      // an order status change
	TimelineAfterSales TimelineKind = "aftersales" // an after-sales case step
	TimelineFollowUp   TimelineKind = "followup"
)

// TimelineEntry is one thing that happened with a customer. ID is the
// record it comes from (the order for order and after-sales entries).
type TimelineEntry struct {
	At      time.Time    `json:"at"`
	Kind    TimelineKind `json:"kind"`
	ID      uint64       `json:"id"`
	Title   string       `json:"title"`
	Detail  string       `json:"detail,omitempty"`
	Inbound bool         `json:"inbound,omitempty"`
}

// Timeline gathers everything about a customer in time order: messages,
// calls, notes, order status changes, after-sales steps and follow-ups
// (at their due time, or when done).
func (tx *Tx) Timeline(customerID uint64) ([]TimelineEntry, error) {
	var out []TimelineEntry
	convs, err := tx.ConversationsOf(customerID)
	if err != nil {
		return nil, err
	}
	for _, c := range convs {
		msgs, err := tx.MessagesOf(c.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			out = append(out, TimelineEntry{At: m.Date, Kind: TimelineMessage, ID: m.ID,
				Title: m.Subject, Detail: m.From.Email, Inbound: m.Direction == Inbound})
		}
	}
	cs, err := tx.CallsOf(customerID)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		out = append(out, TimelineEntry{At: c.Start, Kind: TimelineCall, ID: c.ID,
			Title: c.Summary, Detail: string(c.Outcome), Inbound: c.Direction == Inbound})
	}
	ns, err := tx.NotesOf(customerID)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		out = append(out, TimelineEntry{At: n.Created, Kind: TimelineNote, ID: n.ID, Title: n.Text})
	}
	os, err := tx.OrdersOf(customerID)
	if err != nil {
		return nil, err
	}
	for _, o := range os {
		for _, h := range o.History {
			out = append(out, TimelineEntry{At: h.At, Kind: TimelineOrder, ID: o.ID,
				Title: o.Number, Detail: string(h.Status)})
		}
		for _, c := range o.Cases {
			for _, s := range c.Steps {
				out = append(out, TimelineEntry{At: s.At, Kind: TimelineAfterSales, ID: o.ID,
					Title: string(c.Kind) + " " + o.Number, Detail: string(s.State)})
			}
		}
	}
	fs, err := tx.FollowUpsOf(customerID)
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if strings.HasPrefix(f.Rule, "case:") {
			continue // a case's decision clock: its steps are already here
		}
		at := f.Due
		if !f.Done.IsZero() {
			at = f.Done
		}
		out = append(out, TimelineEntry{At: at, Kind: TimelineFollowUp, ID: f.ID,
			Title: string(f.Kind), Detail: followUpDetail(f)})
	}
	slices.SortStableFunc(out, func(a, b TimelineEntry) int { return a.At.Compare(b.At) })
	return out, nil
}
