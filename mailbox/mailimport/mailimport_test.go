package mailimport

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

var now = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func openStore(t *testing.T) *storage.Store {
	t.Helper()
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.VerifyIndexes(); err != nil {
			t.Errorf("indexes: %v", err)
		}
		st.Close()
	})
	err = st.Update(func(tx *storage.Tx) error {
		if err := tx.SaveAccount(&storage.Account{Name: "shop", Email: "service@myshop.example"}); err != nil {
			return err
		}
		return tx.SaveCustomer(&storage.Customer{Name: "林小雨", Emails: []string{"xiaoyu.lin@example.com"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// msg is a small message with LF line ends, as a Unix mbox holds it.
func msg(id, from, to, date, subject, body string) string {
	return "From: " + from + "\nTo: " + to + "\nDate: " + date + "\nSubject: " + subject +
		"\nMessage-ID: <" + id + ">\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + body + "\n"
}

var (
	question = msg("q1@example.com", "林小雨 <xiaoyu.lin@example.com>", "service@myshop.example",
		"Mon, 05 Oct 2026 09:12:00 +0800", "四件套什么时候发货？", "您好，我的订单什么时候发货？\nFrom now on I will check daily.\n>From the shop's page it said 48h.")
	reply = "In-Reply-To: <q1@example.com>\n" + msg("r1@myshop.example", "Shop <service@myshop.example>", "xiaoyu.lin@example.com",
		"Mon, 05 Oct 2026 10:00:00 +0800", "Re: 四件套什么时候发货？", "亲，今天就发顺丰。")
	stranger = msg("s1@example.org", "Emma Clarke <emma.clarke@example.org>", "service@myshop.example",
		"Tue, 06 Oct 2026 11:00:00 +0100", "Robe size", "Do you have the robe in L?")
)

// mboxrd quotes body lines that start with "From " (any number of ">").
func quote(m string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(m, "\n") {
		if strings.HasPrefix(strings.TrimLeft(l, ">"), "From ") {
			b.WriteString(">")
		}
		b.WriteString(l)
	}
	return b.String()
}

func mbox(msgs ...string) string {
	var b strings.Builder
	for _, m := range msgs {
		b.WriteString("From MAILER-DAEMON Mon Oct  5 09:12:00 2026\n")
		b.WriteString(quote(m))
		b.WriteString("\n")
	}
	return b.String()
}

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, st Store, paths ...string) Report {
	t.Helper()
	rep, err := Import(context.Background(), st, paths, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestMboxImportLinksAndSkipsDuplicates(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	garbage := "\x00\x01\x02\x03\n"
	box := write(t, dir, "Inbox", mbox(question, reply, stranger, garbage))
	rep := run(t, st, box)
	if rep.Messages != 4 || rep.Imported != 4 || rep.Duplicates != 0 || rep.Malformed != 1 {
		t.Fatalf("report %+v", rep)
	}
	if len(rep.Issues) != 1 || rep.Issues[0].Code != CodeMalformed || rep.Issues[0].Line == 0 {
		t.Errorf("issues %+v", rep.Issues)
	}

	st.View(func(tx *storage.Tx) error {
		lin, _ := tx.CustomerByEmail("xiaoyu.lin@example.com")
		convs, err := tx.ConversationsOf(lin.ID)
		if err != nil || len(convs) != 1 {
			t.Fatalf("林小雨's conversations %v %v", convs, err)
		}
		c := convs[0]
		if c.Account != "shop" || c.Status != storage.StatusClosed || c.Unread {
			t.Errorf("conversation %+v: old mail must stay quiet", c)
		}
		ms, _ := tx.MessagesOf(c.ID)
		if len(ms) != 2 || ms[0].Direction != storage.Inbound || ms[1].Direction != storage.Outbound {
			t.Fatalf("messages %+v", ms)
		}
		if len(ms[0].Locations) != 0 {
			t.Errorf("imported mail has a server location: %v", ms[0].Locations)
		}
		raw, err := tx.Raw(ms[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		// The separator is gone, ">From " is unquoted once, lines end in CRLF.
		want := strings.ReplaceAll(question, "\n", "\r\n")
		if string(raw) != want {
			t.Errorf("raw =\n%q\nwant\n%q", raw, want)
		}
		if !strings.Contains(ms[0].Text, "\nFrom now on") || !strings.Contains(ms[0].Text, ">From the shop") {
			t.Errorf("text %q", ms[0].Text)
		}
		emma, err := tx.CustomerByEmail("emma.clarke@example.org")
		if err != nil || emma.Name != "Emma Clarke" {
			t.Errorf("new customer %+v %v", emma, err)
		}
		var bad int
		all, _ := tx.Messages(0, 0)
		for _, m := range all {
			if m.ParseError != "" {
				bad++
			}
		}
		if bad != 1 {
			t.Errorf("%d messages stored raw, want 1", bad)
		}
		return nil
	})

	// The same mail again, as CRLF mbox and as .eml files in a folder
	// (one re-saved by a mail program with a status header): nothing new.
	folder := filepath.Join(dir, "saved")
	write(t, folder, "a.eml", strings.ReplaceAll(question, "\n", "\r\n"))
	write(t, folder, "sub/b.eml", "Status: RO\n"+reply)
	write(t, folder, "notes.txt", "not mail")
	crlf := write(t, dir, "inbox-crlf.mbox", strings.ReplaceAll(mbox(stranger, question), "\n", "\r\n"))
	again := run(t, st, crlf, folder)
	if again.Messages != 4 || again.Duplicates != 4 || again.Imported != 0 || again.Files != 3 {
		t.Errorf("again: %+v", again)
	}
	st.View(func(tx *storage.Tx) error {
		if n := tx.CountMessages(); n != 4 {
			t.Errorf("%d messages, want 4", n)
		}
		return nil
	})
}

func TestEmlImportAndDryRun(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	p := write(t, dir, "question.eml", question)
	dry, err := Import(context.Background(), st, []string{p}, Options{DryRun: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Imported != 1 || !dry.DryRun {
		t.Errorf("dry run %+v", dry)
	}
	st.View(func(tx *storage.Tx) error {
		if tx.CountMessages() != 0 {
			t.Error("a dry run stored mail")
		}
		return nil
	})
	rep := run(t, st, p)
	if rep.Imported != 1 {
		t.Errorf("report %+v", rep)
	}
	if _, err := Import(context.Background(), st, []string{t.TempDir()}, Options{}); err != ErrNoMail {
		t.Errorf("empty folder: %v", err)
	}
}

func TestReadMboxSeparators(t *testing.T) {
	// A body line starting "From " without a date is not a separator,
	// nor is one that follows a non-blank line.
	box := "From a@b.c Mon Oct  5 09:12:00 2026\nSubject: one\n\nhello\nFrom here on\n\nFrom me to you\n\n" +
		"From x@y.z Tue Oct  6 10:00:00 2026\r\nSubject: two\r\n\r\nbye\r\n"
	var got []string
	var lines []int
	var dates []time.Time
	err := readMbox(context.Background(), strings.NewReader(box), func(raw []byte, line int, date time.Time, _ int64) error {
		got, lines, dates = append(got, string(raw)), append(lines, line), append(dates, date)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Subject: one\n\nhello\nFrom here on\n\nFrom me to you\n", "Subject: two\r\n\r\nbye\r\n"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("messages %q, want %q", got, want)
	}
	if lines[0] != 1 || lines[1] != 9 || !dates[1].Equal(time.Date(2026, 10, 6, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("lines %v dates %v", lines, dates)
	}
	if !bytes.Equal(canonical([]byte("a\nb\r\nc")), []byte("a\r\nb\r\nc")) {
		t.Error("canonical")
	}
}
