package main

import (
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox/demo"
	"github.com/shopdesk/shopdesk/mailbox/mailtest"
)

func TestSyncCommand(t *testing.T) {
	srv := mailtest.StartMemServer(t, mailtest.MemServerOptions{})
	d, err := assets.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	mails, err := demo.Render(d, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails[:10] {
		srv.Append(t, "INBOX", m.Raw)
	}
	dir := t.TempDir()
	t.Setenv("SHOPDESK_PASSWORD", srv.Password())
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "") // no keyring: the password comes from the environment
	mustOut(t, dir, "account", "add", "--name", "shop", "--email", "service@bamboolinen.example",
		"--imap", srv.Addr(), "--smtp", "127.0.0.1:1", "--user", srv.User(), "--security", "none")

	code, _, errOut := shopdesk(t, dir, "sync", "--once")
	if code != exitOK {
		t.Fatalf("sync: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "shop: 10 new") {
		t.Errorf("sync summary: %q", errOut)
	}
	if n := strings.Count(mustOut(t, dir, "list", "messages", "--json"), "\n"); n != 10 {
		t.Errorf("%d messages listed, want 10", n)
	}
	if code, _, errOut := shopdesk(t, dir, "sync", "--once", "--account", "nope"); code != exitUsage {
		t.Errorf("unknown account: exit %d (%s)", code, errOut)
	}
}
