// Command deskbench measures the desk's start-up and memory on large
// stores: it fills a store with N conversations (a customer and one
// message each), starts the real desk on it in a child process under the
// X display, and reports how long the window and the inbox's first rows
// took from the process start, and the process's RSS once the inbox has
// loaded, next to an empty desk's.
//
//	deskbench -n 0,10000,100000 -runs 3 [-cold]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"fyne.io/fyne/v2"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/ui"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "deskbench:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("deskbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("n", "0,10000,100000", "conversation counts to measure, comma-separated (0: an empty desk)")
	runs := fs.Int("runs", 3, "desk starts per size")
	keep := fs.String("dir", "", "keep the stores in this folder (reused when present) instead of a temporary one")
	child := fs.String("child", "", "internal: open the desk on this store and report")
	settle := fs.Duration("settle", 2*time.Second, "how long after the inbox's first rows the RSS is read")
	cold := fs.Bool("cold", false, "empty the page cache before each start (Linux, root): a cold start")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *child != "" {
		return openDesk(*child, *settle, stdout)
	}
	var counts []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return fmt.Errorf("bad -n %q", s)
		}
		counts = append(counts, n)
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display: run under X (Xvfb :99 & DISPLAY=:99 deskbench)")
	}
	dir := *keep
	if dir == "" {
		tmp, err := os.MkdirTemp("", "deskbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}

	var results []result
	for _, n := range counts {
		store := filepath.Join(dir, fmt.Sprintf("store-%d", n))
		if err := fill(store, n, stderr); err != nil {
			return err
		}
		r := result{conversations: n}
		for i := range *runs {
			if *cold {
				if err := dropCaches(); err != nil {
					return err
				}
			}
			m, err := measure(self, store, filepath.Join(dir, fmt.Sprintf("config-%d-%d", n, i)), *settle)
			if err != nil {
				return fmt.Errorf("%d conversations, run %d: %w", n, i+1, err)
			}
			fmt.Fprintf(stderr, "%d conversations, run %d: window %v, inbox rows %v, RSS %.0f MB\n",
				n, i+1, m.window.Round(time.Millisecond), m.inbox.Round(time.Millisecond), mb(m.RSS))
			r.runs = append(r.runs, m)
		}
		results = append(results, r)
	}
	report(stdout, results)
	return nil
}

// measurement is one desk start, as the child reports it (times are Unix
// nanoseconds) and the parent completes it.
type measurement struct {
	Opened int64 `json:"opened"` // the store is open
	Shown  int64 `json:"shown"`  // the window's run loop started
	Inbox  int64 `json:"inbox"`  // the inbox's first rows were drawn
	memory       // settle after the first rows

	window, inbox, open time.Duration // from the process start
}

// memory is the process's memory in bytes.
type memory struct {
	RSS     int64 `json:"rss"`
	PeakRSS int64 `json:"peak_rss"`
	FileRSS int64 `json:"file_rss"` // file pages in RSS: mostly the database's memory map
}

type result struct {
	conversations int
	runs          []measurement
}

// measure starts the desk on the store in a child process.
func measure(self, store, config string, settle time.Duration) (measurement, error) {
	var out, errs bytes.Buffer
	cmd := exec.Command(self, "-child", store, "-settle", settle.String())
	// A fresh config folder: no remembered window size or screen.
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+config)
	if os.Getenv("LANG") == "" {
		cmd.Env = append(cmd.Env, "LANG=en_US.UTF-8")
	}
	cmd.Stdout, cmd.Stderr = &out, &errs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return measurement{}, fmt.Errorf("%w\n%s", err, errs.String())
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		return measurement{}, fmt.Errorf("no report within 2 minutes\n%s", errs.String())
	}
	var m measurement
	if err := json.Unmarshal(bytes.TrimSpace(out.Bytes()), &m); err != nil {
		return m, fmt.Errorf("read the report %q: %w\n%s", out.String(), err, errs.String())
	}
	since := func(ns int64) time.Duration { return time.Unix(0, ns).Sub(start) }
	m.open, m.window, m.inbox = since(m.Opened), since(m.Shown), since(m.Inbox)
	return m, nil
}

// openDesk is the child: the real desk on the store, reporting when its
// window and first inbox rows come, then its RSS, then quitting.
func openDesk(dir string, settle time.Duration, stdout io.Writer) error {
	log := logrus.New()
	log.SetLevel(logrus.WarnLevel)
	log.SetOutput(os.Stderr)
	st, err := storage.Open(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	var m measurement
	m.Opened = time.Now().UnixNano()
	report := make(chan error, 1)
	o := ui.Options{
		Shown: func() { m.Shown = time.Now().UnixNano() },
		InboxShown: func() {
			m.Inbox = time.Now().UnixNano()
			time.AfterFunc(settle, func() {
				var err error
				m.memory, err = readRSS()
				report <- err
				fyne.Do(fyne.CurrentApp().Quit)
			})
		},
	}
	if err := ui.Run(st, log, o); err != nil {
		return err
	}
	select {
	case err := <-report:
		if err != nil {
			return err
		}
	default:
		return errors.New("the desk closed before its inbox showed")
	}
	return json.NewEncoder(stdout).Encode(m)
}

// fill makes a store of n open conversations, each with its customer and
// one inbound message, unless the folder already holds one.
func fill(dir string, n int, progress io.Writer) error {
	if _, err := os.Stat(filepath.Join(dir, "shopdesk.db")); err == nil {
		return nil
	}
	start := time.Now()
	st, err := storage.Open(dir)
	if err != nil {
		return err
	}
	defer st.Close()
	base := time.Now().Add(-time.Duration(n) * time.Minute)
	const batch = 5000
	for lo := 0; lo < n; lo += batch {
		err := st.Update(func(tx *storage.Tx) error {
			for i := lo; i < min(n, lo+batch); i++ {
				if err := addConversation(tx, i, base.Add(time.Duration(i)*time.Minute)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("fill the store: %w", err)
		}
	}
	fmt.Fprintf(progress, "store of %d conversations made in %v\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

func addConversation(tx *storage.Tx, i int, at time.Time) error {
	email := fmt.Sprintf("buyer%06d@customers.example", i)
	c := storage.Customer{Name: fmt.Sprintf("Buyer %d", i), Emails: []string{email}, Segment: storage.SegmentNew}
	if err := tx.SaveCustomer(&c); err != nil {
		return err
	}
	subject := fmt.Sprintf("Where is order %d?", 100000+i)
	text := fmt.Sprintf("Hello,\nI ordered a linen duvet cover (order %d) ten days ago and the tracking has not changed. 您好，包裹什么时候到？", 100000+i)
	conv := storage.Conversation{CustomerID: c.ID, Account: "shop", Subject: subject, Status: storage.StatusOpen,
		Snippet: text[:80], Unread: i%3 == 0, FirstInbound: at, LastInbound: at, Created: at}
	if err := tx.SaveConversation(&conv); err != nil {
		return err
	}
	raw := fmt.Sprintf("Message-ID: <m%d@customers.example>\r\nFrom: Buyer %d <%s>\r\nTo: shop@example.com\r\nSubject: %s\r\nDate: %s\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", i, i, email, subject, at.Format(time.RFC1123Z), text)
	m := storage.Message{ConversationID: conv.ID, Direction: storage.Inbound, MessageID: fmt.Sprintf("m%d@customers.example", i),
		From: storage.Address{Name: c.Name, Email: email}, To: []storage.Address{{Email: "shop@example.com"}},
		Date: at, Subject: subject, Text: text}
	return tx.SaveMessage(&m, []byte(raw))
}

// report prints a table: medians, with the range over the runs.
func report(w io.Writer, results []result) {
	var empty, emptyFile int64
	for _, r := range results {
		if r.conversations == 0 {
			empty = median(r.runs, func(m measurement) int64 { return m.RSS })
			emptyFile = median(r.runs, func(m measurement) int64 { return m.FileRSS })
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "conversations\tstore open\twindow shown\tinbox rows drawn\tRSS\tgrowth over empty\tof it file pages\tpeak RSS\t")
	for _, r := range results {
		dur := func(f func(m measurement) time.Duration) string {
			vals := make([]int64, len(r.runs))
			for i, m := range r.runs {
				vals[i] = int64(f(m))
			}
			slices.Sort(vals)
			return fmt.Sprintf("%d ms (%d–%d)", ms(vals[len(vals)/2]), ms(vals[0]), ms(vals[len(vals)-1]))
		}
		rss := median(r.runs, func(m measurement) int64 { return m.RSS })
		file := median(r.runs, func(m measurement) int64 { return m.FileRSS })
		growth, fileGrowth := "—", "—"
		if empty > 0 && r.conversations > 0 {
			growth = fmt.Sprintf("%.0f MB", mb(rss-empty))
			fileGrowth = fmt.Sprintf("%.0f MB", mb(file-emptyFile))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.0f MB\t%s\t%s\t%.0f MB\t\n", r.conversations,
			dur(func(m measurement) time.Duration { return m.open }),
			dur(func(m measurement) time.Duration { return m.window }),
			dur(func(m measurement) time.Duration { return m.inbox }),
			mb(rss), growth, fileGrowth, mb(median(r.runs, func(m measurement) int64 { return m.PeakRSS })))
	}
	tw.Flush()
}

func median(runs []measurement, f func(measurement) int64) int64 {
	vals := make([]int64, len(runs))
	for i, m := range runs {
		vals[i] = f(m)
	}
	slices.Sort(vals)
	return vals[len(vals)/2]
}

func ms(ns int64) int64      { return ns / int64(time.Millisecond) }
func mb(bytes int64) float64 { return float64(bytes) / (1 << 20) }
