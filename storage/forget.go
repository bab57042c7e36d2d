package storage

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Forgetting a customer on request (PIPL / GDPR erasure): everything
// linked to them goes, in one transaction; what stays is anonymous, a
// count per month for insights and an audit line that names no one.

var (
	bAudit       = []byte("audit")
	keyForgotten = []byte("forgotten_by_month")
)

// Forgotten counts what forgetting a customer removed. It holds no
// personal data, so it may be kept and shown.
type Forgotten struct {
	Conversations int `json:"conversations"`
	Messages      int `json:"messages"`
	Orders        int `json:"orders"`
	Calls         int `json:"calls"`
	Notes         int `json:"notes"`
	FollowUps     int `json:"followups"`
	Drafts        int `json:"drafts"`
	Outbox        int `json:"outbox"`
}

// ForgottenMonth is the anonymous record insights keep of the customers
// forgotten in one month ("2026-11", UTC).
type ForgottenMonth struct {
	Month         string `json:"month"`
	Customers     int    `json:"customers"`
	Conversations int    `json:"conversations"`
	Messages      int    `json:"messages"`
	Orders        int    `json:"orders"`
}

// AuditEntry is one line of the audit log: when, what kind of action,
// and a description that names no one.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
}

// AuditForget is the audit action of forgetting a customer.
const AuditForget = "forget-customer"

// CustomerMailLocations lists where the customer's messages live on the
// mail servers, for moving them to Trash before forgetting them.
func (tx *Tx) CustomerMailLocations(customerID uint64) ([]Location, error) {
	convs, err := tx.ConversationsOf(customerID)
	if err != nil {
		return nil, err
	}
	var out []Location
	for _, c := range convs {
		ms, err := tx.MessagesOf(c.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			out = append(out, m.Locations...)
		}
	}
	return out, nil
}

// ForgetCustomer removes the customer and everything linked to them:
// conversations, messages with their raw bytes, orders, calls, notes,
// follow-ups and the rules that made them, drafts and outbox items for
// them, and every index entry. It adds the counts to this month's
// anonymous record and writes an audit line with extra (anonymous)
// detail, such as how many messages were moved to Trash on the server.
func (tx *Tx) ForgetCustomer(customerID uint64, extra string) (Forgotten, error) {
	var f Forgotten
	c, err := tx.Customer(customerID)
	if err != nil {
		return f, err
	}
	convs, err := tx.ConversationsOf(customerID)
	if err != nil {
		return f, err
	}
	convIDs := map[uint64]bool{}
	for _, cv := range convs {
		convIDs[cv.ID] = true
		f.Conversations++
		f.Messages += len(idsUnder(tx, bMsgConv, u64(cv.ID)))
	}
	orderIDs := idsUnder(tx, bOrderCustomer, u64(customerID))
	callIDs := idsUnder(tx, bCallCustomer, u64(customerID))
	f.Orders, f.Calls = len(orderIDs), len(callIDs)
	f.Notes = len(idsUnder(tx, bNoteCustomer, u64(customerID)))
	followIDs := idsUnder(tx, bFollowUpCustomer, u64(customerID))
	f.FollowUps = len(followIDs)

	emails := map[string]bool{}
	for _, e := range c.Emails {
		emails[normalizeEmail(e)] = true
	}
	addressed := func(as []Address) bool {
		return slices.ContainsFunc(as, func(a Address) bool { return emails[normalizeEmail(a.Email)] })
	}
	// Drafts and outbox items are few: a full scan finds the ones in their
	// conversations and the new mail addressed to them.
	ds, err := drafts.page(tx, 0, 0)
	if err != nil {
		return f, err
	}
	for _, d := range ds {
		if convIDs[d.ConversationID] || addressed(d.To) || addressed(d.Cc) {
			if err := drafts.delete(tx, d.ID); err != nil {
				return f, err
			}
			f.Drafts++
		}
	}
	items, err := outbox.page(tx, 0, 0)
	if err != nil {
		return f, err
	}
	for _, o := range items {
		if convIDs[o.ConversationID] || slices.ContainsFunc(o.Recipients, func(r string) bool { return emails[normalizeEmail(r)] }) {
			if err := outbox.delete(tx, o.ID); err != nil {
				return f, err
			}
			if err := tx.btx.Bucket(bOutboxRaw).Delete(u64(o.ID)); err != nil {
				return f, fmt.Errorf("delete outbox raw %d: %w", o.ID, err)
			}
			f.Outbox++
		}
	}
	if err := tx.forgetFiredRules(customerID, convIDs, orderIDs, callIDs, followIDs); err != nil {
		return f, err
	}
	if err := tx.DeleteCustomer(customerID); err != nil {
		return f, err
	}
	if err := tx.countForgotten(f); err != nil {
		return f, err
	}
	detail := fmt.Sprintf("forgot a customer on request: %d conversations, %d messages, %d orders, %d calls, %d notes, %d follow-ups, %d drafts, %d outbox items",
		f.Conversations, f.Messages, f.Orders, f.Calls, f.Notes, f.FollowUps, f.Drafts, f.Outbox)
	if extra != "" {
		detail += "; " + extra
	}
	return f, tx.Audit(AuditForget, detail)
}

// forgetFiredRules removes the remembered automatic follow-up rules that
// name the customer or one of their records ("sat:conv:12",
// "care:birthday:2026:7", ...), or that made one of their follow-ups.
func (tx *Tx) forgetFiredRules(customerID uint64, convIDs map[uint64]bool, orderIDs, callIDs, followIDs []uint64) error {
	b := tx.btx.Bucket(bFollowUpRules)
	if b == nil {
		return nil
	}
	has := func(ids []uint64, s string) bool {
		n, err := strconv.ParseUint(s, 10, 64)
		return err == nil && slices.Contains(ids, n)
	}
	var gone [][]byte
	err := b.ForEach(func(k, v []byte) error {
		parts := strings.Split(string(k), ":")
		match := len(v) == 8 && slices.Contains(followIDs, be64(v))
		for i := 0; i+1 < len(parts) && !match; i++ {
			n, err := strconv.ParseUint(parts[i+1], 10, 64)
			switch {
			case err != nil:
			case parts[i] == "conv":
				match = convIDs[n]
			case parts[i] == "order":
				match = has(orderIDs, parts[i+1])
			case parts[i] == "call":
				match = has(callIDs, parts[i+1])
			}
		}
		if !match && len(parts) > 1 && parts[0] == "care" {
			match = parts[len(parts)-1] == strconv.FormatUint(customerID, 10)
		}
		if match {
			gone = append(gone, slices.Clone(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range gone {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("forget rule: %w", err)
		}
	}
	return nil
}

func be64(b []byte) uint64 {
	var n uint64
	for _, x := range b {
		n = n<<8 | uint64(x)
	}
	return n
}

func (tx *Tx) countForgotten(f Forgotten) error {
	months, err := tx.ForgottenCounts()
	if err != nil {
		return err
	}
	month := tx.now().UTC().Format("2006-01")
	i := slices.IndexFunc(months, func(m ForgottenMonth) bool { return m.Month == month })
	if i < 0 {
		months = append(months, ForgottenMonth{Month: month})
		i = len(months) - 1
	}
	m := &months[i]
	m.Customers++
	m.Conversations += f.Conversations
	m.Messages += f.Messages
	m.Orders += f.Orders
	slices.SortFunc(months, func(a, b ForgottenMonth) int { return strings.Compare(a.Month, b.Month) })
	return tx.putJSON(bMeta, keyForgotten, months, "")
}

// ForgottenCounts returns the anonymous counts of forgotten customers and
// their records, one entry per month, oldest first.
func (tx *Tx) ForgottenCounts() ([]ForgottenMonth, error) {
	var months []ForgottenMonth
	err := tx.getJSON(bMeta, keyForgotten, &months, "forgotten counts")
	if isNotFound(err) {
		return nil, nil
	}
	return months, err
}

// Audit appends a line to the audit log. Detail must name no one.
func (tx *Tx) Audit(action, detail string) error {
	b := tx.btx.Bucket(bAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	v, err := json.Marshal(AuditEntry{At: tx.now().UTC(), Action: action, Detail: detail})
	if err != nil {
		return fmt.Errorf("encode audit line: %w", err)
	}
	if err := b.Put(u64(seq), v); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditLog returns the audit lines, oldest first.
func (tx *Tx) AuditLog() ([]AuditEntry, error) { return listJSON[AuditEntry](tx, bAudit, nil) }
