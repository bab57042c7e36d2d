package main

import (
	"flag"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/storage"
)

const followUpUsage = "usage: shopdesk followup list [--due] [--json] | followup done ID [--rating N] [--comment TEXT] [--json]"

func (e *env) followUp(args []string) error {
	if len(args) == 0 {
		return usageError{followUpUsage}
	}
	switch args[0] {
	case "list":
		return e.followUpList(args[1:])
	case "done":
		return e.followUpDone(args[1:])
	}
	return usageError{followUpUsage}
}

// followUpLine is one follow-up as "followup list --json" prints it.
type followUpLine struct {
	storage.FollowUp
	Customer string `json:"customer"`
	Overdue  bool   `json:"overdue"`
}

func (e *env) followUpList(args []string) error {
	fs := flag.NewFlagSet("followup list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	dueOnly := fs.Bool("due", false, "only those due now or overdue")
	asJSON := fs.Bool("json", false, "one JSON object a line")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return usageError{followUpUsage}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now()
	var before time.Time
	if *dueOnly {
		before = now.Add(time.Nanosecond)
	}
	// Open follow-ups come from the due index, earliest first, a page at a time.
	var lines []followUpLine
	err = st.View(func(tx *storage.Tx) error {
		fs, err := tx.FollowUpsDue(before, 0)
		if err != nil {
			return err
		}
		names := map[uint64]string{}
		for _, f := range fs {
			name, ok := names[f.CustomerID]
			if !ok {
				c, _ := tx.Customer(f.CustomerID)
				name = c.Name
				names[f.CustomerID] = name
			}
			lines = append(lines, followUpLine{FollowUp: f, Customer: name, Overdue: f.Due.Before(now)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, l := range lines {
		if *asJSON {
			if err := writeJSON(e.stdout, l); err != nil {
				return err
			}
			continue
		}
		mark := ""
		if l.Overdue {
			mark = "overdue"
		}
		if _, err := fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\t%s\t%s\n", l.ID, l.Due.Local().Format("2006-01-02 15:04"),
			mark, l.Kind, l.Customer, l.Note); err != nil {
			return err
		}
	}
	return nil
}

func (e *env) followUpDone(args []string) error {
	fs := flag.NewFlagSet("followup done", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	rating := fs.String("rating", "", "the customer's rating: 1-5, or satisfied, neutral, dissatisfied")
	comment := fs.String("comment", "", "what the customer said")
	asJSON := fs.Bool("json", false, "print JSON")
	// The ID may come before or after the flags.
	var idArg string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		idArg, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usageError{followUpUsage}
	}
	if idArg == "" && fs.NArg() == 1 {
		idArg = fs.Arg(0)
	}
	id, err := strconv.ParseUint(idArg, 10, 64)
	if err != nil || id == 0 {
		return usageError{followUpUsage}
	}
	r := 0
	if *rating != "" {
		var ok bool
		if r, ok = storage.RatingFromWord(*rating); !ok {
			return usageError{fmt.Sprintf("--rating %q: give 1 to 5, satisfied, neutral or dissatisfied", *rating)}
		}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var out struct {
		FollowUp storage.FollowUp   `json:"followup"`
		Opened   []storage.FollowUp `json:"opened"` // a complaint a low rating started
	}
	err = st.Update(func(tx *storage.Tx) error {
		f, err := tx.FollowUp(id)
		if err != nil {
			return fmt.Errorf("follow-up %d: %w", id, err)
		}
		before, err := tx.FollowUpsOf(f.CustomerID)
		if err != nil {
			return err
		}
		if out.FollowUp, err = tx.CompleteFollowUp(id, r, *comment); err != nil {
			return err
		}
		out.Opened, err = newFollowUps(tx, f.CustomerID, before)
		return err
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "%d\tdone\t%s\n", out.FollowUp.ID, out.FollowUp.Done.Local().Format("2006-01-02 15:04"))
	for _, f := range out.Opened {
		fmt.Fprintf(e.stdout, "follow-up %d\t%s\t%s\n", f.ID, f.Kind, f.Due.Local().Format("2006-01-02 15:04"))
	}
	return nil
}

// timedRulesEvery is how often the time-based follow-up rules (payment
// reminders, birthdays, holidays) run while the desk is open.
const timedRulesEvery = time.Hour

// startTimedRules runs the time-based follow-up rules now and then hourly
// until the returned function is called. They are idempotent.
func startTimedRules(st *storage.Store, log logrus.FieldLogger) (stop func()) {
	done := make(chan struct{})
	runOnce := func() {
		n, err := st.RunTimedRules()
		if err != nil {
			log.WithError(err).Error("Run the follow-up schedules")
			return
		}
		log.WithField("made", n).Debug("follow-up schedules ran")
	}
	go func() {
		runOnce()
		t := time.NewTicker(timedRulesEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runOnce()
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}
