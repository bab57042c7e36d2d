package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/stats"
)

// defaultStatsDays is the period stats covers when none is given.
const defaultStatsDays = 30

// statsCmd prints the desk's figures for a period of whole days in the
// shop's time zone: --from and --to are both included.
func (e *env) statsCmd(args []string) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print the figures as one JSON object")
	fromArg := fs.String("from", "", "first day, YYYY-MM-DD (default: 30 days before --to)")
	toArg := fs.String("to", "", "last day, YYYY-MM-DD (default: today)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"usage: shopdesk stats [--json] [--from YYYY-MM-DD] [--to YYYY-MM-DD]"}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var r *stats.Report
	var set storage.Settings
	err = st.View(func(tx *storage.Tx) error {
		var err error
		if set, err = tx.Settings(); err != nil {
			return err
		}
		from, to, err := statsPeriod(*fromArg, *toArg, time.Now(), set.Hours.Location())
		if err != nil {
			return err
		}
		r, err = stats.Compute(tx, from, to, set, time.Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("stats: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return printStats(e.stdout, r)
}

// statsPeriod turns the day arguments into the instants [from, to).
func statsPeriod(fromArg, toArg string, now time.Time, loc *time.Location) (time.Time, time.Time, error) {
	day := func(flagName, s string) (time.Time, error) {
		t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), loc)
		if err != nil {
			return t, usageError{fmt.Sprintf("--%s %q: give a date as YYYY-MM-DD, such as 2025-11-01", flagName, s)}
		}
		return t, nil
	}
	y, m, d := now.In(loc).Date()
	last := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if toArg != "" {
		var err error
		if last, err = day("to", toArg); err != nil {
			return last, last, err
		}
	}
	to := last.AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -defaultStatsDays)
	if fromArg != "" {
		var err error
		if from, err = day("from", fromArg); err != nil {
			return from, to, err
		}
	}
	if !from.Before(to) {
		return from, to, usageError{fmt.Sprintf("--from %s is after --to %s", from.Format(time.DateOnly), last.Format(time.DateOnly))}
	}
	return from, to, nil
}

func printStats(w io.Writer, r *stats.Report) error {
	var buf bytes.Buffer
	defer func() {
		// Cells padded for an empty last column leave trailing blanks.
		for _, line := range strings.SplitAfter(buf.String(), "\n") {
			io.WriteString(w, strings.TrimRight(line, " \n")+strings.Repeat("\n", strings.Count(line, "\n")))
		}
	}()
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	row := func(cells ...string) { fmt.Fprintln(tw, strings.Join(cells, "\t")) }
	// Figure lines always have three cells, so tabwriter aligns them as one block.
	figure := func(name, value string, note ...string) { row(name, value, strings.Join(note, "")) }
	last := r.To.AddDate(0, 0, -1)
	fmt.Fprintf(tw, "Shopdesk figures %s to %s (%d days)\n\n", r.From.Format(time.DateOnly), last.Format(time.DateOnly), len(r.Days))
	figure("Conversations", fmt.Sprint(r.Conversations))
	figure("First response, median", times(r.FirstResponse.Median, r.FirstResponse.Count), "in working hours")
	figure("First response, 90th percentile", times(r.FirstResponse.P90, r.FirstResponse.Count))
	figure("Answered within "+duration(r.Target), pct(r.WithinTarget))
	figure("Resolution time, median", times(r.Resolution.Median, r.Resolution.Count), "in working hours")
	figure("Resolution rate", pct(r.ResolutionRate), fmt.Sprintf("%d of %d closed", r.Resolved, r.Conversations))
	var peaks []string
	for _, h := range r.PeakHours {
		peaks = append(peaks, fmt.Sprintf("%02d:00", h))
	}
	figure("Peak hours", orNone(strings.Join(peaks, ", ")))
	figure("Calls", fmt.Sprint(r.Calls))
	f := r.FollowUps
	figure("Follow-ups done on time", fmt.Sprint(f.OnTime), fmt.Sprintf("%d late, %d overdue, %d not yet due", f.Late, f.Overdue, f.Pending))
	s := r.Satisfaction
	if s.Count > 0 {
		figure("Satisfaction", fmt.Sprintf("%.1f of 5", s.Average), fmt.Sprintf("%d ratings", s.Count))
	} else {
		figure("Satisfaction", "-", "no ratings")
	}
	a := r.AfterSales
	figure("After-sales decided on time", pct(a.Share), fmt.Sprintf("%d of %d decided; %d still within the target", a.OnTime, a.OnTime+a.Late, a.Pending))
	c := r.Conversion
	figure("Inquiry-to-order conversion", pct(c.Rate), fmt.Sprintf("%d of %d prospects ordered within 30 days", c.Converted, c.Prospects))
	g := r.Forgotten
	figure("Customers forgotten on request", fmt.Sprint(g.Customers), fmt.Sprintf("with %d conversations, %d messages, %d orders (in the months of the period)", g.Conversations, g.Messages, g.Orders))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, name := range []string{stats.TableDays, stats.TableTags, stats.TableReasons, stats.TableCanned,
		stats.TableComplaints, stats.TableSegments, stats.TableSatisfaction} {
		t := r.Table(name)
		if len(t.Rows) == 0 {
			continue
		}
		fmt.Fprintf(tw, "\n%s\n", statsTitles[name])
		row(strings.Join(t.Columns, "\t"))
		for _, cells := range t.Rows {
			if name == stats.TableDays && cells[1] == "0" && cells[2] == "0" {
				continue // quiet days: the JSON has every day
			}
			row(cells...)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

var statsTitles = map[string]string{
	stats.TableDays:         "Busy days",
	stats.TableTags:         "Top tags",
	stats.TableReasons:      "Top after-sales reasons",
	stats.TableCanned:       "Canned replies used (all time)",
	stats.TableComplaints:   "Complaints",
	stats.TableSegments:     "Orders by customer segment",
	stats.TableSatisfaction: "Satisfaction by week",
}

// times writes a measured span, or a dash when nothing was measured.
func times(d stats.Duration, n int) string {
	if n == 0 {
		return "-"
	}
	return duration(d)
}

// duration writes a span the way a seller reads it: 8m, 3h 20m, 2d 4h.
func duration(d stats.Duration) string {
	t := time.Duration(d).Round(time.Minute)
	switch {
	case t == 0 && d > 0:
		return "<1m"
	case t < time.Hour:
		return fmt.Sprintf("%dm", int(t.Minutes()))
	case t < 24*time.Hour:
		return fmt.Sprintf("%dh %02dm", int(t.Hours()), int(t.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh", int(t.Hours())/24, int(t.Hours())%24)
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", f*100) }

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
