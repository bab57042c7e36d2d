package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// The benchmarks run on a generated shop: 100,000 messages in Chinese and
// English (a few in Traditional Chinese) from 10,000 customers, about
// 30,000 orders with platform order numbers and tracking numbers.
//
//	go test ./storage/search -run '^$' -bench . -benchtime 200x
//
// The store is written once per run (about a minute) into a temporary folder.

const (
	benchMessages  = 100_000
	benchCustomers = 10_000
)

var zhLines = []string{
	"您好，我想退货，衣服尺码偏小，穿不上。",
	"亲，请问什么时候发货？已经付款三天了。",
	"快递一直没有更新，物流延迟太久了，麻烦帮忙查一下。",
	"收到的杯子有破损，外包装也压坏了，希望补发一个。",
	"颜色和图片不一样，商品与描述不符，申请退款。",
	"请问可以开发票吗？公司报销需要增值税发票。",
	"地址写错了，麻烦改成上海市浦东新区张江路88号。",
	"质量很好，下次还会再来买，给你们好评。",
	"退款什么时候到账？已经寄回去一周了。",
	"少发了一件，订单里是两件，只收到一件。",
	"能不能换一个颜色？我想要蓝色的。",
	"优惠券怎么用不了？结算的时候没有减。",
	"我要投诉，客服一直不回复消息。",
	"孩子很喜欢，尺码也合适，谢谢老板。",
	"请问这款床单是纯棉的吗？洗了会不会缩水？",
}

var twLines = []string{
	"您好，我想退貨，尺碼偏小。",
	"請問什麼時候出貨？物流一直沒有更新。",
	"收到的商品有破損，希望換貨或退款。",
}

var enLines = []string{
	"Hi, my parcel has not arrived yet and the tracking has not moved for a week.",
	"I would like to return the pillowcase, the colour is not as pictured.",
	"The package arrived damaged, please send a replacement.",
	"Could you tell me when my order will ship? I paid three days ago.",
	"Please refund my order, I received the wrong size.",
	"Thanks for the quick reply, the duvet cover is lovely.",
	"Can I change the delivery address to 12 Baker Street, London?",
	"Is the bedsheet 100% cotton? Will it shrink after washing?",
	"I was charged twice for the same order, please check.",
	"The coupon code did not work at checkout.",
	"Where is my refund? I sent the item back two weeks ago.",
	"Do you ship to Canada, and how long does it take?",
}

var subjects = map[bool][]string{
	true:  {"退货申请", "物流查询", "发票问题", "尺码咨询", "商品破损", "退款进度", "催发货", "投诉", "换货", "售后问题"},
	false: {"Return request", "Where is my parcel", "Invoice", "Size question", "Damaged item", "Refund status", "Shipping time", "Complaint", "Exchange", "Order question"},
}

// corpus is the generated shop, written once into a store.
type corpus struct {
	dir    string
	st     *storage.Store
	orders []string // order numbers
	tracks []string
}

var benchCorpus = sync.OnceValues(func() (*corpus, error) { return makeCorpus(benchMessages) })

func orderNumber(r *rand.Rand) string {
	switch r.IntN(3) {
	case 0: // Taobao: a long run of digits
		return fmt.Sprintf("%d%015d", 3+r.IntN(6), r.Int64N(1e15))
	case 1: // Amazon: 3-7-7
		return fmt.Sprintf("%03d-%07d-%07d", 100+r.IntN(900), r.IntN(1e7), r.IntN(1e7))
	default:
		return fmt.Sprintf("SO2611%08d", r.IntN(1e8))
	}
}

func makeCorpus(n int) (*corpus, error) {
	dir, err := tempDir()
	if err != nil {
		return nil, err
	}
	st, err := storage.Open(dir)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(1, 2))
	c := &corpus{dir: dir, st: st}
	madeCorpus.Store(c)
	type cust struct {
		id    uint64
		zh    bool
		convs []uint64
		order []string
		track []string
	}
	custs := make([]cust, benchCustomers)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	err = st.Update(func(tx *storage.Tx) error {
		for i := range custs {
			zh := r.IntN(10) < 6
			name := fmt.Sprintf("Customer %d", i)
			if zh {
				name = string([]rune("王李张刘陈杨黄赵吴周")[r.IntN(10)]) + string([]rune("伟芳娜敏静丽强磊军洋")[r.IntN(10)]) + fmt.Sprint(i)
			}
			cu := storage.Customer{Name: name, Emails: []string{fmt.Sprintf("c%d@example.test", i)},
				Phones: []storage.Phone{{Number: fmt.Sprintf("138%08d", i)}}}
			if r.IntN(10) == 0 {
				cu.Tags = []string{"VIP"}
			}
			if err := tx.SaveCustomer(&cu); err != nil {
				return err
			}
			custs[i] = cust{id: cu.ID, zh: zh}
			for range 1 + r.IntN(5) {
				conv := storage.Conversation{CustomerID: cu.ID, Subject: subjects[zh][r.IntN(10)]}
				if err := tx.SaveConversation(&conv); err != nil {
					return err
				}
				custs[i].convs = append(custs[i].convs, conv.ID)
			}
			for range 1 + r.IntN(5) {
				o := storage.Order{CustomerID: cu.ID, Number: orderNumber(r),
					Tracking: fmt.Sprintf("SF%012d", r.Int64N(1e12)), Carrier: "SF Express",
					Placed: start.Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour))))}
				if err := tx.SaveOrder(&o); err != nil {
					return err
				}
				custs[i].order = append(custs[i].order, o.Number)
				custs[i].track = append(custs[i].track, o.Tracking)
				c.orders = append(c.orders, o.Number)
				c.tracks = append(c.tracks, o.Tracking)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for done := 0; done < n; {
		err := st.Update(func(tx *storage.Tx) error {
			for k := 0; k < 2000 && done < n; k++ {
				cu := custs[r.IntN(len(custs))]
				lines := enLines
				if cu.zh {
					lines = zhLines
					if r.IntN(10) == 0 {
						lines = twLines
					}
				}
				var b strings.Builder
				for range 2 + r.IntN(5) {
					b.WriteString(lines[r.IntN(len(lines))])
					b.WriteString("\n")
				}
				if r.IntN(3) == 0 {
					fmt.Fprintf(&b, "Order %s, tracking %s\n", cu.order[0], cu.track[0])
				}
				// Quoted earlier mail, as replies carry it.
				for range r.IntN(4) {
					b.WriteString("> " + lines[r.IntN(len(lines))] + "\n")
				}
				m := storage.Message{ConversationID: cu.convs[r.IntN(len(cu.convs))], Direction: storage.Inbound,
					From:    storage.Address{Email: fmt.Sprintf("c%d@example.test", cu.id)},
					To:      []storage.Address{{Name: "Shop", Email: "service@shop.test"}},
					Date:    start.Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour)))),
					Subject: subjects[cu.zh][r.IntN(10)], Text: b.String()}
				if r.IntN(8) == 0 {
					m.Attachments = []storage.Attachment{{Name: "photo.jpg", Type: "image/jpeg", Size: 1000}}
				}
				if err := tx.SaveMessage(&m, nil); err != nil {
					return err
				}
				done++
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

var benchIndexOnce = sync.OnceValues(func() (*Index, error) {
	c, err := benchCorpus()
	if err != nil {
		return nil, err
	}
	ix := New()
	return ix, ix.Build(context.Background(), c.st, nil)
})

// BenchmarkQuery reports the median and 95th percentile of whole searches
// (index lookups, verification, ranking, reading the listed hits for
// their snippets) by kind of query.
func BenchmarkQuery(b *testing.B) {
	c, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	ix, err := benchIndexOnce()
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	var orderQs []string
	for range 200 {
		if r.IntN(4) == 0 {
			orderQs = append(orderQs, c.tracks[r.IntN(len(c.tracks))])
		} else {
			orderQs = append(orderQs, c.orders[r.IntN(len(c.orders))])
		}
	}
	kinds := []struct {
		name    string
		queries []string
	}{
		{"word", []string{"refund", "parcel", "damaged", "coupon", "cotton", "tracking", "replacement", "canada", "wrong size", "colour pictured", "ship", "address"}},
		{"cjk", []string{"退货", "物流延迟", "尺码偏小", "想退货", "发票", "破损", "退款到账", "优惠券", "退貨", "換貨", "投诉", "纯棉", "浦东新区", "好评"}},
		{"order", orderQs},
		{"filtered", []string{"退货 tag:vip", "refund after:2025-06-01", "has:attachment 破损", "status:open parcel", "from:c1@example.test"}},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			durs := make([]time.Duration, 0, b.N)
			hits := 0
			for i := 0; b.Loop(); i++ {
				q := k.queries[i%len(k.queries)]
				t0 := time.Now()
				res, err := ix.Search(c.st, q, Options{Limit: 20})
				durs = append(durs, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				hits += res.Total
			}
			slices.Sort(durs)
			pct := func(p float64) float64 {
				return float64(durs[int(p*float64(len(durs)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
			b.ReportMetric(float64(hits)/float64(len(durs)), "hits/query")
		})
	}
}

// BenchmarkBuild reads the whole store into a new index, as the desk does
// after its window is shown, and reports the index's heap.
func BenchmarkBuild(b *testing.B) {
	c, err := benchCorpus()
	if err != nil {
		b.Fatal(err)
	}
	var ix *Index
	var heap uint64
	for b.Loop() {
		ix = nil
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ix = New()
		if err := ix.Build(context.Background(), c.st, nil); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = after.HeapAlloc - before.HeapAlloc
		b.StartTimer()
	}
	var text, post int
	for _, d := range ix.docs {
		text += len(d.text)
	}
	for _, p := range ix.post {
		post += len(p)
	}
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
	b.ReportMetric(float64(text)/(1<<20), "text-MB")
	b.ReportMetric(float64(post)/(1<<20), "postings-MB")
	b.ReportMetric(float64(ix.Len()), "records")
	runtime.KeepAlive(ix)
}

// BenchmarkFollow is the cost of keeping up with sync: each op is one
// new message committed and applied to the index from its event.
func BenchmarkFollow(b *testing.B) {
	st := openStore(b)
	var conv uint64
	update(b, st, func(tx *storage.Tx) error {
		cu := storage.Customer{Name: "x", Emails: []string{"x@example.test"}}
		if err := tx.SaveCustomer(&cu); err != nil {
			return err
		}
		cv := storage.Conversation{CustomerID: cu.ID, Subject: "s"}
		err := tx.SaveConversation(&cv)
		conv = cv.ID
		return err
	})
	ix := New()
	stop := ix.Follow(st)
	defer stop()
	if err := ix.Build(context.Background(), st, nil); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(5, 6))
	const batch = 500
	b.ResetTimer()
	for done := 0; done < b.N; {
		update(b, st, func(tx *storage.Tx) error {
			for k := 0; k < batch && done < b.N; k++ {
				lines := zhLines
				if k%2 == 0 {
					lines = enLines
				}
				m := storage.Message{ConversationID: conv, Direction: storage.Inbound, Date: day0,
					Subject: lines[r.IntN(len(lines))], Text: strings.Repeat(lines[r.IntN(len(lines))], 6)}
				if err := tx.SaveMessage(&m, nil); err != nil {
					return err
				}
				done++
			}
			return nil
		})
	}
	ix.Flush()
}
