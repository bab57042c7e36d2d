package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
)

func TestRedactFormatter(t *testing.T) {
	const secret = "Tq9-zL!hunter2"
	tests := []struct {
		key    string
		hidden bool
	}{
		{"password", true},
		{"Password", true},
		{"imap_password", true},
		{"passwd", true},
		{"pass", true},
		{"secret", true},
		{"client_secret", true},
		{"token", true},
		{"accessToken", true},
		{"refresh_token", true},
		{"Authorization", true},
		{"credentials", true},
		{"body", true},
		{"raw", true},
		{"account", false},
		{"email", false},
		{"passenger", false}, // "pass" only as a whole name
		{"subject", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			for _, f := range []logrus.Formatter{&logrus.TextFormatter{DisableColors: true}, &logrus.JSONFormatter{}} {
				var out bytes.Buffer
				l := logrus.New()
				l.SetOutput(&out)
				l.SetFormatter(redactFormatter{f})
				entry := l.WithField(tt.key, secret).WithField("folder", "shop")
				entry.Info("saved")
				got := out.String()
				if strings.Contains(got, secret) == tt.hidden {
					t.Errorf("%T, field %q: %s", f, tt.key, got)
				}
				if tt.hidden && !strings.Contains(got, redacted) {
					t.Errorf("%T, field %q: no %s note: %s", f, tt.key, redacted, got)
				}
				if !strings.Contains(got, "shop") {
					t.Errorf("%T: the other fields went missing: %s", f, got)
				}
				if entry.Data[tt.key] != secret {
					t.Error("the entry's own fields were changed")
				}
			}
		})
	}
	// The error field and the message are left as they are.
	var out bytes.Buffer
	l := logrus.New()
	l.SetOutput(&out)
	l.SetFormatter(redactFormatter{&logrus.TextFormatter{DisableColors: true}})
	l.WithError(errors.New("IMAP login: NO [AUTHENTICATIONFAILED]")).Warn("sync")
	if !strings.Contains(out.String(), "AUTHENTICATIONFAILED") {
		t.Errorf("error lost: %s", out.String())
	}
}
