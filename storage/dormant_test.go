package storage

import (
	"slices"
	"testing"
	"time"
)

func TestDormantCustomersBoundary(t *testing.T) {
	now := time.Date(2025, 11, 20, 10, 0, 0, 0, time.UTC)
	cutoff := DormantCutoff(now, 6)
	if want := time.Date(2025, 5, 20, 10, 0, 0, 0, time.UTC); !cutoff.Equal(want) {
		t.Fatalf("cutoff = %v, want %v", cutoff, want)
	}
	type contact struct {
		message, call, order time.Time
	}
	cases := []struct {
		name    string
		created time.Time
		contact contact
		dormant bool
		last    time.Time // the last contact the list reports
	}{
		{"message exactly 6 months ago", cutoff.AddDate(-1, 0, 0), contact{message: cutoff}, false, time.Time{}},
		{"message a second earlier", cutoff.AddDate(-1, 0, 0), contact{message: cutoff.Add(-time.Second)}, true, cutoff.Add(-time.Second)},
		{"call exactly 6 months ago", cutoff.AddDate(-1, 0, 0), contact{call: cutoff}, false, time.Time{}},
		{"call a second earlier", cutoff.AddDate(-1, 0, 0), contact{call: cutoff.Add(-time.Second)}, true, cutoff.Add(-time.Second)},
		{"order exactly 6 months ago", cutoff.AddDate(-1, 0, 0), contact{order: cutoff}, false, time.Time{}},
		{"order a second earlier", cutoff.AddDate(-1, 0, 0), contact{order: cutoff.Add(-time.Second)}, true, cutoff.Add(-time.Second)},
		{"old call, recent order", cutoff.AddDate(-1, 0, 0), contact{call: cutoff.AddDate(0, -1, 0), order: now.AddDate(0, -1, 0)}, false, time.Time{}},
		{"old message, old call", cutoff.AddDate(-1, 0, 0), contact{message: cutoff.AddDate(0, -2, 0), call: cutoff.AddDate(0, -1, 0)}, true, cutoff.AddDate(0, -1, 0)},
		{"never contacted, added 8 months ago", now.AddDate(0, -8, 0), contact{}, true, time.Time{}},
		{"never contacted, added exactly 6 months ago", cutoff, contact{}, false, time.Time{}},
		{"never contacted, added last month", now.AddDate(0, -1, 0), contact{}, false, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := openTest(t)
			var id uint64
			err := st.Update(func(tx *Tx) error {
				cu := Customer{Name: "x", Created: c.created}
				if err := tx.SaveCustomer(&cu); err != nil {
					return err
				}
				id = cu.ID
				if !c.contact.message.IsZero() {
					m := c.contact.message
					cv := Conversation{CustomerID: id, Subject: "s", Status: StatusClosed, Created: m, FirstInbound: m, LastInbound: m}
					if err := tx.SaveConversation(&cv); err != nil {
						return err
					}
				}
				if !c.contact.call.IsZero() {
					if err := tx.SaveCall(&Call{CustomerID: id, Start: c.contact.call, Outcome: CallResolved}); err != nil {
						return err
					}
				}
				if !c.contact.order.IsZero() {
					if err := tx.SaveOrder(&Order{CustomerID: id, Number: "1", Placed: c.contact.order, Status: OrderCompleted}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []DormantCustomer
			err = st.View(func(tx *Tx) (err error) {
				got, err = tx.DormantCustomers(now, 6)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if (len(got) == 1) != c.dormant {
				t.Fatalf("dormant list = %+v, want dormant %v", got, c.dormant)
			}
			if c.dormant && (got[0].Customer.ID != id || !got[0].LastContact.Equal(c.last)) {
				t.Errorf("listed %d last contact %v, want %d %v", got[0].Customer.ID, got[0].LastContact, id, c.last)
			}
			// The customer list's filter agrees (the default setting is 6 months).
			err = st.View(func(tx *Tx) error {
				keep, err := Dormant(now)(tx)
				if err != nil {
					return err
				}
				cu, err := tx.Customer(id)
				if err == nil && keep(&cu) != c.dormant {
					t.Errorf("filter keeps %v, want %v", keep(&cu), c.dormant)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestDormantOrderAndCare checks the list runs longest-silent first and a
// care follow-up is made once, however often it is asked for.
func TestDormantOrderAndCare(t *testing.T) {
	now := time.Date(2025, 11, 20, 10, 0, 0, 0, time.UTC)
	st := openTest(t)
	ids := map[string]uint64{}
	err := st.Update(func(tx *Tx) error {
		for _, c := range []struct {
			name    string
			created time.Time
			call    time.Time
		}{
			{"seven", now.AddDate(-2, 0, 0), now.AddDate(0, -7, 0)},
			{"never", now.AddDate(0, -9, 0), time.Time{}},
			{"recent", now.AddDate(-2, 0, 0), now.AddDate(0, 0, -3)},
			{"twelve", now.AddDate(-2, 0, 0), now.AddDate(0, -12, 0)},
		} {
			cu := Customer{Name: c.name, Created: c.created}
			if err := tx.SaveCustomer(&cu); err != nil {
				return err
			}
			ids[c.name] = cu.ID
			if !c.call.IsZero() {
				if err := tx.SaveCall(&Call{CustomerID: cu.ID, Start: c.call, Outcome: CallResolved}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	list := func() []DormantCustomer {
		t.Helper()
		var got []DormantCustomer
		if err := st.View(func(tx *Tx) (err error) { got, err = tx.DormantCustomers(now, 6); return err }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	var names []string
	for _, d := range list() {
		names = append(names, d.Customer.Name)
	}
	if want := []string{"twelve", "never", "seven"}; !slices.Equal(names, want) {
		t.Fatalf("dormant = %v, want %v", names, want)
	}

	care := func() (FollowUp, bool) {
		t.Helper()
		var f FollowUp
		var made bool
		err := st.Update(func(tx *Tx) (err error) {
			f, made, err = tx.ScheduleCare(ids["seven"], now, "")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return f, made
	}
	first, made := care()
	if !made || first.Kind != FollowCare || !first.Due.Equal(now) {
		t.Fatalf("first care = %+v made %v", first, made)
	}
	if again, made := care(); made || again.ID != first.ID {
		t.Fatalf("second click made %+v (made %v), want the first %d", again, made, first.ID)
	}
	for _, d := range list() {
		if d.CareOpen != (d.Customer.ID == ids["seven"]) {
			t.Errorf("%s care open = %v", d.Customer.Name, d.CareOpen)
		}
	}
	var n int
	st.View(func(tx *Tx) error {
		fus, err := tx.FollowUpsOf(ids["seven"])
		for _, f := range fus {
			if f.Kind == FollowCare {
				n++
			}
		}
		return err
	})
	if n != 1 {
		t.Errorf("%d care follow-ups, want 1", n)
	}
	// Once that one is done, the next care visit can be planned.
	if err := st.Update(func(tx *Tx) error { first.Done = now; return tx.SaveFollowUp(&first) }); err != nil {
		t.Fatal(err)
	}
	if next, made := care(); !made || next.ID == first.ID {
		t.Errorf("after the visit: %+v made %v, want a new one", next, made)
	}
}
