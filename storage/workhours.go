package storage

import (
	"strconv"
	"strings"
	"time"
)

// WorkClock measures time in the shop's working hours: response clocks,
// follow-up procedures and after-sales targets do not run at night or on
// days off. It is WorkingHours read once (the time zone loaded, the times
// parsed), for clocks drawn many times a minute.
//
// Each working day d opens at d's Start in the shop's time zone and
// closes at End; an End at or before Start closes the next day (a night
// shift, or round the clock when they are equal). Hours that cannot be
// read, or a week without a working day, count every hour: a clock that
// never runs would hide a waiting customer.
type WorkClock struct {
	always     bool // count every hour
	start, end int  // minutes past midnight
	days       [7]bool
	loc        *time.Location
}

// NewWorkClock reads the shop's working hours.
func NewWorkClock(h WorkingHours) WorkClock {
	start, okStart := clockMinutes(h.Start)
	end, okEnd := clockMinutes(h.End)
	anyDay := false
	for _, d := range h.Days {
		anyDay = anyDay || d
	}
	return WorkClock{always: !okStart || !okEnd || !anyDay, start: start, end: end, days: h.Days, loc: shopLocation(h.TimeZone)}
}

// Duration is how much of [from, to) falls in working hours.
func (w WorkClock) Duration(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if w.always {
		return to.Sub(from)
	}
	// A window opening the day before from may still be open at from.
	day := midnight(from.In(w.loc).AddDate(0, 0, -1), w.loc)
	var total time.Duration
	for !day.After(to) {
		if w.days[day.Weekday()] {
			open := at(day, w.start, w.loc)
			closeDay := day
			if w.end <= w.start {
				closeDay = day.AddDate(0, 0, 1)
			}
			shut := at(closeDay, w.end, w.loc)
			if s, e := later(open, from), earlier(shut, to); e.After(s) {
				total += e.Sub(s)
			}
		}
		day = midnight(day.AddDate(0, 0, 1), w.loc)
	}
	return total
}

// Add is the instant at which d of working time has passed since from:
// the due time of "within 24 working hours". A clock that counts every
// hour adds plainly.
func (w WorkClock) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	if w.always {
		return from.Add(d)
	}
	day := midnight(from.In(w.loc).AddDate(0, 0, -1), w.loc)
	left := d
	// A year of days bounds the walk; a week always has a working day here.
	for i := 0; i < 400; i++ {
		if w.days[day.Weekday()] {
			open := at(day, w.start, w.loc)
			closeDay := day
			if w.end <= w.start {
				closeDay = day.AddDate(0, 0, 1)
			}
			shut := at(closeDay, w.end, w.loc)
			if s := later(open, from); shut.After(s) {
				if avail := shut.Sub(s); avail >= left {
					return s.Add(left)
				} else {
					left -= avail
				}
			}
		}
		day = midnight(day.AddDate(0, 0, 1), w.loc)
	}
	return from.Add(d)
}

// Working reports whether t falls inside working hours.
func (w WorkClock) Working(t time.Time) bool {
	return w.Duration(t, t.Add(time.Minute)) > 0
}

func midnight(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// at is the time minutes past midnight on day, in loc (daylight-saving
// shifts move the wall clock, not the count of minutes).
func at(day time.Time, minutes int, loc *time.Location) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, minutes/60, minutes%60, 0, 0, loc)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// clockMinutes reads "HH:MM" (24-hour) as minutes past midnight.
func clockMinutes(s string) (int, bool) {
	hh, mm, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// shopLocation is the shop's time zone; an empty, "Local" or unknown name
// is this computer's.
func shopLocation(name string) *time.Location {
	if name == "" || name == "Local" {
		return time.Local
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.Local
	}
	return loc
}
