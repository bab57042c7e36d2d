package search

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopdesk/shopdesk/storage"
)

// Snippets are cut from the records as stored, and the matches are found
// again on the folded form of that text, rune by rune, so the ranges point
// into the original characters (退貨 highlighted for a search of 退货).

const (
	snippetBefore = 24 // runes of context before the first match
	snippetLen    = 110
	titleLen      = 80
)

// folded is a string folded with a map back to the original's offsets.
type folded struct {
	orig  string
	fold  string
	fOffs []int // byte offset in fold of each rune
	oOffs []int // byte offset in orig of the same rune
}

func foldMapped(s string) folded {
	f := folded{orig: s}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		f.fOffs = append(f.fOffs, b.Len())
		f.oOffs = append(f.oOffs, i)
		b.WriteRune(FoldRune(r))
	}
	f.fOffs = append(f.fOffs, b.Len())
	f.oOffs = append(f.oOffs, len(s))
	f.fold = b.String()
	return f
}

// origAt maps a byte offset in fold (at a rune start) to the original.
func (f *folded) origAt(off int) int {
	i := sort.SearchInts(f.fOffs, off)
	if i >= len(f.oOffs) {
		return len(f.orig)
	}
	return f.oOffs[i]
}

// matches finds the needles in s, as ranges of s, in order, not overlapping.
func matches(s string, needles []string) []Range {
	if s == "" || len(needles) == 0 {
		return nil
	}
	f := foldMapped(s)
	var rs []Range
	for _, n := range needles {
		if n == "" {
			continue
		}
		for from := 0; from < len(f.fold); {
			i := strings.Index(f.fold[from:], n)
			if i < 0 {
				break
			}
			start := from + i
			rs = append(rs, Range{f.origAt(start), f.origAt(start + len(n))})
			from = start + len(n)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Start < rs[j].Start })
	out := rs[:0]
	for _, r := range rs {
		if len(out) > 0 && r.Start < out[len(out)-1].End {
			if r.End > out[len(out)-1].End {
				out[len(out)-1].End = r.End
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// excerpt cuts s around its first match to about snippetLen runes, on one
// line, and returns it with its match ranges.
func excerpt(s string, needles []string, max int) (string, []Range) {
	s = oneLine(s)
	rs := matches(s, needles)
	start := 0
	if len(rs) > 0 {
		start = rs[0].Start
		for k := 0; k < snippetBefore && start > 0; k++ {
			_, n := utf8.DecodeLastRuneInString(s[:start])
			start -= n
		}
	}
	end := start
	for k := 0; k < max && end < len(s); k++ {
		_, n := utf8.DecodeRuneInString(s[end:])
		end += n
	}
	prefix, suffix := "", ""
	if start > 0 {
		prefix = "…"
	}
	if end < len(s) {
		suffix = "…"
	}
	out := prefix + s[start:end] + suffix
	var kept []Range
	for _, r := range rs {
		if r.Start >= start && r.End <= end {
			kept = append(kept, Range{r.Start - start + len(prefix), r.End - start + len(prefix)})
		}
	}
	return out, kept
}

// oneLine turns line breaks and tabs into spaces, byte for byte, and
// trims the ends.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// needles lists the query's words to highlight.
func (q *Query) needlesAll() []string {
	var ns []string
	for _, c := range q.clauses {
		ns = append(ns, c.needles...)
	}
	return ns
}

// bestField picks the first field with a match, else the first non-empty.
func bestField(needles []string, fs ...string) string {
	first := ""
	for _, f := range fs {
		if strings.TrimSpace(f) == "" {
			continue
		}
		if first == "" {
			first = f
		}
		if len(matches(f, needles)) > 0 {
			return f
		}
	}
	return first
}

func hitOf(tx *storage.Tx, q *Query, kind storage.Kind, date int64, d *entry) (Hit, error) {
	ns := q.needlesAll()
	h := Hit{Kind: kind, ID: d.id}
	if date != 0 {
		h.Date = time.Unix(date, 0)
	}
	title := func(s string) {
		h.Title, h.TitleMatches = excerpt(s, ns, titleLen)
	}
	snippet := func(s string) {
		h.Snippet, h.SnippetMatches = excerpt(s, ns, snippetLen)
	}
	switch kind {
	case storage.KindMessage:
		m, err := tx.Message(d.id)
		if err != nil {
			return h, err
		}
		h.ConversationID = m.ConversationID
		if c, err := tx.Conversation(m.ConversationID); err == nil {
			h.CustomerID = c.CustomerID
		}
		title(m.Subject)
		from := m.From.Email
		if m.From.Name != "" {
			from = m.From.Name + " <" + m.From.Email + ">"
		}
		var to []string
		for _, a := range append(append([]storage.Address{}, m.To...), m.Cc...) {
			to = append(to, a.Name+" "+a.Email)
		}
		var att []string
		for _, a := range m.Attachments {
			att = append(att, a.Name)
		}
		snippet(bestField(ns, m.Text, from, strings.Join(to, ", "), strings.Join(att, ", ")))
	case storage.KindCustomer:
		c, err := tx.Customer(d.id)
		if err != nil {
			return h, err
		}
		h.CustomerID = c.ID
		title(c.Name)
		var phones, im []string
		for _, p := range c.Phones {
			phones = append(phones, p.Number)
		}
		for _, x := range c.IM {
			im = append(im, x.Handle)
		}
		snippet(bestField(ns, strings.Join(c.Emails, ", "), strings.Join(phones, ", "), strings.Join(im, ", "),
			strings.Join(c.Tags, ", "), c.Address, c.Notes))
	case storage.KindOrder:
		o, err := tx.Order(d.id)
		if err != nil {
			return h, err
		}
		h.CustomerID = o.CustomerID
		title(o.Number)
		var items, reasons []string
		for _, it := range o.Items {
			items = append(items, strings.TrimSpace(it.SKU+" "+it.Name))
		}
		for _, c := range o.Cases {
			reasons = append(reasons, c.Reason)
		}
		snippet(bestField(ns, strings.TrimSpace(o.Carrier+" "+o.Tracking), strings.Join(items, ", "),
			strings.Join(reasons, ", "), o.Notes))
	case storage.KindCall:
		c, err := tx.Call(d.id)
		if err != nil {
			return h, err
		}
		h.CustomerID = c.CustomerID
		title(c.Summary)
		snippet(c.Phone)
	case storage.KindNote:
		n, err := tx.Note(d.id)
		if err != nil {
			return h, err
		}
		h.CustomerID, h.ConversationID = n.CustomerID, n.ConversationID
		title(n.Text)
	}
	return h, nil
}
