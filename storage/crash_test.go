package storage

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Child processes: the test binary re-runs itself with SHOPDESK_TEST_CHILD
// set, to hold the database lock or to write until it is killed.
func TestMain(m *testing.M) {
	switch os.Getenv("SHOPDESK_TEST_CHILD") {
	case "hold":
		childHold(os.Getenv("SHOPDESK_TEST_DIR"))
	case "write":
		childWrite(os.Getenv("SHOPDESK_TEST_DIR"))
	default:
		os.Exit(m.Run())
	}
}

func childHold(dir string) {
	st, err := Open(dir)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	defer st.Close()
	fmt.Println("ready")
	time.Sleep(time.Minute)
}

const batchMessages = 20

// childWrite commits batches forever; each batch is a customer with a
// conversation, its messages and a note, and must land whole or not at all.
func childWrite(dir string) {
	st, err := Open(dir)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	body := strings.Repeat("您好，包裹什么时候到？Where is my parcel? ", 40)
	for b := 0; ; b++ {
		name := fmt.Sprintf("batch-%d-%d", os.Getpid(), b)
		err := st.Update(func(tx *Tx) error {
			c := Customer{Name: name, Emails: []string{name + "@example.com"}, Phones: []Phone{{Number: strconv.Itoa(13800000000 + b)}}}
			if err := tx.SaveCustomer(&c); err != nil {
				return err
			}
			conv := Conversation{CustomerID: c.ID, Subject: name, LastInbound: time.Now()}
			if err := tx.SaveConversation(&conv); err != nil {
				return err
			}
			for i := range batchMessages {
				m := Message{ConversationID: conv.ID, Direction: Inbound, MessageID: fmt.Sprintf("%s.%d@example.com", name, i),
					Date: time.Now(), Subject: name, Text: body,
					Locations: []Location{{Account: "shop", Folder: "INBOX", UIDValidity: 1, UID: uint32(b*batchMessages + i)}}}
				if err := tx.SaveMessage(&m, []byte(body+name)); err != nil {
					return err
				}
			}
			return tx.SaveNote(&Note{CustomerID: c.ID, ConversationID: conv.ID, Text: name})
		})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("committed", name)
	}
}

func child(t *testing.T, role, dir string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SHOPDESK_TEST_CHILD="+role, "SHOPDESK_TEST_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(out)
}

func TestSecondOpenFailsFast(t *testing.T) {
	dir := t.TempDir()
	cmd, out := child(t, "hold", dir)
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if !out.Scan() || out.Text() != "ready" {
		t.Fatalf("holder did not start: %q", out.Text())
	}
	start := time.Now()
	_, err := Open(dir)
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second open: %v, want ErrAlreadyRunning", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("second open took %v, want under 2s", took)
	}
	if err.Error() != "Shopdesk is already running with this data folder" {
		t.Errorf("message %q", err)
	}
}

// TestKilledWriterLosesNothingCommitted SIGKILLs a writer in the middle of
// its batches again and again. Every time, the database must open, pass
// bbolt's page check and the index check, hold each batch whole or not at
// all, and keep every batch the writer reported committed.
func TestKilledWriterLosesNothingCommitted(t *testing.T) {
	dir := t.TempDir()
	committed := map[string]bool{}
	kills := 20
	if testing.Short() {
		kills = 5
	}
	for i := range kills {
		cmd, out := child(t, "write", dir)
		lines := make(chan string)
		go func() {
			for out.Scan() {
				lines <- out.Text()
			}
			close(lines)
		}()
		// Wait for the first commit so the kill lands among writes, then
		// let it run a random while longer.
		first, ok := <-lines
		if !ok || !strings.HasPrefix(first, "committed ") {
			t.Fatalf("run %d: writer said %q", i, first)
		}
		committed[strings.TrimPrefix(first, "committed ")] = true
		deadline := time.After(time.Duration(rand.IntN(200)) * time.Millisecond)
	wait:
		for {
			select {
			case l := <-lines:
				committed[strings.TrimPrefix(l, "committed ")] = true
			case <-deadline:
				break wait
			}
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		for l := range lines {
			committed[strings.TrimPrefix(l, "committed ")] = true
		}
		cmd.Wait()
		checkBatches(t, dir, committed)
	}
	t.Logf("%d kills, %d batches committed", kills, len(committed))
}

func checkBatches(t *testing.T, dir string, committed map[string]bool) {
	t.Helper()
	st, err := Open(dir)
	if err != nil {
		t.Fatalf("open after kill: %v", err)
	}
	defer st.Close()
	mustVerify(t, st)
	found := map[string]bool{}
	err = st.View(func(tx *Tx) error {
		cs, err := tx.Customers(0, 0)
		if err != nil {
			return err
		}
		for _, c := range cs {
			found[c.Name] = true
			convs, _ := tx.ConversationsOf(c.ID)
			notes, _ := tx.NotesOf(c.ID)
			if len(convs) != 1 || len(notes) != 1 {
				t.Errorf("batch %s: %d conversations, %d notes", c.Name, len(convs), len(notes))
				continue
			}
			msgs, _ := tx.MessagesOf(convs[0].ID)
			if len(msgs) != batchMessages {
				t.Errorf("batch %s: %d of %d messages", c.Name, len(msgs), batchMessages)
			}
			for _, m := range msgs {
				if _, err := tx.Raw(m.ID); err != nil {
					t.Errorf("batch %s: %v", c.Name, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range committed {
		if !found[name] {
			t.Errorf("committed batch %s lost", name)
		}
	}
}
