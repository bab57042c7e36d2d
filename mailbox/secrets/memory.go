package secrets

import (
	"fmt"
	"sync"
)

// Memory keeps passwords for the life of the process: in tests, and in the
// GUI when no keyring is reachable and the seller is asked once per run.
// The zero value is ready to use; it is safe for concurrent use.
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

var _ Store = (*Memory)(nil)

// Get returns the account's password, or ErrNotFound.
func (m *Memory) Get(account string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.m[account]
	if !ok {
		return "", fmt.Errorf("account %q: %w", account, ErrNotFound)
	}
	return p, nil
}

// Set stores or replaces the account's password.
func (m *Memory) Set(account, password string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]string{}
	}
	m.m[account] = password
	return nil
}

// Delete forgets the account's password, or returns ErrNotFound.
func (m *Memory) Delete(account string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.m[account]; !ok {
		return fmt.Errorf("account %q: %w", account, ErrNotFound)
	}
	delete(m.m, account)
	return nil
}
