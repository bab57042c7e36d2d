// Windows (Credential Manager), macOS (Keychain via /usr/bin/security)
// and platforms go-keyring does not support.

//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package secrets

import (
	"errors"
	"os/exec"
)

// reachable has nothing to check before asking: these keyrings answer
// quickly when they answer at all.
func reachable(func(string) string) error { return nil }

// platformUnreachable: macOS without /usr/bin/security has no keychain to use.
func platformUnreachable(err error) bool { return errors.Is(err, exec.ErrNotFound) }
