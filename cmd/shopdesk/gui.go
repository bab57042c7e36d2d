package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox/demo"
	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/ui"
)

// gui opens the desk on the data folder.
func (e *env) gui() error {
	st, err := e.open()
	if errors.Is(err, storage.ErrAlreadyRunning) && hasDisplay() {
		if uerr := ui.ShowAlreadyRunning(); uerr != nil {
			e.log.WithError(uerr).Warn("cannot show the already-running message")
		}
	}
	if err != nil {
		return err
	}
	defer st.Close()
	if err := seedCannedReplies(st, e.log); err != nil {
		return err
	}
	e.log.WithField("data_dir", e.dataDir).Info("desk starting")
	return ui.Run(st, e.log)
}

// hasDisplay reports whether a window can open: always on Windows and
// macOS, with an X11 or Wayland display elsewhere.
func hasDisplay() bool {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// demo opens the desk on the sample shop in a temporary data folder,
// removed when the desk closes.
func (e *env) demo() error {
	dir, err := os.MkdirTemp("", "shopdesk-demo-")
	if err != nil {
		return fmt.Errorf("create demo folder: %w", err)
	}
	defer os.RemoveAll(dir)
	d, err := assets.LoadDemo()
	if err != nil {
		return err
	}
	st, err := storage.Open(dir)
	if err != nil {
		return err
	}
	if err := demo.Seed(st, d, time.Now()); err != nil {
		st.Close()
		return err
	}
	st.Close()
	e.log.WithField("data_dir", dir).Info("demo shop ready")
	e.dataDir = dir
	return e.gui()
}
