package mailbox

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// subjectWindow bounds threading by subject: a customer who writes "Order
// question" again months later starts a new conversation.
const subjectWindow = 30 * 24 * time.Hour

// Linker files messages into conversations and customers.
type Linker struct {
	// Account names the mail account new conversations belong to.
	Account string
	// Own reports whether an address is one of the shop's own; such
	// addresses never become customers and make a message outbound.
	Own func(email string) bool
	// QuietBefore keeps old history quiet: an inbound message dated
	// before it does not open its conversation (a first sync of years of
	// mail must not flood the inbox).
	QuietBefore time.Time
}

// OwnAddresses returns an Own func for the accounts' addresses.
func OwnAddresses(accounts ...storage.Account) func(string) bool {
	own := map[string]bool{}
	for _, a := range accounts {
		own[strings.ToLower(strings.TrimSpace(a.Email))] = true
	}
	return func(email string) bool { return own[strings.ToLower(strings.TrimSpace(email))] }
}

// Link sets the message's direction and conversation, creating the
// customer and conversation when they are new, and updates the
// conversation's clocks and status. The caller saves the message in the
// same transaction.
func (l Linker) Link(tx *storage.Tx, m *storage.Message) error {
	m.Direction = storage.Inbound
	party := m.From
	if l.Own(m.From.Email) {
		m.Direction = storage.Outbound
		party = storage.Address{}
		for _, a := range append(append([]storage.Address{}, m.To...), m.Cc...) {
			if a.Email != "" && !l.Own(a.Email) {
				party = a
				break
			}
		}
	}
	conv, err := l.thread(tx, m)
	if err != nil {
		return err
	}
	if conv.ID == 0 {
		cust, err := l.customer(tx, party)
		if err != nil {
			return err
		}
		if conv, err = l.bySubject(tx, cust.ID, m); err != nil {
			return err
		}
		if conv.ID == 0 {
			conv = storage.Conversation{CustomerID: cust.ID, Account: l.Account, Subject: BaseSubject(m.Subject), Created: m.Date, Status: storage.StatusClosed}
		}
	}
	l.touch(&conv, m)
	if err := tx.SaveConversation(&conv); err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	m.ConversationID = conv.ID
	return nil
}

// thread finds the conversation of the message's parents (In-Reply-To,
// then References newest first).
func (l Linker) thread(tx *storage.Tx, m *storage.Message) (storage.Conversation, error) {
	refs := make([]string, 0, len(m.References)+1)
	if m.InReplyTo != "" {
		refs = append(refs, m.InReplyTo)
	}
	for i := len(m.References) - 1; i >= 0; i-- {
		refs = append(refs, m.References[i])
	}
	for _, id := range refs {
		parents, err := tx.MessagesByMessageID(id)
		if err != nil {
			return storage.Conversation{}, err
		}
		for _, p := range parents {
			if p.ConversationID != 0 {
				return tx.Conversation(p.ConversationID)
			}
		}
	}
	return storage.Conversation{}, nil
}

// bySubject finds the customer's recent conversation with the same subject.
func (l Linker) bySubject(tx *storage.Tx, customerID uint64, m *storage.Message) (storage.Conversation, error) {
	base := BaseSubject(m.Subject)
	if base == "" {
		return storage.Conversation{}, nil
	}
	convs, err := tx.ConversationsOf(customerID)
	if err != nil {
		return storage.Conversation{}, err
	}
	for i := len(convs) - 1; i >= 0; i-- {
		c := convs[i]
		gap := m.Date.Sub(c.LastActivity())
		if strings.EqualFold(BaseSubject(c.Subject), base) && gap < subjectWindow && gap > -subjectWindow {
			return c, nil
		}
	}
	return storage.Conversation{}, nil
}

// UnknownSender collects the messages that name no sender (unreadable
// mail), so they share one customer instead of making one each.
const UnknownSender = "unknown-sender@invalid"

// customer matches the address to a customer, creating a new one.
func (l Linker) customer(tx *storage.Tx, a storage.Address) (storage.Customer, error) {
	email := strings.TrimSpace(a.Email)
	name := strings.TrimSpace(a.Name)
	if email == "" {
		email, name = UnknownSender, "?"
	}
	c, err := tx.CustomerByEmail(email)
	if err == nil || !errors.Is(err, storage.ErrNotFound) {
		return c, err
	}
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	c = storage.Customer{Name: name, Emails: []string{email}, Segment: storage.SegmentNew}
	if err := tx.SaveCustomer(&c); err != nil {
		return c, fmt.Errorf("new customer %s: %w", email, err)
	}
	return c, nil
}

// touch moves the conversation's clocks for the message: an inbound
// message opens it (unless it is old history), our reply sets it to
// waiting on the customer.
func (l Linker) touch(c *storage.Conversation, m *storage.Message) {
	if c.Created.IsZero() || m.Date.Before(c.Created) {
		c.Created = m.Date
	}
	if !m.Date.Before(c.LastActivity()) {
		c.Snippet = Snippet(m.Text)
	}
	if m.Direction == storage.Inbound {
		if c.FirstInbound.IsZero() || m.Date.Before(c.FirstInbound) {
			c.FirstInbound = m.Date
		}
		if m.Date.After(c.LastInbound) {
			c.LastInbound = m.Date
			if m.Date.After(c.LastOutbound) && !m.Date.Before(l.QuietBefore) {
				c.Status = storage.StatusOpen
				c.Unread = c.Unread || !slices.Contains(m.Flags, `\Seen`)
			}
		}
		return
	}
	if !c.FirstInbound.IsZero() && m.Date.After(c.FirstInbound) && (c.FirstResponse.IsZero() || m.Date.Before(c.FirstResponse)) {
		c.FirstResponse = m.Date
	}
	if m.Date.After(c.LastOutbound) {
		c.LastOutbound = m.Date
		if !m.Date.Before(c.LastInbound) && c.Status == storage.StatusOpen {
			c.Status = storage.StatusWaiting
		}
	}
}

// snippetLen bounds the inbox row's preview.
const snippetLen = 120

// Snippet is the start of a message's own words: quoted lines and blank
// lines skipped, whitespace folded.
func Snippet(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, ">") {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.Join(strings.Fields(line), " "))
		if b.Len() >= snippetLen {
			break
		}
	}
	s := b.String()
	if r := []rune(s); len(r) > snippetLen {
		s = string(r[:snippetLen]) + "…"
	}
	return s
}
