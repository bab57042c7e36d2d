package assets

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Demo data: a small home-textile shop, "Bamboo & Linen Home" (竹麻家居),
// selling on Taobao, Tmall, Shopee, Amazon and Shopify, with its customers,
// their mail, orders, after-sales cases, calls, follow-ups and notes.
//
// The data lives in assets/demo/*.json, one file per kind, so it can be
// edited by hand:
//
//	shop.json           ShopInfo
//	customers.json      []DemoCustomer
//	conversations.json  []DemoConversation (with their messages)
//	orders.json         []DemoOrder (with items, status history, after-sales cases)
//	calls.json          []DemoCall
//	followups.json      []DemoFollowUp
//	notes.json          []DemoNote
//
// Rules of the format:
//
//   - Every record has a string key ("c01", "t04", "o07", "k01", "f03", "n02")
//     and refers to others by key: customer, conversation, order, orders.
//   - Times are Offsets from "now" (see ParseOffset), e.g. "-2d3h20m" is two
//     days, three hours and twenty minutes ago and "4h" is four hours from now,
//     so the demo always looks fresh: the seeder turns them into dates with
//     Offset.From(time.Now()). Call durations use the same syntax ("6m40s").
//   - Money is an integer in the currency's minor unit (fen, cents), like
//     storage.Money. An order's total is sum(quantity*price) + shipping - discount.
//   - Enumerations use the storage package's string values: segments
//     (prospect, new, returning, vip), conversation status (open, waiting,
//     closed), directions (in, out), platforms, order statuses, case kinds
//     and states, call outcomes and follow-up kinds.
//   - A message body is either a string or an array of lines (joined with
//     "\n"); see Text. "charset" says how the customer's mail client encoded
//     the message ("gbk", "big5"; empty means UTF-8): the text in the file is
//     always UTF-8 and the seeder may use the charset when it builds raw MIME.
//   - All e-mail addresses use reserved example domains (*.example) so the demo
//     can never send mail to a real person.
//
// LoadDemo validates everything (formats, enumerations, references, order
// totals, time order, conversation alternation) before it returns, so a
// seeder can trust the keys it gets.

//go:embed demo/*.json
var demoFS embed.FS

// Demo is the whole demo data set.
type Demo struct {
	Shop          ShopInfo
	Customers     []DemoCustomer
	Conversations []DemoConversation
	Orders        []DemoOrder
	Calls         []DemoCall
	FollowUps     []DemoFollowUp
	Notes         []DemoNote
}

// ShopInfo describes the demo shop and the settings it would use.
type ShopInfo struct {
	Name                  string   `json:"name"`          // English name
	NameZh                string   `json:"name_zh"`       // Chinese name, used when writing to Chinese customers
	AgentName             string   `json:"agent_name"`    // the agent's nickname in Chinese mail
	AgentNameEn           string   `json:"agent_name_en"` // the agent's name in English mail
	Email                 string   `json:"email"`         // the shop's service mailbox: From of every outbound message
	Phone                 string   `json:"phone"`
	WeChat                string   `json:"wechat,omitempty"`
	ReturnAddress         string   `json:"return_address"`
	TimeZone              string   `json:"time_zone"`               // IANA name
	WorkDays              []int    `json:"work_days"`               // time.Weekday values, 0 = Sunday
	WorkStart             string   `json:"work_start"`              // "09:00"
	WorkEnd               string   `json:"work_end"`                // "22:00"
	ResponseTargetMinutes int      `json:"response_target_minutes"` // first-reply target
	Currency              string   `json:"currency"`                // home currency (ISO 4217)
	VIPThreshold          int64    `json:"vip_threshold"`           // minor units of Currency
	Platforms             []string `json:"platforms"`
}

type DemoPhone struct {
	Number string `json:"number"` // as the seller typed it
	Label  string `json:"label,omitempty"`
}

type DemoIM struct {
	Network string `json:"network"` // WeChat, Wangwang, WhatsApp, LINE ...
	Handle  string `json:"handle"`
}

type DemoCustomer struct {
	Key      string      `json:"key"`
	Name     string      `json:"name"`
	Emails   []string    `json:"emails,omitempty"`
	Phones   []DemoPhone `json:"phones,omitempty"`
	IM       []DemoIM    `json:"im,omitempty"`
	Address  string      `json:"address,omitempty"`
	Language string      `json:"language"` // BCP 47: zh-Hans, zh-Hant, en
	// Birthday is fixed: "YYYY-MM-DD", or "--MM-DD" when the year is unknown.
	Birthday string `json:"birthday,omitempty"`
	// BirthdayIn places the birthday relative to now ("2d": the day after
	// tomorrow), so birthday care always has something to show; BirthYear
	// (optional) completes it. Use BirthdayOn to get the storage form.
	BirthdayIn *Offset  `json:"birthday_in,omitempty"`
	BirthYear  int      `json:"birth_year,omitempty"`
	Segment    string   `json:"segment"`
	Tags       []string `json:"tags,omitempty"`
	Notes      string   `json:"notes,omitempty"`
	Since      Offset   `json:"since"` // when the customer record was created
}

// BirthdayOn returns the customer's birthday in storage form ("YYYY-MM-DD"
// or "--MM-DD"), resolving BirthdayIn against now; "" when unknown.
func (c DemoCustomer) BirthdayOn(now time.Time) string {
	if c.BirthdayIn == nil {
		return c.Birthday
	}
	d := c.BirthdayIn.From(now)
	if c.BirthYear > 0 {
		return fmt.Sprintf("%04d-%02d-%02d", c.BirthYear, d.Month(), d.Day())
	}
	return fmt.Sprintf("--%02d-%02d", d.Month(), d.Day())
}

type DemoAddress struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

type DemoAttachment struct {
	Name string `json:"name"`
	Type string `json:"type"` // MIME type
	Size int64  `json:"size"` // bytes
}

type DemoMessage struct {
	Direction   string           `json:"direction"` // "in" from the customer, "out" from the shop
	At          Offset           `json:"at"`
	From        DemoAddress      `json:"from"`
	To          []DemoAddress    `json:"to"`
	Charset     string           `json:"charset,omitempty"` // "", "utf-8", "gbk", "big5"
	Attachments []DemoAttachment `json:"attachments,omitempty"`
	Body        Text             `json:"body"`
}

type DemoConversation struct {
	Key      string        `json:"key"`
	Customer string        `json:"customer"`
	Subject  string        `json:"subject"` // replies get "Re: " from the seeder
	Status   string        `json:"status"`  // open (waits on us), waiting (on the customer), closed
	Orders   []string      `json:"orders,omitempty"`
	Tags     []string      `json:"tags,omitempty"`
	Messages []DemoMessage `json:"messages"`
}

// Language reports whether the conversation is Chinese ("zh") or English
// ("en"), judged by its first message.
func (c DemoConversation) Language() string {
	if len(c.Messages) > 0 && hasHan(string(c.Messages[0].Body)) {
		return "zh"
	}
	return "en"
}

type DemoItem struct {
	SKU      string `json:"sku,omitempty"`
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
	Price    int64  `json:"price"` // unit price, minor units
}

type DemoStatusChange struct {
	Status string `json:"status"`
	At     Offset `json:"at"`
}

type DemoCaseStep struct {
	State string `json:"state"`
	At    Offset `json:"at"`
	Note  string `json:"note,omitempty"`
}

// DemoCase is an after-sales case on an order.
type DemoCase struct {
	Kind   string         `json:"kind"` // return, exchange, refund, reissue
	Reason string         `json:"reason"`
	State  string         `json:"state"`  // requested, approved, goods_back, refunded, closed
	Amount int64          `json:"amount"` // refund amount, minor units; 0 when nothing is refunded
	Opened Offset         `json:"opened"`
	Steps  []DemoCaseStep `json:"steps"`
}

type DemoOrder struct {
	Key      string             `json:"key"`
	Customer string             `json:"customer"`
	Platform string             `json:"platform"`
	Number   string             `json:"number"` // as the platform shows it
	Items    []DemoItem         `json:"items"`
	Shipping int64              `json:"shipping,omitempty"`
	Discount int64              `json:"discount,omitempty"`
	Total    int64              `json:"total"`
	Currency string             `json:"currency"` // ISO 4217
	Status   string             `json:"status"`
	Placed   Offset             `json:"placed"`
	History  []DemoStatusChange `json:"history"`
	Carrier  string             `json:"carrier,omitempty"`
	Tracking string             `json:"tracking,omitempty"`
	Cases    []DemoCase         `json:"cases,omitempty"`
	Notes    string             `json:"notes,omitempty"`
}

type DemoCall struct {
	Key       string `json:"key"`
	Customer  string `json:"customer"`
	Direction string `json:"direction"` // in, out
	Phone     string `json:"phone"`     // one of the customer's numbers
	At        Offset `json:"at"`
	Duration  Offset `json:"duration"`
	Summary   string `json:"summary"`
	Outcome   string `json:"outcome"` // resolved, follow_up, no_answer, escalated
}

type DemoFollowUp struct {
	Key          string  `json:"key"`
	Customer     string  `json:"customer"`
	Conversation string  `json:"conversation,omitempty"`
	Order        string  `json:"order,omitempty"`
	Kind         string  `json:"kind"` // satisfaction, complaint, after_sales, payment, care, other
	Due          Offset  `json:"due"`  // negative: overdue
	Done         *Offset `json:"done,omitempty"`
	Note         string  `json:"note"`
	Created      Offset  `json:"created"`
}

type DemoNote struct {
	Key          string `json:"key"`
	Customer     string `json:"customer"`
	Conversation string `json:"conversation,omitempty"`
	Order        string `json:"order,omitempty"`
	Text         string `json:"text"`
	At           Offset `json:"at"`
}

// LoadDemo reads and validates the embedded demo data.
func LoadDemo() (Demo, error) {
	return loadDemo(demoFS)
}

func loadDemo(fsys fs.FS) (Demo, error) {
	var d Demo
	files := []struct {
		name string
		v    any
	}{
		{"demo/shop.json", &d.Shop},
		{"demo/customers.json", &d.Customers},
		{"demo/conversations.json", &d.Conversations},
		{"demo/orders.json", &d.Orders},
		{"demo/calls.json", &d.Calls},
		{"demo/followups.json", &d.FollowUps},
		{"demo/notes.json", &d.Notes},
	}
	for _, f := range files {
		if err := decodeStrict(fsys, f.name, f.v); err != nil {
			return Demo{}, err
		}
	}
	if err := d.Validate(); err != nil {
		return Demo{}, fmt.Errorf("assets: demo data: %w", err)
	}
	return d, nil
}

// decodeStrict decodes one JSON file, rejecting unknown fields (typos) and
// trailing data.
func decodeStrict(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("assets: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(b[:se.Offset], []byte("\n"))
			return fmt.Errorf("assets: %s:%d: %w", name, line, err)
		}
		return fmt.Errorf("assets: %s: %w", name, err)
	}
	if dec.More() {
		return fmt.Errorf("assets: %s: unexpected data after the top-level value", name)
	}
	return nil
}

// Customer returns the customer with the given key.
func (d *Demo) Customer(key string) (*DemoCustomer, bool) {
	for i := range d.Customers {
		if d.Customers[i].Key == key {
			return &d.Customers[i], true
		}
	}
	return nil, false
}

// Order returns the order with the given key.
func (d *Demo) Order(key string) (*DemoOrder, bool) {
	for i := range d.Orders {
		if d.Orders[i].Key == key {
			return &d.Orders[i], true
		}
	}
	return nil, false
}

// Conversation returns the conversation with the given key.
func (d *Demo) Conversation(key string) (*DemoConversation, bool) {
	for i := range d.Conversations {
		if d.Conversations[i].Key == key {
			return &d.Conversations[i], true
		}
	}
	return nil, false
}

// The values below mirror the storage package's constants; assets is a leaf
// package and does not import storage.
var (
	demoSegments       = []string{"prospect", "new", "returning", "vip"}
	demoConvStatuses   = []string{"open", "waiting", "closed"}
	demoDirections     = []string{"in", "out"}
	demoPlatforms      = []string{"taobao", "tmall", "jd", "pinduoduo", "douyin", "shopee", "amazon", "ebay", "shopify", "other"}
	demoOrderStatuses  = []string{"pending_payment", "paid", "shipped", "delivered", "completed", "cancelled"}
	demoCaseKinds      = []string{"return", "exchange", "refund", "reissue"}
	demoCaseStates     = []string{"requested", "approved", "goods_back", "refunded", "closed"}
	demoCallOutcomes   = []string{"resolved", "follow_up", "no_answer", "escalated"}
	demoFollowUpKinds  = []string{"satisfaction", "complaint", "after_sales", "payment", "care", "other"}
	demoCharsets       = []string{"", "utf-8", "gbk", "big5"}
	demoShippedOrLater = []string{"shipped", "delivered", "completed"}

	reKey      = regexp.MustCompile(`^[a-z][0-9]{2,}$`)
	reBirthday = regexp.MustCompile(`^(\d{4}|-)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$`)
	reCurrency = regexp.MustCompile(`^[A-Z]{3}$`)
	reHHMM     = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$`)
)

// Validate checks the data set and returns every problem found, joined.
func (d *Demo) Validate() error {
	v := &validator{}
	d.validate(v)
	return errors.Join(v.errs...)
}

type validator struct{ errs []error }

func (v *validator) add(where, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
}

// keys registers the keys of one kind and reports missing, malformed and
// duplicate ones.
func (v *validator) keys(kind string, keys []string) map[string]int {
	m := make(map[string]int, len(keys))
	for i, k := range keys {
		switch {
		case !reKey.MatchString(k):
			v.add(fmt.Sprintf("%s[%d]", kind, i), "bad key %q (want a letter and digits, e.g. c01)", k)
		case m[k] != 0:
			v.add(fmt.Sprintf("%s[%d]", kind, i), "duplicate key %q", k)
		default:
			m[k] = i + 1
		}
	}
	return m
}

func keysOf[T any](xs []T, key func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = key(x)
	}
	return out
}

func (d *Demo) validate(v *validator) {
	s := d.Shop
	if s.Name == "" || s.NameZh == "" || s.AgentName == "" || s.AgentNameEn == "" {
		v.add("shop", "name, name_zh, agent_name and agent_name_en are required")
	}
	if _, err := mail.ParseAddress(s.Email); err != nil || !reservedEmail(s.Email) {
		v.add("shop", "email %q must be a valid address on a reserved example domain", s.Email)
	}
	if s.TimeZone == "" || !reHHMM.MatchString(s.WorkStart) || !reHHMM.MatchString(s.WorkEnd) || s.WorkStart >= s.WorkEnd {
		v.add("shop", "time_zone, work_start and work_end (HH:MM, start before end) are required")
	}
	for _, wd := range s.WorkDays {
		if wd < 0 || wd > 6 {
			v.add("shop", "work day %d out of range 0-6", wd)
		}
	}
	if s.ResponseTargetMinutes <= 0 || !reCurrency.MatchString(s.Currency) || s.VIPThreshold <= 0 {
		v.add("shop", "response_target_minutes, currency and vip_threshold are required")
	}
	for _, p := range s.Platforms {
		if !slices.Contains(demoPlatforms, p) {
			v.add("shop", "unknown platform %q", p)
		}
	}

	custs := v.keys("customers", keysOf(d.Customers, func(c DemoCustomer) string { return c.Key }))
	convs := v.keys("conversations", keysOf(d.Conversations, func(c DemoConversation) string { return c.Key }))
	orders := v.keys("orders", keysOf(d.Orders, func(o DemoOrder) string { return o.Key }))
	v.keys("calls", keysOf(d.Calls, func(c DemoCall) string { return c.Key }))
	v.keys("followups", keysOf(d.FollowUps, func(f DemoFollowUp) string { return f.Key }))
	v.keys("notes", keysOf(d.Notes, func(n DemoNote) string { return n.Key }))

	customerOf := func(where, key string) *DemoCustomer {
		i := custs[key]
		if i == 0 {
			v.add(where, "unknown customer %q", key)
			return nil
		}
		return &d.Customers[i-1]
	}
	// first activity per customer, to check Since against.
	first := map[string]time.Duration{}
	touch := func(cust string, at Offset) {
		if f, ok := first[cust]; !ok || at.Duration() < f {
			first[cust] = at.Duration()
		}
	}
	past := func(where, what string, at Offset) {
		if at > 0 {
			v.add(where, "%s %s is in the future", what, at)
		}
	}

	emailOwner := map[string]string{}
	for _, c := range d.Customers {
		where := "customer " + c.Key
		if strings.TrimSpace(c.Name) == "" {
			v.add(where, "name is required")
		}
		if len(c.Emails) == 0 && len(c.Phones) == 0 {
			v.add(where, "needs an email or a phone")
		}
		for _, e := range c.Emails {
			if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
				v.add(where, "bad email %q", e)
			} else if !reservedEmail(e) {
				v.add(where, "email %q is not on a reserved example domain", e)
			}
			if o, dup := emailOwner[strings.ToLower(e)]; dup {
				v.add(where, "email %q also belongs to %s", e, o)
			}
			emailOwner[strings.ToLower(e)] = c.Key
		}
		for _, p := range c.Phones {
			if n := len(phoneDigits(p.Number)); n < 7 || n > 15 {
				v.add(where, "bad phone %q", p.Number)
			}
		}
		for _, im := range c.IM {
			if im.Network == "" || im.Handle == "" {
				v.add(where, "IM handles need network and handle")
			}
		}
		if c.Language == "" {
			v.add(where, "language is required")
		}
		if c.Birthday != "" && !reBirthday.MatchString(c.Birthday) {
			v.add(where, "bad birthday %q (want YYYY-MM-DD or --MM-DD)", c.Birthday)
		}
		if c.Birthday != "" && c.BirthdayIn != nil {
			v.add(where, "set birthday or birthday_in, not both")
		}
		if c.BirthYear != 0 && (c.BirthdayIn == nil || c.BirthYear < 1900 || c.BirthYear > 2025) {
			v.add(where, "birth_year %d needs birthday_in and a plausible year", c.BirthYear)
		}
		if !slices.Contains(demoSegments, c.Segment) {
			v.add(where, "unknown segment %q", c.Segment)
		}
		past(where, "since", c.Since)
	}

	for _, c := range d.Conversations {
		where := "conversation " + c.Key
		cust := customerOf(where, c.Customer)
		if strings.TrimSpace(c.Subject) == "" {
			v.add(where, "subject is required")
		}
		if !slices.Contains(demoConvStatuses, c.Status) {
			v.add(where, "unknown status %q", c.Status)
		}
		for _, ok := range c.Orders {
			if i := orders[ok]; i == 0 {
				v.add(where, "unknown order %q", ok)
			} else if o := d.Orders[i-1]; o.Customer != c.Customer {
				v.add(where, "order %s belongs to %s, not %s", ok, o.Customer, c.Customer)
			}
		}
		if len(c.Messages) == 0 {
			v.add(where, "has no messages")
			continue
		}
		for i, m := range c.Messages {
			mw := fmt.Sprintf("%s message %d", where, i+1)
			if !slices.Contains(demoDirections, m.Direction) {
				v.add(mw, "unknown direction %q", m.Direction)
			}
			if i > 0 {
				prev := c.Messages[i-1]
				if prev.Direction == m.Direction {
					v.add(mw, "two %q messages in a row: messages must alternate", m.Direction)
				}
				if m.At <= prev.At {
					v.add(mw, "at %s is not after the previous message (%s)", m.At, prev.At)
				}
			}
			past(mw, "at", m.At)
			if strings.TrimSpace(string(m.Body)) == "" {
				v.add(mw, "body is empty")
			}
			if !slices.Contains(demoCharsets, m.Charset) {
				v.add(mw, "unknown charset %q", m.Charset)
			}
			for _, a := range m.Attachments {
				if a.Name == "" || !strings.Contains(a.Type, "/") || a.Size <= 0 {
					v.add(mw, "attachment needs name, MIME type and size")
				}
			}
			if cust != nil {
				shop := []string{d.Shop.Email}
				custMail := cust.Emails
				from, to := custMail, shop
				if m.Direction == "out" {
					from, to = shop, custMail
				}
				if !slices.Contains(from, m.From.Email) {
					v.add(mw, "from %q is not one of %v", m.From.Email, from)
				}
				if len(m.To) == 0 || !slices.ContainsFunc(m.To, func(a DemoAddress) bool { return slices.Contains(to, a.Email) }) {
					v.add(mw, "to %v does not include one of %v", m.To, to)
				}
				touch(c.Customer, m.At)
			}
		}
		last := c.Messages[len(c.Messages)-1].Direction
		switch {
		case last == "in" && c.Status == "waiting":
			v.add(where, "status waiting (on the customer) but the customer wrote last")
		case last == "out" && c.Status == "open":
			v.add(where, "status open (waits on us) but we wrote last")
		}
	}

	numbers := map[string]string{}
	trackings := map[string]string{}
	for _, o := range d.Orders {
		where := "order " + o.Key
		if customerOf(where, o.Customer) != nil {
			touch(o.Customer, o.Placed)
		}
		if !slices.Contains(demoPlatforms, o.Platform) {
			v.add(where, "unknown platform %q", o.Platform)
		}
		if o.Number == "" {
			v.add(where, "number is required")
		} else if k, dup := numbers[o.Platform+" "+o.Number]; dup {
			v.add(where, "number %s already used by %s", o.Number, k)
		}
		numbers[o.Platform+" "+o.Number] = o.Key
		if len(o.Items) == 0 {
			v.add(where, "has no items")
		}
		sum := o.Shipping - o.Discount
		for _, it := range o.Items {
			if it.Name == "" || it.Quantity <= 0 || it.Price < 0 {
				v.add(where, "item %q needs a name, a positive quantity and a price >= 0", it.SKU)
			}
			sum += int64(it.Quantity) * it.Price
		}
		if o.Shipping < 0 || o.Discount < 0 {
			v.add(where, "shipping and discount must not be negative")
		}
		if sum != o.Total {
			v.add(where, "total %d, but items + shipping - discount = %d", o.Total, sum)
		}
		if !reCurrency.MatchString(o.Currency) {
			v.add(where, "bad currency %q", o.Currency)
		}
		if !slices.Contains(demoOrderStatuses, o.Status) {
			v.add(where, "unknown status %q", o.Status)
		}
		past(where, "placed", o.Placed)
		if len(o.History) == 0 {
			v.add(where, "has no status history")
		} else {
			prev := o.Placed
			for _, h := range o.History {
				if !slices.Contains(demoOrderStatuses, h.Status) {
					v.add(where, "unknown history status %q", h.Status)
				}
				if h.At < prev {
					v.add(where, "history %s at %s goes back in time", h.Status, h.At)
				}
				prev = h.At
				past(where, "history", h.At)
			}
			if last := o.History[len(o.History)-1].Status; last != o.Status {
				v.add(where, "status %q but the history ends with %q", o.Status, last)
			}
		}
		if (o.Carrier == "") != (o.Tracking == "") {
			v.add(where, "carrier and tracking go together")
		}
		if slices.Contains(demoShippedOrLater, o.Status) && o.Tracking == "" {
			v.add(where, "status %s needs a carrier and tracking number", o.Status)
		}
		if o.Tracking != "" {
			if k, dup := trackings[o.Tracking]; dup {
				v.add(where, "tracking %s already used by %s", o.Tracking, k)
			}
			trackings[o.Tracking] = o.Key
		}
		for i, cs := range o.Cases {
			cw := fmt.Sprintf("%s case %d", where, i+1)
			if !slices.Contains(demoCaseKinds, cs.Kind) {
				v.add(cw, "unknown kind %q", cs.Kind)
			}
			if !slices.Contains(demoCaseStates, cs.State) {
				v.add(cw, "unknown state %q", cs.State)
			}
			if strings.TrimSpace(cs.Reason) == "" {
				v.add(cw, "reason is required")
			}
			if cs.Amount < 0 || cs.Amount > o.Total {
				v.add(cw, "amount %d outside 0..total %d", cs.Amount, o.Total)
			}
			if cs.Opened < o.Placed {
				v.add(cw, "opened %s before the order was placed (%s)", cs.Opened, o.Placed)
			}
			past(cw, "opened", cs.Opened)
			if len(cs.Steps) == 0 {
				v.add(cw, "has no steps")
				continue
			}
			if cs.Steps[0].At != cs.Opened {
				v.add(cw, "first step at %s, but opened %s", cs.Steps[0].At, cs.Opened)
			}
			for j, st := range cs.Steps {
				if !slices.Contains(demoCaseStates, st.State) {
					v.add(cw, "unknown step state %q", st.State)
				}
				if j > 0 && st.At < cs.Steps[j-1].At {
					v.add(cw, "step %s goes back in time", st.State)
				}
				past(cw, "step", st.At)
			}
			if last := cs.Steps[len(cs.Steps)-1].State; last != cs.State {
				v.add(cw, "state %q but the steps end with %q", cs.State, last)
			}
		}
	}

	for _, c := range d.Calls {
		where := "call " + c.Key
		cust := customerOf(where, c.Customer)
		if !slices.Contains(demoDirections, c.Direction) {
			v.add(where, "unknown direction %q", c.Direction)
		}
		if !slices.Contains(demoCallOutcomes, c.Outcome) {
			v.add(where, "unknown outcome %q", c.Outcome)
		}
		if c.Duration < 0 {
			v.add(where, "negative duration")
		}
		if strings.TrimSpace(c.Summary) == "" {
			v.add(where, "summary is required")
		}
		past(where, "at", c.At)
		if cust != nil {
			touch(c.Customer, c.At)
			if !slices.ContainsFunc(cust.Phones, func(p DemoPhone) bool { return samePhone(p.Number, c.Phone) }) {
				v.add(where, "phone %q is not one of %s's numbers", c.Phone, c.Customer)
			}
		}
	}

	ref := func(where, cust, conv, order string) {
		if conv != "" {
			if i := convs[conv]; i == 0 {
				v.add(where, "unknown conversation %q", conv)
			} else if got := d.Conversations[i-1].Customer; got != cust {
				v.add(where, "conversation %s belongs to %s, not %s", conv, got, cust)
			}
		}
		if order != "" {
			if i := orders[order]; i == 0 {
				v.add(where, "unknown order %q", order)
			} else if got := d.Orders[i-1].Customer; got != cust {
				v.add(where, "order %s belongs to %s, not %s", order, got, cust)
			}
		}
	}
	for _, f := range d.FollowUps {
		where := "follow-up " + f.Key
		if customerOf(where, f.Customer) != nil {
			touch(f.Customer, f.Created)
		}
		ref(where, f.Customer, f.Conversation, f.Order)
		if !slices.Contains(demoFollowUpKinds, f.Kind) {
			v.add(where, "unknown kind %q", f.Kind)
		}
		if strings.TrimSpace(f.Note) == "" {
			v.add(where, "note is required")
		}
		past(where, "created", f.Created)
		if f.Done != nil {
			past(where, "done", *f.Done)
			if *f.Done < f.Created {
				v.add(where, "done before it was created")
			}
		}
	}
	for _, n := range d.Notes {
		where := "note " + n.Key
		if customerOf(where, n.Customer) != nil {
			touch(n.Customer, n.At)
		}
		ref(where, n.Customer, n.Conversation, n.Order)
		if strings.TrimSpace(n.Text) == "" {
			v.add(where, "text is required")
		}
		past(where, "at", n.At)
	}

	for _, c := range d.Customers {
		if f, ok := first[c.Key]; ok && c.Since.Duration() > f {
			v.add("customer "+c.Key, "since %s is after their first activity (%s)", c.Since, Offset(f))
		}
	}
}

// reservedEmail reports whether an address is on a domain reserved for
// examples (RFC 2606, RFC 6761), so demo mail can never reach a real person.
func reservedEmail(addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	dom := strings.ToLower(addr[at+1:])
	for _, tld := range []string{".example", ".test", ".invalid"} {
		if strings.HasSuffix(dom, tld) {
			return true
		}
	}
	for _, d := range []string{"example.com", "example.net", "example.org"} {
		if dom == d || strings.HasSuffix(dom, "."+d) {
			return true
		}
	}
	return false
}

func phoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// samePhone compares two numbers as typed, ignoring punctuation and an
// international prefix ("+86 138 0013 8000" = "13800138000").
func samePhone(a, b string) bool {
	da, db := phoneDigits(a), phoneDigits(b)
	if len(da) > len(db) {
		da, db = db, da
	}
	return da != "" && strings.HasSuffix(db, da) && len(da) >= 7
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

// Offset is a signed span of time relative to "now", written in JSON as a
// string: Go's time.ParseDuration syntax with an optional leading day count,
// e.g. "-2d3h20m", "-45m", "4h", "3d", "0". Days are 24 hours.
type Offset time.Duration

// ParseOffset parses "[+-][Nd][duration]", e.g. "-2d3h20m".
func ParseOffset(s string) (Offset, error) {
	orig := s
	neg := false
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		neg, s = true, rest
	} else {
		s = strings.TrimPrefix(s, "+")
	}
	if s == "" {
		return 0, fmt.Errorf("bad offset %q", orig)
	}
	var total time.Duration
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		days, err := strconv.Atoi(s[:i])
		if err != nil || days < 0 || days > 100000 {
			return 0, fmt.Errorf("bad offset %q: days must be a whole number before \"d\"", orig)
		}
		total = time.Duration(days) * 24 * time.Hour
		s = s[i+1:]
	}
	if s != "" {
		if s[0] == '-' || s[0] == '+' {
			return 0, fmt.Errorf("bad offset %q: only one sign, at the start", orig)
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("bad offset %q: %w", orig, err)
		}
		total += d
	}
	if neg {
		total = -total
	}
	return Offset(total), nil
}

// Duration returns the offset as a time.Duration.
func (o Offset) Duration() time.Duration { return time.Duration(o) }

// From returns now moved by the offset.
func (o Offset) From(now time.Time) time.Time { return now.Add(time.Duration(o)) }

// String formats the offset in the syntax ParseOffset reads, e.g. "-2d3h20m0s".
func (o Offset) String() string {
	d := time.Duration(o)
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	switch {
	case days == 0:
		return sign + d.String()
	case d == 0:
		return fmt.Sprintf("%s%dd", sign, days)
	default:
		return fmt.Sprintf("%s%dd%s", sign, days, d)
	}
}

func (o *Offset) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("offset must be a string like \"-2d3h\": %w", err)
	}
	p, err := ParseOffset(s)
	if err != nil {
		return err
	}
	*o = p
	return nil
}

func (o Offset) MarshalJSON() ([]byte, error) { return json.Marshal(o.String()) }

// Text is a block of text written in JSON either as one string or, for
// readability, as an array of lines that are joined with "\n".
type Text string

func (t *Text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = Text(s)
		return nil
	}
	var lines []string
	if err := json.Unmarshal(b, &lines); err != nil {
		return errors.New("text must be a string or an array of lines")
	}
	*t = Text(strings.Join(lines, "\n"))
	return nil
}

func (t Text) MarshalJSON() ([]byte, error) {
	if strings.Contains(string(t), "\n") {
		return json.Marshal(strings.Split(string(t), "\n"))
	}
	return json.Marshal(string(t))
}

func (t Text) String() string { return string(t) }
