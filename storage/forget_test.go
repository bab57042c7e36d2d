package storage

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// forgetFixture stores a customer with a deliberately unusual ID (so any
// leftover byte pattern of it is unambiguous) and one of everything that
// can link to them, plus a second customer who must stay whole.
func forgetFixture(t *testing.T, st *Store) (gone Customer, keep Customer, goneRecords map[Kind][]uint64) {
	goneRecords = map[Kind][]uint64{}
	note := func(k Kind, id uint64) { goneRecords[k] = append(goneRecords[k], id) }
	mustUpdate(t, st, func(tx *Tx) error {
		gone = Customer{ID: 0x5EC2E7C0FFEE0042, Name: "Zhangsan Forgetme 张三丰", Emails: []string{"Zhang.Forgetme@Example.cn", "zsf-second@example.org"},
			Phones:  []Phone{{Number: "+86 139 8765 4321", Label: "mobile"}},
			IM:      []IMHandle{{Network: "WeChat", Handle: "wxid_forgetme"}},
			Address: "杭州市西湖区 Forgetme 路 9 号", Birthday: "1988-08-08", Tags: []string{"forgetme-tag"}, Notes: "forgetme notes"}
		keep = Customer{Name: "Keeper", Emails: []string{"keeper@example.com"}, Phones: []Phone{{Number: "555-0199"}}, Birthday: "1990-01-01"}
		for _, c := range []*Customer{&gone, &keep} {
			if err := tx.SaveCustomer(c); err != nil {
				return err
			}
			conv := Conversation{CustomerID: c.ID, Subject: "Where is my parcel, " + c.Name, Status: StatusOpen, Tags: []string{"logistics"}}
			if err := tx.SaveConversation(&conv); err != nil {
				return err
			}
			o := Order{CustomerID: c.ID, Platform: PlatformTmall, Number: "TM-" + c.Name, Tracking: "SF-" + c.Name, Total: 100, Currency: "CNY",
				Cases: []AfterSalesCase{{Kind: CaseRefund, Reason: "refund for " + c.Name}}}
			if err := tx.SaveOrder(&o); err != nil {
				return err
			}
			conv.OrderIDs = []uint64{o.ID}
			if err := tx.SaveConversation(&conv); err != nil {
				return err
			}
			m := Message{ConversationID: conv.ID, Direction: Inbound, MessageID: "<parcel-" + strings.ToLower(c.Emails[0]) + ">",
				From: Address{Name: c.Name, Email: c.Emails[0]}, Date: time.Now(), Subject: conv.Subject, Text: "Hi, this is " + c.Name,
				Locations: []Location{{Account: "shop", Folder: "INBOX", UIDValidity: 1, UID: uint32(len(c.Name))}}}
			raw := []byte("From: " + c.Name + " <" + c.Emails[0] + ">\r\nSubject: " + conv.Subject + "\r\n\r\nHi\r\n")
			if err := tx.SaveMessage(&m, raw); err != nil {
				return err
			}
			call := Call{CustomerID: c.ID, Phone: c.Phones[0].Number, Start: time.Now(), Summary: "call with " + c.Name, Outcome: CallNoAnswer}
			if err := tx.SaveCall(&call); err != nil {
				return err
			}
			n := Note{CustomerID: c.ID, ConversationID: conv.ID, OrderID: o.ID, Text: "note on " + c.Name}
			if err := tx.SaveNote(&n); err != nil {
				return err
			}
			if _, err := tx.addRuleFollowUp(FollowUp{CustomerID: c.ID, Kind: FollowCare, Due: time.Now(), Note: "birthday of " + c.Name,
				Rule: fmt.Sprintf("care:birthday:2026:%d", c.ID)}); err != nil {
				return err
			}
			d := Draft{ConversationID: conv.ID, Mode: DraftReply, To: []Address{{Email: c.Emails[0]}}, Text: "Dear " + c.Name}
			if err := tx.SaveDraft(&d); err != nil {
				return err
			}
			nd := Draft{Mode: DraftNew, To: []Address{{Email: strings.ToUpper(c.Emails[0])}}, Subject: "New to " + c.Name}
			if err := tx.SaveDraft(&nd); err != nil {
				return err
			}
			ob := OutboxItem{Account: "shop", MessageID: "<reply-" + c.Emails[0] + ">", ConversationID: conv.ID, Recipients: []string{c.Emails[0]},
				Subject: "Re: " + conv.Subject, State: OutQueued}
			if err := tx.Enqueue(&ob, []byte("To: "+c.Emails[0]+"\r\n\r\nhi")); err != nil {
				return err
			}
			ob2 := OutboxItem{Account: "shop", MessageID: "<new-" + c.Emails[0] + ">", Recipients: []string{c.Emails[0]}, Subject: "News for " + c.Name, State: OutFailed}
			if err := tx.Enqueue(&ob2, []byte("To: "+c.Emails[0]+"\r\n\r\nnews")); err != nil {
				return err
			}
			if c == &gone {
				note(KindConversation, conv.ID)
				note(KindMessage, m.ID)
				note(KindOrder, o.ID)
				note(KindCall, call.ID)
				note(KindNote, n.ID)
				note(KindDraft, d.ID)
				note(KindDraft, nd.ID)
				note(KindOutbox, ob.ID)
				note(KindOutbox, ob2.ID)
				for _, fid := range idsUnder(tx, bFollowUpCustomer, u64(c.ID)) {
					note(KindFollowUp, fid)
				}
			}
		}
		return nil
	})
	return gone, keep, goneRecords
}

// personalPatterns are byte strings that would betray the customer if
// any bucket still held them.
func personalPatterns(c Customer) map[string][]byte {
	p := map[string][]byte{
		"id (binary)":  u64(c.ID),
		"id (decimal)": []byte(strconv.FormatUint(c.ID, 10)),
		"name":         []byte(c.Name),
		"name part":    []byte("Forgetme"),
		"address":      []byte(c.Address),
		"im handle":    []byte(c.IM[0].Handle),
		"tag":          []byte(c.Tags[0]),
	}
	for _, e := range c.Emails {
		p["email "+e] = []byte(e)
		p["email (lower) "+e] = []byte(strings.ToLower(e))
	}
	for _, ph := range c.Phones {
		p["phone "+ph.Number] = []byte(ph.Number)
		p["phone (normalized)"] = []byte(NormalizePhone(ph.Number))
	}
	return p
}

// scanAll reports every bucket key or value that contains one of the
// patterns.
func scanAll(t *testing.T, st *Store, patterns map[string][]byte) []string {
	t.Helper()
	var found []string
	err := st.db.View(func(btx *bolt.Tx) error {
		return btx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				for what, p := range patterns {
					if bytes.Contains(k, p) || bytes.Contains(v, p) {
						found = append(found, fmt.Sprintf("%s: %s in key %q", name, what, k))
					}
				}
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func TestForgetCustomerLeavesNothing(t *testing.T) {
	st := openTest(t)
	gone, keep, records := forgetFixture(t, st)
	patterns := personalPatterns(gone)
	// Each pattern must be found before, or the scan after proves nothing.
	for what, p := range patterns {
		if found := scanAll(t, st, map[string][]byte{what: p}); len(found) == 0 {
			t.Fatalf("the fixture does not store the customer's %s", what)
		}
	}
	locs := mustView(t, st, func(tx *Tx) ([]Location, error) { return tx.CustomerMailLocations(gone.ID) })
	if len(locs) != 1 || locs[0].Folder != "INBOX" {
		t.Errorf("locations = %v", locs)
	}
	var before int
	st.View(func(tx *Tx) error { before = tx.CountMessages(); return nil })

	var f Forgotten
	mustUpdate(t, st, func(tx *Tx) error {
		var err error
		f, err = tx.ForgetCustomer(gone.ID, "1 message moved to Trash on the server")
		return err
	})
	want := Forgotten{Conversations: 1, Messages: 1, Orders: 1, Calls: 1, Notes: 1, FollowUps: len(records[KindFollowUp]), Drafts: 2, Outbox: 2}
	if f != want {
		t.Errorf("forgotten = %+v, want %+v", f, want)
	}

	if found := scanAll(t, st, patterns); len(found) > 0 {
		t.Errorf("the customer is still in the database:\n%s", strings.Join(found, "\n"))
	}
	mustVerify(t, st)
	st.View(func(tx *Tx) error {
		for kind, ids := range records {
			for _, id := range ids {
				var err error
				switch kind {
				case KindConversation:
					_, err = tx.Conversation(id)
				case KindMessage:
					_, err = tx.Message(id)
					if _, rerr := tx.Raw(id); !errors.Is(rerr, ErrNotFound) {
						t.Errorf("raw message %d: %v", id, rerr)
					}
				case KindOrder:
					_, err = tx.Order(id)
				case KindCall:
					_, err = tx.Call(id)
				case KindNote:
					_, err = tx.Note(id)
				case KindFollowUp:
					_, err = tx.FollowUp(id)
				case KindDraft:
					_, err = tx.Draft(id)
				case KindOutbox:
					_, err = tx.OutboxItem(id)
					if _, rerr := tx.OutboxRaw(id); !errors.Is(rerr, ErrNotFound) {
						t.Errorf("outbox raw %d: %v", id, rerr)
					}
				}
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("%s %d: err = %v, want not found", kind, id, err)
				}
			}
		}
		// The other customer keeps everything.
		if _, err := tx.Customer(keep.ID); err != nil {
			t.Error(err)
		}
		if n := tx.CountMessages(); n != before-1 {
			t.Errorf("%d messages left, want %d", n, before-1)
		}
		for name, n := range map[string]int{"conversations": len(idsUnder(tx, bConvCustomer, u64(keep.ID))),
			"orders": len(idsUnder(tx, bOrderCustomer, u64(keep.ID))), "drafts": drafts.count(tx), "outbox": outbox.count(tx),
			"rules": tx.btx.Bucket(bFollowUpRules).Stats().KeyN} {
			if n == 0 {
				t.Errorf("the other customer lost their %s", name)
			}
		}
		months, err := tx.ForgottenCounts()
		if err != nil {
			t.Fatal(err)
		}
		if len(months) != 1 || months[0] != (ForgottenMonth{Month: time.Now().UTC().Format("2006-01"), Customers: 1, Conversations: 1, Messages: 1, Orders: 1}) {
			t.Errorf("forgotten counts = %+v", months)
		}
		log, err := tx.AuditLog()
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 1 || log[0].Action != AuditForget || !strings.Contains(log[0].Detail, "1 messages") ||
			!strings.Contains(log[0].Detail, "moved to Trash") {
			t.Errorf("audit log = %+v", log)
		}
		return nil
	})

	mustUpdate(t, st, func(tx *Tx) error {
		if _, err := tx.ForgetCustomer(gone.ID, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("forgetting twice: err = %v", err)
		}
		return nil
	})
}

func mustView[T any](t *testing.T, st *Store, fn func(*Tx) (T, error)) T {
	t.Helper()
	var v T
	if err := st.View(func(tx *Tx) error {
		var err error
		v, err = fn(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return v
}
