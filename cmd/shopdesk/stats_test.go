package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

func TestStatsPeriod(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2025, 11, 20, 23, 30, 0, 0, time.UTC) // already the 21st in the shop
	day := func(d int) time.Time { return time.Date(2025, 11, d, 0, 0, 0, 0, loc) }
	cases := []struct {
		from, to         string
		wantFrom, wantTo time.Time
		err              string
	}{
		{"", "", day(22).AddDate(0, 0, -30), day(22), ""},
		{"2025-11-01", "2025-11-07", day(1), day(8), ""},
		{"2025-11-07", "2025-11-07", day(7), day(8), ""},
		{"", "2025-11-10", day(11).AddDate(0, 0, -30), day(11), ""},
		{"2025-11-08", "2025-11-07", time.Time{}, time.Time{}, "after"},
		{"11/01/2025", "", time.Time{}, time.Time{}, "YYYY-MM-DD"},
	}
	for _, c := range cases {
		from, to, err := statsPeriod(c.from, c.to, now, loc)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("(%q, %q): error %v, want one saying %q", c.from, c.to, err, c.err)
			}
			continue
		}
		if err != nil || !from.Equal(c.wantFrom) || !to.Equal(c.wantTo) {
			t.Errorf("(%q, %q) = %v, %v, %v; want %v, %v", c.from, c.to, from, to, err, c.wantFrom, c.wantTo)
		}
	}
}

func TestStatsCommand(t *testing.T) {
	dir := t.TempDir()
	st, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("", 0)
	err = st.Update(func(tx *storage.Tx) error {
		set := storage.DefaultSettings()
		set.Hours.TimeZone = "UTC"
		if err := tx.SaveSettings(set); err != nil {
			return err
		}
		c := storage.Customer{Name: "张伟"}
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		// Monday 17 November: answered in 4 and 12 working minutes.
		for _, mins := range []int{4, 12} {
			in := time.Date(2025, 11, 17, 10, 0, 0, 0, loc)
			cv := storage.Conversation{CustomerID: c.ID, Subject: "退货", Status: storage.StatusWaiting, Tags: []string{"退货"},
				FirstInbound: in, FirstResponse: in.Add(time.Duration(mins) * time.Minute), LastInbound: in}
			if err := tx.SaveConversation(&cv); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	code, out, errOut := shopdesk(t, dir, "stats", "--json", "--from", "2025-11-17", "--to", "2025-11-23")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r struct {
		Conversations int `json:"conversations"`
		FirstResponse struct {
			Median int `json:"median_seconds"`
		} `json:"first_response"`
		WithinTarget float64 `json:"within_target"`
		Days         []any   `json:"days"`
		Conversion   struct {
			Prospects int `json:"prospects"`
		} `json:"conversion"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if r.Conversations != 2 || r.FirstResponse.Median != 8*60 || r.WithinTarget != 0.5 || len(r.Days) != 7 || r.Conversion.Prospects != 1 {
		t.Errorf("figures = %+v", r)
	}

	code, out, errOut = shopdesk(t, dir, "stats", "--from", "2025-11-17", "--to", "2025-11-23")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"2025-11-17 to 2025-11-23 (7 days)", "First response, median           8m", "Answered within 10m              50.0%", "退货"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	code, _, errOut = shopdesk(t, dir, "stats", "--from", "17.11.2025")
	if code != exitUsage || !strings.Contains(errOut, "YYYY-MM-DD") {
		t.Errorf("bad date: exit %d, %q", code, errOut)
	}
}
