package imapsync

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/storage"
)

// The test binary re-runs itself as a sync process to be killed: with
// childEnv set it syncs the account the environment names and exits.
const childEnv = "SHOPDESK_IMAPSYNC_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "sync" {
		os.Exit(childSync())
	}
	os.Exit(m.Run())
}

// childSync runs one Syncer.Once, saying "progress N" on each progress
// report and "done" at the end, on stdout.
func childSync() int {
	env := func(k string) string { return os.Getenv("SHOPDESK_IMAPSYNC_" + k) }
	batch, _ := strconv.Atoi(env("BATCH"))
	st, err := storage.Open(env("DIR"))
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	defer st.Close()
	a := storage.Account{Name: "shop", Email: shopEmail, IMAP: env("ADDR"), Username: env("USER"), Security: storage.SecurityNone}
	s := New(st, Options{Account: a, Password: env("PASSWORD"), Batch: batch, History: 365 * 24 * time.Hour,
		Progress: func(p Progress) { fmt.Printf("progress %s %d\n", p.Folder, p.Messages) }})
	if _, err := s.Once(context.Background()); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("done")
	return 0
}

const killBatch = 5

// startSyncChild starts a sync process on dir; lines carries its stdout
// until it exits.
func startSyncChild(t *testing.T, dir string, s server) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=sync", "SHOPDESK_IMAPSYNC_DIR="+dir, "SHOPDESK_IMAPSYNC_ADDR="+s.Addr(),
		"SHOPDESK_IMAPSYNC_USER="+s.User(), "SHOPDESK_IMAPSYNC_PASSWORD="+s.Password(),
		"SHOPDESK_IMAPSYNC_BATCH="+strconv.Itoa(killBatch))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sync process: %v", err)
	}
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return cmd, lines
}

// A sync process SIGKILLed again and again, at random moments (while it
// connects, between and inside batches and their commits, in INBOX and
// in Sent), resumes each time without loss or duplicate; a last sync run
// to the end leaves exactly the server's messages, and one more finds
// nothing to do.
func TestSyncSurvivesSIGKILL(t *testing.T) {
	s := mailtest.StartDovecot(t, mailtest.DovecotOptions{})
	// 210 customer messages (every fourth with a 24 KB attachment) and 70
	// replies: about 1.7 MB in 56 batches of killBatch.
	inbox, sent := shopMail(0, 210, 24)
	appendAll(t, s, "INBOX", inbox)
	appendAll(t, s, "Sent", sent)
	hashes := serverHashes(t, s, "INBOX", "Sent")
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, seed>>7))

	const wantKills = 12
	kills, finished, stored := 0, 0, 0
	var log []string
	for run := 0; kills < wantKills; run++ {
		if run == 40 {
			t.Fatalf("only %d of %d kills landed mid-sync in %d runs (%d ran to the end first)", kills, wantKills, run, finished)
		}
		cmd, lines := startSyncChild(t, dir, s)
		// Half the kills wait for some progress reports (spread so that
		// the kills reach Sent too), so they land among batches and
		// commits; the others fire after a short random delay, so some
		// land before or during login and the first fetch.
		reports := 0
		waitReports := 0
		if run%2 == 1 {
			left := (len(hashes) - stored) / killBatch
			waitReports = 1 + rnd.IntN(max(1, 3*left/(wantKills-kills+1)))
		}
		delay := time.Duration(rnd.IntN(2000)) * time.Microsecond
		if waitReports == 0 {
			delay = time.Duration(rnd.IntN(20000)) * time.Microsecond
		}
		done := false
		var last string
		deadline := time.After(30 * time.Second)
	wait:
		for reports < waitReports {
			select {
			case l, ok := <-lines:
				if !ok {
					break wait
				}
				if strings.HasPrefix(l, "progress ") {
					reports++
				}
				last = l
				done = done || l == "done"
			case <-deadline:
				cmd.Process.Kill()
				t.Fatal("sync process made no progress in 30 s")
			}
		}
		time.Sleep(delay)
		killed := cmd.Process.Kill() == nil
		for l := range lines {
			if strings.HasPrefix(l, "error:") {
				t.Errorf("sync process: %s", l)
			}
			done = done || l == "done"
			last = l
		}
		err := cmd.Wait()
		if !killed || done || err == nil {
			// It ran to the end: not a kill in the middle of a sync. New
			// mail arrives, so the next run has work again.
			finished++
			stored = len(hashes)
			more, _ := shopMail(1000*finished, 40, 24)
			appendAll(t, s, "INBOX", more)
			hashes = serverHashes(t, s, "INBOX", "Sent")
			continue
		}
		kills++
		// The database a killed sync leaves opens, checks clean and
		// holds only whole, server-identical messages.
		st, oerr := storage.Open(dir)
		if oerr != nil {
			t.Fatalf("open after kill %d: %v", kills, oerr)
		}
		stored = storedSubsetOfServer(t, st, hashes)
		st.Close()
		log = append(log, fmt.Sprintf("kill %d after %d reports + %v (last line %q): %d stored", kills, reports, delay, last, stored))
	}
	for _, l := range log {
		t.Log(l)
	}

	st, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	before := storedSubsetOfServer(t, st, hashes)
	sy := newSyncer(st, s, s.Addr(), Options{Batch: killBatch})
	stats, err := once(sy)
	if err != nil {
		t.Fatalf("final sync: %v", err)
	}
	if before+stats.New != len(hashes) {
		t.Errorf("%d stored before the final sync + %d new != %d on the server", before, stats.New, len(hashes))
	}
	mirror(t, st, s, true, "INBOX", "Sent")
	if again, err := once(sy); err != nil || again != (Stats{Folders: 2}) {
		t.Errorf("sync after the final one: %+v, %v; want nothing new", again, err)
	}
	t.Logf("%d kills (%d runs finished first); %d stored before the final sync, %d by it", kills, finished, before, stats.New)
}
