package mailtest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Proxy is a TCP proxy on 127.0.0.1 in front of a server. It counts what
// passes, can cut a connection after an exact number of bytes, and can
// rewrite IMAP lines through a LineFilter.
type Proxy struct {
	target string
	ln     net.Listener
	wg     sync.WaitGroup

	mu       sync.Mutex
	cut      int64 // bytes the next connection's client gets; <0: no cut
	filter   func() LineFilter
	conns    int
	toClient int64
	toServer int64
	open     map[*proxyConn]struct{}
	closed   bool
}

// LineFilter sees an IMAP connection line by line; one is made for each
// connection, and its methods are never called concurrently. A line ends
// with CRLF and holds no literal data: the bytes of a literal announced
// at its end ({N} or {N+}) pass through untouched, and what follows the
// literal comes as a line of its own (often just CRLF). A filter must
// therefore pass on the lines that announce a literal.
type LineFilter interface {
	// FromClient returns what to send on to the server and what to answer
	// the client directly; either may be nil.
	FromClient(line []byte) (toServer, toClient []byte)
	// FromServer returns what to send on to the client.
	FromServer(line []byte) []byte
}

// Lines makes a LineFilter of functions; a nil one passes lines on
// unchanged, so Lines{Client: f} only watches or rewrites the client.
type Lines struct {
	Client func(line []byte) (toServer, toClient []byte)
	Server func(line []byte) []byte
}

func (l Lines) FromClient(line []byte) (toServer, toClient []byte) {
	if l.Client == nil {
		return line, nil
	}
	return l.Client(line)
}

func (l Lines) FromServer(line []byte) []byte {
	if l.Server == nil {
		return line
	}
	return l.Server(line)
}

// NewProxy starts a proxy to target; it stops when the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: proxy listen: %v", err)
	}
	p := &Proxy{target: target, ln: ln, cut: -1, open: map[*proxyConn]struct{}{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

// Addr is where clients connect.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// CutAfter arms a cut: the next connection is closed, both sides, once n
// bytes have gone from the server to the client. The client receives
// exactly those n bytes, then end of file.
func (p *Proxy) CutAfter(n int64) {
	p.mu.Lock()
	p.cut = n
	p.mu.Unlock()
}

// SetFilter makes every new connection line-based, each with its own
// filter from newFilter (nil: back to plain byte copying). Line mode
// does not work under TLS.
func (p *Proxy) SetFilter(newFilter func() LineFilter) {
	p.mu.Lock()
	p.filter = newFilter
	p.mu.Unlock()
}

// Conns is the number of connections accepted so far.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns
}

// BytesToClient is the number of bytes sent to clients, over all
// connections (including what a filter answered itself).
func (p *Proxy) BytesToClient() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.toClient
}

// BytesToServer is the number of bytes sent to the server, over all
// connections.
func (p *Proxy) BytesToServer() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.toServer
}

// DropAll closes every open connection at once, as a network failure would.
func (p *Proxy) DropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.open {
		c.client.Close()
		c.server.Close()
	}
}

func (p *Proxy) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.ln.Close()
	p.DropAll()
	p.wg.Wait()
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			client.Close()
			return
		}
		p.conns++
		limit, newFilter := p.cut, p.filter
		p.cut = -1
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(client, limit, newFilter)
		}()
	}
}

// proxyConn is one proxied connection.
type proxyConn struct {
	p              *Proxy
	client, server net.Conn

	wmu   sync.Mutex // serialises writes to the client; guards sent and cut
	limit int64      // <0: no cut
	sent  int64
	cut   bool

	fmu    sync.Mutex // serialises filter calls
	filter LineFilter
}

var errCut = errors.New("mailtest: connection cut")

func (p *Proxy) handle(client net.Conn, limit int64, newFilter func() LineFilter) {
	server, err := net.DialTimeout("tcp", p.target, 10*time.Second)
	if err != nil {
		client.Close()
		return
	}
	c := &proxyConn{p: p, client: client, server: server, limit: limit}
	if newFilter != nil {
		c.filter = newFilter()
	}
	defer func() {
		p.mu.Lock()
		delete(p.open, c)
		p.mu.Unlock()
		client.Close()
		server.Close()
	}()
	p.mu.Lock()
	closed := p.closed
	p.open[c] = struct{}{}
	p.mu.Unlock()
	if closed {
		return
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		c.serverToClient()
	}()
	c.clientToServer()
	<-done
}

// clientToServer copies until the client stops sending. If the server
// side is gone, it keeps reading and discarding: closing a socket with
// unread data sends a reset, which could destroy bytes the client has
// not read yet.
func (c *proxyConn) clientToServer() {
	var err error
	if c.filter == nil {
		_, err = io.Copy(writerFunc(c.writeServer), c.client)
	} else {
		err = c.filterClient()
	}
	if err == nil {
		// The client finished sending: pass the half-close on.
		halfClose(c.server)
		return
	}
	drain(c.client)
	c.server.Close()
}

func (c *proxyConn) filterClient() error {
	r := bufio.NewReader(c.client)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			c.fmu.Lock()
			toServer, toClient := c.filter.FromClient(line)
			c.fmu.Unlock()
			if len(toClient) > 0 {
				c.wmu.Lock()
				werr := c.writeClientLocked(toClient)
				c.wmu.Unlock()
				if werr != nil {
					return werr
				}
			}
			if _, werr := c.writeServer(toServer); werr != nil {
				return werr
			}
			if n := literalSize(line); n > 0 {
				if _, werr := io.CopyN(writerFunc(c.writeServer), r, n); werr != nil {
					return werr
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// serverToClient copies until the server stops sending or the cut.
func (c *proxyConn) serverToClient() {
	var err error
	if c.filter == nil {
		_, err = io.Copy(writerFunc(c.writeClient), c.server)
	} else {
		err = c.filterServer()
	}
	if err == nil {
		halfClose(c.client)
		return
	}
	c.wmu.Lock()
	cut := c.cut
	c.wmu.Unlock()
	if !cut {
		c.client.Close()
	}
}

func (c *proxyConn) filterServer() error {
	r := bufio.NewReader(c.server)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) == 0 {
			if err == io.EOF {
				return nil
			}
			return err
		}
		// A response and its literals go out whole: nothing the filter
		// answers itself may land inside them.
		if werr := c.writeResponse(r, line); werr != nil {
			return werr
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (c *proxyConn) writeResponse(r *bufio.Reader, line []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for {
		c.fmu.Lock()
		out := c.filter.FromServer(line)
		c.fmu.Unlock()
		if err := c.writeClientLocked(out); err != nil {
			return err
		}
		n := literalSize(line)
		if n < 0 {
			return nil
		}
		w := writerFunc(func(b []byte) (int, error) { return len(b), c.writeClientLocked(b) })
		if _, err := io.CopyN(w, r, n); err != nil {
			return err
		}
		var err error
		if line, err = r.ReadBytes('\n'); err != nil {
			if len(line) > 0 {
				c.writeClientLocked(line)
			}
			return err
		}
	}
}

func (c *proxyConn) writeClient(b []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return len(b), c.writeClientLocked(b)
}

// writeClientLocked writes to the client up to the cut, counting.
func (c *proxyConn) writeClientLocked(b []byte) error {
	if c.cut {
		return errCut
	}
	cut := false
	if c.limit >= 0 && c.sent+int64(len(b)) >= c.limit {
		b, cut = b[:c.limit-c.sent], true
	}
	n, err := c.client.Write(b)
	c.sent += int64(n)
	c.p.mu.Lock()
	c.p.toClient += int64(n)
	c.p.mu.Unlock()
	if err != nil {
		return err
	}
	if cut {
		// The client keeps its bytes (a FIN, not a reset: the other
		// goroutine drains what it still sends); the server loses the
		// connection now.
		c.cut = true
		halfClose(c.client)
		c.server.Close()
		return errCut
	}
	return nil
}

func (c *proxyConn) writeServer(b []byte) (int, error) {
	n, err := c.server.Write(b)
	c.p.mu.Lock()
	c.p.toServer += int64(n)
	c.p.mu.Unlock()
	return n, err
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func halfClose(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
		return
	}
	c.Close()
}

// drain reads and discards until the peer closes (or a while passes).
func drain(c net.Conn) {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	io.Copy(io.Discard, c)
}

// literalSize returns N when an IMAP line ends by announcing a literal
// ("{N}\r\n", "{N+}\r\n", also literal8 "~{N}"), else -1.
func literalSize(line []byte) int64 {
	l := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	if !bytes.HasSuffix(l, []byte("}")) {
		return -1
	}
	open := bytes.LastIndexByte(l, '{')
	if open < 0 {
		return -1
	}
	num := bytes.TrimSuffix(l[open+1:len(l)-1], []byte("+"))
	num = bytes.TrimSuffix(num, []byte("-"))
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}
