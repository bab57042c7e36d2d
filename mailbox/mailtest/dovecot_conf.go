package mailtest

import (
	"fmt"
	"os"
	"os/user"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/emersion/go-imap/v2"
)

// dovecotConfig is what the Dovecot 2.3 configuration is made from. It
// stands alone: /etc/dovecot is never read, and nothing of the system
// instance (base_dir, state_dir, syslog) is touched.
type dovecotConfig struct {
	Name               string // instance name
	Greeting           string // unique: tells this instance from whatever else took the port
	Run, State         string // base_dir, state_dir
	Mail, Index, Ctrl  string // Maildir root, index and control dirs
	Users, Log         string
	Port, TLSPort      int // TLSPort 0: no IMAPS
	Cert, Key, DH      string
	InternalUser       string
	InternalGroup      string // "" keeps Dovecot's default (dovecot)
	LoginUser          string
	LoginChroot        string // "login" as root; "" otherwise
	AuthWorkerUser     string // "" keeps Dovecot's default (root)
	Mailboxes          []mailboxConfig
	MaxUserConnections int
}

type mailboxConfig struct {
	Name       string // quoted for the config file
	SpecialUse string
}

var dovecotTemplate = template.Must(template.New("dovecot.conf").Parse(`# written by shopdesk mailbox/mailtest: a private test instance
instance_name = {{.Name}}
base_dir = {{.Run}}
state_dir = {{.State}}
listen = 127.0.0.1
protocols = imap
log_path = {{.Log}}
login_greeting = {{.Greeting}}
info_log_path = {{.Log}}
login_greeting = {{.Greeting}}
default_internal_user = {{.InternalUser}}
{{if .InternalGroup}}default_internal_group = {{.InternalGroup}}
{{end -}}
default_login_user = {{.LoginUser}}
first_valid_uid = 1
first_valid_gid = 1
# test data: speed over durability
mail_fsync = never
auth_failure_delay = 0
disable_plaintext_auth = no
auth_mechanisms = plain login
{{if .TLSPort}}ssl = yes
ssl_cert = <{{.Cert}}
ssl_key = <{{.Key}}
{{if .DH}}ssl_dh = <{{.DH}}
{{end}}ssl_min_protocol = TLSv1.2
{{else}}ssl = no
{{end}}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {{.Users}}
}
userdb {
  driver = passwd-file
  args = username_format=%u {{.Users}}
}
mail_location = maildir:{{.Mail}}:INDEX={{.Index}}:CONTROL={{.Ctrl}}
mail_max_userip_connections = {{.MaxUserConnections}}
namespace inbox {
  inbox = yes
  separator = /
  prefix =
{{- range .Mailboxes}}
  mailbox {{.Name}} {
{{- if .SpecialUse}}
    special_use = {{.SpecialUse}}
{{- end}}
    auto = subscribe
  }
{{- end}}
}
service imap-login {
  chroot = {{.LoginChroot}}
  inet_listener imap {
    address = 127.0.0.1
    port = {{.Port}}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = {{.TLSPort}}
{{- if .TLSPort}}
    ssl = yes
{{- end}}
  }
}
service anvil {
  chroot =
}
{{- if .AuthWorkerUser}}
service auth-worker {
  user = {{.AuthWorkerUser}}
}
{{- end}}
`))

// quoteConf quotes a value for Dovecot's config syntax.
func quoteConf(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func mailboxConfigs(m map[string]imap.MailboxAttr) []mailboxConfig {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]mailboxConfig, 0, len(names))
	for _, n := range names {
		out = append(out, mailboxConfig{Name: quoteConf(n), SpecialUse: string(m[n])})
	}
	return out
}

// runAs is who owns what when Dovecot runs.
type runAs struct {
	root             bool
	mailUID, mailGID int
	internalUser     string
	internalGroup    string // non-root only
	loginUser        string
	loginChroot      string
	authWorkerUser   string
}

// mailOwnerUID owns the mail when the tests run as root: Dovecot refuses
// to access mail as uid 0, and the uid need not exist in /etc/passwd.
const mailOwnerUID = 5000

// whoRuns picks the users for Dovecot. As root (CI) the Debian package's
// unprivileged users take the login and internal roles; as anyone else
// every role is the current user and nothing is chrooted.
func whoRuns() (runAs, error) {
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return runAs{}, fmt.Errorf("current user: %w", err)
		}
		g, err := user.LookupGroupId(strconv.Itoa(os.Getegid()))
		if err != nil {
			return runAs{}, fmt.Errorf("current group: %w", err)
		}
		return runAs{mailUID: os.Geteuid(), mailGID: os.Getegid(), internalUser: u.Username, internalGroup: g.Name,
			loginUser: u.Username, authWorkerUser: u.Username}, nil
	}
	r := runAs{root: true, mailUID: mailOwnerUID, mailGID: mailOwnerUID, loginChroot: "login"}
	var err error
	if r.internalUser, err = existingUser("dovecot", "nobody"); err != nil {
		return r, err
	}
	if r.loginUser, err = existingUser("dovenull", "nobody"); err != nil {
		return r, err
	}
	return r, nil
}

func existingUser(names ...string) (string, error) {
	for _, n := range names {
		if _, err := user.Lookup(n); err == nil {
			return n, nil
		}
	}
	return "", fmt.Errorf("none of the users %s exists (install dovecot-core, which creates them)", strings.Join(names, ", "))
}

// passwdLine is the one user's passwd-file entry:
// user:password:uid:gid:gecos:home:shell:extra.
func passwdLine(user, password string, r runAs, home string) string {
	return user + ":{PLAIN}" + password + ":" + strconv.Itoa(r.mailUID) + ":" + strconv.Itoa(r.mailGID) + "::" + home + "::\n"
}
