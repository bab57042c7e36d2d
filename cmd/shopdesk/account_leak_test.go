package main

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/storage"
)

// The password is searched for, after an account is added with --check,
// mail synced, a backup and exports written, all with the most verbose
// log (the mail protocol itself at trace level): in the database file,
// the log file and everything printed, the backup and every exported
// file. Files holding the seller's data are the seller's alone (0600).
func TestPasswordFoundNowhere(t *testing.T) {
	const password = "Lk8-unique-PASSWORD-7f3q"
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // shopdesk.log goes here
	t.Setenv("HOME", cache)           // os.UserCacheDir elsewhere
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("SHOPDESK_PASSWORD", "")
	imapSrv := mailtest.StartMemServer(t, mailtest.MemServerOptions{Password: password})
	smtpSrv := mailtest.StartSMTP(t, mailtest.SMTPOptions{Password: password})
	imapSrv.Append(t, "INBOX", []byte("From: Buyer <buyer@example.test>\r\nTo: shop@example.test\r\nSubject: where is my parcel\r\n"+
		"Message-ID: <p1@example.test>\r\nDate: Mon, 17 Nov 2025 10:00:00 +0000\r\n\r\nOrder 4821, thank you\r\n"))

	data := t.TempDir()
	var printed bytes.Buffer
	cli := func(stdin string, args ...string) {
		t.Helper()
		var out, errOut bytes.Buffer
		code := run(append([]string{"--data-dir", data, "--log-level", "trace"}, args...), strings.NewReader(stdin), &out, &errOut)
		printed.Write(out.Bytes())
		printed.Write(errOut.Bytes())
		if code != exitOK {
			t.Fatalf("shopdesk %v: exit %d\n%s%s", args, code, out.String(), errOut.String())
		}
	}
	cli(password+"\n", "account", "add", "--name", "shop", "--email", mailtest.DefaultUser, "--imap", imapSrv.Addr(),
		"--smtp", smtpSrv.Addr(), "--security", "none", "--password-stdin", "--check")
	cli(password+"\n", "sync", "--once", "--password-stdin")
	backup := filepath.Join(t.TempDir(), "backup.db")
	cli("", "backup", backup)
	exports := t.TempDir()
	cli("", "export", "all", "--out", filepath.Join(exports, "all"))
	cli("", "export", "customers", "--format", "csv", "--out", filepath.Join(exports, "customers.csv"))

	files := map[string]bool{filepath.Join(data, storage.FileName): true, backup: true}
	logs, _ := filepath.Glob(filepath.Join(cache, "*", "shopdesk", "shopdesk.log"))
	more, _ := filepath.Glob(filepath.Join(cache, "shopdesk", "shopdesk.log"))
	logs = append(logs, more...)
	if len(logs) != 1 {
		t.Fatalf("log files %v", logs)
	}
	files[logs[0]] = true
	filepath.WalkDir(exports, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files[path] = true
		}
		return nil
	})
	if len(files) < 5 {
		t.Fatalf("only %d files to search: %v", len(files), files)
	}

	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + mailtest.DefaultUser + "\x00" + password))
	for path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(password)) || bytes.Contains(b, []byte(plain)) {
			t.Errorf("the password is in %s", path)
		}
		if fi, err := os.Stat(path); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s is mode %v: others can read it", path, fi.Mode().Perm())
		}
	}
	if bytes.Contains(printed.Bytes(), []byte(password)) {
		t.Error("the password was printed")
	}
	// The searches prove something only if the files hold the account and
	// the mail in plain bytes, and the log holds the protocol.
	db, _ := os.ReadFile(filepath.Join(data, storage.FileName))
	log, _ := os.ReadFile(logs[0])
	if !bytes.Contains(db, []byte(mailtest.DefaultUser)) || !bytes.Contains(log, []byte("LOGIN [not logged]")) ||
		!bytes.Contains(log, []byte("AUTH PLAIN [not logged]")) {
		t.Errorf("nothing to find: account in db %v; log:\n%s", bytes.Contains(db, []byte(mailtest.DefaultUser)), log)
	}
}
