// Package secrets keeps account passwords out of the database: in the OS
// keyring (Windows Credential Manager, macOS Keychain, the Secret Service
// on Linux), or, where no keyring is reachable, only in memory for one run.
//
// A password never appears in an error, a log line or a file written by
// this package; errors name the account, never its secret.
package secrets

import "errors"

var (
	// ErrNotFound means no password is stored for the account.
	ErrNotFound = errors.New("no password stored")
	// ErrNoKeyring means the OS keyring cannot be reached (no session
	// D-Bus, no Secret Service, a keyring left locked, an unsupported
	// platform); the password must come from somewhere else this run.
	ErrNoKeyring = errors.New("no OS keyring reachable")
)

// Getter finds an account's password; sync and send-queue need no more.
type Getter interface {
	Get(account string) (string, error)
}

// Store keeps passwords by account name.
type Store interface {
	Getter
	Set(account, password string) error
	Delete(account string) error
}
