package secrets

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// failing is a keyring that always fails with err.
type failing struct{ err error }

func (f failing) Get(string) (string, error) { return "", f.err }

// countingReader records how many bytes were read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestChain(t *testing.T) {
	stored := &Memory{}
	stored.Set("shop", "from-keyring")
	noKeyring := failing{ErrNoKeyring}
	cases := []struct {
		name    string
		keyring Getter
		env     string
		stdin   *string
		want    string
		errHas  []string
	}{
		{"keyring first", stored, "from-env", ptr("from-stdin\n"), "from-keyring", nil},
		{"env when the keyring has none", &Memory{}, "from-env", ptr("from-stdin\n"), "from-env", nil},
		{"env when no keyring", noKeyring, "from-env", nil, "from-env", nil},
		{"stdin last", noKeyring, "", ptr("from-stdin\r\n"), "from-stdin", nil},
		{"stdin without newline", noKeyring, "", ptr("from-stdin"), "from-stdin", nil},
		{"other keyring failure falls through", failing{errors.New("locked")}, "from-env", nil, "from-env", nil},
		{"nothing, no stdin offered", noKeyring, "", nil, "",
			[]string{"no OS keyring reachable", EnvPassword + " is not set", "--password-stdin not given"}},
		{"nothing, empty stdin", &Memory{}, "", ptr(""), "",
			[]string{"none in the OS keyring", "no password on stdin"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == EnvPassword {
					return c.env
				}
				return ""
			}
			var stdin io.Reader
			if c.stdin != nil {
				stdin = strings.NewReader(*c.stdin)
			}
			got, err := NewChain(c.keyring, getenv, stdin).Get("shop")
			if c.errHas == nil {
				if err != nil || got != c.want {
					t.Fatalf("Get = %q, %v; want %q", got, err, c.want)
				}
				return
			}
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get = %q, %v; want ErrNotFound", got, err)
			}
			for _, s := range c.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestChainReadsStdinOnce(t *testing.T) {
	in := &countingReader{r: strings.NewReader("pw-one\nrest of input")}
	c := NewChain(&Memory{}, func(string) string { return "" }, in)
	for _, account := range []string{"a", "b"} {
		if p, err := c.Get(account); err != nil || p != "pw-one" {
			t.Errorf("Get(%q) = %q, %v", account, p, err)
		}
	}
	if in.n != len("pw-one\n") {
		t.Errorf("read %d bytes from stdin, want only the first line (%d)", in.n, len("pw-one\n"))
	}
}

func TestReadPasswordTooLong(t *testing.T) {
	_, err := ReadPassword(strings.NewReader(strings.Repeat("x", maxPasswordLine+1) + "\n"))
	if err == nil || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("long line: %v", err)
	}
}

func ptr(s string) *string { return &s }
