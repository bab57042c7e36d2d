package imapsync

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/mailbox/mailtest"
)

// statusLog collects the statuses a Syncer reports.
type statusLog struct {
	mu  sync.Mutex
	all []Status
	got chan Status
}

func newStatusLog() *statusLog { return &statusLog{got: make(chan Status, 1000)} }

func (l *statusLog) report(s Status) {
	l.mu.Lock()
	l.all = append(l.all, s)
	l.mu.Unlock()
	l.got <- s
}

// waitFor returns the first status (from now on) that match accepts.
func (l *statusLog) waitFor(t *testing.T, what string, match func(Status) bool) Status {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case s := <-l.got:
			if match(s) {
				return s
			}
		case <-deadline:
			t.Fatalf("no status %s; got %+v", what, l.all)
		}
	}
}

func TestRunReportsStatus(t *testing.T) {
	srv := mailtest.StartMemServer(t, mailtest.MemServerOptions{})
	inbox, _ := shopMail(0, 30, 0)
	appendAll(t, srv, "INBOX", inbox)
	st := openStore(t)
	log := newStatusLog()
	sy := newSyncer(st, srv, srv.Addr(), Options{Status: log.report, Batch: 10})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sy.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	log.waitFor(t, "connecting", func(s Status) bool { return s.State == StateConnecting })
	p := log.waitFor(t, "INBOX progress", func(s Status) bool { return s.State == StateSyncing && s.Done > 0 })
	if p.Folder != "INBOX" || p.Total != 30 || !p.First || p.Account != "shop" || p.Host != "127.0.0.1" {
		t.Errorf("progress status = %+v, want INBOX, 30 to fetch, first sync, account shop on 127.0.0.1", p)
	}
	idle := log.waitFor(t, "idle", func(s Status) bool { return s.State == StateIdle })
	if idle.Synced.IsZero() {
		t.Error("idle status without the time of the sync")
	}
}

func TestRunReportsProblems(t *testing.T) {
	// A port that refuses: listen, note the address, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()

	srv := mailtest.StartMemServer(t, mailtest.MemServerOptions{})
	tests := []struct {
		name     string
		addr     string
		password string
		want     Problem
	}{
		{"unreachable", closed, srv.Password(), ProblemUnreachable},
		{"wrong password", srv.Addr(), "wrong", ProblemLogin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := newStatusLog()
			sy := newSyncer(openStore(t), srv, tt.addr, Options{Status: log.report})
			sy.o.Password = tt.password
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- sy.Run(ctx) }()
			defer func() {
				cancel()
				<-done
			}()
			s := log.waitFor(t, "error", func(s Status) bool { return s.State == StateError })
			if s.Problem != tt.want || s.RetryIn != time.Second || s.Err == nil {
				t.Errorf("error status = %+v, want problem %s, retry in 1s", s, tt.want)
			}
			// The next try doubles the wait.
			s = log.waitFor(t, "second error", func(s Status) bool { return s.State == StateError })
			if s.RetryIn != 2*time.Second {
				t.Errorf("second retry in %v, want 2s", s.RetryIn)
			}
		})
	}
}

func TestProblemOfConnectionLost(t *testing.T) {
	if got := problemOf(context.DeadlineExceeded, false); got != ProblemLost {
		t.Errorf("error during a sync = %s, want lost", got)
	}
	if got := problemOf(context.DeadlineExceeded, true); got != ProblemUnreachable {
		t.Errorf("timeout while connecting = %s, want unreachable", got)
	}
	if got := problemOf(errors.New("security refused"), true); got != ProblemOther {
		t.Errorf("odd error while connecting = %s, want other", got)
	}
}
