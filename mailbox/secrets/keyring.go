package secrets

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keyring entry's service name; its user is the account name.
const Service = "Shopdesk"

// DefaultTimeout bounds one keyring call. A keyring that never answers (a
// wedged daemon, an unlock prompt nobody can see) must not hang the CLI,
// yet a seller needs time to type the keyring's own password in a prompt.
const DefaultTimeout = time.Minute

// backend is the part of go-keyring in use; tests stub it.
type backend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

// osKeyring is go-keyring's platform keyring (its mock after keyring.MockInit).
type osKeyring struct{}

func (osKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (osKeyring) Set(service, user, pass string) error     { return keyring.Set(service, user, pass) }
func (osKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// Keyring keeps passwords in the OS keyring under Service.
type Keyring struct {
	backend backend
	getenv  func(string) string
	timeout time.Duration
}

var _ Store = (*Keyring)(nil)

// NewKeyring returns the OS keyring.
func NewKeyring() *Keyring {
	return &Keyring{backend: osKeyring{}, getenv: os.Getenv, timeout: DefaultTimeout}
}

// Get returns the account's password; ErrNotFound when none is stored,
// ErrNoKeyring when the keyring cannot be reached.
func (k *Keyring) Get(account string) (string, error) {
	return call(k, "read", account, func() (string, error) { return k.backend.Get(Service, account) })
}

// Set stores or replaces the account's password.
func (k *Keyring) Set(account, password string) error {
	_, err := call(k, "store", account, func() (struct{}, error) {
		return struct{}{}, k.backend.Set(Service, account, password)
	})
	return err
}

// Delete removes the account's password; ErrNotFound when there was none.
func (k *Keyring) Delete(account string) error {
	_, err := call(k, "delete", account, func() (struct{}, error) {
		return struct{}{}, k.backend.Delete(Service, account)
	})
	return err
}

// call runs one keyring operation with the reachability check, the
// timeout and the error mapping. Errors name the account, never the
// password (go-keyring's own errors do not carry it either).
func call[T any](k *Keyring, verb, account string, fn func() (T, error)) (T, error) {
	var zero T
	if account == "" {
		return zero, fmt.Errorf("keyring: %s password: no account name", verb)
	}
	wrap := func(err error) error {
		return fmt.Errorf("keyring: %s password for account %q: %w", verb, account, err)
	}
	if err := reachable(k.getenv); err != nil {
		return zero, wrap(err)
	}
	type result struct {
		v   T
		err error
	}
	// Buffered: a call that outlives the timeout finishes without a reader.
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	timer := time.NewTimer(k.timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return zero, wrap(classify(r.err))
		}
		return r.v, nil
	case <-timer.C:
		return zero, wrap(fmt.Errorf("%w: no answer within %v", ErrNoKeyring, k.timeout))
	}
}

// classify maps go-keyring's and the platform's errors onto ours, keeping
// the cause for the message.
func classify(err error) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrUnsupportedPlatform), platformUnreachable(err):
		return fmt.Errorf("%w: %w", ErrNoKeyring, err)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("the password is too long for the OS keyring: %w", err)
	}
	return err
}
