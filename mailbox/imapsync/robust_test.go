package imapsync

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/storage"
)

// cutBatch is small so that cuts land both between and inside batches.
const cutBatch = 7

// runMarks are byte offsets (server to client) of landmarks in a clean
// first sync, recorded through a line filter.
type runMarks struct {
	setup       int64 // inside the first tagged answer (LOGIN or CAPABILITY)
	examineEnd  []int64
	firstLitMid int64 // the middle of the first message's literal
	total       int64
}

func recordRun(t *testing.T, s server) runMarks {
	t.Helper()
	p := mailtest.NewProxy(t, s.Addr())
	var mu sync.Mutex
	var m runMarks
	m.setup, m.firstLitMid = -1, -1
	p.SetFilter(func() mailtest.LineFilter {
		return newLineFilter(func(line []byte, _ bool) []byte {
			mu.Lock()
			defer mu.Unlock()
			before := p.BytesToClient()
			switch {
			case m.setup < 0 && !bytes.HasPrefix(line, []byte("* ")) && !bytes.HasPrefix(line, []byte("+")):
				m.setup = before + 3
			case bytes.Contains(line, []byte("[READ-ONLY]")):
				m.examineEnd = append(m.examineEnd, before+int64(len(line)))
			case m.firstLitMid < 0 && bytes.Contains(line, []byte(" FETCH ")) && literalAt(line) > 0:
				m.firstLitMid = before + int64(len(line)) + literalAt(line)/2
			}
			return line
		}, nil)
	})
	st := openStore(t)
	if _, err := once(newSyncer(st, s, p.Addr(), Options{Batch: cutBatch})); err != nil {
		t.Fatalf("clean sync through the recording proxy: %v", err)
	}
	mirror(t, st, s, true, "INBOX", "Sent")
	mu.Lock()
	defer mu.Unlock()
	m.total = p.BytesToClient()
	if m.setup < 0 || len(m.examineEnd) != 2 || m.firstLitMid < 0 {
		t.Fatalf("landmarks not found in the clean run: %+v", m)
	}
	return m
}

// A connection cut anywhere (during login, right after EXAMINE, inside a
// message literal, between and inside batches) fails that sync and loses
// nothing: no cut-off message is stored, and the next sync completes the
// mirror with each message once.
func TestConnectionCutMidFetch(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			loadDemoFast(t, s)
			folders := []string{"INBOX", "Sent"}
			hashes := serverHashes(t, s, folders...)
			m := recordRun(t, s)
			t.Logf("clean first sync: %d bytes from the server; landmarks %+v", m.total, m)
			cuts := []struct {
				name string
				at   int64
			}{
				{"in the greeting", 10},
				{"in the login answer", m.setup},
				{"right after EXAMINE INBOX", m.examineEnd[0]},
				{"inside the first message literal", m.firstLitMid},
				{"at 1%", m.total / 100},
				{"at 30%", m.total * 30 / 100},
				{"at 77%", m.total * 77 / 100},
				{"right after EXAMINE Sent", m.examineEnd[1]},
				{"at 99%", m.total * 99 / 100},
			}
			p := mailtest.NewProxy(t, s.Addr())
			for _, c := range cuts {
				t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
					st := openStore(t)
					sy := newSyncer(st, s, p.Addr(), Options{Batch: cutBatch})
					p.CutAfter(c.at)
					first, cutErr := once(sy)
					if cutErr == nil {
						t.Fatalf("sync cut after %d of %d bytes reported no error (stats %+v)", c.at, m.total, first)
					}
					kept := storedSubsetOfServer(t, st, hashes)
					if kept != first.New {
						t.Errorf("interrupted sync reported %d new, the store holds %d", first.New, kept)
					}
					second, err := once(sy)
					if err != nil {
						t.Fatalf("sync after the cut at %d: %v", c.at, err)
					}
					mirror(t, st, s, true, folders...)
					if first.New+second.New != len(hashes) {
						t.Errorf("new messages %d + %d, want %d in all: a message counted twice or lost", first.New, second.New, len(hashes))
					}
					if third, err := once(sy); err != nil || third != (Stats{Folders: 2}) {
						t.Errorf("third sync: %+v, %v; want nothing to do", third, err)
					}
					t.Logf("cut at byte %d: %v; %d messages kept, %d fetched after", c.at, cutErr, first.New, second.New)
				})
			}
		})
	}
}

// Messages expunged by another client during a sync cost nothing: the
// sync completes, and the next one mirrors the server, the expunged
// messages (whether they had been stored or not) holding no location in
// the folder. Two moments: between EXAMINE and the UID FETCH (the server
// still counts the messages in, but must not send them), and on the
// first progress report, while the answer streams.
func TestExpungeDuringSync(t *testing.T) {
	moments := []struct {
		name string
		// arm makes the proxy filter and Options.Progress that run expunge
		// (once) at the moment.
		arm func(expunge func()) (filter func() mailtest.LineFilter, progress func(Progress))
	}{
		{"before the FETCH", func(expunge func()) (func() mailtest.LineFilter, func(Progress)) {
			var once sync.Once
			return func() mailtest.LineFilter {
				return newLineFilter(nil, func(line []byte) {
					if bytes.Contains(bytes.ToUpper(line), []byte(" UID FETCH ")) {
						once.Do(expunge) // the command waits in the proxy meanwhile
					}
				})
			}, nil
		}},
		{"while the FETCH streams", func(expunge func()) (func() mailtest.LineFilter, func(Progress)) {
			var once sync.Once
			return nil, func(p Progress) {
				if p.Folder == "INBOX" && !p.Done {
					// Not waited for: imapmemserver holds the mailbox lock
					// while it writes a FETCH answer, and the sync would stop
					// reading it.
					once.Do(func() { go expunge() })
				}
			}
		}},
	}
	for _, srv := range servers {
		for _, mo := range moments {
			t.Run(srv.name+"/"+strings.ReplaceAll(mo.name, " ", "_"), func(t *testing.T) {
				s := srv.start(t)
				inbox, sent := shopMail(0, 40, 8)
				uids := appendAll(t, s, "INBOX", inbox)
				appendAll(t, s, "Sent", sent)
				early, late := uids[1], uids[len(uids)-3]
				done := make(chan struct{})
				expunge := func() {
					defer close(done)
					s.Expunge(t, "INBOX", late)
					s.Expunge(t, "INBOX", early)
				}
				filter, progress := mo.arm(expunge)
				p := mailtest.NewProxy(t, s.Addr())
				p.SetFilter(filter)
				st := openStore(t)
				sy := newSyncer(st, s, p.Addr(), Options{Batch: cutBatch, Progress: progress})
				stats, err := once(sy)
				select {
				case <-done:
				case <-time.After(30 * time.Second):
					t.Fatal("the expunge never ran")
				}
				if err != nil {
					t.Errorf("sync with an expunge %s: %v (stats %+v)", mo.name, err, stats)
				}
				again, err := once(sy)
				if err != nil {
					t.Fatalf("second sync: %v", err)
				}
				mirror(t, st, s, false, "INBOX", "Sent")
				// What stays unlocated must still be a message that was on
				// the server, not what a server answers for an expunged
				// one (Dovecot: BODY[] NIL, RFC822.SIZE 0).
				appended := map[[32]byte]bool{}
				for _, raw := range append(slices.Clone(inbox), sent...) {
					appended[sha256.Sum256(raw)] = true
				}
				storedSubsetOfServer(t, st, appended)
				var lateStored, earlyStored bool
				err = st.View(func(tx *storage.Tx) error {
					for _, l := range tx.LocationsIn("shop", "INBOX") {
						if l.UID == early || l.UID == late {
							t.Errorf("expunged UID %d still located in INBOX (message %d)", l.UID, l.ID)
						}
					}
					_, err := tx.MessageByHash(hashOf(inbox[len(inbox)-3]))
					lateStored = err == nil
					_, err = tx.MessageByHash(hashOf(inbox[1]))
					earlyStored = err == nil
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if mo.name == "before the FETCH" && (lateStored || earlyStored) {
					t.Errorf("messages expunged before the FETCH got stored (early %v, late %v)", earlyStored, lateStored)
				}
				t.Logf("first sync %+v; second %+v; stored: early %v, late %v", stats, again, earlyStored, lateStored)
			})
		}
	}
}

// A server that refuses SELECT until the client has sent ID (NetEase
// 163/126) is synced: DialIMAP sends ID when the server offers it.
func TestServerDemandsIDBeforeSelect(t *testing.T) {
	starts := []struct {
		name  string
		start func(t *testing.T) (s server, addr string)
	}{
		{"memserver", func(t *testing.T) (server, string) {
			m := mailtest.StartMemServer(t, mailtest.MemServerOptions{RequireIDBeforeSelect: true})
			return m, m.Addr()
		}},
		{"dovecot", func(t *testing.T) (server, string) {
			// Dovecot speaks ID itself; the filter passes it through and
			// refuses EXAMINE until it went by.
			d := mailtest.StartDovecot(t, mailtest.DovecotOptions{})
			p := mailtest.NewProxy(t, d.Addr())
			p.SetFilter(mailtest.RequireID)
			return d, p.Addr()
		}},
	}
	for _, sv := range starts {
		t.Run(sv.name, func(t *testing.T) {
			s, addr := sv.start(t)
			loadDemoFast(t, s)
			// The server really refuses a client that sends no ID.
			c, err := imapclient.DialInsecure(addr, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Login(s.User(), s.Password()).Wait(); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err == nil || !strings.Contains(err.Error(), "ID required") {
				t.Fatalf("EXAMINE without ID: %v, want the server's refusal", err)
			}
			st := openStore(t)
			if _, err := once(newSyncer(st, s, addr, Options{})); err != nil {
				t.Fatalf("sync against a server that demands ID: %v", err)
			}
			mirror(t, st, s, true, "INBOX", "Sent")
		})
	}
}

var fetchUID = regexp.MustCompile(`^\* \d+ FETCH \(.*\bUID (\d+)\b`)

// hideBody returns a filter that renames BODY[] to BINARY[] in the FETCH
// answer for uid: the bytes still flow (a filter cannot drop a literal),
// but the client files them as another item, so the sync sees a message
// whose body the server did not send.
func hideBody(uid uint32, hidden *atomic.Int32) func() mailtest.LineFilter {
	return func() mailtest.LineFilter {
		return newLineFilter(func(line []byte, inbox bool) []byte {
			m := fetchUID.FindSubmatch(line)
			if !inbox || m == nil || string(m[1]) != strconv.Itoa(int(uid)) || literalAt(line) < 0 {
				return line
			}
			hidden.Add(1)
			return bytes.Replace(line, []byte("BODY[] {"), []byte("BINARY[] {"), 1)
		}, nil)
	}
}

// A message whose body the server does not send is quarantined, the rest
// of the folder syncs, each later sync retries it, and once the server
// sends it, it is stored and leaves quarantine. While it waits, other
// changes to the folder (an expunge) are still noticed.
func TestQuarantineAndRelease(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			inbox, sent := shopMail(0, 30, 4)
			uids := appendAll(t, s, "INBOX", inbox)
			appendAll(t, s, "Sent", sent)
			bad := uids[12]
			p := mailtest.NewProxy(t, s.Addr())
			var hidden atomic.Int32
			p.SetFilter(hideBody(bad, &hidden))
			st := openStore(t)
			sy := newSyncer(st, s, p.Addr(), Options{Batch: cutBatch})
			quarantined := func() []storage.Quarantined {
				t.Helper()
				var qs []storage.Quarantined
				if err := st.View(func(tx *storage.Tx) (err error) {
					qs, err = tx.QuarantinedIn("shop", "INBOX")
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return qs
			}

			stats, err := once(sy)
			if err != nil {
				t.Fatalf("first sync: %v", err)
			}
			if n := hidden.Load(); n != 1 {
				t.Fatalf("the filter hid %d bodies, want 1", n)
			}
			if stats.Quarantined != 1 || stats.New != len(inbox)+len(sent)-1 {
				t.Errorf("first sync %+v: want 1 quarantined and the other %d stored", stats, len(inbox)+len(sent)-1)
			}
			qs := quarantined()
			if len(qs) != 1 || qs[0].UID != bad || qs[0].Error == "" || qs[0].Attempts != 1 {
				t.Fatalf("quarantine after the first sync: %+v, want UID %d once with its reason", qs, bad)
			}
			if n := storedSubsetOfServer(t, st, serverHashes(t, s, "INBOX", "Sent")); n != len(inbox)+len(sent)-1 {
				t.Errorf("%d messages stored, want all but the quarantined one", n)
			}

			// Still hidden: retried, still quarantined. Meanwhile another
			// client expunges a stored message.
			gone := uids[3]
			s.Expunge(t, "INBOX", gone)
			stats, err = once(sy)
			if err != nil {
				t.Fatalf("second sync: %v", err)
			}
			if n := hidden.Load(); n != 2 {
				t.Errorf("the second sync did not retry the quarantined message (%d hidden)", n)
			}
			if qs := quarantined(); len(qs) != 1 || qs[0].Attempts != 2 {
				t.Errorf("quarantine after the retry: %+v, want one entry tried twice", qs)
			}
			if stats.Gone != 1 {
				t.Errorf("second sync %+v: the expunge of UID %d went unnoticed while UID %d is quarantined", stats, gone, bad)
			}
			err = st.View(func(tx *storage.Tx) error {
				for _, l := range tx.LocationsIn("shop", "INBOX") {
					if l.UID == gone {
						t.Errorf("expunged UID %d still located in INBOX", gone)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}

			// The server sends it again: stored, released.
			p.SetFilter(nil)
			stats, err = once(sy)
			if err != nil {
				t.Fatalf("third sync: %v", err)
			}
			if stats.New != 1 || stats.Quarantined != 0 {
				t.Errorf("third sync %+v: want the quarantined message stored", stats)
			}
			mirror(t, st, s, false, "INBOX", "Sent")
			err = st.View(func(tx *storage.Tx) error {
				m, err := tx.MessageByHash(hashOf(inbox[12]))
				if err != nil {
					return fmt.Errorf("the released message: %w", err)
				}
				if m.Subject == "" || m.ConversationID == 0 {
					t.Errorf("the released message was not parsed and linked: %+v", m)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// A server that leaves a message out of its FETCH answer (Dovecot does so
// for a mail file it cannot read, and answers NO) must not make the sync
// step over it: the message is quarantined or fetched later, never lost.
// The proxy gives the omitted message's answer the UID of the one before
// it, so the client discards it as a repeat.
func TestMessageLeftOutOfFetchIsNotLost(t *testing.T) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			inbox, sent := shopMail(0, 30, 2)
			uids := appendAll(t, s, "INBOX", inbox)
			appendAll(t, s, "Sent", sent)
			omit, prev := uids[9], uids[8]
			p := mailtest.NewProxy(t, s.Addr())
			var omitted atomic.Int32
			p.SetFilter(func() mailtest.LineFilter {
				return newLineFilter(func(line []byte, inbox bool) []byte {
					m := fetchUID.FindSubmatch(line)
					if !inbox || m == nil || string(m[1]) != strconv.Itoa(int(omit)) || literalAt(line) < 0 {
						return line
					}
					omitted.Add(1)
					return bytes.Replace(line, []byte("UID "+string(m[1])+" "), []byte(fmt.Sprintf("UID %d ", prev)), 1)
				}, nil)
			})
			st := openStore(t)
			sy := newSyncer(st, s, p.Addr(), Options{Batch: cutBatch})
			if _, err := once(sy); err != nil {
				// Failing is fine; skipping the message is not.
				t.Logf("sync with a message left out: %v", err)
			}
			if n := omitted.Load(); n != 1 {
				t.Fatalf("the filter left out %d answers, want 1", n)
			}
			p.SetFilter(nil)
			stats, err := once(sy)
			if err != nil {
				t.Fatalf("sync after the server sends everything again: %v", err)
			}
			if stats.New != 1 {
				t.Errorf("second sync %+v: want the left-out message stored", stats)
			}
			mirror(t, st, s, true, "INBOX", "Sent")
		})
	}
}
