package mailtest_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/shopdesk/shopdesk/mailbox/mailtest"
)

// streamServer sends payload to every connection, then reads until the
// other side closes; closed receives once per connection when it has.
func streamServer(t *testing.T, payload []byte) (addr string, closed <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	ch := make(chan struct{}, 100)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Write(payload)
				c.(*net.TCPConn).CloseWrite()
				io.Copy(io.Discard, c)
				ch <- struct{}{}
			}()
		}
	}()
	return ln.Addr().String(), ch
}

// imapLike is a server stream shaped like IMAP: lines, some announcing
// literals whose bytes contain line ends and braces of their own.
func imapLike() []byte {
	var b bytes.Buffer
	b.WriteString("* OK [CAPABILITY IMAP4rev1] ready\r\n")
	for i := 1; i <= 40; i++ {
		body := bytes.Repeat([]byte(fmt.Sprintf("line %d of a message {7}\r\n", i)), 150)
		fmt.Fprintf(&b, "* %d FETCH (UID %d BODY[] {%d}\r\n", i, i, len(body))
		b.Write(body)
		b.WriteString(")\r\n")
	}
	b.WriteString("a1 OK done\r\n")
	return b.Bytes()
}

func TestProxyCutsExactly(t *testing.T) {
	payload := imapLike()
	total := int64(len(payload))
	for _, mode := range []string{"bytes", "lines"} {
		t.Run(mode, func(t *testing.T) {
			addr, serverClosed := streamServer(t, payload)
			p := mailtest.NewProxy(t, addr)
			if mode == "lines" {
				p.SetFilter(func() mailtest.LineFilter { return mailtest.Lines{} })
			}
			for _, n := range []int64{0, 1, 2, 35, 36, 37, 4096, 32768, 32769, 65536, total / 2, total - 1, total} {
				p.CutAfter(n)
				got := readAll(t, p.Addr())
				if int64(len(got)) != n || !bytes.Equal(got, payload[:n]) {
					t.Errorf("cut after %d: client got %d bytes (equal to the start: %v)", n, len(got), bytes.Equal(got, payload[:min(int64(len(got)), total)]))
				}
				select {
				case <-serverClosed:
				case <-time.After(5 * time.Second):
					t.Fatalf("cut after %d: the server side stayed open", n)
				}
			}
			// The cut is for one connection: the next gets everything.
			if got := readAll(t, p.Addr()); !bytes.Equal(got, payload) {
				t.Errorf("uncut connection got %d of %d bytes", len(got), total)
			}
			<-serverClosed
			if conns := p.Conns(); conns != 14 {
				t.Errorf("Conns() = %d, want 14", conns)
			}
		})
	}
}

func readAll(t *testing.T, addr string) []byte {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("read through the proxy: %v", err)
	}
	return got
}

func TestProxyCounts(t *testing.T) {
	payload := imapLike()
	addr, serverClosed := streamServer(t, payload)
	p := mailtest.NewProxy(t, addr)
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	sent := []byte("a1 LOGOUT\r\n")
	c.Write(sent)
	c.(*net.TCPConn).CloseWrite()
	got, _ := io.ReadAll(c)
	c.Close()
	<-serverClosed
	if len(got) != len(payload) || p.BytesToClient() != int64(len(payload)) {
		t.Errorf("client got %d bytes, proxy counted %d, server sent %d", len(got), p.BytesToClient(), len(payload))
	}
	if p.BytesToServer() != int64(len(sent)) {
		t.Errorf("proxy counted %d bytes to the server, want %d", p.BytesToServer(), len(sent))
	}
}

// TestProxyCutMidFetch is the proxy's intended use: a full FETCH measures
// the session, then cuts land inside it and the client sees the failure.
func TestProxyCutMidFetch(t *testing.T) {
	m := mailtest.StartMemServer(t, mailtest.MemServerOptions{})
	for _, raw := range testMail() {
		m.AppendAt(t, "INBOX", raw, time.Time{})
	}
	p := mailtest.NewProxy(t, m.Addr())
	fetch := func() (int, error) {
		c, err := imapclient.DialInsecure(p.Addr(), nil)
		if err != nil {
			return 0, err
		}
		defer c.Close()
		if err := c.Login(m.User(), m.Password()).Wait(); err != nil {
			return 0, err
		}
		if _, err := c.Select("INBOX", nil).Wait(); err != nil {
			return 0, err
		}
		return fetchBodies(c)
	}
	if n, err := fetch(); err != nil || n != 3 {
		t.Fatalf("uncut fetch: %d messages, %v", n, err)
	}
	session := p.BytesToClient()
	for _, frac := range []int64{2, 3, 5, 9, 10} {
		at := session * (frac - 1) / frac
		p.CutAfter(at)
		if n, err := fetch(); err == nil {
			t.Errorf("cut after %d of %d bytes: fetch of %d messages succeeded", at, session, n)
		}
	}
	if n, err := fetch(); err != nil || n != 3 {
		t.Errorf("fetch after the cuts: %d messages, %v", n, err)
	}
}

// fetchBodies reads every message's body and counts them, the way a cut
// connection must be read with go-imap v2.0.0-beta.8:
//   - a literal cut short ends in plain io.EOF, so io.ReadAll returns the
//     truncated body with no error: read exactly Size() bytes instead;
//   - once a literal read has failed, nothing may touch the command again
//     (Next, Collect and Close re-read the literal while the client's
//     reader goroutine has resumed: a data race). Callers close the client.
func fetchBodies(c *imapclient.Client) (int, error) {
	body := &imap.FetchItemBodySection{Peek: true}
	cmd := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1}}, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{body}})
	n := 0
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		for item := msg.Next(); item != nil; item = msg.Next() {
			if b, ok := item.(imapclient.FetchItemDataBodySection); ok && b.Literal != nil {
				if _, err := io.ReadFull(b.Literal, make([]byte, b.Literal.Size())); err != nil {
					return n, fmt.Errorf("read body: %w", err)
				}
			}
		}
		n++
	}
	return n, cmd.Close()
}

// TestProxyLines watches and rewrites lines both ways, literals intact.
func TestProxyLines(t *testing.T) {
	m := mailtest.StartMemServer(t, mailtest.MemServerOptions{})
	raw := testMail()[2] // big: its literal spans many reads
	m.AppendAt(t, "INBOX", raw, time.Time{})
	p := mailtest.NewProxy(t, m.Addr())
	var mu sync.Mutex
	var commands []string
	p.SetFilter(func() mailtest.LineFilter {
		return mailtest.Lines{
			Client: func(l []byte) ([]byte, []byte) {
				f := bytes.Fields(l)
				if len(f) < 2 { // the CRLF that ends a command after its literal
					return l, nil
				}
				mu.Lock()
				commands = append(commands, string(f[1]))
				mu.Unlock()
				// NOOP never reaches the server: the proxy answers it.
				if bytes.EqualFold(f[1], []byte("NOOP")) {
					return nil, fmt.Appendf(nil, "%s OK proxy says hello\r\n", f[0])
				}
				return l, nil
			},
			Server: func(l []byte) []byte {
				return bytes.Replace(l, []byte("IMAP4rev1 "), []byte("IMAP4rev1 XPROXY "), 1)
			},
		}
	})
	c, err := imapclient.DialInsecure(p.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(m.User(), m.Password()).Wait(); err != nil {
		t.Fatal(err)
	}
	if !c.Caps().Has("XPROXY") {
		t.Errorf("capabilities %v: the server-side rewrite did not show", c.Caps())
	}
	if err := c.Noop().Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	body := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSet{imap.UIDRange{Start: 1}}, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{body}}).Collect()
	if err != nil || len(msgs) != 1 || !bytes.Equal(msgs[0].FindBodySection(body), raw) {
		t.Fatalf("fetch through the filter: %d messages, %v", len(msgs), err)
	}
	// An APPEND's literal goes through the client side untouched.
	app := c.Append("INBOX", int64(len(raw)), nil)
	app.Write(raw)
	app.Close()
	if _, err := app.Wait(); err != nil {
		t.Fatalf("append through the filter: %v", err)
	}
	if got := m.Messages(t, "INBOX"); len(got) != 2 || !bytes.Equal(got[1].Raw, raw) {
		t.Errorf("after the APPEND the server holds %d messages", len(got))
	}
	mu.Lock()
	got := strings.Join(commands, " ")
	mu.Unlock()
	if got != "LOGIN NOOP SELECT UID APPEND" {
		t.Errorf("commands seen: %s", got)
	}
}
