package main

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox/imapsync"
	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/mailbox/secrets"
	"github.com/shopdesk/shopdesk/storage"
)

// statuses keeps the last status of each account.
type statuses struct {
	mu   sync.Mutex
	last map[string]imapsync.Status
}

func (s *statuses) report(st imapsync.Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.last = map[string]imapsync.Status{}
	}
	s.last[st.Account] = st
}

func (s *statuses) state(account string) imapsync.State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last[account].State
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// An account added while the desk runs starts syncing once its password
// is given, follows changes, and stops (its password forgotten) when removed.
func TestMailWorkersFollowAccounts(t *testing.T) {
	const password = "Xq7-distinct-pw-92"
	imapSrv := mailtest.StartMemServer(t, mailtest.MemServerOptions{Password: password})
	smtpSrv := mailtest.StartSMTP(t, mailtest.SMTPOptions{Password: password})
	t.Setenv(secrets.EnvPassword, "")
	keyring := &secrets.Memory{}
	var logs syncBuffer
	l := logrus.New()
	l.SetOutput(&logs)
	e := &env{log: l, dataDir: t.TempDir(), secretStore: keyring}
	st, err := e.open()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got statuses
	m, err := e.startMail(st, e.passwords(false), got.report)
	if err != nil {
		t.Fatal(err)
	}
	defer m.stop()

	a := storage.Account{Name: "shop", Email: mailtest.DefaultUser, Username: mailtest.DefaultUser,
		IMAP: imapSrv.Addr(), SMTP: smtpSrv.Addr(), Security: storage.SecurityNone}
	if err := st.Update(func(tx *storage.Tx) error { return tx.SaveAccount(&a) }); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the missing password reported", func() bool { return got.state("shop") == imapsync.StateError })
	if err := m.connect("shop", password); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the new account synced", func() bool { return got.state("shop") == imapsync.StateIdle })
	if p, err := keyring.Get("shop"); err != nil || p != password {
		t.Errorf("keyring holds %q, %v", p, err)
	}

	a.Signature = "Lucky Shop"
	if err := st.Update(func(tx *storage.Tx) error { return tx.SaveAccount(&a) }); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the restart", func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.running["shop"] != nil && m.running["shop"].account.Signature == "Lucky Shop"
	})

	if err := st.Update(func(tx *storage.Tx) error { return tx.DeleteAccount("shop") }); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the worker stopped", func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.running["shop"] == nil
	})
	waitUntil(t, "the password forgotten", func() bool {
		_, err := keyring.Get("shop")
		return errors.Is(err, secrets.ErrNotFound)
	})
	m.stop()
	if bytes.Contains(logs.bytes(), []byte(password)) {
		t.Error("the password was logged")
	}
}

// syncBuffer is a log sink the workers' goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}
