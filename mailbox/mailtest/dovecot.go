package mailtest

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
)

// DovecotOptions tune a private Dovecot; the zero value is a plain-IMAP
// server with INBOX and a \Sent "Sent" for shop@example.test / secret.
type DovecotOptions struct {
	User, Password string // default DefaultUser, DefaultPassword
	// IMAPS also listens for implicit TLS with a freshly made self-signed
	// certificate; CertPool trusts it.
	IMAPS bool
	// Mailboxes are created at start (besides INBOX), each with its
	// special-use attribute ("" for none). Nil means {"Sent": \Sent}.
	Mailboxes map[string]imap.MailboxAttr
}

// Dovecot is a private Dovecot 2.3 whose whole state lives under the
// test's temporary directory. Helpers (Append, Expunge ...) talk to it
// over IMAP as a second client would.
type Dovecot struct {
	account
	binary, doveadm string
	dir             string // config, passwd-file, mail, index, control, log
	run             string // base_dir: short, as it holds unix sockets
	conf            string
	tlsAddr         string
	pool            *x509.CertPool
	proc            *exec.Cmd
	exited          chan struct{}
	startup         time.Duration
	confData        dovecotConfig
}

// startTimeout bounds the wait for Dovecot's greeting.
const startTimeout = 15 * time.Second

// StartDovecot starts a private Dovecot on free 127.0.0.1 ports and stops
// it when the test ends. It fails the test when Dovecot is missing:
// install dovecot-imapd.
func StartDovecot(t testing.TB, opts DovecotOptions) *Dovecot {
	t.Helper()
	if opts.User == "" {
		opts.User = DefaultUser
	}
	if opts.Password == "" {
		opts.Password = DefaultPassword
	}
	if strings.ContainsAny(opts.User+opts.Password, ":\n") {
		t.Fatalf("mailtest: user and password must not contain ':' or newlines")
	}
	if opts.Mailboxes == nil {
		opts.Mailboxes = map[string]imap.MailboxAttr{"Sent": imap.MailboxAttrSent}
	}
	d := &Dovecot{account: account{user: opts.User, password: opts.Password}}
	var err error
	if d.binary, err = findBinary("dovecot", "/usr/sbin/dovecot", "/usr/local/sbin/dovecot"); err != nil {
		t.Fatalf("mailtest: %v (install dovecot-imapd)", err)
	}
	if d.doveadm, err = findBinary("doveadm", "/usr/bin/doveadm", "/usr/local/bin/doveadm"); err != nil {
		t.Fatalf("mailtest: %v (install dovecot-core)", err)
	}
	d.dir = t.TempDir()
	d.run = shortTempDir(t)
	if err := d.setup(opts); err != nil {
		t.Fatalf("mailtest: set up Dovecot: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("mailtest: Dovecot log (%s):\n%s", d.LogPath(), tail(d.LogPath(), 30))
		}
		d.stop()
	})
	// Free ports are picked then handed over, so another process may take
	// one in between: try again with new ones.
	for attempt := 1; ; attempt++ {
		err = d.listenOn(opts)
		if err == nil {
			start := time.Now()
			if err = d.start(0); err == nil {
				d.startup = time.Since(start)
				return d
			}
		}
		if attempt == 3 {
			t.Fatalf("mailtest: start Dovecot: %v", err)
		}
	}
}

// TLSAddr is the IMAPS host:port ("" without DovecotOptions.IMAPS).
func (d *Dovecot) TLSAddr() string { return d.tlsAddr }

// CertPool trusts the IMAPS certificate (nil without IMAPS).
func (d *Dovecot) CertPool() *x509.CertPool { return d.pool }

// MailDir is the Maildir++ root: INBOX's cur/new/tmp, other mailboxes as
// .Name beside them.
func (d *Dovecot) MailDir() string { return filepath.Join(d.dir, "mail") }

// LogPath is Dovecot's log file.
func (d *Dovecot) LogPath() string { return filepath.Join(d.dir, "dovecot.log") }

// StartupTime is how long the last start took, until the greeting.
func (d *Dovecot) StartupTime() time.Duration { return d.startup }

func (d *Dovecot) setup(opts DovecotOptions) error {
	r, err := whoRuns()
	if err != nil {
		return err
	}
	for _, sub := range []string{"mail", "index", "control", "home", "state"} {
		if err := os.MkdirAll(filepath.Join(d.dir, sub), 0o755); err != nil {
			return err
		}
	}
	users := filepath.Join(d.dir, "users")
	// Test credentials: readable by Dovecot's auth process whoever it runs as.
	if err := os.WriteFile(users, []byte(passwdLine(opts.User, opts.Password, r, filepath.Join(d.dir, "home"))), 0o644); err != nil {
		return err
	}
	cfg := dovecotConfig{
		Run: d.run, State: filepath.Join(d.dir, "state"),
		Mail: d.MailDir(), Index: filepath.Join(d.dir, "index"), Ctrl: filepath.Join(d.dir, "control"),
		Users: users, Log: d.LogPath(),
		InternalUser: r.internalUser, InternalGroup: r.internalGroup, LoginUser: r.loginUser, LoginChroot: r.loginChroot, AuthWorkerUser: r.authWorkerUser,
		Mailboxes: mailboxConfigs(opts.Mailboxes), MaxUserConnections: 200,
	}
	if opts.IMAPS {
		certPEM, keyPEM, pool, err := selfSigned()
		if err != nil {
			return err
		}
		cfg.Cert, cfg.Key = filepath.Join(d.dir, "cert.pem"), filepath.Join(d.dir, "key.pem")
		if err := os.WriteFile(cfg.Cert, certPEM, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(cfg.Key, keyPEM, 0o600); err != nil {
			return err
		}
		if _, err := os.Stat("/usr/share/dovecot/dh.pem"); err == nil {
			cfg.DH = "/usr/share/dovecot/dh.pem"
		}
		d.pool = pool
	}
	token := make([]byte, 8)
	rand.Read(token)
	cfg.Greeting = "mailtest " + hex.EncodeToString(token) + " ready."
	d.conf = filepath.Join(d.dir, "dovecot.conf")
	d.confData = cfg
	if r.root {
		// Mail processes run as mailOwnerUID: hand them the mail and let
		// them through the (0700) temporary directories above it.
		for _, sub := range []string{"mail", "index", "control", "home", "state"} {
			if err := chownTree(filepath.Join(d.dir, sub), r.mailUID, r.mailGID); err != nil {
				return err
			}
		}
		if err := openPath(d.dir); err != nil {
			return err
		}
		if err := openPath(d.run); err != nil {
			return err
		}
	}
	return nil
}

// listenOn picks free ports and writes the configuration for them.
func (d *Dovecot) listenOn(opts DovecotOptions) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	d.confData.Port = port
	d.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	d.direct = d.addr
	if opts.IMAPS {
		if d.confData.TLSPort, err = freePort(); err != nil {
			return err
		}
		d.tlsAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(d.confData.TLSPort))
	}
	d.confData.Name = "mailtest-" + strconv.Itoa(port)
	var b bytes.Buffer
	if err := dovecotTemplate.Execute(&b, d.confData); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return os.WriteFile(d.conf, b.Bytes(), 0o644)
}

// start runs "dovecot -F" and waits for its IMAP greeting. On a restart
// it first waits up to wait for the old processes to free the ports.
func (d *Dovecot) start(wait time.Duration) error {
	out, err := os.OpenFile(filepath.Join(d.dir, "dovecot.stdout"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	// A killed Dovecot leaves its pid file; a reused pid would make the
	// new one believe it is already running.
	os.Remove(filepath.Join(d.run, "master.pid"))
	if err := waitPortsFree(wait, d.addr, d.tlsAddr); err != nil {
		return err
	}
	cmd := exec.Command(d.binary, "-F", "-c", d.conf)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run %s: %w", d.binary, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	d.proc, d.exited = cmd, exited
	if err := waitGreeting(d.addr, d.confData.Greeting, exited, startTimeout); err != nil {
		d.stop()
		return fmt.Errorf("%w; log:\n%s%s", err, tail(d.LogPath(), 10), tail(filepath.Join(d.dir, "dovecot.stdout"), 10))
	}
	return nil
}

// waitGreeting polls addr until it sends the instance's own greeting (a
// free port picked earlier may have been taken by another server since).
// Dovecot accepts connections before its auth process is ready but greets
// only once it is.
func waitGreeting(addr, greeting string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-exited:
			return errors.New("dovecot exited during start")
		default:
		}
		if ok, err := greets(addr, greeting); ok {
			return nil
		} else if time.Now().After(deadline) {
			return fmt.Errorf("no IMAP greeting on %s within %v: %v", addr, timeout, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func greets(addr, greeting string) (bool, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false, err
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return false, err
	}
	if !strings.HasPrefix(line, "* OK") || !strings.Contains(line, greeting) {
		return false, fmt.Errorf("greeting %q is not this Dovecot's", line)
	}
	c.Write([]byte("z LOGOUT\r\n"))
	return true, nil
}

// stop ends Dovecot and every process it started. It kills rather than
// asks: a graceful Dovecot shutdown takes a second, and the tests need
// no more grace than a crashed server gets.
func (d *Dovecot) stop() {
	if d.proc == nil {
		return
	}
	// Login and mail processes hold the listening sockets too: the whole
	// group goes, so the ports are free again.
	d.proc.Process.Kill()
	killGroup(d.proc.Process.Pid)
	<-d.exited
	d.proc = nil
}

// Restart stops Dovecot and starts it again on the same ports; every
// client connection is cut, as when a real server restarts.
func (d *Dovecot) Restart(t testing.TB) {
	t.Helper()
	d.stop()
	start := time.Now()
	if err := d.start(5 * time.Second); err != nil {
		t.Fatalf("mailtest: restart Dovecot: %v", err)
	}
	d.startup = time.Since(start)
}

// ResetUIDValidity makes Dovecot give the mailbox a new UIDVALIDITY while
// keeping its messages (bytes, flags, INTERNALDATE): it stops, forgets the
// mailbox's UID list and indexes, and starts again, so the messages are
// numbered afresh from UID 1 in the order they were stored. Client
// connections are cut. It returns the new UIDVALIDITY.
func (d *Dovecot) ResetUIDValidity(t testing.TB, mailbox string) uint32 {
	t.Helper()
	old := d.UIDValidity(t, mailbox)
	ctrl := d.mailboxPath(t, "control", mailbox)
	index := d.mailboxPath(t, "index", mailbox)
	d.stop()
	// The list index caches every mailbox's UIDVALIDITY; the global
	// dovecot-uidvalidity counter stays, so the new value differs.
	globs := []string{filepath.Join(ctrl, "dovecot-uidlist"), filepath.Join(index, "dovecot.index*"),
		filepath.Join(d.confData.Index, "dovecot.list.index*")}
	for _, g := range globs {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			if err := os.Remove(f); err != nil {
				t.Fatalf("mailtest: reset UIDVALIDITY of %s: %v", mailbox, err)
			}
		}
	}
	d.Restart(t)
	now := d.UIDValidity(t, mailbox)
	if now == old {
		t.Fatalf("mailtest: UIDVALIDITY of %s stayed %d after the reset", mailbox, old)
	}
	return now
}

// mailboxPath asks doveadm where the mailbox keeps its files of a kind
// (control, index), since Maildir++ encodes names (".INBOX", "&XfJT0ZAB-").
func (d *Dovecot) mailboxPath(t testing.TB, kind, mailbox string) string {
	t.Helper()
	out, err := exec.Command(d.doveadm, "-c", d.conf, "mailbox", "path", "-u", d.user, "-t", kind, mailbox).CombinedOutput()
	if err != nil {
		t.Fatalf("mailtest: doveadm mailbox path %s: %v: %s", mailbox, err, out)
	}
	p := strings.TrimSpace(string(out))
	if !filepath.IsAbs(p) {
		t.Fatalf("mailtest: doveadm mailbox path %s: unexpected answer %q", mailbox, p)
	}
	return p
}

func findBinary(name string, paths ...string) (string, error) {
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("%s not found in %s or PATH", name, strings.Join(paths, ", "))
	}
	return p, nil
}

// shortTempDir is a temporary directory with a short path: unix socket
// paths are limited to about 100 bytes, and t.TempDir() carries the
// test's name.
func shortTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "dc")
	if err == nil && len(dir) > 40 {
		os.RemoveAll(dir)
		dir, err = os.MkdirTemp("/tmp", "dc")
	}
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// waitPortsFree waits up to wait until the addresses can be bound: after a
// kill, the last of Dovecot's processes may still hold its listeners for
// a moment.
func waitPortsFree(wait time.Duration, addrs ...string) error {
	deadline := time.Now().Add(wait)
	for _, a := range addrs {
		if a == "" {
			continue
		}
		for {
			l, err := net.Listen("tcp", a)
			if err == nil {
				l.Close()
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("port still busy: %w", err)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func chownTree(root string, uid, gid int) error {
	return filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
}

// openPath lets other users through dir and the temporary directory
// holding it (Go creates both 0700), then checks every directory above
// them can be passed too.
func openPath(dir string) error {
	for _, p := range []string{dir, filepath.Dir(dir)} {
		if !strings.HasPrefix(p, os.TempDir()) || p == os.TempDir() {
			continue
		}
		if err := os.Chmod(p, 0o755); err != nil {
			return err
		}
	}
	for p := dir; ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		if st.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("%s is closed to other users, so Dovecot's mail processes cannot reach %s: point TMPDIR elsewhere", p, dir)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.SplitAfter(string(b), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}
