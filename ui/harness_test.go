package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"github.com/shopdesk/shopdesk/storage"
)

// clock is the fixed "now" of the UI tests.
var clock = time.Date(2025, 11, 20, 10, 0, 0, 0, time.UTC)

// harness runs a desk on a real on-disk store. UI work that the desk
// hands to its dispatcher is queued and run on the test goroutine, which
// plays the main goroutine: widgets are only ever touched from here.
type harness struct {
	t     *testing.T
	app   fyne.App
	win   fyne.Window
	store *storage.Store
	desk  *Desk
	queue chan func()
	done  chan struct{}
	logs  *logtest.Hook
}

// newHarness opens a store, lets seed fill it, and builds the desk.
func newHarness(t *testing.T, seed func(*storage.Tx) error) *harness {
	t.Helper()
	useEnglish(t)
	h := &harness{t: t, app: test.NewTempApp(t), queue: make(chan func(), 256), done: make(chan struct{})}
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	h.store = st
	if seed != nil {
		if err := st.Update(seed); err != nil {
			t.Fatalf("seed store: %v", err)
		}
	}
	h.build()
	return h
}

// build makes a new desk on the harness's app and store, as a restart would.
func (h *harness) build() {
	log, hook := logtest.NewNullLogger()
	h.logs = hook
	h.win = h.app.NewWindow("Shopdesk")
	do := func(fn func()) {
		select {
		case h.queue <- fn:
		case <-h.done:
		}
	}
	h.desk = newDesk(h.app, h.win, h.store, log, do, func() time.Time { return clock })
	d, w := h.desk, h.win
	h.t.Cleanup(func() {
		d.Close()
		w.Close()
	})
	h.t.Cleanup(func() {
		for _, e := range hook.AllEntries() {
			h.t.Errorf("logged: %s %v", e.Message, e.Data)
		}
	})
}

// waitFor runs queued UI work until cond holds.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for !cond() {
		select {
		case fn := <-h.queue:
			fn()
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// settle runs queued UI work until none arrives for a while.
func (h *harness) settle() {
	for {
		select {
		case fn := <-h.queue:
			fn()
		case <-time.After(3 * reloadEvery):
			return
		}
	}
}

// update writes to the store from the test goroutine.
func (h *harness) update(fn func(*storage.Tx) error) {
	h.t.Helper()
	if err := h.store.Update(fn); err != nil {
		h.t.Fatalf("update store: %v", err)
	}
}

// showPage selects the navigation entry with the ID.
func (h *harness) showPage(id string) *page {
	h.t.Helper()
	for i, p := range h.desk.pages {
		if p.id == id {
			h.desk.nav.Select(i)
			return p
		}
	}
	h.t.Fatalf("no page %q", id)
	return nil
}

// useEnglish makes lang pick English whatever the machine's locale.
func useEnglish(t *testing.T) {
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	if err := LoadTranslations(); err != nil {
		t.Fatal(err)
	}
}
