package importer

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// orderRow is an order as one row describes it; empty values say nothing.
type orderRow struct {
	platform          storage.Platform
	number            string
	status            storage.OrderStatus
	total             *storage.Money
	currency          string
	carrier, tracking string
	placed            time.Time
	items             []storage.OrderItem
	itemsGiven        bool
	item              *storage.OrderItem // one item a row
	cases             []storage.AfterSalesCase
	casesGiven        bool
	notes             string
}

// readOrder reads the order fields of a row; it marks the row skipped
// when the order cannot be imported.
func (r *run) readOrder(l *line) orderRow {
	o := orderRow{platform: r.opt.Preset.Platform, currency: r.opt.Preset.Currency}
	o.number = l.get(FieldNumber)
	switch {
	case o.number == "":
		l.fail(ReasonNoNumber, FieldNumber, "", "")
		return o
	case mangledNumber(o.number):
		l.fail(ReasonNumberMangled, FieldNumber, o.number, "")
		return o
	}
	if s := l.get(FieldPlatform); s != "" {
		if p, ok := parsePlatform(s); ok {
			o.platform = p
		} else {
			l.warn(ReasonUnknownPlatform, FieldPlatform, s)
		}
	}
	if o.platform == "" {
		o.platform = storage.PlatformOther
	}
	if c := l.get(FieldCurrency); c != "" {
		o.currency = strings.ToUpper(c)
	} else if c := currencyIn(l.get(FieldTotal)); c != "" {
		o.currency = c
	}
	if s := l.get(FieldStatus); s != "" {
		if st, ok := parseStatus(s, r.opt.Preset); ok {
			o.status = st
		} else if _, known := r.statusWord(s); !known {
			l.warn(ReasonUnknownStatus, FieldStatus, s)
		}
	}
	if s := l.get(FieldPayStatus); o.status == "" && s != "" {
		if st, ok := parseStatus(s, r.opt.Preset); ok {
			o.status = st
		} else if _, known := r.statusWord(s); !known {
			l.warn(ReasonUnknownStatus, FieldPayStatus, s)
		}
	}
	if s := l.get(FieldTotal); s != "" {
		m, err := parseMoney(s, o.currency)
		if err != nil {
			l.fail(ReasonBadTotal, FieldTotal, s, err.Error())
			return o
		}
		o.total = &m
	}
	o.carrier = l.get(FieldCarrier)
	o.tracking = l.get(FieldTracking)
	if s := l.get(FieldPlaced); s != "" {
		if t, ok := parseTime(s, r.loc); ok {
			o.placed = t
		} else {
			l.warn(ReasonBadDate, FieldPlaced, s)
		}
	}
	if s := l.get(FieldItems); s != "" {
		items, err := parseItems(s, o.currency)
		if err != nil {
			l.fail(ReasonBadItems, FieldItems, s, err.Error())
			return o
		}
		o.items, o.itemsGiven = items, true
	}
	if name := l.get(FieldItemName); name != "" {
		it := storage.OrderItem{Name: name, SKU: l.get(FieldItemSKU), Quantity: 1}
		if q := l.get(FieldItemQty); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil || n < 0 {
				l.fail(ReasonBadQuantity, FieldItemQty, q, "")
				return o
			}
			it.Quantity = n
		}
		if p := l.get(FieldItemPrice); p != "" {
			m, err := parseMoney(p, o.currency)
			if err != nil {
				l.fail(ReasonBadTotal, FieldItemPrice, p, err.Error())
				return o
			}
			it.Price = m
		}
		o.item = &it
	}
	if s := l.get(FieldAfterSales); s != "" {
		cases, err := parseCases(s, o.currency)
		if err != nil {
			l.fail(ReasonBadAfterSales, FieldAfterSales, s, err.Error())
			return o
		}
		o.cases, o.casesGiven = cases, true
	}
	notes := strings.TrimSpace(l.row.cell(l.m, FieldOrderNotes))
	if msg := l.get(FieldBuyerMessage); msg != "" {
		notes = strings.TrimSpace(notes + "\n" + msg)
	}
	o.notes = notes
	return o
}

// statusWord reports whether the preset knows the word, even as one that
// says nothing (Shopify's "unfulfilled").
func (r *run) statusWord(s string) (storage.OrderStatus, bool) {
	k := fold(s)
	for w, st := range r.opt.Preset.Statuses {
		if fold(w) == k {
			return st, true
		}
	}
	return "", false
}

func orderKey(p storage.Platform, number string) string {
	return string(p) + "\x00" + strings.ToUpper(strings.Join(strings.Fields(number), ""))
}

// findOrder finds the stored order with the platform and number.
func (r *run) findOrder(tx *storage.Tx, o orderRow) (storage.Order, bool, error) {
	if seen := r.orders[orderKey(o.platform, o.number)]; seen != nil {
		ord, err := tx.Order(seen.id)
		if err == nil {
			return ord, true, nil
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return ord, false, err
		}
	}
	all, err := tx.OrdersByNumber(o.number)
	if err != nil {
		return storage.Order{}, false, err
	}
	for _, ord := range all {
		if ord.Platform == o.platform {
			return ord, true, nil
		}
	}
	return storage.Order{}, false, nil
}

// combine folds the rows of one order into one description: the first
// value given wins, items add up, and so does the total when the source
// writes it per item row.
func combine(rows []orderRow, sumTotal bool) orderRow {
	o := rows[0]
	for _, x := range rows[1:] {
		for _, f := range []struct {
			dst *string
			v   string
		}{{&o.carrier, x.carrier}, {&o.tracking, x.tracking},
			{&o.notes, x.notes}, {&o.currency, x.currency}} {
			if *f.dst == "" {
				*f.dst = f.v
			}
		}
		if o.status == "" {
			o.status = x.status
		}
		if o.placed.IsZero() {
			o.placed = x.placed
		}
		switch {
		case x.total != nil && o.total != nil && sumTotal:
			sum := *o.total + *x.total
			o.total = &sum
		case o.total == nil:
			o.total = x.total
		}
		o.items = append(o.items, x.items...)
		o.itemsGiven = o.itemsGiven || x.itemsGiven
		if !o.casesGiven && x.casesGiven {
			o.cases, o.casesGiven = x.cases, true
		}
	}
	for _, x := range rows {
		if x.item != nil {
			o.items = append(o.items, *x.item)
			o.itemsGiven = true
		}
	}
	o.item = nil
	return o
}

// order imports the rows of one order and its customer.
func (r *run) order(tx *storage.Tx, lines []*line, rep *Report) (outcome, error) {
	var rows []orderRow
	var c candidate
	var first *line // the first good row: customer problems are told there
	for _, l := range lines {
		if l.skip {
			continue
		}
		o := r.readOrder(l)
		if l.skip {
			continue
		}
		if first == nil {
			first = l
		}
		rows = append(rows, o)
		if !c.identified() {
			c = r.customerFromRow(l)
		}
	}
	if len(rows) == 0 {
		return unchanged, nil
	}
	o := combine(rows, r.opt.Preset.SumTotal)
	ord, found, err := r.findOrder(tx, o)
	if err != nil {
		return unchanged, err
	}
	skipAll := func(code Reason, f Field, v string) {
		first.fail(code, f, v, "")
		for _, l := range lines {
			l.skip = true
		}
	}
	if !found && !c.identified() {
		skipAll(ReasonNoCustomer, "", "")
		return unchanged, nil
	}
	custOutcome := unchanged
	if found && c.identified() {
		// Enrich the order's own customer rather than move the order.
		cust, err := tx.Customer(ord.CustomerID)
		if err != nil {
			return unchanged, err
		}
		before, _ := json.Marshal(cust)
		mergeCustomer(&cust, c, false)
		if after, _ := json.Marshal(cust); string(after) != string(before) {
			if e, err := r.takenEmail(tx, cust); err != nil || e != "" {
				if e != "" {
					skipAll(ReasonEmailConflict, FieldEmail, e)
				}
				return unchanged, err
			}
			if err := tx.SaveCustomer(&cust); err != nil {
				return unchanged, err
			}
			r.remember(cust)
			custOutcome = updated
		}
	} else if !found {
		cust, conflict, res, err := r.matchOrCreate(tx, c)
		if err != nil {
			return unchanged, err
		}
		if conflict != "" {
			skipAll(ReasonEmailConflict, FieldEmail, conflict)
			return unchanged, nil
		}
		if res == created {
			rep.CustomersCreated++
		}
		ord.CustomerID = cust.ID
	}

	key := orderKey(o.platform, o.number)
	before, _ := json.Marshal(ord)
	if !found {
		ord.Platform, ord.Number, ord.Currency = o.platform, o.number, o.currency
		ord.Status = storage.OrderPendingPayment
	}
	applyOrder(&ord, o)
	after, _ := json.Marshal(ord)
	seen := r.orders[key]
	if found && string(before) == string(after) {
		if seen != nil && seen.created {
			return created, nil
		}
		return custOutcome, nil
	}
	if err := tx.SaveOrder(&ord); err != nil {
		return unchanged, err
	}
	if seen == nil {
		seen = &seenOrder{id: ord.ID, created: !found}
		r.orders[key] = seen
	}
	if seen.created {
		return created, nil
	}
	return updated, nil
}

// matchOrCreate finds the order's customer or makes them; an order row
// fills only what the stored customer lacks.
func (r *run) matchOrCreate(tx *storage.Tx, c candidate) (storage.Customer, string, outcome, error) {
	l := &line{}
	res, cust, err := r.saveCustomer(tx, l, c, false)
	if err != nil {
		return cust, "", unchanged, err
	}
	if l.skip {
		return cust, l.issues[0].Value, unchanged, nil
	}
	return cust, "", res, nil
}

// takenEmail names an address of the customer that another customer
// already has, which an update must not take.
func (r *run) takenEmail(tx *storage.Tx, c storage.Customer) (string, error) {
	for _, e := range c.Emails {
		other, err := tx.CustomerByEmail(e)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		if other.ID != c.ID {
			return e, nil
		}
	}
	return "", nil
}

// applyOrder writes the file's values into the order; the file's items
// replace the stored ones (they are the whole order).
func applyOrder(ord *storage.Order, o orderRow) {
	if o.status != "" {
		ord.Status = o.status // the store appends the change to the history
	}
	if o.currency != "" {
		ord.Currency = o.currency
	}
	if o.carrier != "" {
		ord.Carrier = o.carrier
	}
	if o.tracking != "" {
		ord.Tracking = o.tracking
	}
	if !o.placed.IsZero() && !o.placed.Equal(ord.Placed) {
		ord.Placed = o.placed
	}
	if o.total != nil {
		ord.Total = *o.total
	}
	if o.itemsGiven {
		ord.Items = o.items
	}
	if o.casesGiven {
		ord.Cases = mergeCases(ord.Cases, o.cases)
	}
	if o.notes != "" {
		ord.Notes = o.notes
	}
}

// mergeCases keeps the stored cases' history: a case of the same kind and
// reason takes the file's state and amount; others are added.
func mergeCases(stored, file []storage.AfterSalesCase) []storage.AfterSalesCase {
	out := append([]storage.AfterSalesCase(nil), stored...)
	used := make([]bool, len(out))
	for _, f := range file {
		matched := false
		for i := range out {
			if !used[i] && out[i].Kind == f.Kind && out[i].Reason == f.Reason {
				out[i].State, out[i].Amount, used[i], matched = f.State, f.Amount, true, true
				break
			}
		}
		if !matched {
			out = append(out, f)
			used = append(used, true)
		}
	}
	return out
}
