package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// shopdesk runs the CLI in-process on dir and returns its exit code and output.
func shopdesk(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // keep the test's log file out of the user's cache
	var out, errOut bytes.Buffer
	code := run(append([]string{"--data-dir", dir}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func seed(t *testing.T, dir string) {
	t.Helper()
	st, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Update(func(tx *storage.Tx) error {
		for _, name := range []string{"张伟", "Sarah Lee"} {
			c := storage.Customer{Name: name, Emails: []string{strings.ReplaceAll(strings.ToLower(name), " ", ".") + "@example.com"}}
			if err := tx.SaveCustomer(&c); err != nil {
				return err
			}
			if err := tx.SaveOrder(&storage.Order{CustomerID: c.ID, Number: "N-" + name}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestListJSON(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir)
	cases := []struct {
		kind  string
		lines int
		field string
	}{
		{"customers", 2, "name"},
		{"orders", 2, "number"},
		{"calls", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			code, out, errOut := shopdesk(t, dir, "list", c.kind, "--json")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			sc := bufio.NewScanner(strings.NewReader(out))
			n := 0
			for sc.Scan() {
				var obj map[string]any
				if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
					t.Fatalf("line %d is not JSON: %q", n+1, sc.Text())
				}
				if _, ok := obj[c.field]; !ok {
					t.Errorf("line %d lacks %q: %s", n+1, c.field, sc.Text())
				}
				n++
			}
			if n != c.lines {
				t.Errorf("%d lines, want %d", n, c.lines)
			}
		})
	}
	if !strings.Contains(mustOut(t, dir, "list", "customers", "--json"), `"name":"张伟"`) {
		t.Error("Chinese name not printed as UTF-8")
	}
}

func mustOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	code, out, errOut := shopdesk(t, dir, args...)
	if code != exitOK {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	return out
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"frobnicate"}, {"list", "widgets"}, {"backup"}, {"restore", "a", "b"}, {"--log-level", "loud", "version"}} {
		if code, _, errOut := shopdesk(t, dir, args...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want exit %d with a message", args, code, errOut, exitUsage)
		}
	}
	if out := mustOut(t, dir, "version"); !strings.HasPrefix(out, "shopdesk "+version) {
		t.Errorf("version printed %q", out)
	}
}

func TestBackupRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir)
	before := mustOut(t, dir, "list", "customers", "--json")
	backup := filepath.Join(t.TempDir(), "shop.backup")
	mustOut(t, dir, "backup", backup)

	st, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	st.Update(func(tx *storage.Tx) error { return tx.SaveCustomer(&storage.Customer{Name: "after backup"}) })
	// A running desk holds the folder: restore must refuse, with exit code 3.
	if code, _, errOut := shopdesk(t, dir, "restore", backup); code != exitRunning ||
		!strings.Contains(errOut, "Shopdesk is already running with this data folder") {
		t.Errorf("restore while open: exit %d, %q", code, errOut)
	}
	st.Close()
	mustOut(t, dir, "restore", backup)
	if after := mustOut(t, dir, "list", "customers", "--json"); after != before {
		t.Errorf("after restore:\n%s\nwant\n%s", after, before)
	}
	if code, _, _ := shopdesk(t, dir, "restore", filepath.Join(dir, "missing.db")); code != exitError {
		t.Errorf("restore of a missing file: exit %d, want %d", code, exitError)
	}
}

func TestSecondInstanceExitCode(t *testing.T) {
	dir := t.TempDir()
	st, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	code, _, errOut := shopdesk(t, dir, "list", "customers")
	if code != exitRunning {
		t.Errorf("exit %d, want %d (%s)", code, exitRunning, errOut)
	}
	if !strings.Contains(errOut, "Shopdesk is already running with this data folder") {
		t.Errorf("stderr %q", errOut)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %v, want under 2s", took)
	}
}
