package demo

import (
	"fmt"
	"time"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/storage"
)

// Account is the name of the demo mail account.
const Account = "demo"

// Seed writes the whole demo shop into an empty store in one transaction:
// settings, customers, orders, conversations with their raw mail, calls,
// follow-ups and notes, dated relative to now.
func Seed(st *storage.Store, d assets.Demo, now time.Time) error {
	mails, err := Render(d, now)
	if err != nil {
		return err
	}
	return st.Update(func(tx *storage.Tx) error {
		s := &seeder{tx: tx, d: d, now: now, customers: map[string]uint64{}, orders: map[string]uint64{}, convs: map[string]uint64{}}
		steps := []func() error{s.settings, s.addCustomers, s.addOrders, func() error { return s.addConversations(mails) }, s.addCalls, s.addFollowUps, s.addNotes}
		for _, step := range steps {
			if err := step(); err != nil {
				return fmt.Errorf("seed demo: %w", err)
			}
		}
		return nil
	})
}

type seeder struct {
	tx                       *storage.Tx
	d                        assets.Demo
	now                      time.Time
	customers, orders, convs map[string]uint64 // demo key -> store ID
}

func (s *seeder) at(o assets.Offset) time.Time { return o.From(s.now).Truncate(time.Second) }

func (s *seeder) settings() error {
	sh := s.d.Shop
	set := storage.DefaultSettings()
	set.ShopName, set.AgentName = sh.Name, sh.AgentNameEn
	set.Hours.TimeZone, set.Hours.Start, set.Hours.End = sh.TimeZone, sh.WorkStart, sh.WorkEnd
	set.Hours.Days = [7]bool{}
	for _, wd := range sh.WorkDays {
		set.Hours.Days[wd] = true
	}
	set.ResponseTarget = time.Duration(sh.ResponseTargetMinutes) * time.Minute
	set.VIPThreshold = storage.Money(sh.VIPThreshold)
	return s.tx.SaveSettings(set)
}

func (s *seeder) addCustomers() error {
	for _, dc := range s.d.Customers {
		c := storage.Customer{Name: dc.Name, Emails: dc.Emails, Address: dc.Address, Language: dc.Language,
			Birthday: dc.BirthdayOn(s.now), Segment: storage.Segment(dc.Segment), Tags: dc.Tags, Notes: dc.Notes,
			Created: s.at(dc.Since)}
		for _, p := range dc.Phones {
			c.Phones = append(c.Phones, storage.Phone{Number: p.Number, Label: p.Label})
		}
		for _, im := range dc.IM {
			c.IM = append(c.IM, storage.IMHandle{Network: im.Network, Handle: im.Handle})
		}
		if err := s.tx.SaveCustomer(&c); err != nil {
			return fmt.Errorf("customer %s: %w", dc.Key, err)
		}
		s.customers[dc.Key] = c.ID
	}
	return nil
}

func (s *seeder) addOrders() error {
	for _, do := range s.d.Orders {
		o := storage.Order{CustomerID: s.customers[do.Customer], Platform: storage.Platform(do.Platform), Number: do.Number,
			Total: storage.Money(do.Total), Currency: do.Currency, Status: storage.OrderStatus(do.Status),
			Carrier: do.Carrier, Tracking: do.Tracking, Notes: do.Notes, Placed: s.at(do.Placed), Created: s.at(do.Placed)}
		for _, it := range do.Items {
			o.Items = append(o.Items, storage.OrderItem{SKU: it.SKU, Name: it.Name, Quantity: it.Quantity, Price: storage.Money(it.Price)})
		}
		for _, h := range do.History {
			o.History = append(o.History, storage.StatusChange{Status: storage.OrderStatus(h.Status), At: s.at(h.At)})
		}
		for _, dc := range do.Cases {
			c := storage.AfterSalesCase{Kind: storage.CaseKind(dc.Kind), Reason: dc.Reason, State: storage.CaseState(dc.State),
				Amount: storage.Money(dc.Amount), Opened: s.at(dc.Opened)}
			for _, st := range dc.Steps {
				c.Steps = append(c.Steps, storage.CaseStep{State: storage.CaseState(st.State), At: s.at(st.At), Note: st.Note})
			}
			o.Cases = append(o.Cases, c)
		}
		if err := s.tx.SaveOrder(&o); err != nil {
			return fmt.Errorf("order %s: %w", do.Key, err)
		}
		s.orders[do.Key] = o.ID
	}
	return nil
}

func (s *seeder) addConversations(mails []Mail) error {
	byConv := map[string][]Mail{}
	for _, m := range mails {
		byConv[m.Conversation] = append(byConv[m.Conversation], m)
	}
	uids := map[string]uint32{}
	for _, dc := range s.d.Conversations {
		conv := storage.Conversation{CustomerID: s.customers[dc.Customer], Account: Account, Subject: dc.Subject,
			Status: storage.ConversationStatus(dc.Status), Tags: dc.Tags}
		for _, ok := range dc.Orders {
			conv.OrderIDs = append(conv.OrderIDs, s.orders[ok])
		}
		for i, m := range dc.Messages {
			at := s.at(m.At)
			if i == 0 {
				conv.Created = at
			}
			if m.Direction == "in" {
				if conv.FirstInbound.IsZero() {
					conv.FirstInbound = at
				}
				conv.LastInbound = at
			} else {
				if conv.FirstResponse.IsZero() && !conv.FirstInbound.IsZero() {
					conv.FirstResponse = at
				}
				conv.LastOutbound = at
			}
		}
		if err := s.tx.SaveConversation(&conv); err != nil {
			return fmt.Errorf("conversation %s: %w", dc.Key, err)
		}
		s.convs[dc.Key] = conv.ID
		for i, ml := range byConv[dc.Key] {
			dm := dc.Messages[i]
			folder, flags := "INBOX", []string{}
			if dm.Direction == "out" {
				folder, flags = "Sent", []string{`\Seen`}
			} else if dc.Status != "open" {
				flags = []string{`\Seen`, `\Answered`}
			}
			uids[folder]++
			m := storage.Message{ConversationID: conv.ID, Direction: storage.Direction(dm.Direction),
				Locations: []storage.Location{{Account: Account, Folder: folder, UIDValidity: 1, UID: uids[folder]}},
				MessageID: ml.MessageID, InReplyTo: ml.InReplyTo, References: ml.References,
				From: storage.Address{Name: dm.From.Name, Email: dm.From.Email}, Date: ml.Date, Subject: ml.Subject,
				Text: string(dm.Body), Flags: flags}
			for _, a := range dm.To {
				m.To = append(m.To, storage.Address{Name: a.Name, Email: a.Email})
			}
			for _, a := range dm.Attachments {
				m.Attachments = append(m.Attachments, storage.Attachment{Name: a.Name, Type: a.Type, Size: int64(len(fakeContent(a)))})
			}
			if err := s.tx.SaveMessage(&m, ml.Raw); err != nil {
				return fmt.Errorf("conversation %s message %d: %w", dc.Key, i+1, err)
			}
		}
	}
	return nil
}

func (s *seeder) addCalls() error {
	for _, dc := range s.d.Calls {
		c := storage.Call{CustomerID: s.customers[dc.Customer], Direction: storage.Direction(dc.Direction), Phone: dc.Phone,
			Start: s.at(dc.At), Duration: dc.Duration.Duration(), Summary: dc.Summary, Outcome: storage.CallOutcome(dc.Outcome)}
		if err := s.tx.SaveCall(&c); err != nil {
			return fmt.Errorf("call %s: %w", dc.Key, err)
		}
	}
	return nil
}

func (s *seeder) addFollowUps() error {
	for _, df := range s.d.FollowUps {
		f := storage.FollowUp{CustomerID: s.customers[df.Customer], ConversationID: s.convs[df.Conversation],
			OrderID: s.orders[df.Order], Kind: storage.FollowUpKind(df.Kind), Due: s.at(df.Due), Note: df.Note,
			Created: s.at(df.Created)}
		if df.Done != nil {
			f.Done = s.at(*df.Done)
		}
		if err := s.tx.SaveFollowUp(&f); err != nil {
			return fmt.Errorf("follow-up %s: %w", df.Key, err)
		}
	}
	return nil
}

func (s *seeder) addNotes() error {
	for _, dn := range s.d.Notes {
		n := storage.Note{CustomerID: s.customers[dn.Customer], ConversationID: s.convs[dn.Conversation],
			OrderID: s.orders[dn.Order], Text: dn.Text, Created: s.at(dn.At)}
		if err := s.tx.SaveNote(&n); err != nil {
			return fmt.Errorf("note %s: %w", dn.Key, err)
		}
	}
	return nil
}
