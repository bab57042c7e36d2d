package search

import (
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// Range is a match in a hit's Title or Snippet: byte offsets, End
// exclusive. The screen draws these as highlighted text segments.
type Range struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Hit is one record found.
type Hit struct {
	Kind           storage.Kind `json:"kind"`
	ID             uint64       `json:"id"`
	ConversationID uint64       `json:"conversation_id,omitempty"`
	CustomerID     uint64       `json:"customer_id,omitempty"`
	Date           time.Time    `json:"date,omitzero"`
	Title          string       `json:"title"`
	TitleMatches   []Range      `json:"title_matches,omitempty"`
	Snippet        string       `json:"snippet,omitempty"`
	SnippetMatches []Range      `json:"snippet_matches,omitempty"`
	// Exact is set when a whole field (an order number, a name, an
	// address) is what was searched for.
	Exact bool `json:"exact,omitempty"`
}

// Group is the hits of one kind, best first; Total counts them all,
// beyond the ones listed.
type Group struct {
	Kind  storage.Kind `json:"kind"`
	Total int          `json:"total"`
	Hits  []Hit        `json:"hits"`
}

// Results are grouped by kind in the order of Kinds; empty groups are left out.
type Results struct {
	Groups []Group `json:"groups"`
	Total  int     `json:"total"`
}

// Options shape a search.
type Options struct {
	Limit    int            // hits listed per kind; 20 when 0
	Location *time.Location // for before:/after: dates; local time when nil
}

// Search runs a query and reads the listed hits' records for their titles
// and snippets.
func (ix *Index) Search(st Store, query string, opt Options) (Results, error) {
	loc := opt.Location
	if loc == nil {
		loc = time.Local
	}
	q, err := Parse(query, loc)
	if err != nil {
		return Results{}, err
	}
	return ix.Run(st, q, opt)
}

// ranked is a candidate with its ranking.
type ranked struct {
	n     uint32
	score int8
	date  int64
	exact bool
}

// Run runs a parsed query.
func (ix *Index) Run(st Store, q *Query, opt Options) (Results, error) {
	limit := opt.Limit
	if limit <= 0 {
		limit = 20
	}
	if q.Empty() {
		return Results{}, nil
	}
	type listed struct {
		kind  storage.Kind
		total int
		top   []ranked
		docs  []entry
	}
	var groups []listed
	func() {
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		var byKind [nKinds][]ranked
		filtered := q.hasFilters()
		squeezed := squeeze(q.text)
		ix.match(q, func(n uint32) {
			h := ix.hot[n]
			if filtered && !ix.passes(q, &ix.docs[n], h) {
				return
			}
			r := ranked{n: n, date: h.date}
			if q.text != "" {
				d := &ix.docs[n]
				primary := d.text[:d.primary]
				r.exact = exactField(primary, q.text, squeezed)
				if r.exact {
					r.score += 4
				}
				if inPrimary(q, primary) {
					r.score += 2
				}
			}
			byKind[h.kind] = append(byKind[h.kind], r)
		})
		for i, k := range Kinds {
			rs := byKind[i]
			if len(rs) == 0 {
				continue
			}
			top := topK(rs, limit)
			g := listed{kind: k, total: len(rs), top: top, docs: make([]entry, len(top))}
			for i, r := range top {
				g.docs[i] = ix.docs[r.n]
			}
			groups = append(groups, g)
		}
	}()
	var res Results
	err := st.View(func(tx *storage.Tx) error {
		for _, g := range groups {
			out := Group{Kind: g.kind, Total: g.total}
			for i, d := range g.docs {
				h, err := hitOf(tx, q, g.kind, g.top[i].date, &d)
				if errors.Is(err, storage.ErrNotFound) {
					continue // deleted since the index looked; the next event removes it
				}
				if err != nil {
					return err
				}
				h.Exact = g.top[i].exact
				out.Hits = append(out.Hits, h)
			}
			res.Total += out.Total
			res.Groups = append(res.Groups, out)
		}
		return nil
	})
	if err != nil {
		return Results{}, fmt.Errorf("read search hits: %w", err)
	}
	return res, nil
}

// topK sorts the best k first: exact and primary-field hits, then the
// most recent.
func topK(rs []ranked, k int) []ranked {
	cmp := func(a, b ranked) int {
		if a.score != b.score {
			return int(b.score) - int(a.score)
		}
		if a.date != b.date {
			if a.date > b.date {
				return -1
			}
			return 1
		}
		return int(b.n) - int(a.n)
	}
	if len(rs) > 4*k {
		// Keep a running best-k instead of sorting every candidate.
		best := make([]ranked, 0, k+1)
		for _, r := range rs {
			if len(best) == k && cmp(r, best[k-1]) >= 0 {
				continue
			}
			i, _ := slices.BinarySearchFunc(best, r, cmp)
			best = slices.Insert(best, i, r)
			if len(best) > k {
				best = best[:k]
			}
		}
		return best
	}
	slices.SortFunc(rs, cmp)
	return rs[:min(k, len(rs))]
}

// match calls fn with every live doc matching all the query's clauses
// (every live doc when there are none). Read lock held.
func (ix *Index) match(q *Query, fn func(uint32)) {
	if len(q.clauses) == 0 {
		for n := range ix.hot {
			if !ix.hot[n].dead {
				fn(uint32(n))
			}
		}
		return
	}
	var cur []uint32
	for i, c := range q.clauses {
		cur = ix.clauseDocs(c, cur, i == 0)
		if len(cur) == 0 {
			return
		}
	}
	for _, n := range cur {
		if !ix.hot[n].dead {
			fn(n)
		}
	}
}

// clauseDocs is the docs matching c, within the given ones unless all.
func (ix *Index) clauseDocs(c clause, within []uint32, all bool) []uint32 {
	var out []uint32
	for ai, a := range c.alts {
		var cand []uint32
		if len(a.lookups) == 0 {
			if all {
				cand = make([]uint32, 0, len(ix.docs))
				for n := range ix.docs {
					cand = append(cand, uint32(n))
				}
			} else {
				cand = within
			}
		} else {
			lists := make([][]uint32, 0, len(a.lookups)+1)
			for _, l := range a.lookups {
				lists = append(lists, ix.postings(l))
			}
			if !all {
				lists = append(lists, within)
			}
			cand = intersect(lists)
		}
		if a.verify {
			kept := cand[:0:0]
			for _, n := range cand {
				if !ix.hot[n].dead && strings.Contains(ix.docs[n].text, a.literal) {
					kept = append(kept, n)
				}
			}
			cand = kept
		}
		if ai == 0 {
			out = cand
		} else {
			out = union(out, cand)
		}
	}
	return out
}

// postings of one lookup; a prefix gathers every word that starts with it.
func (ix *Index) postings(l lookup) []uint32 {
	if l.word == "" {
		if t, ok := ix.pairs[l.pair]; ok {
			return decode(ix.post[t], nil)
		}
		return nil
	}
	if !l.prefix {
		if t, ok := ix.words[l.word]; ok {
			return decode(ix.post[t], nil)
		}
		return nil
	}
	var lists [][]byte
	total := 0
	ix.prefixTerms(l.word, func(p []byte) {
		lists = append(lists, p)
		total += len(p)
	})
	switch len(lists) {
	case 0:
		return nil
	case 1:
		return decode(lists[0], nil)
	}
	if total < len(ix.docs)/32 {
		var out []uint32
		for _, p := range lists {
			out = decode(p, out)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	set := make([]uint64, (len(ix.docs)+63)/64)
	var buf []uint32
	for _, p := range lists {
		buf = decode(p, buf[:0])
		for _, n := range buf {
			set[n/64] |= 1 << (n % 64)
		}
	}
	out := make([]uint32, 0, total)
	for w, bitsw := range set {
		for bitsw != 0 {
			b := bits.TrailingZeros64(bitsw)
			out = append(out, uint32(w*64+b))
			bitsw &= bitsw - 1
		}
	}
	return out
}

// intersect merges ascending lists, shortest first.
func intersect(lists [][]uint32) []uint32 {
	if len(lists) == 0 {
		return nil
	}
	slices.SortFunc(lists, func(a, b []uint32) int { return len(a) - len(b) })
	out := slices.Clone(lists[0])
	for _, l := range lists[1:] {
		if len(out) == 0 {
			return nil
		}
		k, j := 0, 0
		for _, n := range out {
			// Gallop through the longer list.
			if j < len(l) && l[j] < n {
				j += searchFrom(l[j:], n)
			}
			if j < len(l) && l[j] == n {
				out[k] = n
				k++
			}
		}
		out = out[:k]
	}
	return out
}

// searchFrom is the first index in l with l[i] >= n.
func searchFrom(l []uint32, n uint32) int {
	step := 1
	hi := 0
	for hi < len(l) && l[hi] < n {
		hi += step
		step *= 2
	}
	lo := hi - step/2
	if lo < 0 {
		lo = 0
	}
	hi = min(hi, len(l))
	i, _ := slices.BinarySearch(l[lo:hi], n)
	return lo + i
}

func union(a, b []uint32) []uint32 {
	out := make([]uint32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			out = append(out, a[i])
			i++
		case a[i] > b[j]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// passes applies the filters. Read lock held.
func (ix *Index) passes(q *Query, d *entry, h hot) bool {
	if q.after != 0 && h.date < q.after || q.before != 0 && h.date >= q.before {
		return false
	}
	kind := Kinds[h.kind]
	isMsg := kind == storage.KindMessage
	if (len(q.from) > 0 || len(q.to) > 0 || q.hasAttach) && !isMsg {
		return false
	}
	if q.hasAttach && !h.attach {
		return false
	}
	for _, f := range q.from {
		if !strings.Contains(d.from(), f) {
			return false
		}
	}
	for _, t := range q.to {
		if !strings.Contains(d.to(), t) {
			return false
		}
	}
	conv, hasConv := ix.convs[d.conv]
	if len(q.status) > 0 {
		var st string
		switch {
		case kind == storage.KindOrder:
			st = d.status()
		case d.conv != 0 && hasConv:
			st = conv.status
		default:
			return false
		}
		if !slices.Contains(q.status, st) {
			return false
		}
	}
	if len(q.tags) > 0 {
		var tags []string
		cust := d.cust
		if hasConv {
			tags = append(tags, conv.tags...)
			cust = conv.cust
		}
		if n, ok := ix.live[docKey{storage.KindCustomer, cust}]; ok {
			tags = append(tags, ix.docs[n].tags()...)
		}
		for _, t := range q.tags {
			if !slices.Contains(tags, t) {
				return false
			}
		}
	}
	return true
}

// exactField reports whether one primary field is exactly the query (an
// order number, a name, an address), dashes and spaces aside.
func exactField(primary, text, squeezed string) bool {
	if squeezed == "" || len(primary) < len(squeezed) {
		return false
	}
	for primary != "" {
		f := primary
		if i := strings.IndexByte(primary, '\n'); i >= 0 {
			f, primary = primary[:i], primary[i+1:]
		} else {
			primary = ""
		}
		if f == text || sameSqueezed(f, squeezed) {
			return true
		}
	}
	return false
}

// sameSqueezed compares f without its dashes and spaces to sq.
func sameSqueezed(f, sq string) bool {
	j := 0
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c == '-' || c == ' ' {
			continue
		}
		if j >= len(sq) || sq[j] != c {
			return false
		}
		j++
	}
	return j == len(sq)
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, s)
}

// inPrimary reports whether every clause matches in the primary fields.
func inPrimary(q *Query, primary string) bool {
	for _, c := range q.clauses {
		found := false
		for _, n := range c.needles {
			if strings.Contains(primary, n) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
