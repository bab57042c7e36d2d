package main

import (
	"fmt"
	"os"
	"time"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox/demo"
	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/ui"
)

// gui opens the desk on the data folder.
func (e *env) gui() error {
	st, err := e.open()
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
