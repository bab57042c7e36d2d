package ui

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/stats"
)

// insightChart is one chart of the insights screen and the table behind it.
type insightChart struct {
	table  string // the stats table its CSV export writes
	title  func() string
	points func(*stats.Report) []chartPoint
	chart  *chart
	empty  *widget.Label // "nothing in this period"; main goroutine only
}

// insightCharts are the screen's charts, in the order shown.
func insightCharts() []*insightChart {
	// Axis lines may fall between whole numbers (half of 3).
	count := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	minutes := func(v float64) string {
		if v == 0 {
			return "0"
		}
		return spanText(stats.Duration(v*float64(time.Minute)), 1)
	}
	percent := func(v float64) string { return percentText(v) }
	money := func(v float64) string { return stats.FormatMoney(storage.Money(v)) }
	rating := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	day := func(d string) string {
		if t, err := time.Parse(time.DateOnly, d); err == nil {
			return t.Format("01-02")
		}
		return d
	}
	counts := func(cs []stats.Count) []chartPoint {
		pts := make([]chartPoint, 0, len(cs))
		for _, c := range cs {
			pts = append(pts, chartPoint{label: oneLine(c.Name), value: float64(c.Count)})
		}
		return pts
	}
	return []*insightChart{
		{table: stats.TableDays, title: func() string { return lang.L("Conversations per day") }, chart: newChart(chartBars, count),
			points: func(r *stats.Report) []chartPoint {
				var pts []chartPoint
				for _, d := range r.Days {
					pts = append(pts, chartPoint{label: day(d.Date), value: float64(d.Conversations)})
				}
				return pts
			}},
		{table: stats.TableHours, title: func() string { return lang.L("Conversations by hour of day") }, chart: newChart(chartBars, count),
			points: func(r *stats.Report) []chartPoint {
				var pts []chartPoint
				for h, n := range r.Hours {
					pts = append(pts, chartPoint{label: fmt.Sprintf("%02d", h), value: float64(n)})
				}
				return pts
			}},
		{table: stats.TableResponse, title: func() string { return lang.L("First response per day (median, working hours)") }, chart: newChart(chartLine, minutes),
			points: func(r *stats.Report) []chartPoint {
				var pts []chartPoint
				for _, d := range r.Days {
					pts = append(pts, chartPoint{label: day(d.Date), value: time.Duration(d.FirstResponse).Minutes(), none: d.Responded == 0})
				}
				return pts
			}},
		{table: stats.TableDays, title: func() string { return lang.L("Calls per day") }, chart: newChart(chartBars, count),
			points: func(r *stats.Report) []chartPoint {
				var pts []chartPoint
				for _, d := range r.Days {
					pts = append(pts, chartPoint{label: day(d.Date), value: float64(d.Calls)})
				}
				return pts
			}},
		{table: stats.TableTags, title: func() string { return lang.L("Top tags") }, chart: newChart(chartHBars, count),
			points: func(r *stats.Report) []chartPoint { return counts(r.Tags) }},
		{table: stats.TableReasons, title: func() string { return lang.L("Top after-sales reasons") }, chart: newChart(chartHBars, count),
			points: func(r *stats.Report) []chartPoint { return counts(r.Reasons) }},
		{table: stats.TableCanned, title: func() string { return lang.L("Canned replies used (all time)") }, chart: newChart(chartHBars, count),
			points: func(r *stats.Report) []chartPoint {
				var pts []chartPoint
				for i, c := range r.Canned {
					if i == 10 {
						break
					}
					pts = append(pts, chartPoint{label: oneLine(c.Title), value: float64(c.Uses)})
				}
				return pts
			}},
		{table: stats.TableSatisfaction, title: func() string { return lang.L("Average satisfaction by week") }, chart: newChart(chartLine, rating),
			points: func(r *stats.Report) []chartPoint {
				var pts []chartPoint
				for _, w := range r.Satisfaction.Weeks {
					pts = append(pts, chartPoint{label: day(w.Start), value: w.Average})
				}
				return pts
			}},
		{table: stats.TableAfterSales, title: func() string { return lang.L("After-sales cases decided on time") }, chart: newChart(chartHBars, percent),
			points: func(r *stats.Report) []chartPoint {
				var pts []chartPoint
				for _, k := range r.AfterSales.Kinds {
					if decided := k.OnTime + k.Late; decided > 0 {
						pts = append(pts, chartPoint{label: caseKindName(k.Kind), value: float64(k.OnTime) / float64(decided)})
					}
				}
				return pts
			}},
		{table: stats.TableComplaints, title: func() string { return lang.L("Complaints by severity and cause") }, chart: newChart(chartHBars, count),
			points: func(r *stats.Report) []chartPoint {
				var pts []chartPoint
				for _, c := range r.Complaints {
					pts = append(pts, chartPoint{label: complaintLabel(c), value: float64(c.Count)})
				}
				return pts
			}},
		{table: stats.TableSegments, title: func() string { return lang.L("Revenue by customer segment") }, chart: newChart(chartHBars, money),
			points: func(r *stats.Report) []chartPoint {
				var pts []chartPoint
				for _, s := range r.Segments {
					label := lang.L("{{.Segment}} ({{.Currency}}) · orders: {{.Orders}}", map[string]any{
						"Segment": segmentName(s.Segment), "Currency": s.Currency, "Orders": s.Orders})
					pts = append(pts, chartPoint{label: label, value: float64(s.Revenue), shown: formatMoney(s.Revenue, s.Currency)})
				}
				return pts
			}},
	}
}

func complaintLabel(c stats.Complaint) string {
	sev := lang.L("Severity not set")
	if c.Severity != "" {
		sev = severityName(c.Severity)
	}
	cause := c.Cause
	if cause == "" {
		cause = lang.L("cause not tagged")
	}
	return sev + " · " + oneLine(cause)
}

// exportTable is a stats table as the seller reads it: headings and
// kinds in the UI's language.
func exportTable(r *stats.Report, name string) (header []string, rows [][]string) {
	t := r.Table(name)
	for _, c := range t.Columns {
		header = append(header, columnName(c))
	}
	for _, row := range t.Rows {
		row = append([]string(nil), row...)
		switch name {
		case stats.TableAfterSales:
			row[0] = caseKindName(storage.CaseKind(row[0]))
		case stats.TableComplaints:
			if row[0] != "" {
				row[0] = severityName(storage.Severity(row[0]))
			}
		case stats.TableSegments:
			row[0] = segmentName(storage.Segment(row[0]))
		}
		rows = append(rows, row)
	}
	return header, rows
}

// chooseExport asks where to save a chart's rows as CSV.
func (s *insightsScreen) chooseExport(table string) {
	r := s.data.report
	if r == nil {
		return
	}
	header, rows := exportTable(r, table)
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			s.d.log.WithError(err).Error("Choose where to export insights")
			return
		}
		if w == nil {
			return // the seller cancelled
		}
		path := w.URI().Path()
		w.Close()
		go func() {
			err := writeCSVFile(path, header, rows)
			if err != nil {
				s.d.log.WithError(err).WithField("file", path).Error("Export insights")
			}
			s.d.do(func() {
				if err != nil {
					dialog.ShowError(errors.New(lang.L("The file could not be written. The details are in the log.")), s.d.win)
				}
			})
		}()
	}, s.d.win)
	last := r.To.AddDate(0, 0, -1)
	dlg.SetFileName(fmt.Sprintf("shopdesk-%s-%s-%s.csv", table, r.From.Format("20060102"), last.Format("20060102")))
	dlg.Resize(fyne.NewSize(700, 500))
	dlg.Show()
}

// writeCSVFile writes the rows as a CSV file only the seller can read
// (customer data), with a byte-order mark for Excel and WPS.
func writeCSVFile(path string, header []string, rows [][]string) error {
	var buf bytes.Buffer
	if err := stats.WriteCSV(&buf, header, rows); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The save dialog may have made the file already, with looser rights.
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("restrict %s: %w", path, err)
	}
	return nil
}

// columnName translates a stats table's column caption.
func columnName(c string) string {
	switch c {
	case "Date":
		return lang.L("Date")
	case "Conversations":
		return lang.L("Conversations")
	case "Calls":
		return lang.L("Calls")
	case "Hour":
		return lang.L("Hour")
	case "Answered":
		return lang.L("Answered")
	case "First response median (minutes)":
		return lang.L("First response median (minutes)")
	case "Tag":
		return lang.L("Tag")
	case "Reason":
		return lang.L("Reason")
	case "Cases":
		return lang.L("Cases")
	case "Canned reply":
		return lang.L("Canned reply")
	case "Uses":
		return lang.L("Uses")
	case "Last used":
		return lang.L("Last used")
	case "Week from":
		return lang.L("Week from")
	case "Ratings":
		return lang.L("Ratings")
	case "Average rating":
		return lang.L("Average rating")
	case "Kind":
		return lang.L("Kind")
	case "Target (hours)":
		return lang.L("Target (hours)")
	case "Decided on time":
		return lang.L("Decided on time")
	case "Late":
		return lang.L("Late")
	case "Pending":
		return lang.L("Pending")
	case "Severity":
		return lang.L("Severity")
	case "Cause":
		return lang.L("Cause")
	case "Complaints":
		return lang.L("Complaints")
	case "Segment":
		return lang.L("Segment")
	case "Currency":
		return lang.L("Currency")
	case "Orders":
		return lang.L("Orders")
	case "Revenue":
		return lang.L("Revenue")
	case "Prospects":
		return lang.L("Prospects")
	case "Ordered within 30 days":
		return lang.L("Ordered within 30 days")
	case "Conversion":
		return lang.L("Conversion")
	}
	return c
}
