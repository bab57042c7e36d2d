package stats

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// Table is the rows behind one chart, for a CSV export. Columns are
// English captions; the UI shows them translated.
type Table struct {
	Name    string
	Columns []string
	Rows    [][]string
}

// Table names, one per chart.
const (
	TableDays         = "days"
	TableHours        = "hours"
	TableResponse     = "first_response"
	TableTags         = "tags"
	TableReasons      = "reasons"
	TableCanned       = "canned"
	TableSatisfaction = "satisfaction"
	TableAfterSales   = "after_sales"
	TableComplaints   = "complaints"
	TableSegments     = "segments"
	TableConversion   = "conversion"
)

// Table returns the named table of the report (empty for an unknown name).
func (r *Report) Table(name string) Table {
	t := Table{Name: name}
	add := func(cells ...string) { t.Rows = append(t.Rows, cells) }
	switch name {
	case TableDays:
		t.Columns = []string{"Date", "Conversations", "Calls"}
		for _, d := range r.Days {
			add(d.Date, itoa(d.Conversations), itoa(d.Calls))
		}
	case TableHours:
		t.Columns = []string{"Hour", "Conversations"}
		for h, n := range r.Hours {
			add(fmt.Sprintf("%02d:00", h), itoa(n))
		}
	case TableResponse:
		t.Columns = []string{"Date", "Answered", "First response median (minutes)"}
		for _, d := range r.Days {
			add(d.Date, itoa(d.Responded), minutes(d.FirstResponse))
		}
	case TableTags:
		t.Columns = []string{"Tag", "Conversations"}
		for _, c := range r.Tags {
			add(c.Name, itoa(c.Count))
		}
	case TableReasons:
		t.Columns = []string{"Reason", "Cases"}
		for _, c := range r.Reasons {
			add(c.Name, itoa(c.Count))
		}
	case TableCanned:
		t.Columns = []string{"Canned reply", "Uses", "Last used"}
		for _, c := range r.Canned {
			last := ""
			if !c.LastUsed.IsZero() {
				last = c.LastUsed.In(r.From.Location()).Format("2006-01-02 15:04")
			}
			add(c.Title, itoa(c.Uses), last)
		}
	case TableSatisfaction:
		t.Columns = []string{"Week from", "Ratings", "Average rating"}
		for _, w := range r.Satisfaction.Weeks {
			add(w.Start, itoa(w.Count), strconv.FormatFloat(w.Average, 'f', 2, 64))
		}
	case TableAfterSales:
		t.Columns = []string{"Kind", "Target (hours)", "Cases", "Decided on time", "Late", "Pending"}
		for _, k := range r.AfterSales.Kinds {
			add(string(k.Kind), strconv.FormatFloat(time.Duration(k.Target).Hours(), 'f', -1, 64),
				itoa(k.Cases), itoa(k.OnTime), itoa(k.Late), itoa(k.Pending))
		}
	case TableComplaints:
		t.Columns = []string{"Severity", "Cause", "Complaints"}
		for _, c := range r.Complaints {
			add(string(c.Severity), c.Cause, itoa(c.Count))
		}
	case TableSegments:
		t.Columns = []string{"Segment", "Currency", "Orders", "Revenue"}
		for _, s := range r.Segments {
			add(string(s.Segment), s.Currency, itoa(s.Orders), FormatMoney(s.Revenue))
		}
	case TableConversion:
		t.Columns = []string{"Prospects", "Ordered within 30 days", "Conversion"}
		add(itoa(r.Conversion.Prospects), itoa(r.Conversion.Converted), percent(r.Conversion.Rate))
	}
	return t
}

// WriteCSV writes a header and rows as CSV with a UTF-8 byte-order mark,
// so Excel and WPS open Chinese text correctly.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// FormatMoney writes minor units as a decimal amount: 12345 is "123.45".
func FormatMoney(m storage.Money) string {
	sign := ""
	v := int64(m)
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

func itoa(n int) string { return strconv.Itoa(n) }

func minutes(d Duration) string {
	return strconv.FormatFloat(time.Duration(d).Minutes(), 'f', 1, 64)
}

func percent(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }
