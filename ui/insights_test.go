package ui

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/stats"
)

// seedInsights: a shop in UTC open every day 09:00-18:00; two
// conversations in the last week (answered in 6 and 20 minutes, one
// closed), a canned reply used three times and a customer silent since
// last year. The clock is Thursday 20 November 2025, 10:00.
func seedInsights(tx *storage.Tx) error {
	set := storage.DefaultSettings()
	set.Hours = storage.WorkingHours{TimeZone: "UTC", Days: [7]bool{true, true, true, true, true, true, true}, Start: "09:00", End: "18:00"}
	set.Rules = storage.FollowUpRules{}
	if err := tx.SaveSettings(set); err != nil {
		return err
	}
	zhang := storage.Customer{Name: "张伟", Segment: storage.SegmentProspect, Created: clock.AddDate(0, -1, 0)}
	if err := tx.SaveCustomer(&zhang); err != nil {
		return err
	}
	for _, c := range []struct {
		in     time.Time
		reply  time.Duration
		status storage.ConversationStatus
	}{
		{time.Date(2025, 11, 18, 10, 0, 0, 0, time.UTC), 6 * time.Minute, storage.StatusClosed},
		{time.Date(2025, 11, 19, 14, 0, 0, 0, time.UTC), 20 * time.Minute, storage.StatusWaiting},
	} {
		cv := storage.Conversation{CustomerID: zhang.ID, Subject: "物流查询", Status: c.status, Tags: []string{"物流"},
			FirstInbound: c.in, FirstResponse: c.in.Add(c.reply), LastInbound: c.in, LastOutbound: c.in.Add(c.reply)}
		if err := tx.SaveConversation(&cv); err != nil {
			return err
		}
	}
	li := storage.Customer{Name: "李娜", Segment: storage.SegmentReturning, Created: time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)}
	if err := tx.SaveCustomer(&li); err != nil {
		return err
	}
	return tx.SaveCannedReply(&storage.CannedReply{Title: "物流延迟", UsageCount: 3, Variants: []storage.CannedVariant{{Body: "亲，抱歉久等了"}}})
}

func TestInsightsShowsFigures(t *testing.T) {
	h := newHarness(t, seedInsights)
	h.showPage("insights")
	in := h.desk.insights
	h.waitFor("insights", func() bool { return in.panel.mainShown() && in.data.report != nil })

	got := map[string]string{}
	for _, c := range in.cards {
		got[c.Subtitle] = c.Title
	}
	for caption, want := range map[string]string{
		"Conversations":              "2",
		"First response, median":     "13 min",
		"First response, 90% within": "20 min",
		"Answered within the target": "50%",
		"Resolution rate":            "50%",
		"Peak hours":                 "10:00 14:00",
		"Customers":                  "2",
		"Waiting for us":             "0",
	} {
		if got[caption] != want {
			t.Errorf("card %q = %q, want %q", caption, got[caption], want)
		}
	}
	if want := "2025-10-22 to 2025-11-20"; in.periodText.Text != want {
		t.Errorf("period = %q, want %q", in.periodText.Text, want)
	}

	chartOf := func(title string) *chart {
		for _, c := range in.charts {
			if c.title() == title {
				return c.chart
			}
		}
		t.Fatalf("no chart %q", title)
		return nil
	}
	perDay := chartOf("Conversations per day")
	if len(perDay.points) != 30 {
		t.Fatalf("%d days charted, want 30", len(perDay.points))
	}
	i := slices.IndexFunc(perDay.points, func(p chartPoint) bool { return p.label == "11-18" })
	if i < 0 || perDay.points[i].value != 1 {
		t.Errorf("18 November charted as %+v", perDay.points)
	}
	if tags := chartOf("Top tags").points; len(tags) != 1 || tags[0] != (chartPoint{label: "物流", value: 2}) {
		t.Errorf("top tags = %+v", tags)
	}
	if canned := chartOf("Canned replies used (all time)").points; len(canned) != 1 || canned[0].value != 3 {
		t.Errorf("canned use = %+v", canned)
	}
	response := chartOf("First response per day (median, working hours)").points
	if p := response[len(response)-2]; p.value != 20 || p.none {
		t.Errorf("19 November's first response = %+v", p)
	}
	if !response[0].none {
		t.Errorf("a day without replies is charted: %+v", response[0])
	}

	// A shorter period reloads the figures.
	in.periodSel.SetSelectedIndex(0)
	h.waitFor("the last 7 days", func() bool { return in.periodText.Text == "2025-11-14 to 2025-11-20" })
	h.waitFor("7 days charted", func() bool { return len(perDay.points) == 7 })
}

func TestInsightsCareFollowUpOnce(t *testing.T) {
	h := newHarness(t, seedInsights)
	h.showPage("insights")
	care := h.desk.insights.care
	h.waitFor("dormant list", func() bool { return len(care.rows) == 1 })
	if name := care.rows[0].Customer.Name; name != "李娜" {
		t.Fatalf("dormant = %q", name)
	}
	if want := "Dormant customers: 1 with no message, call or order for 6 months"; care.title.Text != want {
		t.Errorf("title = %q", care.title.Text)
	}
	row := care.list.CreateItem()
	care.list.UpdateItem(0, row)
	btn := row.(*fyne.Container).Objects[1].(*widget.Button)
	test.Tap(btn)
	test.Tap(btn) // a second click while the first saves
	h.waitFor("care planned", func() bool { return len(care.rows) == 1 && care.rows[0].CareOpen })
	care.list.UpdateItem(0, row)
	if btn.Text != "Care planned" || !btn.Disabled() {
		t.Errorf("button after the click: %q disabled %v", btn.Text, btn.Disabled())
	}
	care.scheduleCare(care.rows[0].Customer.ID) // once more, from a stale row
	h.settle()
	var cares []storage.FollowUp
	h.store.View(func(tx *storage.Tx) error {
		fus, err := tx.FollowUpsOf(care.rows[0].Customer.ID)
		for _, f := range fus {
			if f.Kind == storage.FollowCare {
				cares = append(cares, f)
			}
		}
		return err
	})
	if len(cares) != 1 || !cares[0].Due.Equal(clock) {
		t.Errorf("care follow-ups = %+v, want one due now", cares)
	}
}

func TestInsightsCSVFile(t *testing.T) {
	useEnglish(t)
	r := &stats.Report{Tags: []stats.Count{{Name: "物流", Count: 2}, {Name: "quality, size", Count: 1}},
		Segments: []stats.SegmentFigure{{Segment: storage.SegmentVIP, Currency: "CNY", Orders: 2, Revenue: 123456}}}
	path := filepath.Join(t.TempDir(), "tags.csv")
	if err := os.WriteFile(path, nil, 0o644); err != nil { // as the save dialog leaves it
		t.Fatal(err)
	}
	cases := []struct {
		table, want string
	}{
		{stats.TableTags, "\ufeffTag,Conversations\n物流,2\n\"quality, size\",1\n"},
		{stats.TableSegments, "\ufeffSegment,Currency,Orders,Revenue\nKey customer,CNY,2,1234.56\n"},
	}
	for _, c := range cases {
		header, rows := exportTable(r, c.table)
		if err := writeCSVFile(path, header, rows); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != c.want {
			t.Errorf("%s CSV = %q, want %q", c.table, data, c.want)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("file mode %v (%v), want 0600", fi.Mode().Perm(), err)
		}
	}
}

// TestChartDrawsLabelsAndHover checks the chart writes its labels and
// values and shows a hidden value under the pointer.
func TestChartDrawsLabelsAndHover(t *testing.T) {
	test.NewTempApp(t)
	texts := func(c *chart) []string {
		var out []string
		for _, o := range test.WidgetRenderer(c).Objects() {
			if tx, ok := o.(*canvas.Text); ok {
				out = append(out, tx.Text)
			}
		}
		return out
	}
	bars := newChart(chartBars, nil)
	var pts []chartPoint
	for h := 0; h < 24; h++ {
		pts = append(pts, chartPoint{label: string(rune('a' + h)), value: float64(h * 100)})
	}
	bars.setPoints(pts)
	bars.Resize(fyne.NewSize(300, 200)) // too narrow to write every value
	got := texts(bars)
	if !slices.Contains(got, "a") || !slices.Contains(got, "3000") || slices.Contains(got, "1700") {
		t.Errorf("narrow bar chart texts = %q", got)
	}
	g := bars.geometry(bars.Size())
	bars.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(g.left+17.5*g.slot, 100)}})
	if bars.hover != 17 || !slices.Contains(texts(bars), "1700") {
		t.Errorf("hover %d shows %q", bars.hover, texts(bars))
	}
	bars.MouseOut()
	if bars.hover != -1 {
		t.Errorf("hover after leaving = %d", bars.hover)
	}

	h := newChart(chartHBars, nil)
	h.setPoints([]chartPoint{{label: "物流延迟", value: 12}, {label: "尺码", value: 3}})
	h.Resize(h.MinSize().Add(fyne.NewSize(200, 0)))
	if got := texts(h); !slices.Equal(got, []string{"物流延迟", "12", "尺码", "3"}) {
		t.Errorf("horizontal bars texts = %q", got)
	}
	for _, v := range []struct{ in, want float64 }{{0, 1}, {3, 3}, {7, 8}, {10, 10}, {11, 20}, {27, 30}, {240, 300}, {0.4, 0.4}} {
		if got := niceMax(v.in); got != v.want {
			t.Errorf("niceMax(%v) = %v, want %v", v.in, got, v.want)
		}
	}
}

// TestDormantFilter checks the customer list's filter picks the dormant
// customers only while its box is ticked.
func TestDormantFilter(t *testing.T) {
	h := newHarness(t, seedInsights)
	changed := 0
	f := h.desk.dormantFilter(func() { changed++ })
	if f.current() != nil {
		t.Fatal("unticked filter filters")
	}
	test.Tap(f.control.(*widget.Check))
	if changed != 1 || f.current() == nil {
		t.Fatalf("ticked: changed %d, filter %v", changed, f.current() != nil)
	}
	var kept []string
	err := h.store.View(func(tx *storage.Tx) error {
		keep, err := f.current()(tx)
		if err != nil {
			return err
		}
		cs, err := tx.Customers(0, 0)
		for _, c := range cs {
			if keep(&c) {
				kept = append(kept, c.Name)
			}
		}
		return err
	})
	if err != nil || !slices.Equal(kept, []string{"李娜"}) {
		t.Errorf("dormant filter keeps %q (%v), want 李娜", kept, err)
	}
}
