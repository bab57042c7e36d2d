package storage

import (
	"fmt"
	"slices"
	"strings"
)

// MergeField is one profile field of a merge: both customers' values and
// the one the merged customer keeps.
type MergeField struct {
	Field  string `json:"field"` // name, emails, phones, ... (the JSON name)
	Keep   string `json:"keep"`
	Gone   string `json:"gone"`
	Result string `json:"result"`
	// FromGone says the result takes (or adds) the merged-away customer's value.
	FromGone bool `json:"from_gone"`
}

// MergePlan is what merging two customers would do.
type MergePlan struct {
	Keep, Gone, Result Customer
	Fields             []MergeField
	// How many records move from the gone customer to the kept one.
	Conversations, Orders, Calls, Notes, FollowUps int
}

// customerLinks are the indexes that name a customer first in their keys:
// every record that belongs to a customer is found through one of them.
var customerLinks = []struct {
	ix   []byte
	move func(tx *Tx, id, to uint64) error
}{
	{bConvCustomer, func(tx *Tx, id, to uint64) error { return moveRecord(tx, conversations, id, to) }},
	{bOrderCustomer, func(tx *Tx, id, to uint64) error { return moveRecord(tx, orders, id, to) }},
	{bCallCustomer, func(tx *Tx, id, to uint64) error { return moveRecord(tx, calls, id, to) }},
	{bNoteCustomer, func(tx *Tx, id, to uint64) error { return moveRecord(tx, notes, id, to) }},
	{bFollowUpCustomer, func(tx *Tx, id, to uint64) error { return moveRecord(tx, followUps, id, to) }},
}

// customerOwned is a record that names its customer.
type customerOwned interface {
	Conversation | Order | Call | Note | FollowUp
}

func moveRecord[T customerOwned](tx *Tx, t table[T], id, to uint64) error {
	rec, err := t.get(tx, id)
	if err != nil {
		return err
	}
	switch r := any(&rec).(type) {
	case *Conversation:
		r.CustomerID = to
	case *Order:
		r.CustomerID = to
	case *Call:
		r.CustomerID = to
	case *Note:
		r.CustomerID = to
	case *FollowUp:
		r.CustomerID = to
	}
	return t.put(tx, &rec)
}

// MergePreview says what MergeCustomers(keepID, goneID) would do,
// without changing anything.
func (tx *Tx) MergePreview(keepID, goneID uint64) (MergePlan, error) {
	if keepID == goneID {
		return MergePlan{}, fmt.Errorf("merge customer %d with itself: %w", keepID, ErrConflict)
	}
	keep, err := tx.Customer(keepID)
	if err != nil {
		return MergePlan{}, fmt.Errorf("merge: %w", err)
	}
	gone, err := tx.Customer(goneID)
	if err != nil {
		return MergePlan{}, fmt.Errorf("merge: %w", err)
	}
	p := MergePlan{Keep: keep, Gone: gone}
	p.Result, p.Fields = mergeProfiles(keep, gone)
	counts := []*int{&p.Conversations, &p.Orders, &p.Calls, &p.Notes, &p.FollowUps}
	for i, l := range customerLinks {
		*counts[i] = len(idsUnder(tx, l.ix, u64(goneID)))
	}
	return p, nil
}

// MergeCustomers makes two customer records one: everything of the gone
// customer (conversations, orders, calls, notes, follow-ups) moves to the
// kept one, their addresses, numbers, chat handles and tags are joined,
// the kept customer's other values win where they are set, notes are
// put together and the earlier creation time stays. The gone customer is
// deleted. Run it in one Update: it all happens or none of it.
func (tx *Tx) MergeCustomers(keepID, goneID uint64) (Customer, error) {
	p, err := tx.MergePreview(keepID, goneID)
	if err != nil {
		return Customer{}, err
	}
	for _, l := range customerLinks {
		for _, id := range idsUnder(tx, l.ix, u64(goneID)) {
			if err := l.move(tx, id, keepID); err != nil {
				return Customer{}, fmt.Errorf("merge customer %d into %d: %w", goneID, keepID, err)
			}
		}
	}
	// The gone customer goes first: its addresses may then belong to the kept one.
	if err := customers.delete(tx, goneID); err != nil {
		return Customer{}, fmt.Errorf("merge customer %d into %d: %w", goneID, keepID, err)
	}
	merged := p.Result
	if err := tx.SaveCustomer(&merged); err != nil {
		return Customer{}, fmt.Errorf("merge customer %d into %d: %w", goneID, keepID, err)
	}
	return merged, nil
}

// mergeProfiles joins two profiles field by field.
func mergeProfiles(keep, gone Customer) (Customer, []MergeField) {
	r := keep
	var fields []MergeField
	scalar := func(name string, k, g string, set func(string)) {
		f := MergeField{Field: name, Keep: k, Gone: g, Result: k}
		if strings.TrimSpace(k) == "" && strings.TrimSpace(g) != "" {
			f.Result, f.FromGone = g, true
			set(g)
		}
		fields = append(fields, f)
	}
	scalar("name", keep.Name, gone.Name, func(v string) { r.Name = v })
	scalar("address", keep.Address, gone.Address, func(v string) { r.Address = v })
	scalar("language", keep.Language, gone.Language, func(v string) { r.Language = v })
	scalar("birthday", keep.Birthday, gone.Birthday, func(v string) { r.Birthday = v })
	scalar("segment", string(keep.Segment), string(gone.Segment), func(v string) { r.Segment = Segment(v) })

	r.Emails = unionBy(keep.Emails, gone.Emails, normalizeEmail)
	r.Phones = unionBy(keep.Phones, gone.Phones, func(p Phone) string { return NormalizePhone(p.Number) })
	r.IM = unionBy(keep.IM, gone.IM, func(h IMHandle) string {
		return strings.ToLower(strings.TrimSpace(h.Network)) + "\x00" + strings.TrimSpace(h.Handle)
	})
	r.Tags = unionBy(keep.Tags, gone.Tags, strings.TrimSpace)
	list := func(name string, k, g, res []string) {
		fields = append(fields, MergeField{Field: name, Keep: strings.Join(k, ", "), Gone: strings.Join(g, ", "),
			Result: strings.Join(res, ", "), FromGone: len(res) > len(k)})
	}
	list("emails", keep.Emails, gone.Emails, r.Emails)
	list("phones", phoneTexts(keep.Phones), phoneTexts(gone.Phones), phoneTexts(r.Phones))
	list("im", imTexts(keep.IM), imTexts(gone.IM), imTexts(r.IM))
	list("tags", keep.Tags, gone.Tags, r.Tags)

	kn, gn := strings.TrimSpace(keep.Notes), strings.TrimSpace(gone.Notes)
	switch {
	case gn == "" || strings.Contains(kn, gn):
	case kn == "":
		r.Notes = gn
	default:
		r.Notes = kn + "\n\n" + gn
	}
	fields = append(fields, MergeField{Field: "notes", Keep: keep.Notes, Gone: gone.Notes, Result: r.Notes, FromGone: r.Notes != keep.Notes})

	if !gone.Created.IsZero() && (keep.Created.IsZero() || gone.Created.Before(keep.Created)) {
		r.Created = gone.Created
	}
	return r, fields
}

// unionBy appends to keep the values of gone whose key keep lacks; an
// empty key is never added.
func unionBy[T any](keep, gone []T, key func(T) string) []T {
	out := slices.Clone(keep)
	seen := map[string]bool{}
	for _, v := range keep {
		seen[key(v)] = true
	}
	for _, v := range gone {
		if k := key(v); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

func phoneTexts(ps []Phone) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Number
		if p.Label != "" {
			out[i] += " (" + p.Label + ")"
		}
	}
	return out
}

func imTexts(hs []IMHandle) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Network + ": " + h.Handle
	}
	return out
}
