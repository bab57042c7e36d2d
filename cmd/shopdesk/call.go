package main

import (
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/storage"
)

func (e *env) call(args []string) error {
	if len(args) == 0 || args[0] != "log" {
		return usageError{"usage: shopdesk call log --customer EMAIL|PHONE|ID --direction in|out --duration 5m --summary S --outcome O [--phone P] [--start T] [--due T] [--severity low|medium|high] [--json]"}
	}
	return e.callLog(args[1:])
}

// callLogged is what "call log" prints: the call and the follow-ups its
// outcome scheduled.
type callLogged struct {
	Call      storage.Call       `json:"call"`
	FollowUps []storage.FollowUp `json:"followups"`
}

func (e *env) callLog(args []string) error {
	fs := flag.NewFlagSet("call log", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	customer := fs.String("customer", "", "the customer: email, phone number or ID")
	phone := fs.String("phone", "", "the number called (default: the customer's first)")
	direction := fs.String("direction", "", "in or out")
	start := fs.String("start", "", "when the call started (2006-01-02 15:04; default: now minus its length)")
	duration := fs.String("duration", "", `its length: "5m", "1:30", "90s"`)
	summary := fs.String("summary", "", "what it was about")
	outcome := fs.String("outcome", "", "resolved, follow_up, no_answer, escalated or complaint")
	due := fs.String("due", "", "for follow_up: when to follow up (default: the next working day)")
	severity := fs.String("severity", "", "for complaint: low, medium or high (default high)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *customer == "" || *direction == "" || *duration == "" || strings.TrimSpace(*summary) == "" || *outcome == "" {
		return usageError{"call log needs --customer, --direction, --duration, --summary and --outcome"}
	}
	c := storage.Call{Phone: strings.TrimSpace(*phone), Summary: strings.TrimSpace(*summary)}
	switch *direction {
	case "in":
		c.Direction = storage.Inbound
	case "out":
		c.Direction = storage.Outbound
	default:
		return usageError{fmt.Sprintf("--direction %q: give in or out", *direction)}
	}
	var err error
	if c.Duration, err = storage.ParseCallDuration(*duration); err != nil {
		return usageError{fmt.Sprintf("--duration: %v", err)}
	}
	var ok bool
	if c.Outcome, ok = storage.ParseCallOutcome(*outcome); !ok {
		return usageError{fmt.Sprintf("--outcome %q: give resolved, follow_up, no_answer, escalated or complaint", *outcome)}
	}
	if *start != "" {
		if c.Start, err = parsePlaced(*start); err != nil {
			return usageError{fmt.Sprintf("--start %q: give a time like 2025-11-20 14:30", *start)}
		}
	} else {
		c.Start = time.Now().Add(-c.Duration)
	}
	if *due != "" {
		if c.FollowUpDue, err = parsePlaced(*due); err != nil {
			return usageError{fmt.Sprintf("--due %q: give a time like 2025-11-21 10:00", *due)}
		}
	}
	if *severity != "" {
		if c.Severity, ok = storage.ParseSeverity(*severity); !ok {
			return usageError{fmt.Sprintf("--severity %q: give low, medium or high", *severity)}
		}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var out callLogged
	err = st.Update(func(tx *storage.Tx) error {
		cust, err := findCustomer(tx, *customer)
		if err != nil {
			return err
		}
		c.CustomerID = cust.ID
		if c.Phone == "" && len(cust.Phones) > 0 {
			c.Phone = cust.Phones[0].Number
		}
		before, err := tx.FollowUpsOf(cust.ID)
		if err != nil {
			return err
		}
		if err := tx.SaveCall(&c); err != nil {
			return fmt.Errorf("log the call: %w", err)
		}
		out.Call = c
		out.FollowUps, err = newFollowUps(tx, cust.ID, before)
		return err
	})
	if err != nil {
		return err
	}
	e.log.WithFields(logrus.Fields{"call": out.Call.ID, "customer": out.Call.CustomerID, "followups": len(out.FollowUps)}).Debug("call logged")
	if *asJSON {
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\t%s\n", out.Call.ID, out.Call.Start.Format("2006-01-02 15:04"),
		storage.FormatCallDuration(out.Call.Duration), out.Call.Outcome, out.Call.Summary)
	for _, f := range out.FollowUps {
		fmt.Fprintf(e.stdout, "follow-up %d\t%s\t%s\n", f.ID, f.Kind, f.Due.Local().Format("2006-01-02 15:04"))
	}
	return nil
}

// newFollowUps lists the customer's follow-ups that are not in before.
func newFollowUps(tx *storage.Tx, customerID uint64, before []storage.FollowUp) ([]storage.FollowUp, error) {
	had := map[uint64]bool{}
	for _, f := range before {
		had[f.ID] = true
	}
	after, err := tx.FollowUpsOf(customerID)
	out := []storage.FollowUp{}
	for _, f := range after {
		if !had[f.ID] {
			out = append(out, f)
		}
	}
	return out, err
}
