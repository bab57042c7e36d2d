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

// Folders the seller adds are synced besides INBOX and Sent.
func TestSyncAddedFolder(t *testing.T) {
	srv := mailtest.StartMemServer(t, mailtest.MemServerOptions{})
	d, err := assets.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	mails, err := demo.Render(d, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv.CreateMailbox(t, "淘宝订单")
	srv.Append(t, "淘宝订单", mails[0].Raw)
	srv.Append(t, "INBOX", mails[1].Raw)
	dir := t.TempDir()
	t.Setenv("SHOPDESK_PASSWORD", srv.Password())
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	mustOut(t, dir, "account", "add", "--name", "shop", "--email", "service@bamboolinen.example",
		"--imap", srv.Addr(), "--smtp", "127.0.0.1:1", "--user", srv.User(), "--security", "none", "--folder", "淘宝订单")
	if code, _, errOut := shopdesk(t, dir, "sync", "--once"); code != exitOK || !strings.Contains(errOut, "shop: 2 new") {
		t.Fatalf("sync: exit %d: %s", code, errOut)
	}
	if out := mustOut(t, dir, "list", "messages", "--json"); !strings.Contains(out, `"folder":"淘宝订单"`) {
		t.Errorf("no message from the added folder:\n%s", out)
	}
}
