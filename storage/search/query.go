package search

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// QueryError is a filter the seller mistyped; Key and Value let the
// screen say what is wrong in the seller's language.
type QueryError struct {
	Key, Value string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("search filter %s:%s is not understood", e.Key, e.Value)
}

// Query is a parsed search: free-text clauses that must all match, and
// filters.
type Query struct {
	clauses   []clause
	text      string // the free text, folded, for exact-field ranking
	from, to  []string
	tags      []string
	status    []string
	after     int64 // Unix seconds, inclusive; 0 for none
	before    int64 // Unix seconds, exclusive; 0 for none
	hasAttach bool
}

// clause is one word of the query: a doc matches it when it matches any
// of its alternatives.
type clause struct {
	alts    []alt
	needles []string // what to highlight, folded
}

// alt is a set of index lookups that must all hit, and a folded literal
// the doc's text must then contain (when verify is set).
type alt struct {
	lookups []lookup
	literal string
	verify  bool
}

type lookup struct {
	pair   uint64 // a CJK bigram, when word is empty
	word   string
	prefix bool
}

// Empty reports whether the query has neither text nor filters.
func (q *Query) Empty() bool {
	return len(q.clauses) == 0 && !q.hasFilters()
}

func (q *Query) hasFilters() bool {
	return len(q.from)+len(q.to)+len(q.tags)+len(q.status) > 0 || q.after != 0 || q.before != 0 || q.hasAttach
}

// Parse reads a query: words, "quoted phrases" and the filters from:,
// to:, tag:, status:, before:, after: (YYYY-MM-DD, in loc) and
// has:attachment.
func Parse(s string, loc *time.Location) (*Query, error) {
	q := &Query{}
	var text []string
	for _, tok := range splitQuery(s) {
		if tok.quoted {
			text = append(text, tok.s)
			q.addClause(Fold(tok.s), true)
			continue
		}
		key, val, ok := strings.Cut(tok.s, ":")
		if ok && val != "" {
			handled, err := q.filter(strings.ToLower(key), val, loc)
			if err != nil {
				return nil, err
			}
			if handled {
				continue
			}
		}
		text = append(text, tok.s)
		q.addClause(Fold(tok.s), false)
	}
	q.text = Fold(strings.Join(text, " "))
	return q, nil
}

func (q *Query) filter(key, val string, loc *time.Location) (bool, error) {
	switch key {
	case "from":
		q.from = append(q.from, Fold(val))
	case "to":
		q.to = append(q.to, Fold(val))
	case "tag":
		q.tags = append(q.tags, Fold(val))
	case "status":
		q.status = append(q.status, Fold(val))
	case "before", "after":
		t, err := time.ParseInLocation("2006-01-02", val, loc)
		if err != nil {
			return false, &QueryError{Key: key, Value: val}
		}
		if key == "before" {
			q.before = t.Unix()
		} else {
			q.after = t.Unix()
		}
	case "has":
		if v := strings.ToLower(val); v != "attachment" && v != "attachments" {
			return false, &QueryError{Key: key, Value: val}
		}
		q.hasAttach = true
	default:
		return false, nil // a word with a colon, such as a time or a URL
	}
	return true, nil
}

type queryToken struct {
	s      string
	quoted bool
}

// splitQuery splits on spaces (ideographic ones too), keeping "quoted
// phrases" (straight or curly quotes) whole.
func splitQuery(s string) []queryToken {
	var out []queryToken
	var cur strings.Builder
	quote := rune(0)
	flush := func(quoted bool) {
		if t := strings.TrimSpace(cur.String()); t != "" {
			out = append(out, queryToken{t, quoted})
		}
		cur.Reset()
	}
	for _, r := range s {
		switch {
		case quote != 0 && r == closing(quote):
			flush(true)
			quote = 0
		case quote == 0 && (r == '"' || r == '“' || r == '「'):
			flush(false)
			quote = r
		case quote == 0 && unicode.IsSpace(r):
			flush(false)
		default:
			cur.WriteRune(r)
		}
	}
	flush(quote != 0)
	return out
}

func closing(open rune) rune {
	switch open {
	case '“':
		return '”'
	case '「':
		return '」'
	}
	return open
}

// addClause turns one folded query word (or phrase) into index lookups.
func (q *Query) addClause(t string, phrase bool) {
	var segs []segment
	segments(t, func(s segment) { segs = append(segs, s) })
	if len(segs) == 0 {
		return
	}
	c := clause{}
	if len(segs) == 1 && !phrase {
		s := segs[0]
		switch {
		case s.cjk:
			n := utf8.RuneCountInString(s.text)
			a := alt{literal: s.text, verify: n != 2}
			bigrams(s.text, func(k uint64) { a.lookups = append(a.lookups, lookup{pair: k}) })
			c.alts = []alt{a}
		case len(s.words) == 1:
			c.alts = []alt{{lookups: []lookup{{word: clip(s.words[0]), prefix: true}}}}
		default:
			// 113-1234567-1234567 as written, or run together.
			parts := alt{literal: s.text, verify: true}
			for _, w := range s.words {
				parts.lookups = append(parts.lookups, lookup{word: clip(w), prefix: true})
			}
			c.alts = []alt{parts, {lookups: []lookup{{word: s.joined(), prefix: true}}}}
		}
		c.needles = []string{s.text}
		q.clauses = append(q.clauses, c)
		return
	}
	a := alt{literal: strings.TrimSpace(t), verify: true}
	for _, s := range segs {
		if s.cjk {
			bigrams(s.text, func(k uint64) { a.lookups = append(a.lookups, lookup{pair: k}) })
			continue
		}
		for _, w := range s.words {
			a.lookups = append(a.lookups, lookup{word: clip(w), prefix: true})
		}
	}
	c.alts = []alt{a}
	c.needles = []string{a.literal}
	q.clauses = append(q.clauses, c)
}
