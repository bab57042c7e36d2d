package storage

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CallOutcomes lists the outcomes in the order the UI offers them.
var CallOutcomes = []CallOutcome{CallResolved, CallFollowUp, CallNoAnswer, CallEscalated, CallComplaint}

// ErrBadDuration is returned for a call length that cannot be read.
var ErrBadDuration = errors.New(`a call length is like "5m", "1:30", "90s" or "1h5m"`)

// maxCallLength bounds a typed call length: longer is a typing mistake.
const maxCallLength = 12 * time.Hour

// ParseCallDuration reads a call's length as a seller types it: "5m",
// "90s", "1h5m", "1:30" (minutes:seconds), "1:02:03", "5 分钟", or a bare
// number of minutes.
func ParseCallDuration(s string) (time.Duration, error) {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	for _, r := range []struct{ from, to string }{
		{"小时", "h"}, {"分钟", "m"}, {"分", "m"}, {"秒", "s"}, {"mins", "m"}, {"min", "m"}, {"secs", "s"}, {"sec", "s"}, {"hrs", "h"}, {"hr", "h"},
	} {
		s = strings.ReplaceAll(s, r.from, r.to)
	}
	if s == "" {
		return 0, fmt.Errorf("empty call length: %w", ErrBadDuration)
	}
	var d time.Duration
	switch {
	case strings.Contains(s, ":"):
		parts := strings.Split(s, ":")
		if len(parts) > 3 {
			return 0, fmt.Errorf("call length %q: %w", s, ErrBadDuration)
		}
		for i, p := range parts {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || (i > 0 && n > 59) {
				return 0, fmt.Errorf("call length %q: %w", s, ErrBadDuration)
			}
			d = d*60 + time.Duration(n)
		}
		d *= time.Second
	default:
		if n, err := strconv.Atoi(s); err == nil {
			d = time.Duration(n) * time.Minute
			break
		}
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("call length %q: %w", s, ErrBadDuration)
		}
	}
	if d < 0 || d > maxCallLength {
		return 0, fmt.Errorf("call length %q: %w", s, ErrBadDuration)
	}
	return d, nil
}

// FormatCallDuration writes a length the way ParseCallDuration reads it
// back: "5:00", "1:02:03".
func FormatCallDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// ParseCallOutcome reads an outcome's name ("no_answer", "no-answer").
func ParseCallOutcome(s string) (CallOutcome, bool) {
	o := CallOutcome(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_"))
	for _, x := range CallOutcomes {
		if x == o {
			return o, true
		}
	}
	return "", false
}

// ParseSeverity reads a complaint severity (low, medium, high, or 低/中/高).
func ParseSeverity(s string) (Severity, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "low", "低":
		return SeverityLow, true
	case "medium", "中":
		return SeverityMedium, true
	case "high", "高":
		return SeverityHigh, true
	}
	return "", false
}

// RatingFromWord reads a rating given as a digit 1-5 or a word
// (satisfied, neutral, dissatisfied, 满意, 一般, 不满意).
func RatingFromWord(s string) (int, bool) {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return n, n >= 1 && n <= 5
	}
	return ParseRating(s)
}
