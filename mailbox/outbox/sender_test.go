package outbox

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// step is one flush after the clock moved on, and what it must leave.
type step struct {
	advance   time.Duration
	state     storage.OutboxState
	lastError string        // substring of LastError ("" for none)
	retryIn   time.Duration // for queued: NextAttempt - now
	touched   int           // items the flush reports
}

func TestFlush(t *testing.T) {
	cases := []struct {
		name     string
		script   []behaviour
		autofile bool
		steps    []step
		// what the SMTP server saw in the end
		transactions, delivered int
	}{
		{
			name:  "accepted at once",
			steps: []step{{state: storage.OutDone, touched: 1}},
			// one transaction, one message
			transactions: 1, delivered: 1,
		},
		{
			name:         "server files the copy itself",
			autofile:     true,
			steps:        []step{{state: storage.OutDone, touched: 1}},
			transactions: 1, delivered: 1,
		},
		{
			name:   "greylisted at RCPT, then accepted",
			script: []behaviour{tempRcpt},
			steps: []step{
				{state: storage.OutQueued, lastError: "RCPT TO <li.na@example.cn>: 451 4.7.1 Greylisted, please try again later", retryIn: time.Minute, touched: 1},
				{advance: 30 * time.Second, state: storage.OutQueued, retryIn: 30 * time.Second, lastError: "451"}, // not due: untouched
				{advance: 30 * time.Second, state: storage.OutDone, touched: 1},
			},
			transactions: 2, delivered: 1,
		},
		{
			name:   "4xx to the final dot twice, then accepted",
			script: []behaviour{tempData, tempData},
			steps: []step{
				{state: storage.OutQueued, lastError: "message: 451 4.3.0 Queue full, try later", retryIn: time.Minute, touched: 1},
				{advance: time.Minute, state: storage.OutQueued, lastError: "451 4.3.0", retryIn: 2 * time.Minute, touched: 1},
				{advance: 2 * time.Minute, state: storage.OutDone, touched: 1},
			},
			transactions: 3, delivered: 1,
		},
		{
			name:   "connection lost at RCPT, then accepted",
			script: []behaviour{dropRcpt},
			steps: []step{
				{state: storage.OutQueued, lastError: "RCPT TO", retryIn: time.Minute, touched: 1},
				{advance: time.Minute, state: storage.OutDone, touched: 1},
			},
			transactions: 2, delivered: 1,
		},
		{
			name:   "5xx at RCPT",
			script: []behaviour{permRcpt},
			steps: []step{
				{state: storage.OutFailed, lastError: "RCPT TO <li.na@example.cn>: 550 5.1.1 No such user here", touched: 1},
				{advance: 2 * time.Hour, state: storage.OutFailed, lastError: "550"}, // never retried
			},
			transactions: 1, delivered: 0,
		},
		{
			name:   "5xx to the final dot",
			script: []behaviour{permData},
			steps: []step{
				{state: storage.OutFailed, lastError: "message: 554 5.7.1 Message rejected as spam", touched: 1},
				{advance: 2 * time.Hour, state: storage.OutFailed, lastError: "554"},
			},
			transactions: 1, delivered: 0,
		},
		{
			name:   "connection lost after the final dot",
			script: []behaviour{dropAfterDot},
			steps: []step{
				{state: storage.OutUncertain, lastError: "may have been sent", touched: 1},
				{advance: 2 * time.Hour, state: storage.OutUncertain, lastError: "may have been sent"}, // never resent by itself
			},
			transactions: 1, delivered: 1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			f.smtp.setScript(c.script...)
			if c.autofile {
				f.smtp.autofile = f.imap.fileInSent(t, "Sent")
			}
			it := f.queue(t)

			// The store must say "sending" before the server hears MAIL,
			// and "data" before the message body goes out.
			var mu sync.Mutex
			seen := map[string]storage.OutboxState{}
			f.smtp.observe = func(phase string) {
				var cur storage.OutboxItem
				f.st.View(func(tx *storage.Tx) (err error) { cur, err = tx.OutboxItem(it.ID); return })
				mu.Lock()
				seen[phase] = cur.State
				mu.Unlock()
			}

			for i, s := range c.steps {
				f.clock.advance(s.advance)
				res := f.flush(t)
				got := f.item(t, it.ID)
				if len(res) != s.touched {
					t.Errorf("step %d: flush touched %d items, want %d", i, len(res), s.touched)
				}
				if got.State != s.state {
					t.Fatalf("step %d: state %s (%q), want %s", i, got.State, got.LastError, s.state)
				}
				if s.lastError == "" && got.LastError != "" || !strings.Contains(got.LastError, s.lastError) {
					t.Errorf("step %d: last error %q, want %q", i, got.LastError, s.lastError)
				}
				if s.state == storage.OutQueued {
					if wait := got.NextAttempt.Sub(f.clock.now()); wait != s.retryIn {
						t.Errorf("step %d: next attempt in %v, want %v", i, wait, s.retryIn)
					}
				}
			}
			transactions, delivered := f.smtp.counts(it.MessageID)
			if transactions != c.transactions || delivered != c.delivered {
				t.Errorf("server saw %d transactions and kept %d copies, want %d and %d", transactions, delivered, c.transactions, c.delivered)
			}
			if seen["mail"] != storage.OutSending {
				t.Errorf("state at MAIL %q, want sending", seen["mail"])
			}
			if _, reached := seen["data"]; reached && seen["data"] != storage.OutData {
				t.Errorf("state at DATA %q, want %q", seen["data"], storage.OutData)
			}

			final := f.item(t, it.ID)
			switch final.State {
			case storage.OutDone:
				f.checkDone(t, final, "Sent")
			default:
				// Nothing of a reply that did not (surely) go out is filed.
				if n, _ := f.imap.copies(t, "Sent", it.MessageID); n != 0 {
					t.Errorf("Sent holds %d copies of an unsent reply", n)
				}
				if ms := storedCopies(t, f.st, it.MessageID); ms != 0 {
					t.Errorf("%d stored copies of an unsent reply", ms)
				}
			}
		})
	}
}

func storedCopies(t *testing.T, st *storage.Store, messageID string) int {
	t.Helper()
	var n int
	err := st.View(func(tx *storage.Tx) error {
		ms, err := tx.MessagesByMessageID(messageID)
		n = len(ms)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
