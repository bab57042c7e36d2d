package search

import (
	"strings"
	"unicode/utf8"
)

// maxWord bounds an indexed word: longer ones are indexed by their start,
// which prefix search still finds.
const maxWord = 48

// segment is a piece of folded text the index knows how to look up: a
// run of CJK characters, or a compound of words joined by connectors.
type segment struct {
	cjk   bool
	text  string   // as folded, connectors included
	words []string // a compound's words
}

// segments splits folded text into CJK runs and word compounds; anything
// else (spaces, punctuation) separates them.
func segments(s string, fn func(segment)) {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case isCJK(r):
			j := i + n
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isCJK(r2) {
					break
				}
				j += n2
			}
			fn(segment{cjk: true, text: s[i:j]})
			i = j
		case isWordRune(r):
			start := i
			var words []string
			for {
				ws := i
				for i < len(s) {
					r2, n2 := utf8.DecodeRuneInString(s[i:])
					if !isWordRune(r2) {
						break
					}
					i += n2
				}
				words = append(words, s[ws:i])
				// A connector continues the compound only between words.
				if i >= len(s) {
					break
				}
				c, cn := utf8.DecodeRuneInString(s[i:])
				if !isConnector(c) || i+cn >= len(s) {
					break
				}
				next, _ := utf8.DecodeRuneInString(s[i+cn:])
				if !isWordRune(next) {
					break
				}
				i += cn
			}
			fn(segment{text: s[start:i], words: words})
		default:
			i += n
		}
	}
}

// bigram packs two runes into one index key.
func bigram(a, b rune) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }

// bigrams lists the keys of a CJK run's neighbouring pairs.
func bigrams(run string, fn func(uint64)) {
	var prev rune = -1
	for _, r := range run {
		if prev >= 0 {
			fn(bigram(prev, r))
		}
		prev = r
	}
}

// joined is a compound with its connectors dropped, so an order number
// pasted as 11312345671234567 finds 113-1234567-1234567.
func (s segment) joined() string {
	if len(s.words) < 2 {
		return ""
	}
	return clip(strings.Join(s.words, ""))
}

func clip(w string) string {
	if len(w) <= maxWord {
		return w
	}
	i := maxWord
	for i > 0 && !utf8.RuneStart(w[i]) {
		i--
	}
	return w[:i]
}
