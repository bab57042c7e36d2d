// Package importer brings customers and orders in from the files sellers
// have: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, UTF-16; comma, tab or
// semicolon) and XLSX exports of Taobao/Tmall, Shopee, Amazon, Shopify
// and Shopdesk itself, through a column mapping, plus vCards. Rows are
// matched to what the store holds (customers by email, then phone, then
// marketplace account; orders by platform and number), so importing the
// same export again updates instead of duplicating. Bad rows are reported
// by line with a reason code and the good rows import.
package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/archive"
)

// Store is what an import needs from the database.
type Store interface {
	View(func(*storage.Tx) error) error
	Update(func(*storage.Tx) error) error
}

// Reason says why a row was skipped or a value left out; the UI
// translates these codes.
type Reason string

const (
	ReasonMalformed       Reason = "malformed"       // the CSV record could not be read (a stray quote)
	ReasonExtraColumns    Reason = "extra_columns"   // more cells than the header: a value probably split
	ReasonNoNumber        Reason = "no_number"       // an order row without an order number
	ReasonNumberMangled   Reason = "number_mangled"  // Excel turned the order number into 1.2E+17
	ReasonNoCustomer      Reason = "no_customer"     // nothing names or reaches the customer
	ReasonBadEmail        Reason = "bad_email"       // not an email address (left out)
	ReasonHiddenPhone     Reason = "hidden_phone"    // a masked or empty number (left out)
	ReasonBadTotal        Reason = "bad_total"       // the amount cannot be read
	ReasonBadDate         Reason = "bad_date"        // the time cannot be read (left out)
	ReasonUnknownStatus   Reason = "unknown_status"  // a status word we do not know (left as it was)
	ReasonBadItems        Reason = "bad_items"       // the items cannot be read
	ReasonBadAfterSales   Reason = "bad_after_sales" // the after-sales cases cannot be read
	ReasonBadQuantity     Reason = "bad_quantity"    // the item quantity is not a whole number
	ReasonBadBirthday     Reason = "bad_birthday"    // left out
	ReasonUnknownSegment  Reason = "unknown_segment" // left as it was
	ReasonUnknownPlatform Reason = "unknown_platform"
	ReasonEmailConflict   Reason = "email_conflict" // the row's addresses belong to two customers
	ReasonBadCard         Reason = "bad_card"       // a vCard that could not be read
)

// Issue is one problem on one line. Skipped issues cost the row; the
// others only lost the value named.
type Issue struct {
	Line    int    `json:"line"`
	Code    Reason `json:"code"`
	Field   Field  `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
	Detail  string `json:"detail,omitempty"`
	Skipped bool   `json:"skipped"`
}

// Report is what an import did, or in a dry run would do.
type Report struct {
	Kind      Kind `json:"kind"`
	Rows      int  `json:"rows"`      // data rows read, bad ones included
	Imported  int  `json:"imported"`  // rows that made a new record
	Updated   int  `json:"updated"`   // rows that changed a record already there
	Unchanged int  `json:"unchanged"` // rows that matched a record and had nothing new
	Skipped   int  `json:"skipped"`
	// CustomersCreated counts the customers order rows created.
	CustomersCreated int     `json:"customers_created,omitempty"`
	Issues           []Issue `json:"issues,omitempty"`
	DryRun           bool    `json:"dry_run,omitempty"`
	Cancelled        bool    `json:"cancelled,omitempty"`
}

// SkippedIssues are the issues that cost a row, by line.
func (r Report) SkippedIssues() []Issue {
	var out []Issue
	for _, is := range r.Issues {
		if is.Skipped {
			out = append(out, is)
		}
	}
	return out
}

// Options say how to read the rows.
type Options struct {
	Kind    Kind
	Preset  Preset  // status words, platform and currency the source implies
	Mapping Mapping // which column fills which field
	DryRun  bool    // run the whole import and roll it back
	// BatchSize is how many rows commit together (500 by default).
	BatchSize int
	// Progress, when set, hears how many rows are done, now and then.
	Progress func(done, total int)
	// Location reads times written without a zone; nil means the shop's
	// time zone from the settings.
	Location *time.Location
}

const defaultBatch = 500

// errRollback ends a dry run's transaction without committing.
var errRollback = errors.New("dry run")

// Run imports the table's rows. The error is for a failure of the store
// (or a mapping that cannot work); row problems are in the report.
// Cancelling ctx stops after the current row: what is done stays
// committed and the report says how far it got.
func Run(ctx context.Context, st Store, t *Table, opt Options) (Report, error) {
	rep := Report{Kind: opt.Kind, Rows: len(t.Rows) + len(t.Bad), DryRun: opt.DryRun}
	rep.Issues = append(rep.Issues, t.Bad...)
	rep.Skipped = len(t.Bad)
	if err := checkMapping(opt.Kind, opt.Mapping); err != nil {
		return rep, err
	}
	r, err := newRun(st, t, opt)
	if err != nil {
		return rep, err
	}
	batch := opt.BatchSize
	if batch <= 0 {
		batch = defaultBatch
	}
	units := r.units(t.Rows)
	total, done := len(t.Rows), 0
	for next := 0; next < len(units) && !rep.Cancelled; {
		// A batch is whole units of about batch rows; a dry run is one
		// transaction, rolled back, so later rows see earlier ones.
		end, n := next, 0
		for end < len(units) && (opt.DryRun || n < batch) {
			n += len(units[end])
			end++
		}
		var part Report
		partDone := done
		err := st.Update(func(tx *storage.Tx) error {
			part, partDone = Report{}, done
			for _, u := range units[next:end] {
				if ctx.Err() != nil {
					part.Cancelled = true
					break
				}
				if err := r.unit(tx, u, &part); err != nil {
					return fmt.Errorf("line %d: %w", u[0].Line, err)
				}
				before := partDone
				partDone += len(u)
				if opt.Progress != nil && partDone/50 != before/50 {
					opt.Progress(partDone, total)
				}
			}
			if opt.DryRun {
				return errRollback
			}
			return nil
		})
		if err != nil && !errors.Is(err, errRollback) {
			return rep, fmt.Errorf("import: %w", err)
		}
		rep.add(part)
		done, next = partDone, end
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	slices.SortStableFunc(rep.Issues, func(a, b Issue) int { return a.Line - b.Line })
	return rep, nil
}

func (r *Report) add(p Report) {
	r.Imported += p.Imported
	r.Updated += p.Updated
	r.Unchanged += p.Unchanged
	r.Skipped += p.Skipped
	r.CustomersCreated += p.CustomersCreated
	r.Issues = append(r.Issues, p.Issues...)
	r.Cancelled = r.Cancelled || p.Cancelled
}

// ErrNoKeyColumn is returned when the mapping leaves out the column the
// kind cannot do without.
var ErrNoKeyColumn = errors.New("no column is chosen for the order number")

// ErrNoCustomerColumn: a customer import needs a name, email or phone column.
var ErrNoCustomerColumn = errors.New("no column is chosen for the name, email or phone")

func checkMapping(k Kind, m Mapping) error {
	if k == KindOrders {
		if _, ok := m[FieldNumber]; !ok {
			return ErrNoKeyColumn
		}
		return nil
	}
	for _, f := range []Field{FieldName, FieldEmail, FieldPhone, FieldPhone2, FieldBuyer, FieldIM, FieldRecvName} {
		if _, ok := m[f]; ok {
			return nil
		}
	}
	return ErrNoCustomerColumn
}

// run is one import's state across its transactions.
type run struct {
	opt    Options
	header []string
	loc    *time.Location
	// handles finds customers by marketplace account (no index holds
	// those); built on first use from the store, then kept up to date.
	handles map[string]uint64
	// orders remembers the orders this import touched, so a row of an
	// order this import created counts as imported, not updated. A failed
	// transaction ends the import, so these never outlive a rollback
	// that matters.
	orders map[string]*seenOrder
}

type seenOrder struct {
	id      uint64
	created bool // made by this import
}

func newRun(st Store, t *Table, opt Options) (*run, error) {
	r := &run{opt: opt, header: t.Header, loc: opt.Location, orders: map[string]*seenOrder{}}
	if r.loc == nil {
		r.loc = time.Local
		err := st.View(func(tx *storage.Tx) error {
			set, err := tx.Settings()
			if err != nil {
				return err
			}
			if set.Hours.TimeZone != "" && set.Hours.TimeZone != "Local" {
				if l, err := time.LoadLocation(set.Hours.TimeZone); err == nil {
					r.loc = l
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read the shop's time zone: %w", err)
		}
	}
	return r, nil
}

// line reads the cells of one row through the mapping.
type line struct {
	row    Row
	m      Mapping
	issues []Issue
	skip   bool
}

func (l *line) get(f Field) string {
	i, ok := l.m[f]
	if !ok || i < 0 || i >= len(l.row.Cells) {
		return ""
	}
	return cleanCell(l.row.Cells[i])
}

func (l *line) warn(code Reason, f Field, value string) {
	l.issues = append(l.issues, Issue{Line: l.row.Line, Code: code, Field: f, Value: value})
}

func (l *line) fail(code Reason, f Field, value, detail string) {
	l.issues = append(l.issues, Issue{Line: l.row.Line, Code: code, Field: f, Value: value, Detail: detail, Skipped: true})
	l.skip = true
}

// units groups the rows that describe one record: the item rows of one
// order follow each other in Amazon, Shopify and Shopee exports.
func (r *run) units(rows []Row) [][]Row {
	var out [][]Row
	prev := ""
	for _, row := range rows {
		key := ""
		if r.opt.Kind == KindOrders {
			l := &line{row: row, m: r.opt.Mapping}
			if n := l.get(FieldNumber); n != "" {
				key = l.get(FieldPlatform) + "\x00" + n
			}
		}
		if key != "" && key == prev {
			out[len(out)-1] = append(out[len(out)-1], row)
			continue
		}
		out = append(out, []Row{row})
		prev = key
	}
	return out
}

// unit imports one record's rows, adding what happened to the report. An
// error is the store's and ends the import: a row's checks all come
// before its writes, so a bad row never leaves half of itself behind.
func (r *run) unit(tx *storage.Tx, rows []Row, rep *Report) error {
	lines := make([]*line, 0, len(rows))
	for _, row := range rows {
		l := &line{row: row, m: r.opt.Mapping}
		if len(row.Cells) > len(r.header) && !blank(row.Cells[len(r.header):]) {
			l.fail(ReasonExtraColumns, "", "", strconv.Itoa(len(row.Cells))+" > "+strconv.Itoa(len(r.header)))
		}
		lines = append(lines, l)
	}
	var res outcome
	var err error
	if r.opt.Kind == KindOrders {
		res, err = r.order(tx, lines, rep)
	} else if l := lines[0]; !l.skip {
		c := r.customerFromRow(l)
		if !c.identified() {
			l.fail(ReasonNoCustomer, "", "", "")
		} else {
			res, _, err = r.saveCustomer(tx, l, c, true)
		}
	}
	if err != nil {
		return err
	}
	for _, l := range lines {
		rep.Issues = append(rep.Issues, l.issues...)
		if l.skip {
			rep.Skipped++
			continue
		}
		switch res {
		case created:
			rep.Imported++
		case updated:
			rep.Updated++
		default:
			rep.Unchanged++
		}
	}
	return nil
}

type outcome int

const (
	unchanged outcome = iota
	created
	updated
)

// candidate is a customer as a row or card describes them.
type candidate struct {
	c      storage.Customer
	handle *storage.IMHandle // marketplace account, for matching
	seg    bool              // the segment was given
}

func (c candidate) identified() bool {
	return len(c.c.Emails) > 0 || len(c.c.Phones) > 0 || c.handle != nil || c.c.Name != ""
}

// customerFromRow reads the customer fields of a row.
func (r *run) customerFromRow(l *line) candidate {
	var c candidate
	c.c.Name = l.get(FieldName)
	emails, bad := parseEmails(l.get(FieldEmail))
	for _, b := range bad {
		l.warn(ReasonBadEmail, FieldEmail, b)
	}
	c.c.Emails = emails
	for _, f := range []Field{FieldPhone, FieldPhone2} {
		phones, hidden := parsePhones(l.get(f))
		for _, h := range hidden {
			l.warn(ReasonHiddenPhone, f, h)
		}
		c.c.Phones = append(c.c.Phones, phones...)
	}
	c.c.IM = parseIM(l.get(FieldIM))
	if b := l.get(FieldBuyer); b != "" {
		platform := r.opt.Preset.Platform
		if p, ok := parsePlatform(l.get(FieldPlatform)); ok {
			platform = p
		}
		h := storage.IMHandle{Network: buyerNetwork(platform), Handle: b}
		c.handle = &h
		c.c.IM = append(c.c.IM, h)
	}
	if c.c.Name == "" {
		c.c.Name = l.get(FieldRecvName)
	}
	if c.c.Name == "" && c.handle != nil {
		c.c.Name = c.handle.Handle
	}
	c.c.Address = joinAddress(l.get(FieldAddress), l.get(FieldCity), l.get(FieldZip), l.get(FieldCountry))
	c.c.Language = l.get(FieldLanguage)
	if b := l.get(FieldBirthday); b != "" {
		if bd, ok := parseBirthday(b); ok {
			c.c.Birthday = bd
		} else {
			l.warn(ReasonBadBirthday, FieldBirthday, b)
		}
	}
	if s := l.get(FieldSegment); s != "" {
		if seg, ok := parseSegment(s); ok {
			c.c.Segment, c.seg = seg, true
		} else {
			l.warn(ReasonUnknownSegment, FieldSegment, s)
		}
	}
	c.c.Tags = splitList(l.get(FieldTags), true)
	c.c.Notes = strings.TrimSpace(l.row.cell(l.m, FieldNotes))
	if s := l.get(FieldCreated); s != "" {
		if t, ok := parseTime(s, r.loc); ok {
			c.c.Created = t
		} else {
			l.warn(ReasonBadDate, FieldCreated, s)
		}
	}
	return c
}

// cell is a raw cell, newlines kept (notes).
func (row Row) cell(m Mapping, f Field) string {
	i, ok := m[f]
	if !ok || i < 0 || i >= len(row.Cells) {
		return ""
	}
	return archive.UnescapeCell(row.Cells[i])
}

func joinAddress(parts ...string) string {
	var out []string
	for i, p := range parts {
		if p == "" || (i > 0 && len(out) > 0 && strings.Contains(out[0], p)) {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ", ")
}

// matchCustomer finds the stored customer the candidate is: by email,
// then phone, then marketplace account. conflict is set when the
// candidate's addresses belong to two customers.
func (r *run) matchCustomer(tx *storage.Tx, c candidate) (storage.Customer, bool, string, error) {
	var found storage.Customer
	for _, e := range c.c.Emails {
		cust, err := tx.CustomerByEmail(e)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return found, false, "", err
		}
		if found.ID != 0 && found.ID != cust.ID {
			return found, false, e, nil
		}
		found = cust
	}
	if found.ID != 0 {
		return found, true, "", nil
	}
	for _, p := range c.c.Phones {
		cs, err := tx.CustomersByPhone(p.Number)
		if err != nil {
			return found, false, "", err
		}
		if len(cs) > 0 {
			return cs[0], true, "", nil
		}
	}
	if c.handle != nil {
		if err := r.loadHandles(tx); err != nil {
			return found, false, "", err
		}
		if id := r.handles[handleKey(*c.handle)]; id != 0 {
			cust, err := tx.Customer(id)
			if err == nil {
				return cust, true, "", nil
			}
			if !errors.Is(err, storage.ErrNotFound) {
				return found, false, "", err
			}
		}
	}
	return found, false, "", nil
}

func handleKey(h storage.IMHandle) string {
	return strings.ToLower(h.Network) + "\x00" + strings.ToLower(strings.TrimSpace(h.Handle))
}

// loadHandles reads every customer's chat accounts once.
func (r *run) loadHandles(tx *storage.Tx) error {
	if r.handles != nil {
		return nil
	}
	r.handles = map[string]uint64{}
	var after uint64
	for {
		page, err := tx.Customers(after, 1000)
		if err != nil {
			return fmt.Errorf("read customers: %w", err)
		}
		for _, c := range page {
			for _, h := range c.IM {
				if _, ok := r.handles[handleKey(h)]; !ok {
					r.handles[handleKey(h)] = c.ID
				}
			}
			after = c.ID
		}
		if len(page) < 1000 {
			return nil
		}
	}
}

// saveCustomer matches the candidate and creates or updates the customer.
// overwrite: a customer import's values replace the stored ones; an
// order row only fills what is missing.
func (r *run) saveCustomer(tx *storage.Tx, l *line, c candidate, overwrite bool) (outcome, storage.Customer, error) {
	cust, found, conflict, err := r.matchCustomer(tx, c)
	if err != nil {
		return unchanged, cust, err
	}
	if conflict != "" {
		l.fail(ReasonEmailConflict, FieldEmail, conflict, "")
		return unchanged, cust, nil
	}
	if !found {
		cust = c.c
		if cust.Name == "" && len(cust.Emails) > 0 {
			cust.Name, _, _ = strings.Cut(cust.Emails[0], "@")
		}
		if cust.Segment == "" {
			cust.Segment = storage.SegmentNew
		}
		if err := tx.SaveCustomer(&cust); err != nil {
			return unchanged, cust, fmt.Errorf("save customer: %w", err)
		}
		r.remember(cust)
		return created, cust, nil
	}
	before, _ := json.Marshal(cust)
	mergeCustomer(&cust, c, overwrite)
	after, _ := json.Marshal(cust)
	if string(before) == string(after) {
		return unchanged, cust, nil
	}
	if err := tx.SaveCustomer(&cust); err != nil {
		return unchanged, cust, fmt.Errorf("save customer %d: %w", cust.ID, err)
	}
	r.remember(cust)
	return updated, cust, nil
}

func (r *run) remember(c storage.Customer) {
	if r.handles == nil {
		return
	}
	for _, h := range c.IM {
		if _, ok := r.handles[handleKey(h)]; !ok {
			r.handles[handleKey(h)] = c.ID
		}
	}
}

// mergeCustomer folds a row into a stored customer: lists gain what is
// new, single values are replaced (overwrite) or filled when empty.
func mergeCustomer(dst *storage.Customer, c candidate, overwrite bool) {
	set := func(p *string, v string) {
		if v != "" && (overwrite || *p == "") {
			*p = v
		}
	}
	set(&dst.Name, c.c.Name)
	set(&dst.Address, c.c.Address)
	set(&dst.Language, c.c.Language)
	set(&dst.Birthday, c.c.Birthday)
	set(&dst.Notes, c.c.Notes)
	if c.seg && overwrite {
		dst.Segment = c.c.Segment
	}
	for _, e := range c.c.Emails {
		if !slices.ContainsFunc(dst.Emails, func(x string) bool { return strings.EqualFold(x, e) }) {
			dst.Emails = append(dst.Emails, e)
		}
	}
	for _, p := range c.c.Phones {
		n := storage.NormalizePhone(p.Number)
		if !slices.ContainsFunc(dst.Phones, func(x storage.Phone) bool { return storage.NormalizePhone(x.Number) == n }) {
			dst.Phones = append(dst.Phones, p)
		}
	}
	for _, h := range c.c.IM {
		if !slices.ContainsFunc(dst.IM, func(x storage.IMHandle) bool { return handleKey(x) == handleKey(h) }) {
			dst.IM = append(dst.IM, h)
		}
	}
	for _, t := range c.c.Tags {
		if !slices.Contains(dst.Tags, t) {
			dst.Tags = append(dst.Tags, t)
		}
	}
	if !c.c.Created.IsZero() && (dst.Created.IsZero() || c.c.Created.Before(dst.Created)) {
		dst.Created = c.c.Created
	}
}
