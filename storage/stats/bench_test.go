package stats

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// BenchmarkCompute90Days measures a 90-day report over a store of 100,000
// messages in 25,000 conversations of 5,000 customers, with 4,000 orders,
// 3,000 calls and 3,000 follow-ups (the target: under 200 ms).
//
//	go test ./storage/stats -run '^$' -bench Compute -benchtime 20x
func BenchmarkCompute90Days(b *testing.B) {
	st := openStore(b)
	now := time.Date(2025, 11, 21, 17, 0, 0, 0, shanghai)
	seedLarge(b, st, now)
	from, to := now.AddDate(0, 0, -90), now
	set := shopSettings()
	b.ResetTimer()
	for b.Loop() {
		var r *Report
		err := st.View(func(tx *storage.Tx) error {
			var err error
			r, err = Compute(tx, from, to, set, now)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		if r.Conversations == 0 {
			b.Fatal("no conversations in the period")
		}
	}
}

func seedLarge(b *testing.B, st *storage.Store, now time.Time) {
	b.Helper()
	const (
		customers = 5000
		convs     = 25000
		perConv   = 4
	)
	rng := rand.New(rand.NewPCG(1, 2))
	start := now.AddDate(0, 0, -180)
	span := int64(now.Sub(start))
	when := func() time.Time { return start.Add(time.Duration(rng.Int64N(span))) }
	tags := []string{"logistics", "quality", "size", "refund", "complaint", "物流", "质量问题"}
	batch := func(n int, fn func(tx *storage.Tx, i int) error) {
		for lo := 0; lo < n; lo += 2000 {
			err := st.Update(func(tx *storage.Tx) error {
				for i := lo; i < min(lo+2000, n); i++ {
					if err := fn(tx, i); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	batch(1, func(tx *storage.Tx, _ int) error {
		set := shopSettings()
		set.Rules = storage.FollowUpRules{}
		return tx.SaveSettings(set)
	})
	batch(customers, func(tx *storage.Tx, i int) error {
		return tx.SaveCustomer(&storage.Customer{Name: fmt.Sprintf("客户 %d", i), Emails: []string{fmt.Sprintf("c%d@example.com", i)},
			Segment: storage.Segments[i%len(storage.Segments)], Notes: "喜欢纯棉的床品，送礼用"})
	})
	body := "您好，我上周买的四件套还没有收到，物流一直没有更新，麻烦帮我查一下。订单号 2025111712345678。谢谢！\n\n> 引用的上一封邮件内容……"
	batch(convs, func(tx *storage.Tx, i int) error {
		in := when()
		c := storage.Conversation{CustomerID: uint64(1 + i%customers), Subject: "物流查询 " + fmt.Sprint(i),
			Status: storage.StatusClosed, Tags: []string{tags[i%len(tags)]}, Snippet: body[:60],
			FirstInbound: in, FirstResponse: in.Add(time.Duration(rng.IntN(600)) * time.Minute),
			LastInbound: in.Add(time.Hour), LastOutbound: in.Add(2 * time.Hour), Closed: in.Add(26 * time.Hour)}
		if i%3 == 0 {
			c.Status, c.Closed = storage.StatusOpen, time.Time{}
		}
		if err := tx.SaveConversation(&c); err != nil {
			return err
		}
		for j := 0; j < perConv; j++ {
			dir := storage.Inbound
			if j%2 == 1 {
				dir = storage.Outbound
			}
			m := storage.Message{ConversationID: c.ID, Direction: dir, MessageID: fmt.Sprintf("<%d.%d@bench>", i, j),
				From: storage.Address{Email: "c@example.com"}, Date: in.Add(time.Duration(j) * time.Hour),
				Subject: c.Subject, Text: body, Size: 2000}
			if err := tx.SaveMessage(&m, nil); err != nil {
				return err
			}
		}
		return nil
	})
	batch(4000, func(tx *storage.Tx, i int) error {
		o := storage.Order{CustomerID: uint64(1 + i%customers), Number: fmt.Sprint(2025000000 + i), Total: storage.Money(rng.IntN(100000)),
			Currency: "CNY", Status: storage.OrderPaid, Placed: when(),
			Items: []storage.OrderItem{{Name: "纯棉四件套 1.8m", Quantity: 1, Price: 29900}}}
		if i%5 == 0 {
			opened := o.Placed.Add(72 * time.Hour)
			o.Cases = []storage.AfterSalesCase{{Kind: storage.CaseReturn, Reason: "尺码不合适", State: storage.CaseApproved, Opened: opened,
				Steps: []storage.CaseStep{{State: storage.CaseRequested, At: opened}, {State: storage.CaseApproved, At: opened.Add(20 * time.Hour)}}}}
		}
		return tx.SaveOrder(&o)
	})
	batch(3000, func(tx *storage.Tx, i int) error {
		return tx.SaveCall(&storage.Call{CustomerID: uint64(1 + i%customers), Start: when(), Duration: 3 * time.Minute,
			Summary: "询问发货时间", Outcome: storage.CallResolved})
	})
	batch(3000, func(tx *storage.Tx, i int) error {
		due := when()
		f := storage.FollowUp{CustomerID: uint64(1 + i%customers), Kind: storage.FollowSatisfaction, Due: due}
		if i%2 == 0 {
			f.Done, f.Rating = due.Add(-time.Hour), 1+i%5
		}
		return tx.SaveFollowUp(&f)
	})
	var n int
	st.View(func(tx *storage.Tx) error { n = tx.CountMessages(); return nil })
	if n != convs*perConv {
		b.Fatalf("%d messages, want %d", n, convs*perConv)
	}
}
