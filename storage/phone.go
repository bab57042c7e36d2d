package storage

import "strings"

// NormalizePhone reduces a phone number to the digits that identify it, so
// "+86 138 0013 8000", "0086-13800138000" and "13800138000" match. Chinese
// numbers written internationally become their national form (mobiles
// without the country code, landlines with the trunk 0); other
// international numbers keep their country code behind a "+".
func NormalizePhone(s string) string {
	intl, seenDigit := false, false
	var b strings.Builder
	for _, r := range s {
		switch {
		case (r == '+' || r == '＋') && !seenDigit:
			intl = true
		case r >= '0' && r <= '9':
			seenDigit = true
			b.WriteRune(r)
		case r >= '０' && r <= '９': // full-width digits, common in Chinese input
			seenDigit = true
			b.WriteRune('0' + (r - '０'))
		}
	}
	d := b.String()
	if !intl && strings.HasPrefix(d, "00") {
		intl, d = true, d[2:]
	}
	if d == "" {
		return ""
	}
	if !intl {
		return d
	}
	if rest, ok := strings.CutPrefix(d, "86"); ok && len(rest) >= 9 {
		if len(rest) == 11 && rest[0] == '1' {
			return rest
		}
		return "0" + strings.TrimPrefix(rest, "0")
	}
	return "+" + d
}
