package main

import (
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox"
)

// newLogger logs to stderr and to shopdesk.log in the user cache folder,
// and routes the standard library's log (which Fyne uses) into it. A log
// file that cannot be opened is reported and skipped: logging never stops
// the desk from starting.
func newLogger(level logrus.Level, stderr io.Writer) (*logrus.Logger, func()) {
	l := logrus.New()
	l.SetFormatter(redactFormatter{l.Formatter})
	l.SetLevel(level)
	l.SetOutput(stderr)
	closeFile := func() {}
	if f, path, err := openLogFile(); err != nil {
		l.WithError(err).Warn("no log file")
	} else {
		l.SetOutput(io.MultiWriter(stderr, f))
		l.WithField("path", path).Debug("logging to file")
		closeFile = func() { f.Close() }
	}
	w := l.WriterLevel(logrus.WarnLevel)
	log.SetFlags(0)
	log.SetOutput(w)
	return l, func() {
		log.SetOutput(os.Stderr)
		w.Close()
		closeFile()
	}
}

func openLogFile() (*os.File, string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return nil, "", err
	}
	dir = filepath.Join(dir, "shopdesk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", err
	}
	path := filepath.Join(dir, "shopdesk.log")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	return f, path, err
}

// connectOptions are the mail connections' options: at trace level the
// protocol conversation goes to the log, through mailbox's redacting
// writer (no logins, no authentication, no message text).
func (e *env) connectOptions() mailbox.ConnectOptions {
	if e.log == nil || !e.log.IsLevelEnabled(logrus.TraceLevel) {
		return mailbox.ConnectOptions{}
	}
	return mailbox.ConnectOptions{Debug: wireLog{e.log.WithField("wire", "mail")}}
}

// wireLog logs each line the redacting writer passes on.
type wireLog struct{ log logrus.FieldLogger }

func (w wireLog) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w.log.WithField("line", line).Trace("mail protocol")
	}
	return len(p), nil
}
