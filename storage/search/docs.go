package search

import (
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// fields builds a doc's folded text: primary fields first (they rank
// higher), one a line.
type fields struct {
	b       strings.Builder
	primary int32
	at      int32 // where the last field added starts
}

// addSpan adds a field and returns where it is in the text (an empty
// span when the field is blank).
func (f *fields) addSpan(s string) (from, to int32) {
	n := f.b.Len()
	f.add(s)
	if f.b.Len() == n {
		return 0, 0
	}
	return f.at, int32(f.b.Len())
}

func (f *fields) add(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if f.b.Len() > 0 {
		f.b.WriteByte('\n')
	}
	f.at = int32(f.b.Len())
	for _, r := range s {
		f.b.WriteRune(FoldRune(r))
	}
}

// endPrimary marks the fields so far as primary.
func (f *fields) endPrimary() { f.primary = int32(f.b.Len()) }

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func addrText(as ...storage.Address) string {
	var parts []string
	for _, a := range as {
		parts = append(parts, a.Name, a.Email)
	}
	return strings.Join(parts, " ")
}

func messageDoc(m *storage.Message) doc {
	var f fields
	f.add(m.Subject)
	f.endPrimary()
	fromAt, fromEnd := f.addSpan(addrText(m.From))
	toAt, toEnd := f.addSpan(addrText(append(append([]storage.Address{}, m.To...), m.Cc...)...))
	for _, a := range m.Attachments {
		f.add(a.Name)
	}
	f.add(m.Text)
	return doc{key: docKey{storage.KindMessage, m.ID}, date: unix(m.Date), conv: m.ConversationID,
		text: f.b.String(), primary: f.primary, span: [4]int32{fromAt, fromEnd, toAt, toEnd},
		attach: len(m.Attachments) > 0}
}

func customerDoc(c *storage.Customer) doc {
	var f fields
	f.add(c.Name)
	for _, e := range c.Emails {
		f.add(e)
	}
	for _, p := range c.Phones {
		f.add(p.Number)
	}
	f.endPrimary()
	for _, im := range c.IM {
		f.add(im.Handle)
	}
	f.add(strings.Join(c.Tags, " "))
	f.add(c.Address)
	f.add(c.Notes)
	return doc{key: docKey{storage.KindCustomer, c.ID}, date: unix(c.Created), cust: c.ID,
		text: f.b.String(), primary: f.primary, tags: foldAll(c.Tags)}
}

func orderDoc(o *storage.Order) doc {
	var f fields
	f.add(o.Number)
	f.add(o.Tracking)
	f.endPrimary()
	f.add(o.Carrier)
	for _, it := range o.Items {
		f.add(it.SKU + " " + it.Name)
	}
	for _, c := range o.Cases {
		f.add(c.Reason)
	}
	f.add(o.Notes)
	return doc{key: docKey{storage.KindOrder, o.ID}, date: unix(o.Placed), cust: o.CustomerID,
		text: f.b.String(), primary: f.primary, status: string(o.Status)}
}

func callDoc(c *storage.Call) doc {
	var f fields
	f.add(c.Summary)
	f.endPrimary()
	f.add(c.Phone)
	return doc{key: docKey{storage.KindCall, c.ID}, date: unix(c.Start), cust: c.CustomerID,
		text: f.b.String(), primary: f.primary}
}

func noteDoc(n *storage.Note) doc {
	var f fields
	f.add(n.Text)
	f.endPrimary()
	return doc{key: docKey{storage.KindNote, n.ID}, date: unix(n.Created), cust: n.CustomerID,
		conv: n.ConversationID, text: f.b.String(), primary: f.primary}
}

func convMetaOf(c *storage.Conversation) convMeta {
	return convMeta{cust: c.CustomerID, status: string(c.Status), tags: foldAll(c.Tags)}
}

func foldAll(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = Fold(s)
	}
	return out
}
