package importer

import (
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/archive"
)

// cleanCell undoes what spreadsheets and marketplace exports wrap values
// in: ="123" (Taobao keeps long numbers from turning into floats that
// way), a leading apostrophe or tab, surrounding spaces.
func cleanCell(s string) string {
	s = strings.TrimSpace(archive.UnescapeCell(s))
	if strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) && len(s) >= 3 {
		s = s[2 : len(s)-1]
	}
	if rest, ok := strings.CutPrefix(s, "'"); ok && rest != "" && strings.Trim(rest, "0123456789 +-()") == "" {
		s = rest // Excel's "keep this number as text" mark
	}
	return strings.TrimSpace(s)
}

// splitList splits a multi-valued cell on "; " (ours), ";", "；" or, when
// asked, commas too.
func splitList(s string, commas bool) []string {
	f := func(r rune) bool { return r == ';' || r == '；' || (commas && (r == ',' || r == '，')) || r == '\n' }
	var out []string
	for _, p := range strings.FieldsFunc(s, f) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseEmails reads one or more addresses; a value that is not an
// address is returned in bad.
func parseEmails(s string) (good []string, bad []string) {
	for _, p := range splitList(s, true) {
		a, err := mail.ParseAddress(p)
		if err != nil || !strings.Contains(a.Address, "@") {
			bad = append(bad, p)
			continue
		}
		good = append(good, a.Address)
	}
	return good, bad
}

// masked reports a number the platform hid in part ("138****8000"): it
// identifies nobody and must not match another customer's number.
func masked(s string) bool {
	return strings.ContainsAny(s, "*＊") || strings.Contains(strings.ToLower(s), "xx")
}

var phoneLabel = regexp.MustCompile(`^(.*?)\s*\(([^()]*)\)$`)

// parsePhones reads "number (label); number"; hidden numbers are returned
// apart so the row can say so.
func parsePhones(s string) (good []storage.Phone, hidden []string) {
	for _, p := range splitList(s, false) {
		ph := storage.Phone{Number: p}
		if m := phoneLabel.FindStringSubmatch(p); m != nil {
			ph = storage.Phone{Number: strings.TrimSpace(m[1]), Label: strings.TrimSpace(m[2])}
		}
		if masked(ph.Number) {
			hidden = append(hidden, ph.Number)
			continue
		}
		if storage.NormalizePhone(ph.Number) == "" {
			hidden = append(hidden, ph.Number)
			continue
		}
		good = append(good, ph)
	}
	return good, hidden
}

// parseIM reads "network:handle; ...".
func parseIM(s string) []storage.IMHandle {
	var out []storage.IMHandle
	for _, p := range splitList(s, false) {
		n, h, ok := strings.Cut(p, ":")
		if !ok {
			n, h = "", p
		}
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, storage.IMHandle{Network: strings.TrimSpace(n), Handle: h})
		}
	}
	return out
}

// buyerNetwork is the chat network a platform's buyer accounts live on.
func buyerNetwork(p storage.Platform) string {
	switch p {
	case storage.PlatformTaobao, storage.PlatformTmall:
		return "Wangwang"
	case storage.PlatformShopee:
		return "Shopee"
	case "":
		return "Marketplace"
	}
	s := string(p)
	return strings.ToUpper(s[:1]) + s[1:]
}

// segmentWords maps the names sellers write to our segments.
var segmentWords = map[string]storage.Segment{
	"prospect": storage.SegmentProspect, "潜在客户": storage.SegmentProspect, "潜在": storage.SegmentProspect,
	"new": storage.SegmentNew, "新客户": storage.SegmentNew, "新客": storage.SegmentNew,
	"returning": storage.SegmentReturning, "老客户": storage.SegmentReturning, "老客": storage.SegmentReturning, "回头客": storage.SegmentReturning,
	"vip": storage.SegmentVIP, "重点客户": storage.SegmentVIP, "key": storage.SegmentVIP,
}

func parseSegment(s string) (storage.Segment, bool) {
	seg, ok := segmentWords[strings.ToLower(strings.TrimSpace(s))]
	return seg, ok
}

// parseBirthday accepts YYYY-MM-DD, YYYY/MM/DD and --MM-DD.
func parseBirthday(s string) (string, bool) {
	for _, l := range []string{"2006-01-02", "2006/01/02", "2006/1/2", "2006-1-2", "2006.01.02", "20060102"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	if t, err := time.Parse("--01-02", s); err == nil {
		return t.Format("--01-02"), true
	}
	return "", false
}

// timeLayouts are the ways exports write times; those without a zone are
// read in the shop's.
var timeLayouts = []string{
	time.RFC3339, "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 -07:00", "2006-01-02T15:04:05",
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006/01/02 15:04:05", "2006/01/02 15:04", "2006/1/2 15:04:05",
	"2006/1/2 15:04", "2006-1-2 15:04:05", "2006-1-2 15:04", "02-01-2006 15:04", "02/01/2006 15:04",
	"2006-01-02", "2006/01/02", "2006/1/2", "Jan 2, 2006 15:04:05 MST", "2006年1月2日 15:04:05", "2006年1月2日 15:04", "2006年1月2日",
}

// parseTime reads a time, or an Excel serial date (days since 1899-12-30)
// as an XLSX cell holds it.
func parseTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, true
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 20000 && f < 80000 {
		days := int(f)
		secs := int((f-float64(days))*86400 + 0.5)
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, loc)
		return base.AddDate(0, 0, days).Add(time.Duration(secs) * time.Second), true
	}
	return time.Time{}, false
}

// parseMoney reads an amount however an export writes it ("¥188.00",
// "$1,234.50", "RM 45.90", "188.00 CNY") into the currency's minor units.
func parseMoney(s, currency string) (storage.Money, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '.', r == ',', r == '-':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		}
	}
	t := strings.Trim(b.String(), ".,")
	// "1.234,50": the last separator is the decimal point.
	if i, j := strings.LastIndex(t, ","), strings.LastIndex(t, "."); i > j && len(t)-i-1 != 3 {
		t = strings.ReplaceAll(t[:i], ".", "") + "." + t[i+1:]
	}
	if t == "" {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	m, err := archive.ParseDecimal(t, currencyOr(currency))
	if err != nil {
		// A workbook's raw cell may carry a binary float's tail
		// ("45.900000000000006"): round it to a sensible precision.
		if f, ferr := strconv.ParseFloat(t, 64); ferr == nil && strings.Contains(t, ".") {
			r := strings.TrimRight(strconv.FormatFloat(f, 'f', 3, 64), "0")
			return archive.ParseDecimal(strings.TrimSuffix(r, "."), currencyOr(currency))
		}
	}
	return m, err
}

func currencyOr(c string) string {
	if c == "" {
		return "XXX" // two minor digits, the common case
	}
	return c
}

// currencyIn finds an ISO code written beside an amount ("188.00 CNY",
// "RM 45.90" is left to the column or preset).
func currencyIn(s string) string {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || (r >= '0' && r <= '9') || r == '.' || r == ',' }) {
		if len(f) == 3 && strings.ToUpper(f) == f && f >= "AAA" && f <= "ZZZ" {
			return f
		}
	}
	switch {
	case strings.ContainsAny(s, "¥￥元"):
		return "CNY"
	}
	return ""
}

// parseStatus maps a status word through the preset's table, then our own
// names and the English words most exports use.
func parseStatus(s string, p Preset) (storage.OrderStatus, bool) {
	k := fold(s)
	if k == "" {
		return "", false
	}
	for word, st := range p.Statuses {
		if fold(word) == k {
			return st, st != ""
		}
	}
	for _, st := range storage.OrderStatuses {
		if fold(string(st)) == k {
			return st, true
		}
	}
	for word, st := range commonStatuses {
		if fold(word) == k {
			return st, true
		}
	}
	return "", false
}

// parsePlatform reads a platform name.
func parsePlatform(s string) (storage.Platform, bool) {
	k := fold(s)
	for _, p := range storage.Platforms {
		if string(p) == k {
			return p, true
		}
	}
	switch k {
	case "淘宝":
		return storage.PlatformTaobao, true
	case "天猫":
		return storage.PlatformTmall, true
	case "京东":
		return storage.PlatformJD, true
	case "拼多多":
		return storage.PlatformPinduoduo, true
	case "抖音", "抖店":
		return storage.PlatformDouyin, true
	}
	return "", false
}

// parseItems reads Shopdesk's "name ×qty @price; ..." list.
func parseItems(s, currency string) ([]storage.OrderItem, error) {
	var out []storage.OrderItem
	for _, p := range strings.Split(s, archive.ListSep) {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		it := storage.OrderItem{Name: p, Quantity: 1}
		if i := strings.LastIndex(p, " @"); i >= 0 {
			m, err := parseMoney(p[i+2:], currency)
			if err != nil {
				return nil, fmt.Errorf("item %q: %w", p, err)
			}
			it.Price, p = m, p[:i]
			it.Name = p
		}
		if i := strings.LastIndex(p, " ×"); i >= 0 {
			q, err := strconv.Atoi(strings.TrimSpace(p[i+len(" ×"):]))
			if err != nil || q < 0 {
				return nil, fmt.Errorf("item %q: quantity", p)
			}
			it.Quantity, it.Name = q, p[:i]
		}
		out = append(out, it)
	}
	return out, nil
}

// parseCases reads Shopdesk's "kind/state/reason/amount; ..." list.
func parseCases(s, currency string) ([]storage.AfterSalesCase, error) {
	var out []storage.AfterSalesCase
	for _, p := range strings.Split(s, archive.ListSep) {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		parts := strings.Split(p, "/")
		if len(parts) < 4 {
			return nil, fmt.Errorf("after-sales %q: want kind/state/reason/amount", p)
		}
		amount, err := parseMoney(parts[len(parts)-1], currency)
		if err != nil {
			return nil, fmt.Errorf("after-sales %q: %w", p, err)
		}
		out = append(out, storage.AfterSalesCase{Kind: storage.CaseKind(parts[0]), State: storage.CaseState(parts[1]),
			Reason: strings.Join(parts[2:len(parts)-1], "/"), Amount: amount})
	}
	return out, nil
}

// mangledNumber reports an order number Excel turned into a float
// ("1.23457E+17"): its last digits are gone and it would match nothing.
func mangledNumber(s string) bool {
	if !strings.ContainsAny(s, "eE") {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}
