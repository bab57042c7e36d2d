// Package search is the desk's global search: an in-memory index over
// messages, customers, orders, calls and notes, built from the store at
// start and kept current from the store's change events.
//
// Chinese and Japanese are indexed by pairs of neighbouring characters
// and a longer query is checked against the folded text, so any substring
// of two or more characters is found and nothing else; Latin-script words
// are found by prefix; order and tracking numbers whole, with or without
// their dashes.
//
// Why in memory, fed by change events, rather than persisted in bbolt in
// the sync's transaction: a persisted inverted index means hundreds of
// key writes per message inside the sync's commits (the 10,000-message
// sync would write millions of keys), while folding and indexing in
// memory costs about 15 µs a message on a goroutine of its own, so the
// sync runs as fast as before and the index catches up within a few
// milliseconds of its last commit. Queries answer from memory in a few
// milliseconds at 100,000 messages (BenchmarkQuery). The price is memory
// (about 100 MB of heap at 100,000 messages, a third of it the folded
// text that longer queries are checked against) and a build at start
// (2.5 s at 100,000 messages), which runs after the window shows.
// Following events, not the writers' code, keeps it correct through
// sync, merges and forgets alike: every deleted record is dropped and
// every saved one re-read.
package search

import (
	"bytes"
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/shopdesk/shopdesk/storage"
)

// Kinds are the record kinds the index holds, in the order results are
// grouped.
var Kinds = []storage.Kind{storage.KindMessage, storage.KindCustomer, storage.KindOrder,
	storage.KindCall, storage.KindNote}

const nKinds = 5

// kindIndex numbers Kinds.
var kindIndex = map[storage.Kind]uint8{storage.KindMessage: 0, storage.KindCustomer: 1, storage.KindOrder: 2,
	storage.KindCall: 3, storage.KindNote: 4}

// hot is what every candidate of a query needs, packed apart from the
// rest of its entry so a scan over thousands stays in cache.
type hot struct {
	date   int64 // Unix seconds
	kind   uint8
	dead   bool
	attach bool
}

type docKey struct {
	kind storage.Kind
	id   uint64
}

// doc is one record made ready for the index.
type doc struct {
	key  docKey
	date int64 // Unix seconds
	conv uint64
	cust uint64
	// text holds the folded fields one a line, primary fields (subject,
	// name, number, ...) first, up to primary bytes.
	text    string
	primary int32
	// span: text[span[0]:span[1]] is a message's folded sender,
	// text[span[2]:span[3]] its recipients.
	span   [4]int32
	status string   // order status (orders)
	tags   []string // folded tags (customers)
	attach bool
}

// entry is a doc as the index keeps it, compact: a desk holds 100,000
// of them.
type entry struct {
	id      uint64
	conv    uint64
	cust    uint64
	text    string
	primary int32
	span    [4]int32
	extra   *extra
}

// extra is what few records have.
type extra struct {
	status string
	tags   []string
}

func (e *entry) from() string { return e.text[e.span[0]:e.span[1]] }
func (e *entry) to() string   { return e.text[e.span[2]:e.span[3]] }

func (e *entry) status() string {
	if e.extra == nil {
		return ""
	}
	return e.extra.status
}

func (e *entry) tags() []string {
	if e.extra == nil {
		return nil
	}
	return e.extra.tags
}

// convMeta is what filters need of a conversation; a message's tags,
// status and customer are its conversation's, read at query time so a
// moved or closed conversation needs no re-indexing of its messages.
type convMeta struct {
	cust   uint64
	status string
	tags   []string
}

// Store is what the index reads: *storage.Store, or a screen's narrower view of it.
type Store interface {
	View(func(*storage.Tx) error) error
	Subscribe(func([]storage.Event)) (unsubscribe func())
}

var _ Store = (*storage.Store)(nil)

// Index is safe for concurrent use: queries share a read lock, updates
// take the write lock briefly.
type Index struct {
	mu    sync.RWMutex
	docs  []entry
	hot   []hot // by doc number, beside docs
	live  map[docKey]uint32
	dead  int
	pairs map[uint64]uint32 // CJK bigram -> postings
	words map[string]uint32 // word -> postings
	// post holds each term's doc numbers, ascending, as varint deltas
	// from the previous one; last is the last number of each.
	post    [][]byte
	last    []uint32
	vocab   []string // words, sorted
	fresh   []string // words added since vocab was sorted
	convs   map[uint64]convMeta
	ready   chan struct{}
	readyMu sync.Once
	// compactAt is how many dead docs wait before compaction (and at
	// least a third of all).
	compactAt int

	// Follow's queue of store events waiting to be applied.
	qmu     sync.Mutex
	qcond   *sync.Cond
	queue   []storage.Event
	queued  uint64
	applied uint64
}

// New returns an empty index; Build fills it.
func New() *Index {
	ix := &Index{
		live:  map[docKey]uint32{},
		pairs: map[uint64]uint32{},
		words: map[string]uint32{},
		convs: map[uint64]convMeta{},
		ready: make(chan struct{}),

		compactAt: 4096,
	}
	ix.qcond = sync.NewCond(&ix.qmu)
	return ix
}

// Len is the number of records indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.live)
}

// Ready reports whether the first build has finished.
func (ix *Index) Ready() bool {
	select {
	case <-ix.ready:
		return true
	default:
		return false
	}
}

func (ix *Index) markReady() { ix.readyMu.Do(func() { close(ix.ready) }) }

// put indexes d, replacing the record's previous version. Write lock held.
func (ix *Index) put(d doc) {
	e := entry{id: d.key.id, conv: d.conv, cust: d.cust, text: d.text, primary: d.primary,
		span: d.span}
	if d.status != "" || len(d.tags) > 0 {
		e.extra = &extra{status: d.status, tags: d.tags}
	}
	h := hot{date: d.date, kind: kindIndex[d.key.kind], attach: d.attach}
	if n, ok := ix.live[d.key]; ok {
		if ix.docs[n].text == d.text {
			// Flags, locations and the like changed: keep the postings.
			e.text = ix.docs[n].text
			ix.docs[n], ix.hot[n] = e, h
			return
		}
		ix.kill(n)
	}
	n := uint32(len(ix.docs))
	ix.docs = append(ix.docs, e)
	ix.hot = append(ix.hot, h)
	ix.live[d.key] = n
	segments(d.text, func(s segment) {
		if s.cjk {
			bigrams(s.text, func(k uint64) { ix.add(ix.pairTerm(k), n) })
			return
		}
		for _, w := range s.words {
			ix.add(ix.wordTerm(clip(w)), n)
		}
		if j := s.joined(); j != "" {
			ix.add(ix.wordTerm(j), n)
		}
	})
}

func (ix *Index) add(term uint32, n uint32) {
	p := ix.post[term]
	prev := ix.last[term]
	if len(p) > 0 && prev == n {
		return // the doc has the term already
	}
	if len(p) == 0 {
		prev = 0
		ix.post[term] = binary.AppendUvarint(p, uint64(n)+1)
	} else {
		ix.post[term] = binary.AppendUvarint(p, uint64(n-prev))
	}
	ix.last[term] = n
}

// decode appends a term's doc numbers to out.
func decode(p []byte, out []uint32) []uint32 {
	if out == nil {
		out = make([]uint32, 0, len(p)) // at least a byte a number
	}
	var n uint32
	first := true
	for len(p) > 0 {
		v, k := binary.Uvarint(p)
		p = p[k:]
		if first {
			n = uint32(v - 1)
			first = false
		} else {
			n += uint32(v)
		}
		out = append(out, n)
	}
	return out
}

func (ix *Index) newTerm() uint32 {
	t := uint32(len(ix.post))
	ix.post = append(ix.post, nil)
	ix.last = append(ix.last, 0)
	return t
}

func (ix *Index) pairTerm(k uint64) uint32 {
	t, ok := ix.pairs[k]
	if !ok {
		t = ix.newTerm()
		ix.pairs[k] = t
	}
	return t
}

func (ix *Index) wordTerm(w string) uint32 {
	t, ok := ix.words[w]
	if !ok {
		w = strings.Clone(w) // don't pin the whole document text
		t = ix.newTerm()
		ix.words[w] = t
		ix.fresh = append(ix.fresh, w)
	}
	return t
}

// remove drops a record. Write lock held.
func (ix *Index) remove(k docKey) {
	if n, ok := ix.live[k]; ok {
		ix.kill(n)
	}
}

// kill marks a doc dead; its postings stay until compaction.
func (ix *Index) kill(n uint32) {
	delete(ix.live, docKey{Kinds[ix.hot[n].kind], ix.docs[n].id})
	ix.docs[n] = entry{}
	ix.hot[n].dead = true
	ix.dead++
	if ix.dead > ix.compactAt && ix.dead > len(ix.docs)/3 {
		ix.compact()
	}
}

// compact renumbers the live docs and drops the dead from every posting
// list, so updates and deletes don't grow the index without bound.
func (ix *Index) compact() {
	renum := make([]uint32, len(ix.docs))
	docs := make([]entry, 0, len(ix.live))
	hots := make([]hot, 0, len(ix.live))
	for i, h := range ix.hot {
		if h.dead {
			renum[i] = ^uint32(0)
			continue
		}
		renum[i] = uint32(len(docs))
		ix.live[docKey{Kinds[h.kind], ix.docs[i].id}] = uint32(len(docs))
		docs = append(docs, ix.docs[i])
		hots = append(hots, h)
	}
	var buf []uint32
	for t, p := range ix.post {
		buf = decode(p, buf[:0])
		ix.post[t], ix.last[t] = nil, 0
		for _, n := range buf {
			if m := renum[n]; m != ^uint32(0) {
				ix.add(uint32(t), m)
			}
		}
	}
	ix.docs, ix.hot, ix.dead = docs, hots, 0
	ix.trim()
}

// trim gives back the room appends left at the end of posting lists.
func (ix *Index) trim() {
	for t, p := range ix.post {
		if cap(p)-len(p) > 8 {
			ix.post[t] = bytes.Clone(p)
		}
	}
}

// sortedVocab returns every word in order, merging words added since the
// last sort. Write lock held, or a read lock when fresh is empty.
func (ix *Index) mergeFresh() {
	if len(ix.fresh) == 0 {
		return
	}
	ix.vocab = append(ix.vocab, ix.fresh...)
	slices.Sort(ix.vocab)
	ix.fresh = nil
}

// prefixTerms calls fn with the postings of every word starting with p.
// Read lock held.
func (ix *Index) prefixTerms(p string, fn func(post []byte)) {
	i := sort.SearchStrings(ix.vocab, p)
	for ; i < len(ix.vocab) && strings.HasPrefix(ix.vocab[i], p); i++ {
		fn(ix.post[ix.words[ix.vocab[i]]])
	}
	for _, w := range ix.fresh {
		if strings.HasPrefix(w, p) {
			fn(ix.post[ix.words[w]])
		}
	}
}

// Counts is the number of records indexed of each kind.
func (ix *Index) Counts() map[storage.Kind]int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := map[storage.Kind]int{}
	for _, h := range ix.hot {
		if !h.dead {
			out[Kinds[h.kind]]++
		}
	}
	return out
}
