package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

const orderUsage = `usage:
  shopdesk order add --customer EMAIL|PHONE|ID --number N [--platform P] [--total 12.50] [--currency CNY]
                     [--status S] [--carrier C] [--tracking T] [--placed 2026-11-20] [--notes TEXT] [--json]
  shopdesk order update NUMBER [--platform P] [--status S] [--carrier C] [--tracking T]
                     [--total 12.50] [--currency CNY] [--notes TEXT] [--json]
      platforms: taobao tmall jd pinduoduo douyin shopee amazon ebay shopify other
      statuses:  pending_payment paid shipped delivered completed cancelled`

func (e *env) order(args []string) error {
	if len(args) == 0 {
		return usageError{orderUsage}
	}
	switch args[0] {
	case "add":
		return e.orderAdd(args[1:])
	case "update":
		return e.orderUpdate(args[1:])
	case "help", "-h", "--help":
		fmt.Fprintln(e.stdout, orderUsage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown order command %q\n%s", args[0], orderUsage)}
}

// orderFlags are the order fields both add and update take.
type orderFlags struct {
	platform, total, currency, status, carrier, tracking, placed, notes *string
	asJSON                                                              *bool
	given                                                               map[string]bool
}

func newOrderFlags(fs *flag.FlagSet) *orderFlags {
	return &orderFlags{
		platform: fs.String("platform", "", "the marketplace: "+strings.Join(platformNames(), ", ")),
		total:    fs.String("total", "", "the order total, such as 128.50"),
		currency: fs.String("currency", "", "ISO currency code, such as CNY or USD (default CNY)"),
		status:   fs.String("status", "", "the order status"),
		carrier:  fs.String("carrier", "", "the carrier, such as SF Express"),
		tracking: fs.String("tracking", "", "the tracking number"),
		placed:   fs.String("placed", "", "when the order was placed: 2006-01-02 or 2006-01-02T15:04"),
		notes:    fs.String("notes", "", "notes on the order"),
		asJSON:   fs.Bool("json", false, "print the order as JSON"),
	}
}

func platformNames() []string {
	out := make([]string, len(storage.Platforms))
	for i, p := range storage.Platforms {
		out[i] = string(p)
	}
	return out
}

// apply writes the flags the command line gave onto the order.
func (f *orderFlags) apply(o *storage.Order) error {
	if f.given["platform"] {
		p := storage.Platform(strings.ToLower(strings.TrimSpace(*f.platform)))
		if !slices.Contains(storage.Platforms, p) {
			return usageError{fmt.Sprintf("--platform %q: use one of %s", *f.platform, strings.Join(platformNames(), ", "))}
		}
		o.Platform = p
	}
	if f.given["status"] {
		s := storage.OrderStatus(strings.ToLower(strings.TrimSpace(*f.status)))
		if !slices.Contains(storage.OrderStatuses, s) {
			names := make([]string, len(storage.OrderStatuses))
			for i, x := range storage.OrderStatuses {
				names[i] = string(x)
			}
			return usageError{fmt.Sprintf("--status %q: use one of %s", *f.status, strings.Join(names, ", "))}
		}
		o.Status = s
	}
	if f.given["currency"] {
		c := strings.ToUpper(strings.TrimSpace(*f.currency))
		if len(c) != 3 || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return usageError{fmt.Sprintf("--currency %q: give a three-letter code such as CNY or USD", *f.currency)}
		}
		o.Currency = c
	}
	if o.Currency == "" {
		o.Currency = "CNY"
	}
	if f.given["total"] {
		m, err := parseAmount(*f.total, o.Currency)
		if err != nil {
			return usageError{fmt.Sprintf("--total %q: %v", *f.total, err)}
		}
		o.Total = m
	}
	if f.given["placed"] {
		t, err := parsePlaced(*f.placed)
		if err != nil {
			return usageError{fmt.Sprintf("--placed %q: give 2006-01-02 or 2006-01-02T15:04", *f.placed)}
		}
		o.Placed = t
	}
	if f.given["carrier"] {
		o.Carrier = strings.TrimSpace(*f.carrier)
	}
	if f.given["tracking"] {
		o.Tracking = strings.TrimSpace(*f.tracking)
	}
	if f.given["notes"] {
		o.Notes = strings.TrimSpace(*f.notes)
	}
	return nil
}

func parsePlaced(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a date")
}

// parseAmount reads "128.50", "1,280" or "¥99" into the currency's minor units.
func parseAmount(s, currency string) (storage.Money, error) {
	s = strings.ReplaceAll(strings.TrimLeft(strings.TrimSpace(s), "¥￥$€£"), ",", "")
	neg := strings.HasPrefix(s, "-")
	if neg {
		return 0, errors.New("the total cannot be negative")
	}
	digits := canned.MinorDigits(currency)
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" ||
		len(frac) > digits || (hasFrac && digits == 0) || len(whole) > 13 {
		return 0, fmt.Errorf("not an amount in %s (up to %d decimals)", currency, digits)
	}
	n, err := strconv.ParseInt(whole+frac+strings.Repeat("0", digits-len(frac)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not an amount: %w", err)
	}
	return storage.Money(n), nil
}

// formatAmount writes minor units as a plain decimal for scripts.
func formatAmount(m storage.Money, currency string) string {
	d := canned.MinorDigits(currency)
	s := strconv.FormatInt(int64(m), 10)
	if d == 0 {
		return s
	}
	for len(s) <= d {
		s = "0" + s
	}
	return s[:len(s)-d] + "." + s[len(s)-d:]
}

func (e *env) orderAdd(args []string) error {
	fs := flag.NewFlagSet("order add", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	customer := fs.String("customer", "", "the customer: email, phone or ID")
	number := fs.String("number", "", "the order number")
	of := newOrderFlags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q\n%s", pos[0], orderUsage)}
	}
	of.given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { of.given[f.Name] = true })
	if strings.TrimSpace(*customer) == "" || strings.TrimSpace(*number) == "" {
		return usageError{"order add needs --customer and --number\n" + orderUsage}
	}
	o := storage.Order{Number: strings.TrimSpace(*number), Platform: storage.PlatformOther, Status: storage.OrderPaid}
	if err := of.apply(&o); err != nil {
		return err
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	err = st.Update(func(tx *storage.Tx) error {
		c, err := findCustomer(tx, *customer)
		if err != nil {
			return err
		}
		same, err := tx.OrdersByNumber(o.Number)
		if err != nil {
			return err
		}
		for _, s := range same {
			if s.Platform == o.Platform {
				return fmt.Errorf("order %s on %s is already recorded (customer %d): use order update: %w", o.Number, o.Platform, s.CustomerID, storage.ErrConflict)
			}
		}
		o.CustomerID = c.ID
		return tx.SaveOrder(&o)
	})
	if err != nil {
		return fmt.Errorf("add order: %w", err)
	}
	e.log.WithFields(logrus.Fields{"order": o.ID, "number": o.Number, "customer": o.CustomerID}).Info("order added")
	return e.printOrder(o, *of.asJSON)
}

func (e *env) printOrder(o storage.Order, asJSON bool) error {
	if asJSON {
		return writeJSON(e.stdout, o)
	}
	_, err := fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\t%s %s\tcustomer %d\t%s\n", o.ID, o.Platform, o.Number, o.Status,
		formatAmount(o.Total, o.Currency), o.Currency, o.CustomerID, strings.TrimSpace(o.Carrier+" "+o.Tracking))
	return err
}

func (e *env) orderUpdate(args []string) error {
	fs := flag.NewFlagSet("order update", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	of := newOrderFlags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"usage: shopdesk order update NUMBER [--status S --carrier C --tracking T ...] [--json]"}
	}
	of.given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { of.given[f.Name] = true })
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var o storage.Order
	err = st.Update(func(tx *storage.Tx) error {
		found, err := tx.OrdersByNumber(pos[0])
		if err != nil {
			return err
		}
		// --platform picks among orders that share a number across platforms.
		if of.given["platform"] && len(found) > 1 {
			p := storage.Platform(strings.ToLower(strings.TrimSpace(*of.platform)))
			found = slices.DeleteFunc(found, func(x storage.Order) bool { return x.Platform != p })
			delete(of.given, "platform")
		}
		switch len(found) {
		case 0:
			return fmt.Errorf("no order numbered %s: %w", pos[0], storage.ErrNotFound)
		case 1:
		default:
			return fmt.Errorf("%d orders are numbered %s: say which with --platform: %w", len(found), pos[0], storage.ErrConflict)
		}
		o = found[0]
		if err := of.apply(&o); err != nil {
			return err
		}
		return tx.SaveOrder(&o)
	})
	var ue usageError
	if errors.As(err, &ue) {
		return ue
	}
	if err != nil {
		return fmt.Errorf("update order: %w", err)
	}
	e.log.WithFields(logrus.Fields{"order": o.ID, "number": o.Number, "status": o.Status}).Info("order updated")
	return e.printOrder(o, *of.asJSON)
}
