//go:build linux

package secrets

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

func TestNoSessionBusFailsFast(t *testing.T) {
	for _, addr := range []string{"", "autolaunch:"} {
		k := &Keyring{backend: osKeyring{}, getenv: func(string) string { return addr }, timeout: time.Minute}
		start := time.Now()
		err := k.Set("shop", secret)
		if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "DBUS_SESSION_BUS_ADDRESS") {
			t.Errorf("bus %q: %v, want ErrNoKeyring naming DBUS_SESSION_BUS_ADDRESS", addr, err)
		}
		if took := time.Since(start); took > 100*time.Millisecond {
			t.Errorf("bus %q: took %v; the check must not dial", addr, took)
		}
	}
}

func TestDBusErrorsMeanNoKeyring(t *testing.T) {
	cases := []struct {
		err       error
		noKeyring bool
	}{
		{dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}, true},
		{&dbus.Error{Name: "org.freedesktop.DBus.Error.NoReply"}, true},
		{dbus.Error{Name: "org.freedesktop.DBus.Error.Spawn.ChildExited"}, true},
		{dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"}, true},
		{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), true},
		{errors.New("dbus: authentication failed"), true},
		{dbus.Error{Name: "org.freedesktop.DBus.Error.InvalidArgs"}, false},
		{errors.New("something else"), false},
	}
	for _, c := range cases {
		t.Run(c.err.Error(), func(t *testing.T) {
			_, err := newFakeKeyring(&fakeBackend{err: c.err}).Get("shop")
			if errors.Is(err, ErrNoKeyring) != c.noKeyring {
				t.Errorf("%v: ErrNoKeyring %v, want %v", err, !c.noKeyring, c.noKeyring)
			}
		})
	}
}

// TestRealBus drives go-keyring's real Secret Service client against a bus
// that has no socket, and against a private dbus-daemon on which nobody
// provides org.freedesktop.secrets (as on a server or a bare desktop).
func TestRealBus(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, addr string }{
		{"no socket", "unix:path=" + filepath.Join(dir, "missing")},
		{"bus without Secret Service", startBus(t, dir)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("DBUS_SESSION_BUS_ADDRESS", c.addr) // godbus reads it itself
			k := NewKeyring()
			k.timeout = 20 * time.Second
			start := time.Now()
			err := k.Set("shop", secret)
			if !errors.Is(err, ErrNoKeyring) || strings.Contains(err.Error(), secret) {
				t.Errorf("Set: %v, want ErrNoKeyring without the password", err)
			}
			t.Log(err)
			if _, err := k.Get("shop"); !errors.Is(err, ErrNoKeyring) {
				t.Errorf("Get: %v, want ErrNoKeyring", err)
			}
			if err := k.Delete("shop"); !errors.Is(err, ErrNoKeyring) {
				t.Errorf("Delete: %v, want ErrNoKeyring", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}

// startBus runs a private session dbus-daemon with no activatable services
// and returns its address. The Debian package is dbus-daemon.
func startBus(t *testing.T, dir string) string {
	t.Helper()
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Fatalf("this test needs dbus-daemon (apt-get install dbus-daemon): %v", err)
	}
	socket := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "bus.conf")
	err = os.WriteFile(conf, fmt.Appendf(nil, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><!-- as the stock session.conf: a stricter one leaves calls unanswered -->
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`, socket), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--config-file="+conf, "--nofork", "--nopidfile", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr // a warning about the fd limit is normal in containers
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop() // Wait ends the copying into stderr before it is read
		t.Fatalf("dbus-daemon printed no address: %v\n%s", err, stderr.Bytes())
	}
	t.Cleanup(stop)
	return strings.TrimSpace(line)
}
