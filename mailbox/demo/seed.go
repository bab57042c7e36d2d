package demo

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/storage"
)

// Account is the name of the demo mail account.
const Account = "demo"

// The demo desk is built the way a real one fills up: SeedShop writes what
// a seller keeps by hand (settings, customer profiles, orders, calls),
// the sync brings the mail from the demo server and links it to those
// customers, and Annotate adds what the seller did with the conversations
// (status, tags, linked orders, follow-ups and notes).

// SeedShop writes the shop's settings, customers, orders and calls into an
// empty store in one transaction, dated relative to now.
func SeedShop(st *storage.Store, d assets.Demo, now time.Time) error {
	return st.Update(func(tx *storage.Tx) error {
		tx.RecordingPast() // the shop's history, not actions taken now
		s := &seeder{tx: tx, d: d, now: now, customers: map[string]uint64{}, orders: map[string]uint64{}}
		for _, step := range []func() error{s.settings, s.addCustomers, s.addOrders, s.addCalls} {
			if err := step(); err != nil {
				return fmt.Errorf("seed demo shop: %w", err)
			}
		}
		return nil
	})
}

// Annotate finds each demo conversation among the synced ones (by the
// Message-ID of its mail) and gives it the seller's status, tags and
// orders; then it adds the follow-ups and notes.
func Annotate(st *storage.Store, d assets.Demo, now time.Time) error {
	mails, err := Render(d, now)
	if err != nil {
		return err
	}
	first := map[string]string{} // conversation key -> Message-ID of its first mail
	for _, m := range mails {
		if m.Index == 0 {
			first[m.Conversation] = m.MessageID
		}
	}
	return st.Update(func(tx *storage.Tx) error {
		tx.RecordingPast() // the demo's conversations were closed long ago
		s := &seeder{tx: tx, d: d, now: now, customers: map[string]uint64{}, orders: map[string]uint64{}, convs: map[string]uint64{}}
		if err := s.lookUpKeys(); err != nil {
			return err
		}
		for _, dc := range d.Conversations {
			ms, err := tx.MessagesByMessageID(first[dc.Key])
			if err != nil {
				return err
			}
			if len(ms) == 0 {
				return fmt.Errorf("demo conversation %s was not synced", dc.Key)
			}
			c, err := tx.Conversation(ms[0].ConversationID)
			if err != nil {
				return err
			}
			c.Status, c.Tags, c.OrderIDs = storage.ConversationStatus(dc.Status), dc.Tags, nil
			for _, ok := range dc.Orders {
				c.OrderIDs = append(c.OrderIDs, s.orders[ok])
			}
			if err := tx.SaveConversation(&c); err != nil {
				return fmt.Errorf("annotate conversation %s: %w", dc.Key, err)
			}
			s.convs[dc.Key] = c.ID
		}
		return errors.Join(s.addFollowUps(), s.addNotes())
	})
}

type seeder struct {
	tx                       *storage.Tx
	d                        assets.Demo
	now                      time.Time
	customers, orders, convs map[string]uint64 // demo key -> store ID
}

func (s *seeder) at(o assets.Offset) time.Time { return o.From(s.now).Truncate(time.Second) }

// lookUpKeys finds the stored customers and orders of the demo keys.
func (s *seeder) lookUpKeys() error {
	for _, dc := range s.d.Customers {
		c, err := s.tx.CustomerByEmail(dc.Emails[0])
		if err != nil {
			return fmt.Errorf("demo customer %s: %w", dc.Key, err)
		}
		s.customers[dc.Key] = c.ID
	}
	for _, do := range s.d.Orders {
		os, err := s.tx.OrdersByNumber(do.Number)
		if err != nil {
			return err
		}
		for _, o := range os {
			if o.Platform == storage.Platform(do.Platform) && o.CustomerID == s.customers[do.Customer] {
				s.orders[do.Key] = o.ID
			}
		}
		if s.orders[do.Key] == 0 {
			return fmt.Errorf("demo order %s: %w", do.Key, storage.ErrNotFound)
		}
	}
	return nil
}

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
	set.BackupOff = true // the demo's folder is deleted when the window closes
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
