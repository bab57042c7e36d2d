package stats

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"testing"
	"time"
	_ "time/tzdata" // the tests' shop is in Shanghai on every machine

	"github.com/shopdesk/shopdesk/storage"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a time in the test shop's zone; November 2025 starts on a Saturday,
// so the 17th is a Monday.
func at(day, hour, min int) time.Time { return time.Date(2025, 11, day, hour, min, 0, 0, shanghai) }

// shopSettings: Monday to Friday 09:00-18:00 in Shanghai, reply within 10 minutes.
func shopSettings() storage.Settings {
	s := storage.DefaultSettings()
	s.Hours = storage.WorkingHours{TimeZone: "Asia/Shanghai", Days: [7]bool{false, true, true, true, true, true, false}, Start: "09:00", End: "18:00"}
	s.ResponseTarget = 10 * time.Minute
	s.Rules.CaseTargets = maps.Clone(s.Rules.CaseTargets)
	if s.Rules.CaseTargets == nil {
		s.Rules.CaseTargets = map[storage.CaseKind]time.Duration{}
	}
	s.Rules.CaseTargets[storage.CaseRefund] = 24 * time.Hour
	return s
}

func openStore(t testing.TB) *storage.Store {
	t.Helper()
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func compute(t testing.TB, st *storage.Store, from, to, now time.Time, set storage.Settings) *Report {
	t.Helper()
	var r *Report
	err := st.View(func(tx *storage.Tx) error {
		var err error
		r, err = Compute(tx, from, to, set, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// fixture is a hand-made week (Monday 17 to Sunday 23 November) with
// known answers; now is Friday 17:00.
type fixture struct {
	cust map[string]uint64
}

func seed(t *testing.T, st *storage.Store) fixture {
	t.Helper()
	f := fixture{cust: map[string]uint64{}}
	err := st.Update(func(tx *storage.Tx) error {
		// No automatic follow-ups: the week's follow-ups are the ones below.
		set := shopSettings()
		set.Rules = storage.FollowUpRules{}
		if err := tx.SaveSettings(set); err != nil {
			return err
		}
		for _, c := range []struct {
			name string
			seg  storage.Segment
		}{{"A", storage.SegmentProspect}, {"B", storage.SegmentProspect}, {"C", storage.SegmentReturning},
			{"D", storage.SegmentProspect}, {"E", storage.SegmentProspect}, {"F", storage.SegmentVIP}} {
			cu := storage.Customer{Name: c.name, Segment: c.seg, Created: at(1, 9, 0)}
			if err := tx.SaveCustomer(&cu); err != nil {
				return err
			}
			f.cust[c.name] = cu.ID
		}
		convs := []storage.Conversation{
			// 5 min; closed an hour later.
			{CustomerID: f.cust["A"], Subject: "1", Status: storage.StatusClosed, Tags: []string{"logistics"},
				FirstInbound: at(17, 10, 0), FirstResponse: at(17, 10, 5), LastInbound: at(17, 10, 0), LastOutbound: at(17, 10, 5), Closed: at(17, 11, 0)},
			// Over the night: 5 min on Monday, 3 on Tuesday.
			{CustomerID: f.cust["B"], Subject: "2", Status: storage.StatusWaiting, Tags: []string{"logistics", "complaint"}, Severity: storage.SeverityHigh,
				FirstInbound: at(17, 17, 55), FirstResponse: at(18, 9, 3), LastInbound: at(17, 17, 55), LastOutbound: at(18, 9, 3)},
			// 30 min; closed the next day at noon: 6 + 3 working hours.
			{CustomerID: f.cust["C"], Subject: "3", Status: storage.StatusClosed, Tags: []string{"quality"},
				FirstInbound: at(18, 12, 0), FirstResponse: at(18, 12, 30), LastInbound: at(18, 12, 0), LastOutbound: at(18, 12, 30), Closed: at(19, 12, 0)},
			// Before opening: the clock starts at 09:00.
			{CustomerID: f.cust["D"], Subject: "4", Status: storage.StatusWaiting,
				FirstInbound: at(19, 8, 0), FirstResponse: at(19, 9, 20), LastInbound: at(19, 8, 0), LastOutbound: at(19, 9, 20)},
			// Unanswered for a day: past the target.
			{CustomerID: f.cust["E"], Subject: "5", Status: storage.StatusOpen,
				FirstInbound: at(20, 14, 0), LastInbound: at(20, 14, 0)},
			// Unanswered for 5 minutes: not decided yet.
			{CustomerID: f.cust["E"], Subject: "6", Status: storage.StatusOpen,
				FirstInbound: at(21, 16, 55), LastInbound: at(21, 16, 55)},
			// Exactly the target; closed before close times were kept.
			{CustomerID: f.cust["E"], Subject: "7", Status: storage.StatusClosed,
				FirstInbound: at(21, 9, 0), FirstResponse: at(21, 9, 10), LastInbound: at(21, 9, 0), LastOutbound: at(21, 9, 10)},
			// The week before.
			{CustomerID: f.cust["F"], Subject: "8", Status: storage.StatusClosed, Tags: []string{"quality"},
				FirstInbound: at(14, 10, 0), FirstResponse: at(14, 10, 1), LastInbound: at(14, 10, 0), LastOutbound: at(14, 10, 1)},
		}
		for i := range convs {
			if err := tx.SaveConversation(&convs[i]); err != nil {
				return err
			}
		}
		calls := []storage.Call{
			{CustomerID: f.cust["A"], Start: at(17, 11, 0), Outcome: storage.CallResolved},
			{CustomerID: f.cust["D"], Start: at(19, 15, 0), Outcome: storage.CallComplaint, Severity: storage.SeverityMedium},
			{CustomerID: f.cust["D"], Start: at(16, 15, 0), Outcome: storage.CallResolved},
		}
		for i := range calls {
			if err := tx.SaveCall(&calls[i]); err != nil {
				return err
			}
		}
		req := func(t time.Time) storage.CaseStep { return storage.CaseStep{State: storage.CaseRequested, At: t} }
		orders := []storage.Order{
			{CustomerID: f.cust["A"], Number: "A1", Total: 10000, Currency: "CNY", Status: storage.OrderPaid, Placed: at(19, 10, 0),
				Cases: []storage.AfterSalesCase{{Kind: storage.CaseReturn, Reason: "Wrong size", State: storage.CaseApproved, Opened: at(17, 10, 0),
					Steps: []storage.CaseStep{req(at(17, 10, 0)), {State: storage.CaseApproved, At: at(18, 10, 0)}}}}},
			{CustomerID: f.cust["B"], Number: "B1", Total: 5000, Currency: "CNY", Status: storage.OrderPaid, Placed: time.Date(2025, 12, 20, 10, 0, 0, 0, shanghai)},
			{CustomerID: f.cust["C"], Number: "C1", Total: 9900, Currency: "CNY", Status: storage.OrderCompleted, Placed: time.Date(2025, 10, 1, 10, 0, 0, 0, shanghai),
				Cases: []storage.AfterSalesCase{
					{Kind: storage.CaseRefund, Reason: "wrong size ", State: storage.CaseRequested, Opened: at(17, 9, 0), Steps: []storage.CaseStep{req(at(17, 9, 0))}},
					{Kind: storage.CaseExchange, Reason: "Damaged", State: storage.CaseRequested, Opened: at(13, 9, 0), Steps: []storage.CaseStep{req(at(13, 9, 0))}},
				}},
			{CustomerID: f.cust["C"], Number: "C2", Total: 25050, Currency: "CNY", Status: storage.OrderPaid, Placed: at(20, 11, 0)},
			{CustomerID: f.cust["D"], Number: "D1", Total: 7000, Currency: "CNY", Status: storage.OrderCancelled, Placed: at(18, 10, 0)},
			// Exactly 30 days after E's first message: converted.
			{CustomerID: f.cust["E"], Number: "E1", Total: 1000, Currency: "CNY", Status: storage.OrderPaid, Placed: at(20, 14, 0).Add(30 * 24 * time.Hour)},
			{CustomerID: f.cust["F"], Number: "F1", Total: 8000, Currency: "USD", Status: storage.OrderPaid, Placed: at(21, 10, 0),
				Cases: []storage.AfterSalesCase{{Kind: storage.CaseReissue, Reason: "Missing item", State: storage.CaseRequested, Opened: at(21, 16, 0), Steps: []storage.CaseStep{req(at(21, 16, 0))}}}},
		}
		for i := range orders {
			if err := tx.SaveOrder(&orders[i]); err != nil {
				return err
			}
		}
		fus := []storage.FollowUp{
			{CustomerID: f.cust["A"], Kind: storage.FollowSatisfaction, Due: at(17, 12, 0), Done: at(17, 11, 0), Rating: 5},
			{CustomerID: f.cust["B"], Kind: storage.FollowSatisfaction, Due: at(18, 12, 0), Done: at(19, 10, 0), Rating: 3},
			{CustomerID: f.cust["C"], Kind: storage.FollowOther, Due: at(19, 12, 0)},
			{CustomerID: f.cust["D"], Kind: storage.FollowOther, Due: at(22, 10, 0)},
			{CustomerID: f.cust["E"], Kind: storage.FollowSatisfaction, Due: at(16, 10, 0), Done: at(17, 9, 30), Rating: 4},
		}
		for i := range fus {
			if err := tx.SaveFollowUp(&fus[i]); err != nil {
				return err
			}
		}
		for _, c := range []storage.CannedReply{
			{Title: "Logistics delay", UsageCount: 7, LastUsed: at(20, 10, 0)},
			{Title: "Greeting", UsageCount: 12},
			{Title: "Unused"},
		} {
			c.Variants = []storage.CannedVariant{{Body: "x"}}
			if err := tx.SaveCannedReply(&c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestComputeKnownWeek(t *testing.T) {
	st := openStore(t)
	seed(t, st)
	r := compute(t, st, at(17, 0, 0), at(24, 0, 0), at(21, 17, 0), shopSettings())
	for i := range r.Canned {
		r.Canned[i].LastUsed = r.Canned[i].LastUsed.UTC()
	}

	checks := []struct {
		name      string
		got, want any
	}{
		{"conversations", r.Conversations, 7},
		{"first response", r.FirstResponse, Times{Count: 5, Median: Duration(10 * time.Minute), P90: Duration(30 * time.Minute)}},
		{"within target", r.WithinTarget, 0.5},
		{"resolved", r.Resolved, 3},
		{"resolution rate", r.ResolutionRate, 3.0 / 7},
		{"resolution", r.Resolution, Times{Count: 3, Median: Duration(time.Hour), P90: Duration(9 * time.Hour)}},
		{"calls", r.Calls, 2},
		{"peak hours", r.PeakHours, []int{8, 9, 10}},
		{"tags", r.Tags, []Count{{"logistics", 2}, {"complaint", 1}, {"quality", 1}}},
		{"reasons", r.Reasons, []Count{{"Wrong size", 2}, {"Missing item", 1}}},
		{"canned", r.Canned, []Canned{{Title: "Greeting", Uses: 12}, {Title: "Logistics delay", Uses: 7, LastUsed: at(20, 10, 0).UTC()}}},
		{"follow-ups", r.FollowUps, FollowUps{OnTime: 1, Late: 1, Overdue: 1, Pending: 1}},
		{"satisfaction", r.Satisfaction, Satisfaction{Count: 3, Average: 4, Weeks: []Week{{Start: "2025-11-17", Count: 3, Average: 4}}}},
		{"conversion", r.Conversion, Conversion{Prospects: 4, Converted: 2, Rate: 0.5}},
		{"complaints", r.Complaints, []Complaint{{storage.SeverityHigh, "logistics", 1}, {storage.SeverityMedium, "", 1}}},
		{"segments", r.Segments, []SegmentFigure{
			{storage.SegmentProspect, "CNY", 1, 10000},
			{storage.SegmentReturning, "CNY", 1, 25050},
			{storage.SegmentVIP, "USD", 1, 8000},
		}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %+v, want %+v", c.name, c.got, c.want)
		}
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"after-sales cases", [4]int{r.AfterSales.Cases, r.AfterSales.OnTime, r.AfterSales.Late, r.AfterSales.Pending}, [4]int{3, 1, 1, 1}},
		{"after-sales share", r.AfterSales.Share, 0.5},
		{"refund target", r.AfterSales.Kinds[1].Target, Duration(24 * time.Hour)},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %+v, want %+v", c.name, c.got, c.want)
		}
	}

	wantDays := []Day{
		{"2025-11-17", 2, 1, Duration(6*time.Minute + 30*time.Second), 2},
		{"2025-11-18", 1, 0, Duration(30 * time.Minute), 1},
		{"2025-11-19", 1, 1, Duration(20 * time.Minute), 1},
		{"2025-11-20", 1, 0, 0, 0},
		{"2025-11-21", 2, 0, Duration(10 * time.Minute), 1},
		{"2025-11-22", 0, 0, 0, 0},
		{"2025-11-23", 0, 0, 0, 0},
	}
	if !reflect.DeepEqual(r.Days, wantDays) {
		t.Errorf("days = %+v\nwant %+v", r.Days, wantDays)
	}
	var hours [24]int
	for _, h := range []int{10, 17, 12, 8, 14, 16, 9} {
		hours[h]++
	}
	if r.Hours != hours {
		t.Errorf("hours = %v, want %v", r.Hours, hours)
	}
}

// TestFirstResponseWorkingHours checks the response clock runs only in
// working hours, one conversation at a time.
func TestFirstResponseWorkingHours(t *testing.T) {
	cases := []struct {
		name         string
		inbound, out time.Time
		want         time.Duration
		within       float64
	}{
		{"same hour", at(17, 10, 0), at(17, 10, 7), 7 * time.Minute, 1},
		{"over the night", at(17, 17, 50), at(18, 9, 5), 15 * time.Minute, 0},
		{"over the weekend", at(21, 17, 55), at(24, 9, 5), 10 * time.Minute, 1},
		{"before opening", at(17, 7, 0), at(17, 9, 30), 30 * time.Minute, 0},
		{"all on a Sunday", at(23, 10, 0), at(23, 11, 0), 0, 1},
		{"late evening to morning", at(18, 22, 0), at(19, 9, 11), 11 * time.Minute, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := openStore(t)
			err := st.Update(func(tx *storage.Tx) error {
				cu := storage.Customer{Name: "x"}
				if err := tx.SaveCustomer(&cu); err != nil {
					return err
				}
				return tx.SaveConversation(&storage.Conversation{CustomerID: cu.ID, Subject: "s",
					FirstInbound: c.inbound, FirstResponse: c.out, LastInbound: c.inbound, LastOutbound: c.out})
			})
			if err != nil {
				t.Fatal(err)
			}
			r := compute(t, st, at(10, 0, 0), at(30, 0, 0), at(29, 0, 0), shopSettings())
			if got := time.Duration(r.FirstResponse.Median); got != c.want || r.FirstResponse.Count != 1 {
				t.Errorf("first response = %v (of %d), want %v", got, r.FirstResponse.Count, c.want)
			}
			if r.WithinTarget != c.within {
				t.Errorf("within target = %v, want %v", r.WithinTarget, c.within)
			}
		})
	}
}

func TestSummarise(t *testing.T) {
	m := func(ns ...int) []time.Duration {
		var out []time.Duration
		for _, n := range ns {
			out = append(out, time.Duration(n)*time.Minute)
		}
		return out
	}
	cases := []struct {
		in          []time.Duration
		median, p90 time.Duration
	}{
		{nil, 0, 0},
		{m(4), 4 * time.Minute, 4 * time.Minute},
		{m(9, 1), 5 * time.Minute, 9 * time.Minute},
		{m(3, 1, 2), 2 * time.Minute, 3 * time.Minute},
		{m(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 5*time.Minute + 30*time.Second, 9 * time.Minute},
		{m(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), 6 * time.Minute, 10 * time.Minute},
	}
	for _, c := range cases {
		got := summarise(c.in)
		if time.Duration(got.Median) != c.median || time.Duration(got.P90) != c.p90 || got.Count != len(c.in) {
			t.Errorf("summarise(%v) = %+v, want median %v p90 %v", c.in, got, c.median, c.p90)
		}
	}
}

// TestClosedTime checks the store stamps the close time when a
// conversation is closed and clears it when it opens again.
func TestClosedTime(t *testing.T) {
	st := openStore(t)
	var id uint64
	update := func(fn func(c *storage.Conversation)) storage.Conversation {
		t.Helper()
		var c storage.Conversation
		err := st.Update(func(tx *storage.Tx) error {
			var err error
			if c, err = tx.Conversation(id); err != nil {
				return err
			}
			fn(&c)
			return tx.SaveConversation(&c)
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	err := st.Update(func(tx *storage.Tx) error {
		cu := storage.Customer{Name: "x"}
		if err := tx.SaveCustomer(&cu); err != nil {
			return err
		}
		c := storage.Conversation{CustomerID: cu.ID, Subject: "s", Status: storage.StatusOpen}
		err := tx.SaveConversation(&c)
		id = c.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	c := update(func(c *storage.Conversation) { c.Status = storage.StatusClosed })
	if c.Closed.Before(before) || c.Closed.After(time.Now()) {
		t.Fatalf("closed at %v, want now", c.Closed)
	}
	closed := c.Closed
	if c = update(func(c *storage.Conversation) { c.Tags = []string{"t"} }); !c.Closed.Equal(closed) {
		t.Errorf("an edit moved the close time to %v", c.Closed)
	}
	if c = update(func(c *storage.Conversation) { c.Status = storage.StatusOpen }); !c.Closed.IsZero() {
		t.Errorf("reopened conversation keeps close time %v", c.Closed)
	}
}

func TestTablesAndCSV(t *testing.T) {
	st := openStore(t)
	seed(t, st)
	r := compute(t, st, at(17, 0, 0), at(24, 0, 0), at(21, 17, 0), shopSettings())
	tb := r.Table(TableSegments)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tb.Columns, tb.Rows); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffSegment,Currency,Orders,Revenue\nprospect,CNY,1,100.00\nreturning,CNY,1,250.50\nvip,USD,1,80.00\n"
	if buf.String() != want {
		t.Errorf("CSV =\n%q\nwant\n%q", buf.String(), want)
	}
	if got := r.Table(TableConversion).Rows; !reflect.DeepEqual(got, [][]string{{"4", "2", "50.0%"}}) {
		t.Errorf("conversion rows = %v", got)
	}
	if got := r.Table(TableResponse).Rows[0]; !reflect.DeepEqual(got, []string{"2025-11-17", "2", "6.5"}) {
		t.Errorf("first response row = %v", got)
	}
	// The JSON gives durations in seconds.
	js, err := json.Marshal(r.FirstResponse)
	if err != nil {
		t.Fatal(err)
	}
	if string(js) != `{"count":5,"median_seconds":600,"p90_seconds":1800}` {
		t.Errorf("JSON = %s", js)
	}
}

// TestDecodeMatchesJSON checks the field walker reads what encoding/json
// wrote, escapes and nesting included, and rejects broken records.
func TestDecodeMatchesJSON(t *testing.T) {
	c := storage.Conversation{ID: 7, CustomerID: 42, Subject: `退货 "quoted" \ {braces} [x]`, Status: storage.StatusClosed,
		Tags: []string{"物流", `a"b`, "c\\d"}, Snippet: "line\nnext\t}", Severity: storage.SeverityLow,
		OrderIDs: []uint64{1, 2}, FirstInbound: at(17, 10, 0), FirstResponse: at(17, 10, 5).Add(123 * time.Nanosecond),
		LastInbound: at(17, 10, 0), LastOutbound: at(17, 10, 5), Created: at(17, 9, 0), Closed: at(18, 9, 0)}
	v, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var got convRecord
	if err := got.decode(v, interner{}); err != nil {
		t.Fatal(err)
	}
	var want convRecord
	if err := json.Unmarshal(v, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %+v\nwant    %+v", got, want)
	}
	for _, bad := range []string{``, `[]`, `{"customer_id":}`, `{"tags":["a"`, `{"status":"open"`, `{"customer_id":"x"}`} {
		var cv convRecord
		if err := cv.decode([]byte(bad), interner{}); err == nil {
			t.Errorf("decode(%q) gave no error", bad)
		}
	}
}

// Forgetting a customer keeps only anonymous counts; the report adds up
// the months its period touches.
func TestForgottenCounts(t *testing.T) {
	st := openStore(t)
	err := st.Update(func(tx *storage.Tx) error {
		c := storage.Customer{Name: "Gone Soon", Emails: []string{"gone@example.com"}}
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		conv := storage.Conversation{CustomerID: c.ID, Subject: "please delete my data", Status: storage.StatusOpen}
		if err := tx.SaveConversation(&conv); err != nil {
			return err
		}
		_, err := tx.ForgetCustomer(c.ID, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tests := []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"the month it happened", now.AddDate(0, 0, -1), now.Add(time.Hour), 1},
		{"a year before", now.AddDate(-1, 0, 0), now.AddDate(-1, 0, 7), 0},
	}
	for _, tt := range tests {
		r := compute(t, st, tt.from, tt.to, now, shopSettings())
		if r.Forgotten.Customers != tt.want || r.Forgotten.Conversations != tt.want {
			t.Errorf("%s: forgotten %+v, want %d customer and %d conversation", tt.name, r.Forgotten, tt.want, tt.want)
		}
	}
}
