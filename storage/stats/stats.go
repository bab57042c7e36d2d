// Package stats computes the desk's numbers (客服数据指标) for a period:
// response and resolution times in working hours, workload by day and
// hour, hot issues, canned-reply use, follow-ups, satisfaction,
// after-sales speed, inquiry-to-order conversion and revenue by segment.
//
// It reads the records' stored JSON through light structs holding only
// the fields it needs, and never reads a message: conversations carry
// their first inbound and first response times.
package stats

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// Defaults the figures use where the settings name none.
const (
	// DecisionTarget is how long an after-sales case may wait for a
	// decision, in working hours (the trade's 48 hours).
	DecisionTarget = 48 * time.Hour
	// ConversionWindow is how soon after their first message a prospect
	// must order to count as converted.
	ConversionWindow = 30 * 24 * time.Hour
	// topN bounds the ranked lists (tags, reasons).
	topN = 10
)

// Duration is a span of time; in JSON, whole seconds.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprint(int64(time.Duration(d).Round(time.Second) / time.Second))), nil
}

// Times summarises a set of durations.
type Times struct {
	Count  int      `json:"count"`
	Median Duration `json:"median_seconds"`
	P90    Duration `json:"p90_seconds"`
}

// Report is the figures of one period [From, To).
type Report struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`

	// Conversations are those the customer started in the period.
	Conversations int `json:"conversations"`
	// FirstResponse: from the customer's first message to our first
	// reply, in working hours.
	FirstResponse Times    `json:"first_response"`
	Target        Duration `json:"response_target_seconds"`
	// WithinTarget is the share of decided conversations answered within
	// the target; a conversation still unanswered counts once it is past
	// the target, not before.
	WithinTarget float64 `json:"within_target"`
	// Resolution: from the first message to closing, in working hours.
	Resolution     Times   `json:"resolution"`
	Resolved       int     `json:"resolved"`
	ResolutionRate float64 `json:"resolution_rate"`

	Days      []Day     `json:"days"`
	Hours     [24]int   `json:"hours"` // conversations started, by hour of day in the shop's time zone
	PeakHours []int     `json:"peak_hours"`
	Calls     int       `json:"calls"`
	Tags      []Count   `json:"top_tags"`
	Reasons   []Count   `json:"top_after_sales_reasons"`
	Canned    []Canned  `json:"canned"`
	FollowUps FollowUps `json:"follow_ups"`

	Satisfaction Satisfaction    `json:"satisfaction"`
	AfterSales   AfterSales      `json:"after_sales"`
	Conversion   Conversion      `json:"conversion"`
	Complaints   []Complaint     `json:"complaints"`
	Segments     []SegmentFigure `json:"segments"`
	// Forgotten counts the customers removed on their request in the
	// months the period touches, with their records (anonymous: the
	// records themselves are gone, so the figures above leave them out).
	Forgotten storage.ForgottenMonth `json:"forgotten"`
}

// Day is one day's workload in the shop's time zone.
type Day struct {
	Date          string `json:"date"` // 2006-01-02
	Conversations int    `json:"conversations"`
	Calls         int    `json:"calls"`
	// FirstResponse is the median first response of the day's
	// conversations that have one (0 when none).
	FirstResponse Duration `json:"first_response_median_seconds"`
	Responded     int      `json:"responded"`
}

// Count is a name and how often it occurred.
type Count struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Canned is a canned reply's use since it was made (the library keeps no
// per-day history).
type Canned struct {
	Title    string    `json:"title"`
	Uses     int       `json:"uses"`
	LastUsed time.Time `json:"last_used,omitzero"`
}

// FollowUps counts the follow-ups due in the period.
type FollowUps struct {
	OnTime  int `json:"done_on_time"`
	Late    int `json:"done_late"`
	Overdue int `json:"overdue"` // not done and past due
	Pending int `json:"pending"` // not done, not yet due
}

// Satisfaction is the ratings (1-5) recorded in the period.
type Satisfaction struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
	// Weeks is the trend: the average of each week (from Monday) that had
	// ratings.
	Weeks []Week `json:"weeks"`
}

// Week is one week's average rating.
type Week struct {
	Start   string  `json:"start"` // the Monday, 2006-01-02
	Count   int     `json:"count"`
	Average float64 `json:"average"`
}

// AfterSales is how fast the cases opened in the period were decided
// (the first step after "requested").
type AfterSales struct {
	Cases   int     `json:"cases"`
	OnTime  int     `json:"decided_on_time"`
	Late    int     `json:"late"`    // decided late, or undecided past the target
	Pending int     `json:"pending"` // undecided, still within the target
	Share   float64 `json:"on_time_share"`
	Kinds   []Kind  `json:"kinds"`
}

// Kind is one case kind's on-time figures.
type Kind struct {
	Kind    storage.CaseKind `json:"kind"`
	Target  Duration         `json:"target_seconds"`
	Cases   int              `json:"cases"`
	OnTime  int              `json:"decided_on_time"`
	Late    int              `json:"late"`
	Pending int              `json:"pending"`
}

// Conversion is inquiry-to-order conversion (询单转化率): of the customers
// whose first message fell in the period without an earlier order, how
// many placed an order within ConversionWindow of that message.
type Conversion struct {
	Prospects int     `json:"prospects"`
	Converted int     `json:"converted"`
	Rate      float64 `json:"rate"`
}

// Complaint counts complaints of one severity and cause.
type Complaint struct {
	Severity storage.Severity `json:"severity"` // empty when not rated
	Cause    string           `json:"cause"`    // empty when not known
	Count    int              `json:"count"`
}

// SegmentFigure is the orders placed in the period by customers of one
// segment, in one currency (cancelled orders left out).
type SegmentFigure struct {
	Segment  storage.Segment `json:"segment"`
	Currency string          `json:"currency"`
	Orders   int             `json:"orders"`
	Revenue  storage.Money   `json:"revenue"`
}

// Compute reads the figures of [from, to). now decides what is overdue.
func Compute(tx *storage.Tx, from, to time.Time, set storage.Settings, now time.Time) (*Report, error) {
	c := &computer{
		r:     &Report{From: from, To: to, Target: Duration(set.ResponseTarget)},
		from:  from,
		to:    to,
		now:   now,
		set:   set,
		clock: storage.NewWorkClock(set.Hours),
		loc:   set.Hours.Location(),
	}
	c.days = map[date]*dayAcc{}
	c.intern = interner{}
	for d := c.midnight(from); d.Before(to); d = d.AddDate(0, 0, 1) {
		c.r.Days = append(c.r.Days, Day{Date: d.Format(time.DateOnly)})
		c.days[dateOf(d)] = &dayAcc{index: len(c.r.Days) - 1}
	}
	steps := []func(*storage.Tx) error{c.customers, c.conversations, c.orders, c.calls, c.followUps, c.canned, c.forgotten}
	for _, step := range steps {
		if err := step(tx); err != nil {
			return nil, err
		}
	}
	c.finish()
	return c.r, nil
}

type computer struct {
	r            *Report
	from, to     time.Time
	now          time.Time
	set          storage.Settings
	clock        storage.WorkClock
	loc          *time.Location
	days         map[date]*dayAcc
	intern       interner
	segment      map[uint64]storage.Segment
	firstInbound map[uint64]time.Time // each customer's first message, all time
	firstOrder   map[uint64]time.Time // each customer's first order, all time
	response     []time.Duration
	resolution   []time.Duration
	decided      int // conversations whose target question is settled
	within       int
	tags         map[string]int
	reasons      map[string]*reasonAcc
	complaints   map[Complaint]int
	segments     map[SegmentFigure]*SegmentFigure
	ratings      []rating
	cases        map[storage.CaseKind]*Kind
}

type dayAcc struct {
	index    int
	response []time.Duration
}

type reasonAcc struct {
	name  string // as first seen
	count int
}

type rating struct {
	at    time.Time
	value int
}

func (c *computer) in(t time.Time) bool { return !t.IsZero() && !t.Before(c.from) && t.Before(c.to) }

func (c *computer) midnight(t time.Time) time.Time {
	y, m, d := t.In(c.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.loc)
}

// date is a calendar day, a cheap map key.
type date struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

func (c *computer) day(t time.Time) *dayAcc { return c.days[dateOf(t.In(c.loc))] }

func (c *computer) customers(tx *storage.Tx) error {
	c.segment = map[uint64]storage.Segment{}
	return tx.EachRecord(storage.KindCustomer, func(id uint64, v []byte) error {
		seg, err := customerSegment(v, c.intern)
		if err != nil {
			return fmt.Errorf("decode customer %d: %w", id, err)
		}
		c.segment[id] = seg
		return nil
	})
}

// convRecord is the part of a conversation the figures read.
type convRecord struct {
	CustomerID    uint64                     `json:"customer_id"`
	Status        storage.ConversationStatus `json:"status"`
	Tags          []string                   `json:"tags"`
	FirstInbound  time.Time                  `json:"first_inbound"`
	FirstResponse time.Time                  `json:"first_response"`
	LastInbound   time.Time                  `json:"last_inbound"`
	LastOutbound  time.Time                  `json:"last_outbound"`
	Created       time.Time                  `json:"created"`
	Closed        time.Time                  `json:"closed"`
	Severity      storage.Severity           `json:"severity"`
}

// closedAt is when the conversation was closed; conversations closed
// before the close time was recorded fall back to their last message.
func (cv *convRecord) closedAt() time.Time {
	if !cv.Closed.IsZero() {
		return cv.Closed
	}
	return later(cv.LastInbound, cv.LastOutbound)
}

func (c *computer) conversations(tx *storage.Tx) error {
	c.firstInbound = map[uint64]time.Time{}
	c.tags = map[string]int{}
	c.complaints = map[Complaint]int{}
	return tx.EachRecord(storage.KindConversation, func(id uint64, v []byte) error {
		var cv convRecord
		if err := cv.decode(v, c.intern); err != nil {
			return fmt.Errorf("decode conversation %d: %w", id, err)
		}
		if !cv.FirstInbound.IsZero() {
			if f, ok := c.firstInbound[cv.CustomerID]; !ok || cv.FirstInbound.Before(f) {
				c.firstInbound[cv.CustomerID] = cv.FirstInbound
			}
		}
		if (&storage.Conversation{Severity: cv.Severity, Tags: cv.Tags}).IsComplaint() {
			start := cv.FirstInbound
			if start.IsZero() {
				start = cv.Created
			}
			if c.in(start) {
				c.complaints[Complaint{Severity: cv.Severity, Cause: cause(cv.Tags)}]++
			}
		}
		if !c.in(cv.FirstInbound) {
			return nil
		}
		c.conversation(&cv)
		return nil
	})
}

// cause is what a complaint was about: its first tag that is not a
// complaint tag (sellers tag by issue: logistics, quality, ...).
func cause(tags []string) string {
	for _, t := range tags {
		if !(&storage.Conversation{Tags: []string{t}}).IsComplaint() {
			return t
		}
	}
	return ""
}

func (c *computer) conversation(cv *convRecord) {
	r := c.r
	r.Conversations++
	r.Hours[cv.FirstInbound.In(c.loc).Hour()]++
	day := c.day(cv.FirstInbound)
	if day != nil {
		r.Days[day.index].Conversations++
	}
	for _, t := range cv.Tags {
		c.tags[t]++
	}
	target := c.set.ResponseTarget
	if !cv.FirstResponse.IsZero() {
		d := c.clock.Duration(cv.FirstInbound, cv.FirstResponse)
		c.response = append(c.response, d)
		c.decided++
		if d <= target {
			c.within++
		}
		if day != nil {
			day.response = append(day.response, d)
		}
	} else if c.clock.Duration(cv.FirstInbound, c.now) > target {
		c.decided++
	}
	if cv.Status == storage.StatusClosed {
		r.Resolved++
		if end := cv.closedAt(); !end.Before(cv.FirstInbound) {
			c.resolution = append(c.resolution, c.clock.Duration(cv.FirstInbound, end))
		}
	}
}

// orderRecord is the part of an order the figures read.
type orderRecord struct {
	CustomerID uint64              `json:"customer_id"`
	Total      storage.Money       `json:"total"`
	Currency   string              `json:"currency"`
	Status     storage.OrderStatus `json:"status"`
	Placed     time.Time           `json:"placed"`
	Cases      []struct {
		Kind   storage.CaseKind `json:"kind"`
		Reason string           `json:"reason"`
		Steps  []struct {
			State storage.CaseState `json:"state"`
			At    time.Time         `json:"at"`
		} `json:"steps"`
		Opened time.Time `json:"opened"`
	} `json:"cases"`
}

func (c *computer) orders(tx *storage.Tx) error {
	c.firstOrder = map[uint64]time.Time{}
	c.reasons = map[string]*reasonAcc{}
	c.segments = map[SegmentFigure]*SegmentFigure{}
	c.cases = map[storage.CaseKind]*Kind{}
	return tx.EachRecord(storage.KindOrder, func(id uint64, v []byte) error {
		var o orderRecord
		if err := o.decode(v, c.intern); err != nil {
			return fmt.Errorf("decode order %d: %w", id, err)
		}
		for i := range o.Cases {
			cs := &o.Cases[i]
			if !c.in(cs.Opened) {
				continue
			}
			if reason := strings.TrimSpace(cs.Reason); reason != "" {
				key := strings.ToLower(reason)
				if c.reasons[key] == nil {
					c.reasons[key] = &reasonAcc{name: reason}
				}
				c.reasons[key].count++
			}
			var decided time.Time
			for _, s := range cs.Steps {
				if s.State != storage.CaseRequested {
					decided = s.At
					break
				}
			}
			c.afterSalesCase(cs.Kind, cs.Opened, decided)
		}
		if o.Status == storage.OrderCancelled {
			return nil
		}
		if f, ok := c.firstOrder[o.CustomerID]; !ok || o.Placed.Before(f) {
			c.firstOrder[o.CustomerID] = o.Placed
		}
		if c.in(o.Placed) {
			key := SegmentFigure{Segment: c.segment[o.CustomerID], Currency: o.Currency}
			if c.segments[key] == nil {
				f := key
				c.segments[key] = &f
			}
			c.segments[key].Orders++
			c.segments[key].Revenue += o.Total
		}
		return nil
	})
}

// decisionTarget is the working time a case of the kind may wait for a
// decision: the shop's target for the kind, else DecisionTarget.
func decisionTarget(set storage.Settings, kind storage.CaseKind) time.Duration {
	if t := set.Rules.CaseTarget(kind); t > 0 {
		return t
	}
	return DecisionTarget
}

func (c *computer) afterSalesCase(kind storage.CaseKind, opened, decided time.Time) {
	k := c.cases[kind]
	if k == nil {
		k = &Kind{Kind: kind, Target: Duration(decisionTarget(c.set, kind))}
		c.cases[kind] = k
	}
	k.Cases++
	target := time.Duration(k.Target)
	switch {
	case !decided.IsZero() && c.clock.Duration(opened, decided) <= target:
		k.OnTime++
	case !decided.IsZero() || c.clock.Duration(opened, c.now) > target:
		k.Late++
	default:
		k.Pending++
	}
}

func (c *computer) calls(tx *storage.Tx) error {
	return tx.EachRecord(storage.KindCall, func(id uint64, v []byte) error {
		var cl callRecord
		if err := cl.decode(v, c.intern); err != nil {
			return fmt.Errorf("decode call %d: %w", id, err)
		}
		if !c.in(cl.Start) {
			return nil
		}
		c.r.Calls++
		if day := c.day(cl.Start); day != nil {
			c.r.Days[day.index].Calls++
		}
		// A complaint call about a conversation is counted with it.
		if cl.Outcome == storage.CallComplaint && cl.ConversationID == 0 {
			c.complaints[Complaint{Severity: cl.Severity}]++
		}
		return nil
	})
}

func (c *computer) followUps(tx *storage.Tx) error {
	return tx.EachRecord(storage.KindFollowUp, func(id uint64, v []byte) error {
		var f followUpRecord
		if err := f.decode(v); err != nil {
			return fmt.Errorf("decode follow-up %d: %w", id, err)
		}
		if f.Rating >= 1 && f.Rating <= 5 && c.in(f.Done) {
			c.ratings = append(c.ratings, rating{at: f.Done, value: f.Rating})
		}
		if !c.in(f.Due) {
			return nil
		}
		fu := &c.r.FollowUps
		switch {
		case f.Done.IsZero() && f.Due.Before(c.now):
			fu.Overdue++
		case f.Done.IsZero():
			fu.Pending++
		case f.Done.After(f.Due):
			fu.Late++
		default:
			fu.OnTime++
		}
		return nil
	})
}

func (c *computer) canned(tx *storage.Tx) error {
	replies, err := tx.CannedReplies()
	if err != nil {
		return fmt.Errorf("read canned replies: %w", err)
	}
	for _, cr := range replies {
		if cr.UsageCount > 0 {
			c.r.Canned = append(c.r.Canned, Canned{Title: cr.Title, Uses: cr.UsageCount, LastUsed: cr.LastUsed})
		}
	}
	slices.SortStableFunc(c.r.Canned, func(a, b Canned) int {
		if a.Uses != b.Uses {
			return b.Uses - a.Uses
		}
		return strings.Compare(a.Title, b.Title)
	})
	return nil
}

// finish turns the collected values into the report's figures.
func (c *computer) finish() {
	r := c.r
	r.FirstResponse = summarise(c.response)
	r.Resolution = summarise(c.resolution)
	r.WithinTarget = ratio(c.within, c.decided)
	r.ResolutionRate = ratio(r.Resolved, r.Conversations)
	for _, d := range c.days {
		if len(d.response) > 0 {
			t := summarise(d.response)
			r.Days[d.index].FirstResponse = t.Median
			r.Days[d.index].Responded = t.Count
		}
	}
	r.PeakHours = peakHours(r.Hours, 3)
	r.Tags = top(c.tags, topN)
	reasons := map[string]int{}
	for _, a := range c.reasons {
		reasons[a.name] += a.count
	}
	r.Reasons = top(reasons, topN)
	r.Satisfaction = c.satisfaction()
	r.AfterSales = c.afterSales()
	r.Conversion = c.conversion()
	for k, n := range c.complaints {
		k.Count = n
		r.Complaints = append(r.Complaints, k)
	}
	slices.SortFunc(r.Complaints, func(a, b Complaint) int {
		if x := severityRank(b.Severity) - severityRank(a.Severity); x != 0 {
			return x
		}
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Cause, b.Cause)
	})
	for _, f := range c.segments {
		r.Segments = append(r.Segments, *f)
	}
	slices.SortFunc(r.Segments, func(a, b SegmentFigure) int {
		if x := slices.Index(storage.Segments, a.Segment) - slices.Index(storage.Segments, b.Segment); x != 0 {
			return x
		}
		return strings.Compare(a.Currency, b.Currency)
	})
}

func severityRank(s storage.Severity) int { return slices.Index(storage.Severities, s) }

func (c *computer) satisfaction() Satisfaction {
	var s Satisfaction
	weeks := map[string]*Week{}
	sum := 0
	for _, rt := range c.ratings {
		sum += rt.value
		day := c.midnight(rt.at)
		monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)).Format(time.DateOnly)
		if weeks[monday] == nil {
			weeks[monday] = &Week{Start: monday}
		}
		w := weeks[monday]
		w.Average = (w.Average*float64(w.Count) + float64(rt.value)) / float64(w.Count+1)
		w.Count++
	}
	s.Count = len(c.ratings)
	if s.Count > 0 {
		s.Average = float64(sum) / float64(s.Count)
	}
	for _, w := range weeks {
		s.Weeks = append(s.Weeks, *w)
	}
	slices.SortFunc(s.Weeks, func(a, b Week) int { return strings.Compare(a.Start, b.Start) })
	return s
}

func (c *computer) afterSales() AfterSales {
	var a AfterSales
	for _, kind := range []storage.CaseKind{storage.CaseReturn, storage.CaseExchange, storage.CaseRefund, storage.CaseReissue} {
		if k := c.cases[kind]; k != nil {
			a.Kinds = append(a.Kinds, *k)
		}
	}
	for kind, k := range c.cases {
		if !slices.ContainsFunc(a.Kinds, func(x Kind) bool { return x.Kind == kind }) {
			a.Kinds = append(a.Kinds, *k)
		}
	}
	for _, k := range a.Kinds {
		a.Cases += k.Cases
		a.OnTime += k.OnTime
		a.Late += k.Late
		a.Pending += k.Pending
	}
	a.Share = ratio(a.OnTime, a.OnTime+a.Late)
	return a
}

func (c *computer) conversion() Conversion {
	var cv Conversion
	for id, first := range c.firstInbound {
		if !c.in(first) {
			continue
		}
		order, ordered := c.firstOrder[id]
		if ordered && order.Before(first) {
			continue // already a buyer: not a prospect
		}
		cv.Prospects++
		if ordered && !order.After(first.Add(ConversionWindow)) {
			cv.Converted++
		}
	}
	cv.Rate = ratio(cv.Converted, cv.Prospects)
	return cv
}

// summarise gives the count, median and 90th percentile. The median of
// an even count is the mean of the middle two; the 90th percentile is the
// nearest rank (the smallest value with at least 90% at or below it).
func summarise(ds []time.Duration) Times {
	n := len(ds)
	if n == 0 {
		return Times{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	median := s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	rank := (9*n + 9) / 10 // ceil(0.9 n)
	return Times{Count: n, Median: Duration(median), P90: Duration(s[rank-1])}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// peakHours are the n busiest hours of day, busiest first (earlier on a
// tie), leaving out hours with nothing.
func peakHours(hours [24]int, n int) []int {
	var hs []int
	for h, c := range hours {
		if c > 0 {
			hs = append(hs, h)
		}
	}
	slices.SortStableFunc(hs, func(a, b int) int { return hours[b] - hours[a] })
	if len(hs) > n {
		hs = hs[:n]
	}
	return hs
}

// top ranks counts, most first, then by name.
func top(m map[string]int, n int) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{Name: k, Count: v})
	}
	slices.SortFunc(out, func(a, b Count) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Name, b.Name)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// forgotten adds up the anonymous counts of the months from..to touches
// (forgetting is counted by month, in UTC).
func (c *computer) forgotten(tx *storage.Tx) error {
	months, err := tx.ForgottenCounts()
	if err != nil {
		return err
	}
	first, last := c.from.UTC().Format("2006-01"), c.to.Add(-time.Nanosecond).UTC().Format("2006-01")
	f := &c.r.Forgotten
	for _, m := range months {
		if m.Month < first || m.Month > last {
			continue
		}
		f.Customers += m.Customers
		f.Conversations += m.Conversations
		f.Messages += m.Messages
		f.Orders += m.Orders
	}
	return nil
}
