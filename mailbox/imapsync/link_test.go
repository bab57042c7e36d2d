package imapsync

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// linkMail is one message of the threading scenario.
type linkMail struct {
	key, folder                 string
	from, to, cc, subject, body string // from "" : no From, Sender or Return-Path at all
	inReplyTo, references       string
	at                          time.Duration // after the scenario's start
}

func (m linkMail) messageID() string { return m.key + "@link.example" }

func (m linkMail) raw(start time.Time) []byte {
	var b strings.Builder
	h := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	h("Message-ID", "<"+m.messageID()+">")
	h("Date", start.Add(m.at).Format(time.RFC1123Z))
	h("From", m.from)
	h("To", m.to)
	h("Cc", m.cc)
	h("Subject", m.subject)
	if m.inReplyTo != "" {
		h("In-Reply-To", "<"+m.inReplyTo+"@link.example>")
	}
	if m.references != "" {
		h("References", "<"+m.references+"@link.example>")
	}
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(&b, "\r\n%s\r\n", m.body)
	return []byte(b.String())
}

const (
	alice      = "alice@customers.example"
	aliceOther = "alice.w@mail.example" // her second address, added to her record by the seller
	carol      = "carol@customers.example"
	dave       = "dave@customers.example"
	erin       = "erin@customers.example"
)

// Threading and customer linking across INBOX and Sent: our replies from
// Sent join the customer's conversation (In-Reply-To) and set it waiting;
// an answer without References threads by subject and customer; a new
// subject opens a new conversation; a second address of a customer finds
// her; an unknown address makes a new customer; a message naming no
// sender lands with the UnknownSender customer; the shop's own address
// never becomes a customer, however it is written.
func TestThreadingAndCustomerLinking(t *testing.T) {
	shopUpper := strings.ToUpper(shopEmail[:1]) + shopEmail[1:7] + "@BambooLinen.example" // "Service@BambooLinen.example"
	first := []linkMail{
		{key: "a1", folder: "INBOX", from: "Alice Wong <" + alice + ">", to: shopEmail, subject: "Where is my order 1001?",
			body: "Hi, where is my order?", at: 0},
		{key: "r1", folder: "Sent", from: "Bamboo Linen <" + shopEmail + ">", to: "Alice Wong <" + alice + ">", cc: shopEmail,
			subject: "Re: Where is my order 1001?", inReplyTo: "a1", references: "a1", body: "It ships today.", at: 20 * time.Minute},
		{key: "a2", folder: "INBOX", from: "Alice Wong <" + alice + ">", to: shopEmail, subject: "RE: Where is my order 1001?",
			body: "Still nothing, sorry to insist.", at: 2 * time.Hour},
		{key: "a3", folder: "INBOX", from: "Alice Wong <" + alice + ">", to: shopEmail, subject: "Invoice request",
			body: "Could I get an invoice?", at: 3 * time.Hour},
		// Our reply to a3, from the shop's address in other letter case;
		// the shop also Bcc'd itself, so the same bytes sit in INBOX.
		{key: "r3", folder: "Sent+INBOX", from: shopUpper, to: alice, subject: "Re: Invoice request", inReplyTo: "a3",
			body: "Attached.", at: 3*time.Hour + 10*time.Minute},
		{key: "c1", folder: "INBOX", from: "=?utf-8?B?6ZmI5Y2h572X?= <" + carol + ">", to: shopEmail, subject: "物流查询",
			body: "请问到哪里了？", at: 4 * time.Hour},
		{key: "c2", folder: "INBOX", from: carol, to: shopEmail, subject: "回复：物流查询", body: "还没有到。", at: 5 * time.Hour},
		// We wrote first; nobody answered: nothing waits.
		{key: "s1", folder: "Sent", from: shopEmail, to: "Dave Lee <" + dave + ">", cc: shopEmail, subject: "Your order has shipped",
			body: "Tracking SF123.", at: 6 * time.Hour},
		{key: "n1", folder: "INBOX", to: shopEmail, subject: "no sender here", body: "Who am I?", at: 7 * time.Hour},
		{key: "n2", folder: "INBOX", to: shopEmail, subject: "nor here", body: "Nobody.", at: 8 * time.Hour},
	}
	second := []linkMail{
		// From her second address, answering a3 by subject only.
		{key: "a4", folder: "INBOX", from: "Alice <" + aliceOther + ">", to: shopEmail, subject: "Re: Invoice request",
			body: "Thanks, one more question.", at: 9 * time.Hour},
		{key: "e1", folder: "INBOX", from: "Erin <" + erin + ">", to: shopEmail, subject: "Hello", body: "Do you ship to Macau?", at: 10 * time.Hour},
	}
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) {
			s := srv.start(t)
			start := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
			at := func(key string) time.Time {
				for _, m := range append(slices.Clone(first), second...) {
					if m.key == key {
						return start.Add(m.at)
					}
				}
				t.Fatalf("no message %s", key)
				return time.Time{}
			}
			put := func(ms []linkMail) {
				for _, m := range ms {
					for _, f := range strings.Split(m.folder, "+") {
						appendAll(t, s, f, [][]byte{m.raw(start)})
					}
				}
			}
			put(first)
			st := openStore(t)
			sy := newSyncer(st, s, s.Addr(), Options{})
			if _, err := once(sy); err != nil {
				t.Fatalf("first sync: %v", err)
			}
			mirror(t, st, s, true, "INBOX", "Sent")

			type convWant struct {
				keys          []string
				customer      string
				status        storage.ConversationStatus
				firstResponse string // key of our first reply; "" none
			}
			check := func(when string, wants []convWant, customers []string) {
				t.Helper()
				err := st.View(func(tx *storage.Tx) error {
					for _, w := range wants {
						var conv uint64
						for _, k := range w.keys {
							ms, err := tx.MessagesByMessageID(k + "@link.example")
							if err != nil || len(ms) != 1 {
								t.Errorf("%s: message %s: %v (%d stored)", when, k, err, len(ms))
								continue
							}
							m := ms[0]
							wantDir := storage.Inbound
							if strings.HasPrefix(k, "r") || strings.HasPrefix(k, "s") {
								wantDir = storage.Outbound
							}
							if m.Direction != wantDir {
								t.Errorf("%s: %s is %s, want %s", when, k, m.Direction, wantDir)
							}
							if conv == 0 {
								conv = m.ConversationID
							} else if m.ConversationID != conv {
								t.Errorf("%s: %s is in conversation %d, not with %s in %d", when, k, m.ConversationID, w.keys[0], conv)
							}
						}
						if conv == 0 {
							continue
						}
						c, err := tx.Conversation(conv)
						if err != nil {
							return err
						}
						if msgs, _ := tx.MessagesOf(conv); len(msgs) != len(w.keys) {
							t.Errorf("%s: conversation of %v holds %d messages", when, w.keys, len(msgs))
						}
						cust, err := tx.Customer(c.CustomerID)
						if err != nil {
							return fmt.Errorf("customer of conversation %v: %w", w.keys, err)
						}
						if !slices.Contains(cust.Emails, w.customer) {
							t.Errorf("%s: conversation %v belongs to %v, want %s", when, w.keys, cust.Emails, w.customer)
						}
						if c.Status != w.status {
							t.Errorf("%s: conversation %v is %s, want %s", when, w.keys, c.Status, w.status)
						}
						var wantFR time.Time
						if w.firstResponse != "" {
							wantFR = at(w.firstResponse)
						}
						if !c.FirstResponse.Equal(wantFR) {
							t.Errorf("%s: conversation %v first response %v, want %v", when, w.keys, c.FirstResponse, wantFR)
						}
						if inbound := w.keys[0]; !strings.HasPrefix(inbound, "s") && !c.FirstInbound.Equal(at(inbound)) {
							t.Errorf("%s: conversation %v first inbound %v, want %v", when, w.keys, c.FirstInbound, at(inbound))
						}
					}
					cs, err := tx.Customers(0, 0)
					if err != nil {
						return err
					}
					var got []string
					for _, c := range cs {
						got = append(got, strings.Join(c.Emails, "+"))
						for _, e := range c.Emails {
							if mailbox.OwnAddresses(storage.Account{Email: shopEmail})(e) {
								t.Errorf("%s: the shop's address %s became customer %d", when, e, c.ID)
							}
						}
					}
					slices.Sort(got)
					if !slices.Equal(got, customers) {
						t.Errorf("%s: customers %v, want %v", when, got, customers)
					}
					all, err := tx.Conversations(0, 0)
					if err != nil {
						return err
					}
					if len(all) != len(wants) {
						t.Errorf("%s: %d conversations, want %d", when, len(all), len(wants))
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			check("first sync", []convWant{
				{[]string{"a1", "r1", "a2"}, alice, storage.StatusOpen, "r1"},
				{[]string{"a3", "r3"}, alice, storage.StatusWaiting, "r3"},
				{[]string{"c1", "c2"}, carol, storage.StatusOpen, ""},
				{[]string{"s1"}, dave, storage.StatusClosed, ""},
				{[]string{"n1"}, mailbox.UnknownSender, storage.StatusOpen, ""},
				{[]string{"n2"}, mailbox.UnknownSender, storage.StatusOpen, ""},
			}, []string{alice, carol, dave, mailbox.UnknownSender})
			// The customer made from Carol's message has her decoded name.
			err := st.View(func(tx *storage.Tx) error {
				c, err := tx.CustomerByEmail(carol)
				if err != nil {
					return err
				}
				if c.Name != "陈卡罗" || c.Segment != storage.SegmentNew {
					t.Errorf("new customer %q (%s), want 陈卡罗 (new)", c.Name, c.Segment)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}

			// The seller adds Alice's second address to her record.
			err = st.Update(func(tx *storage.Tx) error {
				c, err := tx.CustomerByEmail(alice)
				if err != nil {
					return err
				}
				c.Emails = append(c.Emails, aliceOther)
				return tx.SaveCustomer(&c)
			})
			if err != nil {
				t.Fatalf("add Alice's second address: %v", err)
			}
			put(second)
			if _, err := once(sy); err != nil {
				t.Fatalf("second sync: %v", err)
			}
			mirror(t, st, s, true, "INBOX", "Sent")
			check("second sync", []convWant{
				{[]string{"a1", "r1", "a2"}, alice, storage.StatusOpen, "r1"},
				{[]string{"a3", "r3", "a4"}, aliceOther, storage.StatusOpen, "r3"},
				{[]string{"c1", "c2"}, carol, storage.StatusOpen, ""},
				{[]string{"s1"}, dave, storage.StatusClosed, ""},
				{[]string{"n1"}, mailbox.UnknownSender, storage.StatusOpen, ""},
				{[]string{"n2"}, mailbox.UnknownSender, storage.StatusOpen, ""},
				{[]string{"e1"}, erin, storage.StatusOpen, ""},
			}, []string{alice + "+" + aliceOther, carol, dave, erin, mailbox.UnknownSender})
		})
	}
}
