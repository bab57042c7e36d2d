// Package canned fills canned replies (快捷回复) for one customer and order,
// and picks the reply for a shortcut in the customer's language. It holds no
// widgets: the composer's picker and the CLI (shopdesk replies render) share it.
package canned

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/storage"
)

// Context is what a canned reply's placeholders are filled from.
type Context struct {
	Customer storage.Customer
	Order    *storage.Order // nil when there is none
	Settings storage.Settings
	Now      time.Time
	// Filled are values the seller typed for placeholders the store could
	// not fill (by name: "order.number"); they come before fallbacks.
	Filled map[string]string
}

// LoadContext finds the customer and order a reply is about. The customer
// is the conversation's (when convID is set), else customerID's. The order
// is the one numbered orderNumber when given (the customer's, when several
// shops reuse the number; none when no order has it), else the
// conversation's linked order (the newest), else the customer's latest.
// Now is left for the caller to set.
func LoadContext(tx *storage.Tx, convID, customerID uint64, orderNumber string) (Context, error) {
	var ctx Context
	var err error
	if ctx.Settings, err = tx.Settings(); err != nil {
		return ctx, err
	}
	var linked []uint64
	if convID != 0 {
		conv, err := tx.Conversation(convID)
		if err != nil {
			return ctx, err
		}
		customerID, linked = conv.CustomerID, conv.OrderIDs
	}
	if customerID != 0 {
		c, err := tx.Customer(customerID)
		switch {
		case err == nil:
			ctx.Customer = c
		case !errors.Is(err, storage.ErrNotFound):
			return ctx, err
		} // unknown: fallbacks apply
	}
	if orderNumber = strings.TrimSpace(orderNumber); orderNumber != "" {
		orders, err := tx.OrdersByNumber(orderNumber)
		if err != nil {
			return ctx, err
		}
		for i, o := range orders {
			if ctx.Order == nil || (o.CustomerID == customerID && ctx.Order.CustomerID != customerID) {
				ctx.Order = &orders[i]
			}
		}
		return ctx, nil
	}
	for _, id := range linked {
		o, err := tx.Order(id)
		if err == nil && (ctx.Order == nil || o.Placed.After(ctx.Order.Placed)) {
			ctx.Order = &o
		}
	}
	if ctx.Order == nil && customerID != 0 {
		orders, err := tx.OrdersOf(customerID)
		if err != nil {
			return ctx, err
		}
		if len(orders) > 0 {
			ctx.Order = &orders[0]
		}
	}
	return ctx, nil
}

// Render fills what is known, uses a placeholder's fallback when the value
// is not, and leaves the rest as written for the seller to fill in;
// unresolved names those left ("order.tracking"), each once, in order.
// Text with a malformed placeholder is returned as written, with nothing
// unresolved. language is the reply's: it sets the words for the order
// status and the date format.
func Render(text string, ctx Context, language string) (filled string, unresolved []string) {
	list, err := assets.ParsePlaceholders(text)
	if err != nil {
		return text, nil
	}
	var b strings.Builder
	last := 0
	for _, ph := range list {
		b.WriteString(text[last:ph.Start])
		v := ctx.value(ph, language)
		if v == "" {
			v = oneLine(ctx.Filled[ph.Name])
		}
		if v == "" {
			v = ph.Fallback
		}
		if v == "" {
			v = ph.Raw(text)
			if !slices.Contains(unresolved, ph.Name) {
				unresolved = append(unresolved, ph.Name)
			}
		}
		b.WriteString(v)
		last = ph.End
	}
	b.WriteString(text[last:])
	return b.String(), unresolved
}

func (ctx Context) value(ph assets.Placeholder, language string) string {
	o := ctx.Order
	if o == nil {
		o = &storage.Order{}
	}
	switch ph.Name {
	case "customer.name":
		return oneLine(ctx.Customer.Name)
	case "customer.first_name":
		return FirstName(ctx.Customer.Name)
	case "order.number":
		return o.Number
	case "order.tracking":
		return o.Tracking
	case "order.carrier":
		return o.Carrier
	case "order.status":
		return StatusName(o.Status, language)
	case "order.total":
		if ctx.Order == nil {
			return ""
		}
		return FormatMoney(o.Total, o.Currency)
	case "shop.name":
		return ctx.Settings.ShopName
	case "agent.name":
		return ctx.Settings.AgentName
	case "today":
		return Date(ctx.Now, ctx.Settings, language)
	case "date":
		return Date(ctx.Now.AddDate(0, 0, ph.Days), ctx.Settings, language)
	}
	return ""
}

// FirstName is what "Hi {{customer.first_name}}" wants: the first word of
// a Western name; a Chinese name is used whole (family name first, and
// the given name alone would be too familiar).
func FirstName(name string) string {
	name = oneLine(name)
	if strings.ContainsFunc(name, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return name
	}
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// Date writes a date in the reply's language, in the shop's time zone.
// The day is counted there too: {{date +3d}} at 23:00 in Shanghai is three
// days after the Shanghai date, whatever the machine's zone.
func Date(t time.Time, set storage.Settings, language string) string {
	if loc, err := time.LoadLocation(set.Hours.TimeZone); err == nil && set.Hours.TimeZone != "" {
		t = t.In(loc)
	}
	if isChinese(language) {
		return t.Format("1月2日")
	}
	return t.Format("2 January")
}

var statusWords = map[storage.OrderStatus][2]string{ // en, zh
	storage.OrderPendingPayment: {"Awaiting payment", "待付款"},
	storage.OrderPaid:           {"Paid, to ship", "已付款，待发货"},
	storage.OrderShipped:        {"Shipped", "已发货"},
	storage.OrderDelivered:      {"Delivered", "已签收"},
	storage.OrderCompleted:      {"Completed", "已完成"},
	storage.OrderCancelled:      {"Cancelled", "已取消"},
}

// StatusName is an order status in words of the reply's language (Chinese
// for zh-*, English otherwise); "" for none.
func StatusName(s storage.OrderStatus, language string) string {
	w, ok := statusWords[s]
	switch {
	case !ok:
		return string(s)
	case isChinese(language):
		return w[1]
	}
	return w[0]
}

func isChinese(language string) bool { return baseLanguage(language) == "zh" }

// currencySymbols are the prefixes sellers recognise at a glance; other
// currencies show their ISO code.
var currencySymbols = map[string]string{
	"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥", "HKD": "HK$",
	"TWD": "NT$", "AUD": "A$", "CAD": "CA$", "SGD": "S$", "KRW": "₩", "INR": "₹",
}

// minorDigits is the number of minor-unit digits for currencies that do not
// use two (ISO 4217).
var minorDigits = map[string]int{
	"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0, "XAF": 0, "XOF": 0,
	"BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "IQD": 3, "LYD": 3,
}

// FormatMoney renders an amount in minor units with its currency, e.g.
// 12850 CNY as "¥128.50" and 1999 SEK as "SEK 19.99".
// MinorDigits is how many minor-unit digits the currency has (2 unless
// ISO 4217 says otherwise: JPY 0, KWD 3 ...).
func MinorDigits(currency string) int {
	if d, ok := minorDigits[strings.ToUpper(strings.TrimSpace(currency))]; ok {
		return d
	}
	return 2
}

func FormatMoney(m storage.Money, currency string) string {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	digits, ok := minorDigits[currency]
	if !ok {
		digits = 2
	}
	u := uint64(m)
	if m < 0 {
		u = uint64(-m)
	}
	var div uint64 = 1
	for range digits {
		div *= 10
	}
	s := GroupThousands(strconv.FormatUint(u/div, 10))
	if digits > 0 {
		frac := strconv.FormatUint(u%div, 10)
		s += "." + strings.Repeat("0", digits-len(frac)) + frac
	}
	switch sym, known := currencySymbols[currency]; {
	case known:
		s = sym + s
	case currency != "":
		s = currency + " " + s
	}
	if m < 0 {
		s = "-" + s
	}
	return s
}

// GroupThousands puts commas between groups of three digits.
func GroupThousands(digits string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func baseLanguage(l string) string {
	b, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(l)), "-")
	return b
}

// LanguageRank says how well a reply's language fits the customer's: 2
// the same, 1 the same base language (zh-Hans for a zh-Hant customer), 0
// otherwise or when the customer's is unknown.
func LanguageRank(reply, customer string) int {
	switch {
	case strings.TrimSpace(customer) == "":
		return 0
	case strings.EqualFold(strings.TrimSpace(reply), strings.TrimSpace(customer)):
		return 2
	case baseLanguage(reply) == baseLanguage(customer):
		return 1
	}
	return 0
}

// NormalizeShortcut is a shortcut as stored and compared: no leading "/",
// no surrounding space, lower case.
func NormalizeShortcut(s string) string {
	return strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), "/"))
}

// Choose picks the reply for a shortcut: the one in the customer's
// language wins, the same base language next, then any; among equals the
// most used, then the oldest. ok is false when no reply has the shortcut.
func Choose(replies []storage.CannedReply, shortcut, customerLanguage string) (storage.CannedReply, bool) {
	want := NormalizeShortcut(shortcut)
	var best storage.CannedReply
	found := false
	for _, r := range replies {
		if want == "" || NormalizeShortcut(r.Shortcut) != want || len(r.Variants) == 0 {
			continue
		}
		if !found || cmp.Or(
			cmp.Compare(LanguageRank(r.Language, customerLanguage), LanguageRank(best.Language, customerLanguage)),
			cmp.Compare(r.UsageCount, best.UsageCount),
			cmp.Compare(best.ID, r.ID)) > 0 {
			best, found = r, true
		}
	}
	return best, found
}

// Variant returns the reply's n-th phrasing (counting from 0, wrapping
// around, so a caller may rotate through them), or an error when the
// reply has no text.
func Variant(r storage.CannedReply, n int) (string, error) {
	if len(r.Variants) == 0 {
		return "", fmt.Errorf("canned reply %q has no text", r.Title)
	}
	n %= len(r.Variants)
	if n < 0 {
		n += len(r.Variants)
	}
	return r.Variants[n].Body, nil
}
