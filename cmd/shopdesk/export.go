package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/archive"
)

const exportUsage = `usage:
  shopdesk export customer EMAIL|PHONE|ID --out FILE.zip
  shopdesk export customers --format csv|xlsx|vcf --out FILE
  shopdesk export orders --format csv|xlsx --out FILE
  shopdesk export all --out DIR|FILE.zip`

func (e *env) export(args []string) error {
	if len(args) == 0 {
		return usageError{exportUsage}
	}
	what, args := args[0], args[1:]
	fs := flag.NewFlagSet("export "+what, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("out", "", "file (or folder for export all) to write")
	format := fs.String("format", "", "csv, xlsx or vcf")
	// The customer may come before or after the flags.
	var ref string
	if what == "customer" && len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		ref, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return usageError{exportUsage}
	}
	if what == "customer" && ref == "" && fs.NArg() == 1 {
		ref = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usageError{exportUsage}
	}
	if *out == "" {
		return usageError{"export: --out is required\n" + exportUsage}
	}
	var run func(ctx context.Context, st *storage.Store, progress archive.Progress) error
	switch what {
	case "customer":
		if ref == "" {
			return usageError{"export customer: say which customer (email, phone or ID)\n" + exportUsage}
		}
		run = func(ctx context.Context, st *storage.Store, progress archive.Progress) error {
			var c storage.Customer
			if err := st.View(func(tx *storage.Tx) error {
				var err error
				c, err = findCustomer(tx, ref)
				return err
			}); err != nil {
				return err
			}
			return archive.ExportCustomer(ctx, st, c.ID, *out, archive.Options{Attachments: mailbox.ExportAttachment, Progress: progress})
		}
	case "customers", "orders":
		f := archive.Format(strings.ToLower(strings.TrimPrefix(*format, ".")))
		allowed := map[archive.Format]bool{archive.CSV: true, archive.XLSX: true, archive.VCard: what == "customers"}
		if f == "" {
			f = formatFromName(*out)
		}
		if !allowed[f] {
			return usageError{fmt.Sprintf("export %s: --format must be csv or xlsx%s\n%s", what, map[bool]string{true: " or vcf"}[what == "customers"], exportUsage)}
		}
		list := archive.ExportOrders
		if what == "customers" {
			list = archive.ExportCustomers
		}
		run = func(ctx context.Context, st *storage.Store, progress archive.Progress) error {
			return storage.WriteFileAtomic(*out, func(w io.Writer) error { return list(ctx, st, f, w, progress) })
		}
	case "all":
		run = func(ctx context.Context, st *storage.Store, progress archive.Progress) error {
			return archive.ExportAll(ctx, st, *out, archive.Options{Attachments: mailbox.ExportAttachment, Progress: progress})
		}
	default:
		return usageError{fmt.Sprintf("export: unknown kind %q\n%s", what, exportUsage)}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	// Ctrl+C cancels the export; the temporary file is removed.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	start := time.Now()
	if err := run(ctx, st, e.exportProgress("export "+what)); err != nil {
		return err
	}
	e.log.WithFields(logrus.Fields{"what": what, "out": *out, "took": time.Since(start).Round(time.Millisecond)}).Info("exported")
	fmt.Fprintf(e.stderr, "export %s: wrote %s\n", what, *out)
	return nil
}

// formatFromName guesses the format from the file's extension.
func formatFromName(name string) archive.Format {
	switch ext := strings.ToLower(name); {
	case strings.HasSuffix(ext, ".xlsx"):
		return archive.XLSX
	case strings.HasSuffix(ext, ".vcf"):
		return archive.VCard
	case strings.HasSuffix(ext, ".csv"):
		return archive.CSV
	}
	return ""
}

// exportProgress prints "label: done/total" on stderr, at most twice a
// second and once at the end, so a script's log stays short.
func (e *env) exportProgress(label string) archive.Progress {
	var last time.Time
	lastDone := -1
	return func(done, total int) {
		if done == lastDone || (done < total && time.Since(last) < 500*time.Millisecond) {
			return
		}
		last, lastDone = time.Now(), done
		fmt.Fprintf(e.stderr, "%s: %d/%d\n", label, done, total)
	}
}
