package storage

import (
	"fmt"
	"time"
	"unicode"
)

// Holiday is a day the shop greets its customers on. Date is the civil
// date at midnight UTC; Chinese says whose calendar it belongs to.
type Holiday struct {
	Key     string // stable: spring_festival, christmas, ...
	Date    time.Time
	Chinese bool
}

// lunarDays are the Gregorian dates of the lunar holidays, which no simple
// formula gives: Spring Festival (正月初一), Dragon Boat (五月初五), Qixi
// (七月初七) and Mid-Autumn (八月十五), month and day. Lantern Festival is
// always 14 days after Spring Festival.
var lunarDays = map[int][4][2]int{
	2025: {{1, 29}, {5, 31}, {8, 29}, {10, 6}},
	2026: {{2, 17}, {6, 19}, {8, 19}, {9, 25}},
	2027: {{2, 6}, {6, 9}, {8, 8}, {9, 15}},
	2028: {{1, 26}, {5, 28}, {8, 26}, {10, 3}},
	2029: {{2, 13}, {6, 16}, {8, 16}, {9, 22}},
	2030: {{2, 3}, {6, 5}, {8, 5}, {9, 12}},
	2031: {{1, 23}, {6, 24}, {8, 24}, {10, 1}},
	2032: {{2, 11}, {6, 12}, {8, 12}, {9, 19}},
}

// Holidays lists the year's holidays, Chinese and Western, by date. The
// lunar ones are known for 2025-2032; other years have only the fixed and
// computed ones.
func Holidays(year int) []Holiday {
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, time.UTC) }
	hs := []Holiday{
		{"national_day", d(time.October, 1), true},
		{"double_11", d(time.November, 11), true},
		{"new_year", d(time.January, 1), false},
		{"valentine", d(time.February, 14), false},
		{"easter", Easter(year), false},
		{"mothers_day", nthWeekday(year, time.May, time.Sunday, 2), false},
		{"thanksgiving", nthWeekday(year, time.November, time.Thursday, 4), false},
		{"black_friday", nthWeekday(year, time.November, time.Thursday, 4).AddDate(0, 0, 1), false},
		{"christmas", d(time.December, 25), false},
	}
	if l, ok := lunarDays[year]; ok {
		spring := d(time.Month(l[0][0]), l[0][1])
		hs = append(hs,
			Holiday{"spring_festival", spring, true},
			Holiday{"lantern", spring.AddDate(0, 0, 14), true},
			Holiday{"dragon_boat", d(time.Month(l[1][0]), l[1][1]), true},
			Holiday{"qixi", d(time.Month(l[2][0]), l[2][1]), true},
			Holiday{"mid_autumn", d(time.Month(l[3][0]), l[3][1]), true},
		)
	}
	sortHolidays(hs)
	return hs
}

func sortHolidays(hs []Holiday) {
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hs[j].Date.Before(hs[j-1].Date); j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}

// Easter is Western Easter Sunday of the year (the Gregorian computus).
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}

// nthWeekday is the n-th weekday wd of the month (Mother's Day: the
// second Sunday of May).
func nthWeekday(year int, m time.Month, wd time.Weekday, n int) time.Time {
	first := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
	off := (int(wd) - int(first.Weekday()) + 7) % 7
	return first.AddDate(0, 0, off+7*(n-1))
}

// prefersChinese decides which holidays a customer is greeted on: by
// their language, else by whether their name is written in Chinese.
func prefersChinese(c *Customer) bool {
	if c.Language != "" {
		return len(c.Language) >= 2 && c.Language[:2] == "zh"
	}
	for _, r := range c.Name {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// careLookahead is how far ahead care follow-ups are planned (today and
// the next three days), so a greeting due after a weekend is on the list
// before it.
const careLookahead = 4 * 24 * time.Hour

// birthdayIn is the customer's birthday falling in [from, to) (civil
// dates in loc), if any. Birthday is YYYY-MM-DD or --MM-DD.
func birthdayIn(birthday string, from, to time.Time, loc *time.Location) (time.Time, bool) {
	var m, d int
	if _, err := fmt.Sscanf(birthday, "--%02d-%02d", &m, &d); err != nil {
		var y int
		if _, err := fmt.Sscanf(birthday, "%04d-%02d-%02d", &y, &m, &d); err != nil {
			return time.Time{}, false
		}
	}
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	f := from.In(loc)
	for _, y := range []int{f.Year(), f.Year() + 1} {
		day := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
		if day.Month() != time.Month(m) { // 29 February in a common year: the 28th
			day = time.Date(y, time.Month(m), d-1, 0, 0, 0, 0, loc)
		}
		if !day.Before(midnight(f, loc)) && day.Before(to) {
			return day, true
		}
	}
	return time.Time{}, false
}
