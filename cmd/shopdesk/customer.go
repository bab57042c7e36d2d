package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/storage"
)

const customerUsage = `usage:
  shopdesk customer add --name N [--email E]... [--phone P]... [--tag T]... [--segment S] [--json]
  shopdesk customer show EMAIL|PHONE|ID [--json]
      the profile, orders and how many conversations, calls, notes and open follow-ups
  shopdesk customer merge KEEP GONE [--json]
      everything of GONE moves to KEEP and GONE is deleted (each as EMAIL, PHONE or ID)`

func (e *env) customer(args []string) error {
	if len(args) == 0 {
		return usageError{customerUsage}
	}
	switch args[0] {
	case "add":
		return e.customerAdd(args[1:])
	case "show":
		return e.customerShow(args[1:])
	case "merge":
		return e.customerMerge(args[1:])
	case "help", "-h", "--help":
		fmt.Fprintln(e.stdout, customerUsage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown customer command %q\n%s", args[0], customerUsage)}
}

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error {
	if v = strings.TrimSpace(v); v != "" {
		*r = append(*r, v)
	}
	return nil
}

func (e *env) customerAdd(args []string) error {
	fs := flag.NewFlagSet("customer add", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	name := fs.String("name", "", "the customer's name")
	segment := fs.String("segment", string(storage.SegmentNew), "prospect, new, returning or vip")
	var emails, phones, tags repeated
	fs.Var(&emails, "email", "an email address (repeat for more)")
	fs.Var(&phones, "phone", "a phone number (repeat for more)")
	fs.Var(&tags, "tag", "a tag (repeat for more)")
	asJSON := fs.Bool("json", false, "print the customer as JSON")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q\n%s", pos[0], customerUsage)}
	}
	c := storage.Customer{Name: strings.TrimSpace(*name), Emails: emails, Tags: tags, Segment: storage.Segment(*segment)}
	if c.Name == "" && len(emails) == 0 && len(phones) == 0 {
		return usageError{"customer add needs --name, --email or --phone\n" + customerUsage}
	}
	if !validSegment(c.Segment) {
		return usageError{fmt.Sprintf("--segment %q: use prospect, new, returning or vip", *segment)}
	}
	for _, em := range emails {
		if at := strings.LastIndexByte(em, '@'); at <= 0 || at == len(em)-1 || strings.ContainsAny(em, " <>\"") {
			return usageError{fmt.Sprintf("--email %q is not an email address", em)}
		}
	}
	for _, p := range phones {
		if storage.NormalizePhone(p) == "" {
			return usageError{fmt.Sprintf("--phone %q has no digits", p)}
		}
		c.Phones = append(c.Phones, storage.Phone{Number: p})
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	err = st.Update(func(tx *storage.Tx) error {
		for _, em := range emails {
			if other, err := tx.CustomerByEmail(em); err == nil {
				return fmt.Errorf("%s already belongs to customer %d (%s): an email address can belong to one customer only", em, other.ID, other.Name)
			}
		}
		return tx.SaveCustomer(&c)
	})
	if err != nil {
		return fmt.Errorf("add customer: %w", err)
	}
	e.log.WithFields(logrus.Fields{"customer": c.ID, "name": c.Name}).Info("customer added")
	if *asJSON {
		return writeJSON(e.stdout, c)
	}
	_, err = fmt.Fprintf(e.stdout, "%d\t%s\n", c.ID, c.Name)
	return err
}

func validSegment(s storage.Segment) bool {
	for _, x := range storage.Segments {
		if x == s {
			return true
		}
	}
	return false
}

// findCustomer resolves how a script names a customer: a short number is
// an ID, an address with @ an email, anything else a phone number.
func findCustomer(tx *storage.Tx, ref string) (storage.Customer, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseUint(ref, 10, 64); err == nil && len(ref) < 7 {
		c, err := tx.Customer(id)
		if err != nil {
			return c, fmt.Errorf("no customer with ID %d: %w", id, err)
		}
		return c, nil
	}
	if strings.Contains(ref, "@") {
		c, err := tx.CustomerByEmail(ref)
		if err != nil {
			return c, fmt.Errorf("no customer with the email %s: %w", ref, err)
		}
		return c, nil
	}
	cs, err := tx.CustomersByPhone(ref)
	switch {
	case err != nil:
		return storage.Customer{}, err
	case len(cs) == 0:
		return storage.Customer{}, fmt.Errorf("no customer with the email, phone or ID %q: %w", ref, storage.ErrNotFound)
	case len(cs) > 1:
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = strconv.FormatUint(c.ID, 10)
		}
		return storage.Customer{}, fmt.Errorf("customers %s share the number %s: give the ID: %w", strings.Join(ids, ", "), ref, storage.ErrConflict)
	}
	return cs[0], nil
}

// customerCounts are how many records a customer has, besides orders.
type customerCounts struct {
	Conversations int `json:"conversations"`
	Orders        int `json:"orders"`
	Calls         int `json:"calls"`
	Notes         int `json:"notes"`
	OpenFollowUps int `json:"open_followups"`
}

// mergeMoved counts the records a merge moved to the kept customer.
type mergeMoved struct {
	Conversations int `json:"conversations"`
	Orders        int `json:"orders"`
	Calls         int `json:"calls"`
	Notes         int `json:"notes"`
	FollowUps     int `json:"followups"`
}

// customerReport is what "customer show" prints.
type customerReport struct {
	Customer   storage.Customer           `json:"customer"`
	Orders     []storage.Order            `json:"orders"`
	Counts     customerCounts             `json:"counts"`
	Suggestion *storage.SegmentSuggestion `json:"suggested_segment,omitempty"`
}

func loadReport(tx *storage.Tx, c storage.Customer) (customerReport, error) {
	r := customerReport{Customer: c}
	var err error
	if r.Orders, err = tx.OrdersOf(c.ID); err != nil {
		return r, err
	}
	convs, err := tx.ConversationsOf(c.ID)
	if err != nil {
		return r, err
	}
	calls, err := tx.CallsOf(c.ID)
	if err != nil {
		return r, err
	}
	notes, err := tx.NotesOf(c.ID)
	if err != nil {
		return r, err
	}
	fs, err := tx.FollowUpsOf(c.ID)
	if err != nil {
		return r, err
	}
	r.Counts = customerCounts{Conversations: len(convs), Orders: len(r.Orders), Calls: len(calls), Notes: len(notes)}
	for _, f := range fs {
		if f.Done.IsZero() {
			r.Counts.OpenFollowUps++
		}
	}
	if r.Orders == nil {
		r.Orders = []storage.Order{}
	}
	s, ok, err := tx.SuggestSegment(c.ID)
	if ok {
		r.Suggestion = &s
	}
	return r, err
}

func (e *env) customerShow(args []string) error {
	fs := flag.NewFlagSet("customer show", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print as one JSON object")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"usage: shopdesk customer show EMAIL|PHONE|ID [--json]"}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var r customerReport
	err = st.View(func(tx *storage.Tx) error {
		c, err := findCustomer(tx, pos[0])
		if err != nil {
			return err
		}
		r, err = loadReport(tx, c)
		return err
	})
	if err != nil {
		return fmt.Errorf("show customer: %w", err)
	}
	if *asJSON {
		return writeJSON(e.stdout, r)
	}
	return writeReport(e.stdout, r)
}

func writeReport(w io.Writer, r customerReport) error {
	c := r.Customer
	var b strings.Builder
	fmt.Fprintf(&b, "%d\t%s\t%s\n", c.ID, c.Name, c.Segment)
	field := func(name string, values ...string) {
		if v := strings.Join(values, ", "); strings.TrimSpace(v) != "" {
			fmt.Fprintf(&b, "  %-9s %s\n", name+":", v)
		}
	}
	field("email", c.Emails...)
	for _, p := range c.Phones {
		field("phone", strings.TrimSpace(p.Number+" "+p.Label))
	}
	for _, h := range c.IM {
		field(strings.ToLower(h.Network), h.Handle)
	}
	field("address", c.Address)
	field("language", c.Language)
	field("birthday", c.Birthday)
	field("tags", c.Tags...)
	field("notes", strings.Join(strings.Fields(c.Notes), " "))
	n := r.Counts
	fmt.Fprintf(&b, "  %d conversations, %d orders, %d calls, %d notes, %d open follow-ups\n",
		n.Conversations, n.Orders, n.Calls, n.Notes, n.OpenFollowUps)
	if s := r.Suggestion; s != nil {
		fmt.Fprintf(&b, "  suggested segment: %s (%d orders, %s spent)\n", s.Segment, s.Orders, formatAmount(s.Spend, ""))
	}
	for _, o := range r.Orders {
		fmt.Fprintf(&b, "  order %s\t%s\t%s\t%s %s\t%s\n", o.Number, o.Platform, o.Status,
			formatAmount(o.Total, o.Currency), o.Currency, strings.TrimSpace(o.Carrier+" "+o.Tracking))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (e *env) customerMerge(args []string) error {
	fs := flag.NewFlagSet("customer merge", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "print the merged customer and what moved as JSON")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"usage: shopdesk customer merge KEEP GONE [--json]"}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var out struct {
		Customer storage.Customer `json:"customer"`
		Gone     uint64           `json:"merged_away"`
		Moved    mergeMoved       `json:"moved"`
	}
	err = st.Update(func(tx *storage.Tx) error {
		keep, err := findCustomer(tx, pos[0])
		if err != nil {
			return err
		}
		gone, err := findCustomer(tx, pos[1])
		if err != nil {
			return err
		}
		if keep.ID == gone.ID {
			return usageError{fmt.Sprintf("%s and %s are the same customer (%d)", pos[0], pos[1], keep.ID)}
		}
		plan, err := tx.MergePreview(keep.ID, gone.ID)
		if err != nil {
			return err
		}
		out.Gone = gone.ID
		out.Moved = mergeMoved{Conversations: plan.Conversations, Orders: plan.Orders, Calls: plan.Calls,
			Notes: plan.Notes, FollowUps: plan.FollowUps}
		out.Customer, err = tx.MergeCustomers(keep.ID, gone.ID)
		return err
	})
	var ue usageError
	if errors.As(err, &ue) {
		return ue
	}
	if err != nil {
		return fmt.Errorf("merge customers: %w", err)
	}
	e.log.WithFields(logrus.Fields{"customer": out.Customer.ID, "merged_away": out.Gone}).Info("customers merged")
	if *asJSON {
		return writeJSON(e.stdout, out)
	}
	m := out.Moved
	_, err = fmt.Fprintf(e.stdout, "%d\t%s\tmerged %d into it: %d conversations, %d orders, %d calls, %d notes, %d follow-ups moved\n",
		out.Customer.ID, out.Customer.Name, out.Gone, m.Conversations, m.Orders, m.Calls, m.Notes, m.FollowUps)
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
