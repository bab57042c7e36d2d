package secrets

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
)

// EnvPassword names the environment variable headless commands read a
// password from when the keyring has none. It is one password for every
// account the command touches.
const EnvPassword = "SHOPDESK_PASSWORD"

// maxPasswordLine bounds a password read from stdin, so a file piped in
// by mistake is refused rather than sent to a server.
const maxPasswordLine = 4096

// Chain is where headless commands (sync, send-queue) find a password:
// the keyring, then SHOPDESK_PASSWORD, then, for commands given
// --password-stdin, one line of stdin read once and kept for the run.
type Chain struct {
	keyring Getter
	getenv  func(string) string
	stdin   io.Reader // nil when the command does not offer stdin

	once      sync.Once
	stdinPass string
	stdinErr  error
}

var _ Getter = (*Chain)(nil)

// NewChain returns the fallback chain over a keyring; getenv is usually
// os.Getenv, stdin nil unless the command allows reading the password there.
func NewChain(keyring Getter, getenv func(string) string, stdin io.Reader) *Chain {
	return &Chain{keyring: keyring, getenv: getenv, stdin: stdin}
}

// Get returns the first password the chain finds for the account. When
// none does, the error (wrapping ErrNotFound) says why each source missed.
func (c *Chain) Get(account string) (string, error) {
	var missed []string
	p, err := c.keyring.Get(account)
	switch {
	case err == nil:
		return p, nil
	case errors.Is(err, ErrNotFound):
		missed = append(missed, "none in the OS keyring")
	default:
		missed = append(missed, err.Error())
	}
	if p := c.getenv(EnvPassword); p != "" {
		return p, nil
	}
	missed = append(missed, EnvPassword+" is not set")
	if c.stdin == nil {
		missed = append(missed, "--password-stdin not given")
	} else {
		c.once.Do(func() { c.stdinPass, c.stdinErr = ReadPassword(c.stdin) })
		if c.stdinErr == nil {
			return c.stdinPass, nil
		}
		missed = append(missed, c.stdinErr.Error())
	}
	return "", fmt.Errorf("no password for account %q (%s): %w", account, strings.Join(missed, "; "), ErrNotFound)
}

// ReadPassword reads one line from r, without its line ending. It reads a
// byte at a time so nothing after the line is consumed.
func ReadPassword(r io.Reader) (string, error) {
	var line bytes.Buffer
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			if line.Len() >= maxPasswordLine {
				return "", fmt.Errorf("password on stdin: line longer than %d bytes", maxPasswordLine)
			}
			line.WriteByte(b[0])
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
	}
	p := strings.TrimSuffix(line.String(), "\r")
	if p == "" {
		return "", errors.New("no password on stdin (empty line or no input)")
	}
	return p, nil
}
