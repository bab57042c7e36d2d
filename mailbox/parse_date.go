package mailbox

import (
	"bytes"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// date finds the message's date: the Date header; if that is missing or
// unreadable, the newest Received stamp (when our server got it). A zero
// time means unknown: the sync then uses the server's INTERNALDATE.
func (p *parser) date(h *header) time.Time {
	if v := h.get("date"); len(v) > 0 {
		if t, ok := parseDate(string(v)); ok {
			return t
		}
		p.note("unreadable Date " + strconv.Quote(truncate(strings.ToValidUTF8(string(v), "?"), 60)))
	} else {
		p.note("no Date header")
	}
	// Only the newest (topmost) hop is our own server's clock.
	if r := h.get("received"); r != nil {
		if i := bytes.LastIndexByte(r, ';'); i >= 0 {
			if t, ok := parseDate(string(r[i+1:])); ok {
				p.note("date taken from Received")
				return t
			}
		}
	}
	return time.Time{}
}

// parseDate reads RFC 5322 dates with net/mail, then the shapes that
// mailers and scripts actually write: no weekday comma, ISO 8601,
// "GMT+0800", "+08:00", asctime, full month names, missing zone (UTC).
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if t, ok := parseRFC5322Date(s); ok {
		return t, plausibleYear(t)
	}
	if t, err := mail.ParseDate(s); err == nil {
		return t, plausibleYear(t)
	}
	s = stripComments(s)
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, plausibleYear(t)
		}
	}
	return parseLooseDate(s)
}

// parseRFC5322Date reads the shape nearly every mailer writes,
// "[Mon, ]2 Jan 2006 15:04[:05] -0700 [(comment)]", without the dozens of
// allocations net/mail.ParseDate spends trying layouts one by one.
func parseRFC5322Date(s string) (time.Time, bool) {
	sc := dateScanner{s: s}
	if sc.alpha() > 0 { // weekday
		if !sc.byte(',') {
			return time.Time{}, false
		}
	}
	day, ok1 := sc.number(1, 2)
	mon := sc.month()
	yearStart := sc.i
	year, ok2 := sc.number(2, 4)
	twoDigitYear := len(strings.TrimSpace(sc.s[yearStart:sc.i])) == 2
	hh, ok3 := sc.number(1, 2)
	ok4 := sc.byte(':')
	mm, ok5 := sc.number(2, 2)
	ss := 0
	if sc.byte(':') {
		var ok bool
		if ss, ok = sc.number(2, 2); !ok {
			return time.Time{}, false
		}
	}
	if !(ok1 && ok2 && ok3 && ok4 && ok5) || mon == 0 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, false
	}
	if twoDigitYear { // RFC 5322 4.3: 00-49 is 20xx, 50-99 is 19xx
		year += 1900
		if year < 1950 {
			year += 100
		}
	}
	sc.space()
	zoneStart := sc.i
	for sc.i < len(sc.s) && sc.s[sc.i] != ' ' && sc.s[sc.i] != '(' {
		sc.i++
	}
	loc, ok := parseZone(strings.ToLower(sc.s[zoneStart:sc.i]))
	if !ok {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(mon), day, hh, mm, ss, 0, loc), true
}

// dateScanner walks a date string; every reader skips leading spaces.
type dateScanner struct {
	s string
	i int
}

func (d *dateScanner) space() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t') {
		d.i++
	}
}

func (d *dateScanner) byte(c byte) bool {
	d.space()
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *dateScanner) alpha() int {
	d.space()
	start := d.i
	for d.i < len(d.s) && ('a' <= d.s[d.i]|0x20 && d.s[d.i]|0x20 <= 'z') {
		d.i++
	}
	return d.i - start
}

func (d *dateScanner) number(minDigits, maxDigits int) (int, bool) {
	d.space()
	n, digits := 0, 0
	for d.i < len(d.s) && '0' <= d.s[d.i] && d.s[d.i] <= '9' && digits < maxDigits {
		n = n*10 + int(d.s[d.i]-'0')
		d.i++
		digits++
	}
	return n, digits >= minDigits
}

// month reads a three-letter English month name (1-12; 0 if none).
func (d *dateScanner) month() int {
	d.space()
	start := d.i
	if d.alpha() != 3 {
		return 0
	}
	m := d.s[start:d.i]
	for i, name := range monthNames {
		if strings.EqualFold(m, name) {
			return i + 1
		}
	}
	return 0
}

var isoLayouts = []string{
	time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05", "2006/01/02 15:04:05", "2006-01-02 15:04", "2006-01-02",
}

func plausibleYear(t time.Time) bool {
	return t.Year() >= 1970 && t.Year() < 3000
}

func stripComments(s string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String())
}

var monthNames = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// parseLooseDate picks day, month name, year, clock and zone out of the
// tokens in whatever order they come.
func parseLooseDate(s string) (time.Time, bool) {
	toks := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	day, month, year := 0, 0, -1
	hh, mm, ss := -1, 0, 0
	loc := time.UTC
	for _, t := range toks {
		lt := strings.ToLower(t)
		switch {
		case strings.Count(t, ":") >= 1 && hh < 0 && t[0] >= '0' && t[0] <= '9':
			parts := strings.Split(t, ":")
			var err error
			if hh, err = strconv.Atoi(parts[0]); err != nil {
				return time.Time{}, false
			}
			mm, _ = strconv.Atoi(parts[1])
			if len(parts) > 2 {
				ss, _ = strconv.Atoi(strings.SplitN(parts[2], ".", 2)[0])
			}
		case t[0] == '+' || t[0] == '-' || strings.HasPrefix(lt, "gmt") || strings.HasPrefix(lt, "utc"):
			if z, ok := parseZone(lt); ok {
				loc = z
			}
		case t[0] >= '0' && t[0] <= '9':
			n, err := strconv.Atoi(t)
			if err != nil {
				continue
			}
			switch {
			case len(t) == 4 || n > 31:
				year = n
			case day == 0:
				day = n
			case year < 0:
				year = n
			}
		default:
			if month == 0 && len(lt) >= 3 {
				for i, m := range monthNames {
					if strings.HasPrefix(lt, m) {
						month = i + 1
					}
				}
			}
		}
	}
	if year >= 0 && year < 100 { // RFC 5322 4.3 obsolete two-digit years
		if year < 50 {
			year += 2000
		} else {
			year += 1900
		}
	}
	if day == 0 || month == 0 || year < 0 || hh < 0 || hh > 23 || mm > 59 || ss > 60 || day > 31 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hh, mm, ss, 0, loc)
	return t, plausibleYear(t)
}

// zoneNames are the zones RFC 5322 4.3 names (obsolete but still sent).
var zoneNames = map[string]int{
	"ut": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}

// parseZone reads "+0800", "-05:00", "GMT+8", "UTC+08:00", "EST" (lower-case).
func parseZone(z string) (*time.Location, bool) {
	if h, ok := zoneNames[z]; ok {
		if h == 0 {
			return time.UTC, true
		}
		return time.FixedZone("", h*3600), true
	}
	z = strings.TrimPrefix(strings.TrimPrefix(z, "gmt"), "utc")
	if z == "" {
		return time.UTC, true
	}
	sign := 1
	switch z[0] {
	case '+':
	case '-':
		sign = -1
	default:
		return nil, false
	}
	digits := strings.ReplaceAll(z[1:], ":", "")
	n, err := strconv.Atoi(digits)
	if err != nil {
		return nil, false
	}
	var h, m int
	if len(digits) <= 2 {
		h = n
	} else {
		h, m = n/100, n%100
	}
	if h > 14 || m > 59 {
		return nil, false
	}
	if h == 0 && m == 0 {
		return time.UTC, true
	}
	return time.FixedZone("", sign*(h*3600+m*60)), true
}
