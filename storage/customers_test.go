package storage

import (
	"fmt"
	"testing"
)

// BenchmarkFindCustomers10000 is one keystroke of the customers screen's
// search over an archive of 10,000 customers.
func BenchmarkFindCustomers10000(b *testing.B) {
	st, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	err = st.Update(func(tx *Tx) error {
		for i := range 10000 {
			c := Customer{Name: fmt.Sprintf("客户 %d", i), Emails: []string{fmt.Sprintf("c%d@example.com", i)},
				Phones: []Phone{{Number: fmt.Sprintf("139 %04d %04d", i/10000, i%10000)}}, Tags: []string{"复购"}}
			if err := tx.SaveCustomer(&c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"c9999@", "139 0000 4242", "客户 12"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				err := st.View(func(tx *Tx) error {
					_, err := tx.FindCustomers(Matching(q))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
