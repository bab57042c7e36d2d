package search

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Folding makes text and queries compare as a seller expects: case,
// full-width forms and Traditional/Simplified Chinese all fold to one
// form. Every rune folds to exactly one rune, so a match in folded text
// is at the same rune positions in the original.

const (
	denseLo = 0x3400 // CJK Extension A up to the end of the Unified block
	denseHi = 0xA000
)

// tsDense is the Traditional-to-Simplified table as a direct lookup over
// the common CJK blocks; built once, never written after.
var tsDense = sync.OnceValue(func() *[denseHi - denseLo]rune {
	var t [denseHi - denseLo]rune
	for _, p := range tsPairs {
		if p[0] >= denseLo && p[0] < denseHi {
			t[p[0]-denseLo] = p[1]
		}
	}
	return &t
})

// FoldRune folds one rune: full-width ASCII to ASCII, lower case,
// Traditional Chinese to Simplified, line breaks and tabs to spaces.
func FoldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII: ＡＢ１ is ab1
		return unicode.ToLower(r - 0xFF01 + '!')
	case r == 0x3000: // ideographic space
		return ' '
	case r >= denseLo && r < denseHi:
		if s := tsDense()[r-denseLo]; s != 0 {
			return s
		}
		return r
	case r >= 0x20000:
		i := sort.Search(len(tsPairs), func(i int) bool { return tsPairs[i][0] >= r })
		if i < len(tsPairs) && tsPairs[i][0] == r {
			return tsPairs[i][1]
		}
		return r
	}
	return unicode.ToLower(r)
}

// Fold folds a whole string.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(FoldRune(r))
	}
	return b.String()
}

// isCJK reports whether r is written without spaces between words
// (Chinese, Japanese kana, Korean), so it is indexed by character pairs.
func isCJK(r rune) bool {
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x3040 && r <= 0x30FF, r == 0x3005, r == 0x3006: // kana, 々 〆
		return true
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r)
}

// isWordRune reports whether r belongs to a Latin-style word (letters and
// digits of scripts that put spaces between words).
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z'
	}
	return !isCJK(r) && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
}

// isConnector joins words into one compound: e-mail addresses, order
// numbers with dashes (113-1234567-1234567), file names.
func isConnector(r rune) bool {
	switch r {
	case '.', '-', '_', '@', '/', '+', '#', '\'':
		return true
	}
	return false
}
