package storage

import (
	"strings"
	"unicode"
)

// ratingWords are the answers customers give to "how satisfied were
// you?", longest first so 不满意 is not read as 满意. The scale is 1-5.
var ratingWords = []struct {
	word   string
	rating int
}{
	{"非常不满意", 1}, {"very dissatisfied", 1}, {"very unsatisfied", 1}, {"very bad", 1}, {"terrible", 1},
	{"非常满意", 5}, {"很满意", 5}, {"very satisfied", 5}, {"excellent", 5},
	{"不太满意", 2}, {"不满意", 2}, {"dissatisfied", 2}, {"unsatisfied", 2}, {"not satisfied", 2}, {"bad", 2},
	{"满意", 4}, {"satisfied", 4}, {"good", 4},
	{"一般般", 3}, {"一般", 3}, {"还行", 3}, {"neutral", 3}, {"so-so", 3},
}

// ParseRating reads a customer's answer to a satisfaction message: a
// single digit 1-5 ("5", "４分", "3 stars", "4/5") or a word (满意, 一般,
// 不满意, satisfied ...), at the start of the reply's first line, alone or
// followed by punctuation and a comment. Quoted lines are skipped. A
// longer number (an order number, a phone) is never a rating.
func ParseRating(text string) (int, bool) {
	line := firstOwnLine(text)
	if line == "" {
		return 0, false
	}
	lower := strings.ToLower(line)
	if r, rest, ok := leadingDigit(lower); ok {
		rest = strings.TrimSpace(rest)
		for _, unit := range []string{"分", "颗星", "星", "/5", "out of 5", "stars", "star", "points"} {
			if u, ok := strings.CutPrefix(rest, unit); ok {
				rest = strings.TrimSpace(u)
				break
			}
		}
		if endsRating(rest, false) {
			return r, true
		}
		return 0, false
	}
	for _, w := range ratingWords {
		if rest, ok := strings.CutPrefix(lower, w.word); ok && endsRating(rest, w.word[0] >= 0x80) {
			return w.rating, true
		}
	}
	return 0, false
}

// firstOwnLine is the first non-empty line that is not quoted mail.
func firstOwnLine(text string) string {
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "\ufeff"))
		if l == "" || strings.HasPrefix(l, ">") {
			continue
		}
		return l
	}
	return ""
}

// leadingDigit takes a digit 1-5 (ASCII or full-width) that is not part
// of a longer number.
func leadingDigit(s string) (int, string, bool) {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, "", false
	}
	d := rs[0]
	if d >= '０' && d <= '９' {
		d = '0' + (d - '０')
	}
	if d < '1' || d > '5' {
		return 0, "", false
	}
	if len(rs) > 1 {
		n := rs[1]
		if unicode.IsDigit(n) || n == '.' && len(rs) > 2 && unicode.IsDigit(rs[2]) || n == '-' || n == ',' && len(rs) > 2 && unicode.IsDigit(rs[2]) {
			return 0, "", false // 12345, 4.5, 3-7-7 order numbers, 1,000
		}
	}
	return int(d - '0'), string(rs[1:]), true
}

// endsRating accepts what may follow a rating: nothing, or punctuation
// and then a comment ("满意，谢谢", "5! great"); after a Chinese word a
// space will do too ("满意 谢谢"). Letters right after the rating ("5
// items missing", "good morning") mean it was not one.
func endsRating(rest string, cjk bool) bool {
	if rest == "" {
		return true
	}
	r := []rune(rest)[0]
	return unicode.IsPunct(r) || unicode.IsSymbol(r) || cjk && unicode.IsSpace(r)
}

// followUpDetail is a follow-up's line in the timeline: its note, and
// the rating and comment a satisfaction visit recorded ("★4 颜色不错").
func followUpDetail(f FollowUp) string {
	parts := []string{}
	if f.Rating > 0 {
		parts = append(parts, "★"+string(rune('0'+f.Rating)))
	}
	for _, s := range []string{f.Comment, f.Note} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}
