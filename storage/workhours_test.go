package storage

import (
	"testing"
	"time"
)

func TestWorkingDuration(t *testing.T) {
	weekdays := [7]bool{false, true, true, true, true, true, false} // Mon-Fri
	everyDay := [7]bool{true, true, true, true, true, true, true}
	nineToSix := WorkingHours{TimeZone: "UTC", Days: weekdays, Start: "09:00", End: "18:00"}
	shanghai := nineToSix
	shanghai.TimeZone = "Asia/Shanghai"
	newYork := nineToSix
	newYork.TimeZone = "America/New_York"
	night := WorkingHours{TimeZone: "UTC", Days: everyDay, Start: "22:00", End: "06:00"}
	roundTheClock := WorkingHours{TimeZone: "UTC", Days: weekdays, Start: "08:00", End: "08:00"}
	noDays := WorkingHours{TimeZone: "UTC", Start: "09:00", End: "18:00"}
	badTimes := WorkingHours{TimeZone: "UTC", Days: weekdays, Start: "nine", End: "18:00"}

	// 2025-11-20 is a Thursday.
	utc := func(day, h, m int) time.Time { return time.Date(2025, 11, day, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		from, to time.Time
		hours    WorkingHours
		want     time.Duration
	}{
		{"inside one day", utc(20, 10, 0), utc(20, 10, 12), nineToSix, 12 * time.Minute},
		{"before opening counts from opening", utc(20, 7, 0), utc(20, 9, 30), nineToSix, 30 * time.Minute},
		{"after closing stops at closing", utc(20, 17, 50), utc(20, 23, 0), nineToSix, 10 * time.Minute},
		{"across a night", utc(20, 17, 55), utc(21, 9, 5), nineToSix, 10 * time.Minute},
		{"across a weekend", utc(21, 17, 55), utc(24, 9, 5), nineToSix, 10 * time.Minute},
		{"written on Saturday, read Monday", utc(22, 11, 0), utc(24, 9, 10), nineToSix, 10 * time.Minute},
		{"whole week", utc(17, 0, 0), utc(24, 0, 0), nineToSix, 5 * 9 * time.Hour},
		{"to before from", utc(20, 12, 0), utc(20, 11, 0), nineToSix, 0},
		// 09:00-18:00 in Shanghai is 01:00-10:00 UTC.
		{"shop time zone", utc(20, 0, 0), utc(20, 12, 0), shanghai, 9 * time.Hour},
		{"Friday evening UTC is Saturday in Shanghai", utc(21, 10, 30), utc(21, 23, 0), shanghai, 0},
		// New York leaves daylight saving on 2 Nov 2025: 09:00 EST is 14:00 UTC.
		{"after a daylight-saving change", utc(3, 13, 0), utc(3, 15, 0), newYork, time.Hour},
		{"night shift across midnight", utc(20, 21, 0), utc(21, 7, 0), night, 8 * time.Hour},
		{"night shift opened the day before", utc(20, 1, 0), utc(20, 2, 0), night, time.Hour},
		{"start equals end: round the clock on working days", utc(21, 10, 0), utc(22, 10, 0), roundTheClock, 22 * time.Hour},
		{"start equals end: closed on days off", utc(22, 10, 0), utc(23, 10, 0), roundTheClock, 0},
		{"no working days counts every hour", utc(22, 10, 0), utc(23, 10, 0), noDays, 24 * time.Hour},
		{"unreadable hours count every hour", utc(22, 10, 0), utc(22, 11, 0), badTimes, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewWorkClock(tt.hours).Duration(tt.from, tt.to); got != tt.want {
				t.Errorf("Duration(%v, %v) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestClockMinutes(t *testing.T) {
	for s, want := range map[string]int{"09:00": 540, "8:30": 510, "00:00": 0, "24:00": 1440, " 18:05 ": 1085} {
		if got, ok := clockMinutes(s); !ok || got != want {
			t.Errorf("clockMinutes(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"", "9", "25:00", "24:30", "09:60", "ab:cd", "-1:00"} {
		if _, ok := clockMinutes(s); ok {
			t.Errorf("clockMinutes(%q) accepted", s)
		}
	}
}

func TestWorkClockAdd(t *testing.T) {
	weekdays := [7]bool{false, true, true, true, true, true, false}
	nineToSix := WorkingHours{TimeZone: "UTC", Days: weekdays, Start: "09:00", End: "18:00"}
	shanghai := nineToSix
	shanghai.TimeZone = "Asia/Shanghai"
	night := WorkingHours{TimeZone: "UTC", Days: [7]bool{true, true, true, true, true, true, true}, Start: "22:00", End: "06:00"}
	noDays := WorkingHours{TimeZone: "UTC", Start: "09:00", End: "18:00"}
	utc := func(day, h, m int) time.Time { return time.Date(2025, 11, day, h, m, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		from  time.Time
		add   time.Duration
		hours WorkingHours
		want  time.Time
	}{
		{"inside one day", utc(20, 10, 0), time.Hour, nineToSix, utc(20, 11, 0)},
		{"runs into the next morning", utc(20, 17, 30), time.Hour, nineToSix, utc(21, 9, 30)},
		{"Friday afternoon to Monday", utc(21, 17, 0), 2 * time.Hour, nineToSix, utc(24, 10, 0)},
		{"asked at night starts at opening", utc(20, 22, 0), time.Hour, nineToSix, utc(21, 10, 0)},
		{"24 working hours from Thursday end on Monday", utc(20, 10, 0), 24 * time.Hour, nineToSix, utc(24, 16, 0)},
		{"ends exactly at closing", utc(20, 17, 0), time.Hour, nineToSix, utc(20, 18, 0)},
		// Friday 18:00 Shanghai is 10:00 UTC; Monday 09:00 Shanghai is Monday 01:00 UTC.
		{"shop time zone over a weekend", utc(21, 9, 30), time.Hour, shanghai, utc(24, 1, 30)},
		{"night shift", utc(20, 5, 0), 2 * time.Hour, night, utc(20, 23, 0)},
		{"no working days counts every hour", utc(22, 10, 0), 3 * time.Hour, noDays, utc(22, 13, 0)},
		{"nothing to add", utc(22, 10, 0), 0, nineToSix, utc(22, 10, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWorkClock(tt.hours)
			got := w.Add(tt.from, tt.add)
			if !got.Equal(tt.want) {
				t.Fatalf("Add(%v, %v) = %v, want %v", tt.from, tt.add, got, tt.want)
			}
			if tt.add > 0 {
				if back := w.Duration(tt.from, got); back != tt.add {
					t.Errorf("Duration back over the span = %v, want %v", back, tt.add)
				}
			}
		})
	}
}

func TestWorkClockWorking(t *testing.T) {
	w := NewWorkClock(WorkingHours{TimeZone: "UTC", Days: [7]bool{false, true, true, true, true, true, false}, Start: "09:00", End: "18:00"})
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC), true},
		{time.Date(2025, 11, 20, 8, 59, 0, 0, time.UTC), false},
		{time.Date(2025, 11, 20, 18, 0, 0, 0, time.UTC), false},
		{time.Date(2025, 11, 22, 12, 0, 0, 0, time.UTC), false},
	} {
		if got := w.Working(tt.at); got != tt.want {
			t.Errorf("Working(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
}
