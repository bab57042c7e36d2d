package ui

import (
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		amount   storage.Money
		currency string
		want     string
	}{
		{12850, "CNY", "¥128.50"},
		{5, "usd", "$0.05"},
		{-1999, "EUR", "-€19.99"},
		{123456789, "GBP", "£1,234,567.89"},
		{1500, "JPY", "JP¥1,500"},
		{12345, "KWD", "KWD 12.345"},
		{1999, "SEK", "SEK 19.99"},
		{100000, "", "1,000.00"},
		{0, "CNY", "¥0.00"},
	}
	for _, tt := range tests {
		if got := formatMoney(tt.amount, tt.currency); got != tt.want {
			t.Errorf("formatMoney(%d, %q) = %q, want %q", tt.amount, tt.currency, got, tt.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	useEnglish(t)
	tests := []struct {
		d    time.Duration
		want string
	}{
		{30 * time.Second, "less than a minute"},
		{time.Minute, "1 min"},
		{59 * time.Minute, "59 min"},
		{2 * time.Hour, "2 h"},
		{2*time.Hour + 5*time.Minute, "2 h 5 min"},
		{48 * time.Hour, "2 d"},
		{50*time.Hour + 30*time.Minute, "2 d 2 h"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.d); got != tt.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestThrottleCoalescesBursts(t *testing.T) {
	runs := make(chan struct{}, 100)
	th := newThrottle(50*time.Millisecond, func() { runs <- struct{}{} })
	defer th.Stop()
	for range 50 {
		th.Trigger()
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(runs); n < 1 || n > 2 {
		t.Errorf("a burst of 50 triggers ran %d times, want 1 or 2", n)
	}
}
