package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/shopdesk/shopdesk/mailbox/mailimport"
	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/importer"
)

const importUsage = `usage: shopdesk import customers|orders FILE [--preset P] [--map field=Column ...] [--dry-run] [--json]
       shopdesk import mail FILE|FOLDER ... [--dry-run] [--json]
FILE is CSV/TSV/TXT (UTF-8, UTF-8 BOM, GBK, UTF-16), XLSX or, for customers, vCard (.vcf).
Presets: taobao, shopee, amazon, shopify, shopdesk, and the ones saved in the desk;
without --preset the file's header row chooses one.
Fields for --map: ` + "%s"

// mapFlags collects repeated --map field=Column options.
type mapFlags []string

func (m *mapFlags) String() string     { return strings.Join(*m, ",") }
func (m *mapFlags) Set(v string) error { *m = append(*m, v); return nil }

func importUsageText() string {
	var fields []string
	for _, f := range importer.Fields(importer.KindOrders) {
		fields = append(fields, string(f))
	}
	return fmt.Sprintf(importUsage, strings.Join(fields, ", "))
}

// importCmd runs "shopdesk import ..." and returns the exit code: 1 when
// nothing was imported and something went wrong, else 0.
func (e *env) importCmd(args []string) int {
	if len(args) == 0 {
		return exitCode(usageError{importUsageText()}, e.stderr)
	}
	kind := args[0]
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	preset := fs.String("preset", "", "the file's layout")
	dryRun := fs.Bool("dry-run", false, "read everything and report, change nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	var maps mapFlags
	fs.Var(&maps, "map", "field=Column (repeatable): read the field from the column with this header (or number, from 1)")
	pos, err := parseArgs(fs, args[1:])
	if err != nil || len(pos) == 0 {
		return exitCode(usageError{importUsageText()}, e.stderr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch kind {
	case "customers", "orders":
		if len(pos) != 1 {
			return exitCode(usageError{importUsageText()}, e.stderr)
		}
		rep, err := e.importRows(ctx, importer.Kind(kind), pos[0], *preset, maps, *dryRun)
		if err != nil {
			return exitCode(err, e.stderr)
		}
		if err := e.printRowReport(rep, *asJSON); err != nil {
			return exitCode(err, e.stderr)
		}
		if rep.Imported+rep.Updated+rep.Unchanged == 0 && rep.Skipped > 0 {
			return exitError
		}
		return exitOK
	case "mail":
		if *preset != "" || len(maps) > 0 {
			return exitCode(usageError{"--preset and --map are for customers and orders"}, e.stderr)
		}
		rep, err := e.importMail(ctx, pos, *dryRun)
		if err != nil {
			return exitCode(err, e.stderr)
		}
		if err := e.printMailReport(rep, *asJSON); err != nil {
			return exitCode(err, e.stderr)
		}
		if rep.Imported == 0 && rep.Duplicates == 0 && len(rep.Issues) > 0 {
			return exitError
		}
		return exitOK
	}
	return exitCode(usageError{importUsageText()}, e.stderr)
}

// progress prints "\rwhat: P% (N of M)" on stderr, every 5%.
func (e *env) progress(what string) func(done, total int64) {
	last := int64(-1)
	return func(done, total int64) {
		pct := int64(100)
		if total > 0 {
			pct = done * 100 / total / 5 * 5 // a line every 5%
		}
		if pct == last {
			return
		}
		last = pct
		fmt.Fprintf(e.stderr, "\r%s: %d%% (%d of %d)", what, pct, done, total)
		if done >= total {
			fmt.Fprintln(e.stderr)
		}
	}
}

func (e *env) importRows(ctx context.Context, kind importer.Kind, path, presetName string, maps mapFlags, dryRun bool) (importer.Report, error) {
	st, err := e.open()
	if err != nil {
		return importer.Report{}, err
	}
	defer st.Close()
	prog := e.progress("rows")
	opt := importer.Options{Kind: kind, DryRun: dryRun, Progress: func(d, t int) { prog(int64(d), int64(t)) }}

	if strings.EqualFold(filepath.Ext(path), ".vcf") {
		if kind != importer.KindCustomers {
			return importer.Report{}, usageError{"a vCard file holds customers: shopdesk import customers FILE.vcf"}
		}
		f, err := os.Open(path)
		if err != nil {
			return importer.Report{}, err
		}
		defer f.Close()
		fmt.Fprintf(e.stderr, "%s: vCard\n", path)
		return importer.ImportVCards(ctx, st, f, opt)
	}

	tab, err := importer.ReadFile(path)
	if err != nil {
		return importer.Report{}, fmt.Errorf("%s: %w", path, err)
	}
	var presets []importer.Preset
	if err := st.View(func(tx *storage.Tx) error {
		presets, err = importer.Presets(tx)
		return err
	}); err != nil {
		e.log.WithError(err).Warn("Some saved import presets could not be read")
	}
	var preset importer.Preset
	var ok bool
	if presetName != "" {
		if preset, ok = importer.FindPreset(presetName, kind, presets); !ok {
			names := map[string]bool{}
			var list []string
			for _, p := range presets {
				if !names[p.Name] {
					names[p.Name] = true
					list = append(list, p.Name)
				}
			}
			return importer.Report{}, usageError{fmt.Sprintf("no preset %q (there are: %s)", presetName, strings.Join(list, ", "))}
		}
	} else if preset, ok = importer.Detect(tab.Header, kind, presets); !ok && len(maps) == 0 {
		return importer.Report{}, usageError{fmt.Sprintf("%s: the columns match no preset; name one with --preset or map them with --map field=Column.\nThe columns are: %s",
			path, strings.Join(tab.Header, ", "))}
	}
	mapping := preset.Resolve(tab.Header)
	if preset.Name == "" {
		preset.Kind = kind
	}
	if err := applyMaps(mapping, maps, tab.Header, kind); err != nil {
		return importer.Report{}, err
	}
	delim := map[rune]string{',': "comma", '\t': "tab", ';': "semicolon", 0: "-"}[tab.Delimiter]
	fmt.Fprintf(e.stderr, "%s: %s, %s-separated, preset %s, %d rows\n", path, tab.Encoding, delim, orDash(preset.Name), len(tab.Rows)+len(tab.Bad))
	opt.Preset, opt.Mapping = preset, mapping
	rep, err := importer.Run(ctx, st, tab, opt)
	if errors.Is(err, importer.ErrNoKeyColumn) || errors.Is(err, importer.ErrNoCustomerColumn) {
		return rep, usageError{fmt.Sprintf("%s: %v (use --map)", path, err)}
	}
	return rep, err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// applyMaps sets field=Column overrides; "field=" unmaps the field.
func applyMaps(m importer.Mapping, maps mapFlags, header []string, kind importer.Kind) error {
	known := map[importer.Field]bool{}
	for _, f := range importer.Fields(kind) {
		known[f] = true
	}
	for _, spec := range maps {
		field, col, ok := strings.Cut(spec, "=")
		f := importer.Field(strings.TrimSpace(field))
		if !ok || !known[f] {
			return usageError{fmt.Sprintf("--map %q: want field=Column with a field of %s", spec, importUsageText()[strings.LastIndex(importUsageText(), ": ")+2:])}
		}
		col = strings.TrimSpace(col)
		if col == "" {
			delete(m, f)
			continue
		}
		idx := -1
		for i, h := range header {
			if strings.EqualFold(h, col) {
				idx = i
				break
			}
		}
		if n, err := strconv.Atoi(col); idx < 0 && err == nil && n >= 1 && n <= len(header) {
			idx = n - 1
		}
		if idx < 0 {
			return usageError{fmt.Sprintf("--map %s: the file has no column %q (it has: %s)", spec, col, strings.Join(header, ", "))}
		}
		m[f] = idx
	}
	return nil
}

// reasonText says in English what a reason code means (the desk shows
// the same in the seller's language).
var reasonText = map[importer.Reason]string{
	importer.ReasonMalformed:       "the row could not be read (a stray or unclosed quote)",
	importer.ReasonExtraColumns:    "more cells than the header has (a value with an unquoted comma?)",
	importer.ReasonNoNumber:        "no order number",
	importer.ReasonNumberMangled:   "the order number was turned into a rounded number by Excel; export again keeping it as text",
	importer.ReasonNoCustomer:      "nothing names the customer (no name, email, phone or buyer account)",
	importer.ReasonBadEmail:        "not an email address (left out)",
	importer.ReasonHiddenPhone:     "the phone number is hidden or empty (left out)",
	importer.ReasonBadTotal:        "the amount cannot be read",
	importer.ReasonBadDate:         "the date cannot be read (left out)",
	importer.ReasonUnknownStatus:   "unknown status (the order keeps its status)",
	importer.ReasonBadItems:        "the items cannot be read",
	importer.ReasonBadAfterSales:   "the after-sales cases cannot be read",
	importer.ReasonBadQuantity:     "the quantity is not a whole number",
	importer.ReasonBadBirthday:     "the birthday cannot be read (left out)",
	importer.ReasonUnknownSegment:  "unknown customer segment (left as it was)",
	importer.ReasonUnknownPlatform: "unknown platform",
	importer.ReasonEmailConflict:   "the email address belongs to another customer",
	importer.ReasonBadCard:         "the vCard cannot be read",
}

func (e *env) printRowReport(rep importer.Report, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	}
	verb := "imported"
	if rep.DryRun {
		verb = "would import"
	}
	fmt.Fprintf(e.stdout, "%s %s: %d rows: %d new, %d updated, %d unchanged, %d skipped", verb, rep.Kind, rep.Rows,
		rep.Imported, rep.Updated, rep.Unchanged, rep.Skipped)
	if rep.CustomersCreated > 0 {
		fmt.Fprintf(e.stdout, "; %d new customers", rep.CustomersCreated)
	}
	fmt.Fprintln(e.stdout)
	if rep.Cancelled {
		fmt.Fprintln(e.stdout, "cancelled: the rows after these were not read")
	}
	for _, is := range rep.Issues {
		what := "note"
		if is.Skipped {
			what = "skipped"
		}
		text := reasonText[is.Code]
		if text == "" {
			text = string(is.Code)
		}
		fmt.Fprintf(e.stdout, "line %d: %s: %s", is.Line, what, text)
		if is.Field != "" {
			fmt.Fprintf(e.stdout, " [%s]", is.Field)
		}
		if is.Value != "" {
			fmt.Fprintf(e.stdout, " %q", is.Value)
		}
		if is.Detail != "" {
			fmt.Fprintf(e.stdout, " (%s)", is.Detail)
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}

func (e *env) importMail(ctx context.Context, paths []string, dryRun bool) (mailimport.Report, error) {
	st, err := e.open()
	if err != nil {
		return mailimport.Report{}, err
	}
	defer st.Close()
	return mailimport.Import(ctx, st, paths, mailimport.Options{DryRun: dryRun, Progress: e.progress("bytes")})
}

var mailCodeText = map[string]string{
	mailimport.CodeMalformed:  "stored, shown raw: the message could not be parsed",
	mailimport.CodeUnreadable: "the file could not be read",
}

func (e *env) printMailReport(rep mailimport.Report, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	}
	verb := "imported"
	if rep.DryRun {
		verb = "would import"
	}
	fmt.Fprintf(e.stdout, "%s mail: %d files, %d messages: %d new, %d already held (skipped), %d shown raw\n",
		verb, rep.Files, rep.Messages, rep.Imported, rep.Duplicates, rep.Malformed)
	if rep.Cancelled {
		fmt.Fprintln(e.stdout, "cancelled: the messages after these were not read")
	}
	for _, is := range rep.Issues {
		where := is.File
		if is.Line > 0 {
			where += ":" + strconv.Itoa(is.Line)
		}
		fmt.Fprintf(e.stdout, "%s: %s", where, mailCodeText[is.Code])
		if is.Detail != "" {
			fmt.Fprintf(e.stdout, " (%s)", is.Detail)
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}
