package main

import (
	"strings"

	"github.com/sirupsen/logrus"
)

// redacted replaces the value of a log field that may hold a secret.
const redacted = "[redacted]"

// secretKeyParts mark field names whose values are secrets wherever they
// appear in the name ("imap_password", "accessToken").
var secretKeyParts = []string{"password", "passwd", "secret", "token", "authorization", "credential", "cookie", "apikey", "api_key"}

// secretKeys are whole field names that hold secrets or message text.
var secretKeys = map[string]bool{"pass": true, "pwd": true, "auth": true, "body": true, "raw": true, "message_body": true}

// isSecretKey reports whether a log field's value must not be written.
func isSecretKey(key string) bool {
	k := strings.ToLower(key)
	if secretKeys[k] {
		return true
	}
	for _, p := range secretKeyParts {
		if strings.Contains(k, p) {
			return true
		}
	}
	return false
}

// redactFormatter blanks secret fields before the real formatter writes
// the entry: a careless WithField("password", p) never reaches a file.
type redactFormatter struct{ logrus.Formatter }

func (f redactFormatter) Format(e *logrus.Entry) ([]byte, error) {
	var clean logrus.Fields
	for k := range e.Data {
		if !isSecretKey(k) {
			continue
		}
		if clean == nil {
			clean = make(logrus.Fields, len(e.Data))
			for k, v := range e.Data {
				clean[k] = v
			}
		}
		clean[k] = redacted
	}
	if clean == nil {
		return f.Formatter.Format(e)
	}
	c := *e
	c.Data = clean
	return f.Formatter.Format(&c)
}
