// The platforms where go-keyring talks to the Secret Service over D-Bus.

//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package secrets

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/godbus/dbus/v5"
)

// reachable fails fast without a session bus address: godbus would then
// try dbus-launch, which is slow, may leave a stray daemon behind and
// rewrites the process environment, all to find no keyring anyway.
func reachable(getenv func(string) string) error {
	switch getenv("DBUS_SESSION_BUS_ADDRESS") {
	case "", "autolaunch:":
		return fmt.Errorf("%w: no session D-Bus (DBUS_SESSION_BUS_ADDRESS is not set)", ErrNoKeyring)
	}
	return nil
}

// platformUnreachable tells the errors that mean no Secret Service can be
// used from the other failures: the bus cannot be dialled, nobody owns
// org.freedesktop.secrets, the daemon does not answer, or the keyring
// stays locked because its unlock prompt was dismissed or cannot be shown.
func platformUnreachable(err error) bool {
	if name, ok := dbusErrorName(err); ok {
		switch name {
		case "org.freedesktop.DBus.Error.ServiceUnknown",
			"org.freedesktop.DBus.Error.NameHasNoOwner",
			"org.freedesktop.DBus.Error.NoReply",
			"org.freedesktop.DBus.Error.Timeout",
			"org.freedesktop.DBus.Error.TimedOut",
			"org.freedesktop.DBus.Error.NoServer",
			"org.freedesktop.DBus.Error.NoNetwork",
			"org.freedesktop.DBus.Error.Disconnected",
			"org.freedesktop.DBus.Error.AccessDenied",
			"org.freedesktop.DBus.Error.AuthFailed",
			"org.freedesktop.DBus.Error.UnknownObject", // a keyring without a default collection
			"org.freedesktop.Secret.Error.IsLocked",
			"org.freedesktop.Secret.Error.NoSession":
			return true
		}
		return strings.HasPrefix(name, "org.freedesktop.DBus.Error.Spawn.")
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return true // the bus socket is gone or refuses us
	}
	msg := err.Error()
	// godbus's own connection errors ("dbus: authentication failed", ...)
	// and go-keyring's dismissed unlock prompt carry no type to test.
	return strings.HasPrefix(msg, "dbus: ") || strings.HasPrefix(msg, "failed to unlock")
}

func dbusErrorName(err error) (string, bool) {
	var v dbus.Error
	if errors.As(err, &v) {
		return v.Name, true
	}
	var p *dbus.Error
	if errors.As(err, &p) && p != nil {
		return p.Name, true
	}
	return "", false
}
