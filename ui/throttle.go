package ui

import (
	"sync"
	"time"
)

// throttle runs fn at most once per interval, however often it is
// triggered: a burst of store events becomes one reload. A trigger while
// fn runs schedules one more run afterwards, so the last change is never
// missed. Runs never overlap, which keeps loads applied in order.
type throttle struct {
	every time.Duration
	fn    func()

	mu      sync.Mutex
	last    time.Time // when the latest run started
	busy    bool      // a run is scheduled or running
	again   bool      // triggered while running
	stopped bool
}

func newThrottle(every time.Duration, fn func()) *throttle {
	return &throttle{every: every, fn: fn}
}

// Trigger asks for a run; it returns at once and is safe from any goroutine.
func (t *throttle) Trigger() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	if t.busy {
		t.again = true
		return
	}
	t.busy = true
	time.AfterFunc(max(0, t.every-time.Since(t.last)), t.run)
}

// Stop drops pending runs; a run already under way finishes.
func (t *throttle) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
}

func (t *throttle) run() {
	t.mu.Lock()
	if t.stopped {
		t.mu.Unlock()
		return
	}
	t.again = false
	t.last = time.Now()
	t.mu.Unlock()

	t.fn()

	t.mu.Lock()
	defer t.mu.Unlock()
	if t.again && !t.stopped {
		t.again = false
		time.AfterFunc(max(0, t.every-time.Since(t.last)), t.run)
		return
	}
	t.busy = false
}
