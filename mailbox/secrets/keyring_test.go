package secrets

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// fakeBackend stands in for go-keyring: a map, an error for every call,
// or a call that never returns.
type fakeBackend struct {
	mu    sync.Mutex
	m     map[string]string // service + "/" + user -> password
	err   error
	block chan struct{}
}

func (f *fakeBackend) wait() error {
	if f.block != nil {
		<-f.block
	}
	return f.err
}

func (f *fakeBackend) Get(service, user string) (string, error) {
	if err := f.wait(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.m[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return p, nil
}

func (f *fakeBackend) Set(service, user, pass string) error {
	if err := f.wait(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[string]string{}
	}
	f.m[service+"/"+user] = pass
	return nil
}

func (f *fakeBackend) Delete(service, user string) error {
	if err := f.wait(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[service+"/"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.m, service+"/"+user)
	return nil
}

// busSet makes the Linux reachability check pass; the fake never dials.
func busSet(string) string { return "unix:path=/nonexistent/bus" }

func newFakeKeyring(b backend) *Keyring {
	return &Keyring{backend: b, getenv: busSet, timeout: time.Second}
}

const secret = "hunter2-Tq9zL-密码"

func TestKeyringRoundTrip(t *testing.T) {
	fb := &fakeBackend{}
	k := newFakeKeyring(fb)
	if _, err := k.Get("shop"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set: %v, want ErrNotFound", err)
	}
	if err := k.Set("shop", secret); err != nil {
		t.Fatal(err)
	}
	if got := fb.m["Shopdesk/shop"]; got != secret {
		t.Errorf("stored under service %q user %q: %q", Service, "shop", got)
	}
	if err := k.Set("shop", secret+"2"); err != nil {
		t.Fatal(err)
	}
	if p, err := k.Get("shop"); err != nil || p != secret+"2" {
		t.Errorf("Get after replace = %q, %v", p, err)
	}
	if err := k.Delete("shop"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete("shop"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
	if err := k.Set("", secret); err == nil {
		t.Error("Set with no account name succeeded")
	}
}

func TestKeyringErrors(t *testing.T) {
	cases := []struct {
		name      string
		err       error
		noKeyring bool
		notFound  bool
	}{
		{"not found", keyring.ErrNotFound, false, true},
		{"unsupported platform", keyring.ErrUnsupportedPlatform, true, false},
		{"too big", keyring.ErrSetDataTooBig, false, false},
		{"other failure", errors.New("keychain exploded"), false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k := newFakeKeyring(&fakeBackend{err: c.err})
			err := k.Set("shop", secret)
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrNoKeyring) != c.noKeyring || errors.Is(err, ErrNotFound) != c.notFound {
				t.Errorf("%v: ErrNoKeyring %v, ErrNotFound %v; want %v, %v",
					err, errors.Is(err, ErrNoKeyring), errors.Is(err, ErrNotFound), c.noKeyring, c.notFound)
			}
			if !errors.Is(err, c.err) && !c.notFound {
				t.Errorf("%v does not keep its cause %v", err, c.err)
			}
			if msg := err.Error(); !strings.Contains(msg, `"shop"`) || strings.Contains(msg, secret) {
				t.Errorf("message %q: want the account name and never the password", msg)
			}
		})
	}
}

func TestKeyringTimeout(t *testing.T) {
	fb := &fakeBackend{block: make(chan struct{})}
	defer close(fb.block) // let the abandoned call finish
	k := newFakeKeyring(fb)
	k.timeout = 50 * time.Millisecond
	start := time.Now()
	_, err := k.Get("shop")
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "no answer") {
		t.Errorf("hung keyring: %v, want ErrNoKeyring (no answer)", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %v", took)
	}
}

func TestMemory(t *testing.T) {
	var m Memory
	if _, err := m.Get("shop"); !errors.Is(err, ErrNotFound) {
		t.Errorf("empty Get: %v", err)
	}
	if err := m.Delete("shop"); !errors.Is(err, ErrNotFound) {
		t.Errorf("empty Delete: %v", err)
	}
	var wg sync.WaitGroup
	for _, a := range []string{"a", "b", "c"} {
		wg.Go(func() { m.Set(a, secret+a) })
	}
	wg.Wait()
	for _, a := range []string{"a", "b", "c"} {
		if p, err := m.Get(a); err != nil || p != secret+a {
			t.Errorf("Get(%q) = %q, %v", a, p, err)
		}
	}
	if err := m.Delete("b"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get("b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
}
