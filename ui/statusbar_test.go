package ui

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/shopdesk/shopdesk/mailbox/imapsync"
	"github.com/shopdesk/shopdesk/mailbox/secrets"
)

func TestStatusText(t *testing.T) {
	useEnglish(t)
	host := "imap.example.com"
	synced := time.Date(2025, 11, 20, 12, 31, 0, 0, time.Local)
	now := synced.Add(5 * time.Minute)
	err := errors.New("boom")
	tests := []struct {
		status imapsync.Status
		want   string
	}{
		{imapsync.Status{State: imapsync.StateConnecting, Host: host}, "Connecting to imap.example.com…"},
		{imapsync.Status{State: imapsync.StateSyncing, Folder: "INBOX", Done: 1200, Total: 10000, First: true}, "Syncing Inbox 1,200 / 10,000"},
		{imapsync.Status{State: imapsync.StateSyncing, Folder: "Sent"}, "Syncing Sent…"},
		{imapsync.Status{State: imapsync.StateIdle, Synced: synced}, "Up to date 12:31"},
		{imapsync.Status{State: imapsync.StateError, Host: host, Problem: imapsync.ProblemUnreachable, Err: err, RetryIn: 30 * time.Second},
			"Cannot reach imap.example.com: retrying in 30 s"},
		{imapsync.Status{State: imapsync.StateError, Host: host, Problem: imapsync.ProblemLogin, Err: err, RetryIn: 4 * time.Minute},
			"imap.example.com did not accept the user name or password: retrying in 4 min"},
		{imapsync.Status{State: imapsync.StateError, Host: host, Problem: imapsync.ProblemCertificate, Err: err, RetryIn: time.Second},
			"The security certificate of imap.example.com could not be verified: retrying in 1 s"},
		{imapsync.Status{State: imapsync.StateError, Host: host, Problem: imapsync.ProblemLost, Err: err, RetryIn: 2 * time.Second},
			"The connection to imap.example.com was lost: retrying in 2 s"},
		{imapsync.Status{State: imapsync.StateError, Problem: imapsync.ProblemNoPassword, Err: err}, "No password saved, so mail is not synced"},
		{imapsync.Status{State: imapsync.StateError, Problem: imapsync.ProblemOther, Err: err, RetryIn: 5 * time.Minute},
			"Mail sync stopped (the details are in the log): retrying in 5 min"},
	}
	for _, tt := range tests {
		if got := statusText(tt.status, now); got != tt.want {
			t.Errorf("%s/%s: %q, want %q", tt.status.State, tt.status.Problem, got, tt.want)
		}
	}

	t.Setenv("LC_ALL", "zh_CN.UTF-8")
	if err := LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	defer useEnglish(t)
	if got, want := statusText(tests[4].status, now), "无法连接 imap.example.com，30 秒后重试"; got != want {
		t.Errorf("in Chinese: %q, want %q", got, want)
	}
	if got, want := statusText(tests[1].status, now), "正在同步收件箱 1,200 / 10,000"; got != want {
		t.Errorf("in Chinese: %q, want %q", got, want)
	}
}

func TestStatusBarFollowsSync(t *testing.T) {
	h := newHarness(t, nil)
	bar := h.desk.status
	if bar.content.Visible() {
		t.Error("status bar shown before any account reported")
	}
	board := NewSyncBoard()
	var mu sync.Mutex
	now := clock
	board.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	board.Report(imapsync.Status{Account: "shop", Host: "imap.example.com", State: imapsync.StateConnecting})
	bar.follow(board)
	h.waitFor("connecting", func() bool { return slices.Equal(bar.texts(), []string{"Connecting to imap.example.com…"}) })
	if !bar.content.Visible() {
		t.Error("status bar hidden")
	}

	// A first sync shows its progress.
	board.Report(imapsync.Status{Account: "shop", State: imapsync.StateSyncing, Folder: "INBOX", Done: 500, Total: 2000, First: true})
	h.waitFor("progress", func() bool { return slices.Equal(bar.texts(), []string{"Syncing Inbox 500 / 2,000"}) })
	if v, m, ok := bar.progress(); !ok || v != 500 || m != 2000 {
		t.Errorf("progress bar %v/%v (shown %v), want 500/2000", v, m, ok)
	}
	// A second account: each line names its account.
	board.Report(imapsync.Status{Account: "outlet", Host: "mail.outlet.example", State: imapsync.StateError,
		Problem: imapsync.ProblemUnreachable, Err: errors.New("dial"), RetryIn: 8 * time.Second})
	board.Report(imapsync.Status{Account: "shop", State: imapsync.StateIdle, Synced: clock})
	want := []string{"shop · Up to date " + clock.Local().Format("15:04"), "outlet · Cannot reach mail.outlet.example: retrying in 8 s"}
	h.waitFor("two accounts", func() bool { return slices.Equal(bar.texts(), want) })
	if _, _, ok := bar.progress(); ok {
		t.Error("progress bar left after the sync")
	}
	// The retry counts down.
	mu.Lock()
	now = now.Add(3 * time.Second)
	mu.Unlock()
	want[1] = "outlet · Cannot reach mail.outlet.example: retrying in 5 s"
	h.waitFor("the countdown", func() bool { return slices.Equal(bar.texts(), want) })
	bar.stop()
	h.settle()
}

// An account with no saved password offers to take one; what the seller
// types goes to the mail workers.
func TestStatusBarAsksForAMissingPassword(t *testing.T) {
	h := newHarness(t, nil)
	// connect runs on its own goroutine, as the desk calls it.
	got := make(chan string, 1)
	h.desk.connect = func(account, password string) error {
		got <- account + ":" + password
		return nil
	}
	board := NewSyncBoard()
	h.desk.status.follow(board)
	board.Report(imapsync.Status{Account: "shop", State: imapsync.StateError, Problem: imapsync.ProblemNoPassword, Err: secrets.ErrNoKeyring})
	var button *widget.Button
	h.waitFor("the password button", func() bool {
		for _, o := range h.desk.status.box.Objects {
			if b, ok := o.(*widget.Button); ok {
				button = b
			}
		}
		return button != nil
	})
	test.Tap(button)
	var entry *widget.Entry
	var submit *widget.Button
	for _, o := range test.LaidOutObjects(h.win.Canvas().Overlays().Top()) {
		if e, ok := o.(*widget.Entry); ok && e.Password {
			entry = e
		}
		if b, ok := o.(*widget.Button); ok && b.Text == "Connect" {
			submit = b
		}
	}
	if entry == nil || submit == nil {
		t.Fatal("no password entry or Connect button in the dialog")
	}
	test.Type(entry, "s3cret")
	test.Tap(submit)
	select {
	case g := <-got:
		if g != "shop:s3cret" {
			t.Errorf("connect got %q", g)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the password was not handed over")
	}
}
