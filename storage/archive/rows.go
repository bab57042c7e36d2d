package archive

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// The column headers of Shopdesk's CSV and XLSX exports. Importers read
// the same lists, so a file exported here imports back as it was.
var (
	CustomerColumns = []string{"id", "name", "emails", "phones", "im", "address", "language",
		"birthday", "segment", "tags", "notes", "created", "updated"}
	OrderColumns = []string{"id", "customer_id", "customer_email", "platform", "number", "status",
		"total", "currency", "carrier", "tracking", "placed", "items", "after_sales", "notes"}
	CallColumns     = []string{"id", "customer_id", "direction", "phone", "start", "duration_seconds", "summary", "outcome"}
	NoteColumns     = []string{"id", "customer_id", "conversation_id", "order_id", "created", "text"}
	FollowUpColumns = []string{"id", "customer_id", "conversation_id", "order_id", "kind", "due", "done", "note", "created"}
)

// ListSep joins the values of a multi-valued cell (emails, phones, tags ...).
const ListSep = "; "

// TimeLayout is how times are written in CSV and XLSX cells.
const TimeLayout = time.RFC3339

// minorDigits lists the currencies whose minor unit is not a hundredth
// (ISO 4217), so a yen total is written "1880" and not "18.80".
var minorDigits = map[string]int{
	"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0, "XAF": 0, "XOF": 0,
	"BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3, "IQD": 3, "LYD": 3,
}

func currencyDigits(currency string) int {
	if d, ok := minorDigits[strings.ToUpper(strings.TrimSpace(currency))]; ok {
		return d
	}
	return 2
}

// Decimal writes an amount in minor units as a plain decimal ("188.00"),
// with no symbol or grouping, so spreadsheets read it as a number.
func Decimal(m storage.Money, currency string) string {
	digits := currencyDigits(currency)
	neg := m < 0
	u := uint64(m)
	if neg {
		u = uint64(-m)
	}
	s := strconv.FormatUint(u, 10)
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		s = s[:len(s)-digits] + "." + s[len(s)-digits:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ParseDecimal reads what Decimal writes (and "188", "1,288.5") back into
// minor units of the currency.
func ParseDecimal(s, currency string) (storage.Money, error) {
	digits := currencyDigits(currency)
	t := strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" || len(frac) > digits || len(whole) > 15 {
		return 0, fmt.Errorf("%q is not an amount in %s", s, currency)
	}
	n, err := strconv.ParseInt(whole+frac+strings.Repeat("0", digits-len(frac)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not an amount: %w", s, err)
	}
	if neg {
		n = -n
	}
	return storage.Money(n), nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(TimeLayout)
}

func id(v uint64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatUint(v, 10)
}

// CustomerRow is a customer as a row under CustomerColumns.
func CustomerRow(c storage.Customer) []string {
	phones := make([]string, len(c.Phones))
	for i, p := range c.Phones {
		phones[i] = p.Number
		if p.Label != "" {
			phones[i] += " (" + p.Label + ")"
		}
	}
	ims := make([]string, len(c.IM))
	for i, h := range c.IM {
		ims[i] = h.Network + ":" + h.Handle
	}
	return []string{id(c.ID), c.Name, strings.Join(c.Emails, ListSep), strings.Join(phones, ListSep),
		strings.Join(ims, ListSep), c.Address, c.Language, c.Birthday, string(c.Segment),
		strings.Join(c.Tags, ListSep), c.Notes, formatTime(c.Created), formatTime(c.Updated)}
}

// OrderRow is an order as a row under OrderColumns. Items are written
// "name ×qty @price" and after-sales cases "kind/state/reason/amount".
func OrderRow(o storage.Order, customerEmail string) []string {
	items := make([]string, len(o.Items))
	for i, it := range o.Items {
		items[i] = fmt.Sprintf("%s ×%d @%s", it.Name, it.Quantity, Decimal(it.Price, o.Currency))
	}
	cases := make([]string, len(o.Cases))
	for i, c := range o.Cases {
		cases[i] = fmt.Sprintf("%s/%s/%s/%s", c.Kind, c.State, c.Reason, Decimal(c.Amount, o.Currency))
	}
	return []string{id(o.ID), id(o.CustomerID), customerEmail, string(o.Platform), o.Number, string(o.Status),
		Decimal(o.Total, o.Currency), o.Currency, o.Carrier, o.Tracking, formatTime(o.Placed),
		strings.Join(items, ListSep), strings.Join(cases, ListSep), o.Notes}
}

// CallRow is a logged phone call as a row under CallColumns.
func CallRow(c storage.Call) []string {
	return []string{id(c.ID), id(c.CustomerID), string(c.Direction), c.Phone, formatTime(c.Start),
		strconv.FormatInt(int64(c.Duration/time.Second), 10), c.Summary, string(c.Outcome)}
}

// NoteRow is an internal note as a row under NoteColumns.
func NoteRow(n storage.Note) []string {
	return []string{id(n.ID), id(n.CustomerID), id(n.ConversationID), id(n.OrderID), formatTime(n.Created), n.Text}
}

// FollowUpRow is a follow-up as a row under FollowUpColumns.
func FollowUpRow(f storage.FollowUp) []string {
	return []string{id(f.ID), id(f.CustomerID), id(f.ConversationID), id(f.OrderID), string(f.Kind),
		formatTime(f.Due), formatTime(f.Done), f.Note, formatTime(f.Created)}
}
