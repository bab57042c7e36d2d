package storage

import (
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	st := openTest(t)
	custID, convID := seedCustomer(t, st, "王芳", "wangfang@example.cn")
	cases := []struct {
		name string
		save func(tx *Tx) (id uint64, err error)
		load func(tx *Tx, id uint64) (any, error)
		want func(id uint64) any
	}{
		{"customer",
			func(tx *Tx) (uint64, error) {
				c := Customer{Name: "李雷", Emails: []string{"Li.Lei@Example.com", "lilei@qq.com"},
					Phones: []Phone{{Number: "+86 138 0013 8000", Label: "mobile"}},
					IM:     []IMHandle{{Network: "wechat", Handle: "lilei_88"}}, Address: "上海市浦东新区世纪大道 100 号",
					Language: "zh-Hans", Birthday: "--05-20", Segment: SegmentVIP, Tags: []string{"批发"}, Notes: "喜欢顺丰"}
				err := tx.SaveCustomer(&c)
				return c.ID, err
			},
			func(tx *Tx, id uint64) (any, error) { return tx.Customer(id) },
			func(id uint64) any {
				return Customer{ID: id, Name: "李雷", Emails: []string{"Li.Lei@Example.com", "lilei@qq.com"},
					Phones: []Phone{{Number: "+86 138 0013 8000", Label: "mobile"}},
					IM:     []IMHandle{{Network: "wechat", Handle: "lilei_88"}}, Address: "上海市浦东新区世纪大道 100 号",
					Language: "zh-Hans", Birthday: "--05-20", Segment: SegmentVIP, Tags: []string{"批发"}, Notes: "喜欢顺丰",
					Created: t0, Updated: t0}
			}},
		{"conversation",
			func(tx *Tx) (uint64, error) {
				c := Conversation{CustomerID: custID, Subject: "物流延迟", Tags: []string{"物流"},
					SnoozedUntil: t0.Add(time.Hour), FirstInbound: t0.Add(-time.Hour), LastInbound: t0.Add(-time.Hour), OrderIDs: []uint64{7}}
				err := tx.SaveConversation(&c)
				return c.ID, err
			},
			func(tx *Tx, id uint64) (any, error) { return tx.Conversation(id) },
			func(id uint64) any {
				return Conversation{ID: id, CustomerID: custID, Subject: "物流延迟", Status: StatusOpen, Tags: []string{"物流"},
					SnoozedUntil: t0.Add(time.Hour), FirstInbound: t0.Add(-time.Hour), LastInbound: t0.Add(-time.Hour),
					OrderIDs: []uint64{7}, Created: t0, Updated: t0}
			}},
		{"order",
			func(tx *Tx) (uint64, error) {
				o := Order{CustomerID: custID, Platform: PlatformAmazon, Number: "113-1234567-1234567",
					Items: []OrderItem{{SKU: "LIN-01", Name: "Linen sheet", Quantity: 2, Price: 3999}}, Total: 7998, Currency: "USD",
					Status: OrderShipped, Carrier: "USPS", Tracking: "9400 1000 0000 0000 0000 00",
					Cases: []AfterSalesCase{{Kind: CaseReturn, Reason: "wrong size", Amount: 3999}}, Placed: t0.Add(-48 * time.Hour)}
				err := tx.SaveOrder(&o)
				return o.ID, err
			},
			func(tx *Tx, id uint64) (any, error) { return tx.Order(id) },
			func(id uint64) any {
				return Order{ID: id, CustomerID: custID, Platform: PlatformAmazon, Number: "113-1234567-1234567",
					Items: []OrderItem{{SKU: "LIN-01", Name: "Linen sheet", Quantity: 2, Price: 3999}}, Total: 7998, Currency: "USD",
					Status: OrderShipped, History: []StatusChange{{Status: OrderShipped, At: t0}}, Carrier: "USPS",
					Tracking: "9400 1000 0000 0000 0000 00",
					Cases: []AfterSalesCase{{Kind: CaseReturn, Reason: "wrong size", State: CaseRequested, Amount: 3999,
						Steps: []CaseStep{{State: CaseRequested, At: t0}}, Opened: t0}},
					Placed: t0.Add(-48 * time.Hour), Created: t0, Updated: t0}
			}},
		{"call",
			func(tx *Tx) (uint64, error) {
				c := Call{CustomerID: custID, Direction: Inbound, Phone: "13800138000", Start: t0.Add(-time.Minute),
					Duration: 95 * time.Second, Summary: "投诉包裹破损", Outcome: CallEscalated}
				err := tx.SaveCall(&c)
				return c.ID, err
			},
			func(tx *Tx, id uint64) (any, error) { return tx.Call(id) },
			func(id uint64) any {
				return Call{ID: id, CustomerID: custID, Direction: Inbound, Phone: "13800138000", Start: t0.Add(-time.Minute),
					Duration: 95 * time.Second, Summary: "投诉包裹破损", Outcome: CallEscalated}
			}},
		{"follow-up",
			func(tx *Tx) (uint64, error) {
				f := FollowUp{CustomerID: custID, ConversationID: convID, Kind: FollowSatisfaction, Due: t0.Add(24 * time.Hour), Note: "回访"}
				err := tx.SaveFollowUp(&f)
				return f.ID, err
			},
			func(tx *Tx, id uint64) (any, error) { return tx.FollowUp(id) },
			func(id uint64) any {
				return FollowUp{ID: id, CustomerID: custID, ConversationID: convID, Kind: FollowSatisfaction,
					Due: t0.Add(24 * time.Hour), Note: "回访", Created: t0}
			}},
		{"note",
			func(tx *Tx) (uint64, error) {
				n := Note{CustomerID: custID, ConversationID: convID, Text: "客户要求周末送货"}
				err := tx.SaveNote(&n)
				return n.ID, err
			},
			func(tx *Tx, id uint64) (any, error) { return tx.Note(id) },
			func(id uint64) any {
				return Note{ID: id, CustomerID: custID, ConversationID: convID, Text: "客户要求周末送货", Created: t0}
			}},
		{"canned reply",
			func(tx *Tx) (uint64, error) {
				c := CannedReply{Category: "物流/物流延迟", Title: "物流延迟安抚", Shortcut: "delay", Language: "zh-Hans",
					Variants: []CannedVariant{{Body: "亲，{{order.tracking}} 正在路上"}, {Body: "您好"}}, Attachments: []CannedAttachment{{Name: "尺码表.png", Hash: CannedFileHash([]byte("size chart")), Type: "image/png", Size: 10}}, UsageCount: 3, LastUsed: t0}
				if _, err := tx.PutCannedFile([]byte("size chart")); err != nil {
					return 0, err
				}
				err := tx.SaveCannedReply(&c)
				return c.ID, err
			},
			func(tx *Tx, id uint64) (any, error) { return tx.CannedReply(id) },
			func(id uint64) any {
				return CannedReply{ID: id, Category: "物流/物流延迟", Title: "物流延迟安抚", Shortcut: "delay", Language: "zh-Hans",
					Variants: []CannedVariant{{Body: "亲，{{order.tracking}} 正在路上"}, {Body: "您好"}}, Attachments: []CannedAttachment{{Name: "尺码表.png", Hash: CannedFileHash([]byte("size chart")), Type: "image/png", Size: 10}}, UsageCount: 3, LastUsed: t0}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var id uint64
			mustUpdate(t, st, func(tx *Tx) error {
				var err error
				id, err = c.save(tx)
				return err
			})
			var got any
			err := st.View(func(tx *Tx) error {
				var err error
				got, err = c.load(tx, id)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := c.want(id); !reflect.DeepEqual(got, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
			}
		})
	}
	mustVerify(t, st)
}

func TestMessageRawRoundTrip(t *testing.T) {
	st := openTest(t)
	_, convID := seedCustomer(t, st, "Amy", "amy@example.com")
	raw := []byte("From: Amy <amy@example.com>\r\nSubject: =?UTF-8?B?5ZOq?=\r\nMessage-ID: <a1@example.com>\r\n\r\nWhere is my parcel?\r\n")
	loc := Location{Account: "shop", Folder: "INBOX", UIDValidity: 7, UID: 42}
	m := Message{ConversationID: convID, Direction: Inbound, Locations: []Location{loc}, MessageID: "a1@example.com",
		From: Address{Name: "Amy", Email: "amy@example.com"}, To: []Address{{Email: "shop@example.com"}},
		Date: t0, Subject: "哪", Text: "Where is my parcel?", Attachments: []Attachment{{Name: "照片.jpg", Type: "image/jpeg", Size: 1024}},
		Flags: []string{`\Seen`}}
	mustUpdate(t, st, func(tx *Tx) error { return tx.SaveMessage(&m, raw) })
	err := st.View(func(tx *Tx) error {
		got, err := tx.Message(m.ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("message:\n got %+v\nwant %+v", got, m)
		}
		if got.Size != int64(len(raw)) || len(got.Hash) != 64 {
			t.Errorf("size %d hash %q", got.Size, got.Hash)
		}
		back, err := tx.Raw(m.ID)
		if err != nil {
			return err
		}
		if string(back) != string(raw) {
			t.Errorf("raw bytes changed: %q", back)
		}
		for name, find := range map[string]func() (Message, error){
			"by location": func() (Message, error) { return tx.MessageAt(loc) },
			"by hash":     func() (Message, error) { return tx.MessageByHash(m.Hash) },
			"by message-id": func() (Message, error) {
				ms, err := tx.MessagesByMessageID("a1@example.com")
				if len(ms) != 1 {
					return Message{}, errors.Join(err, errors.New("want one message"))
				}
				return ms[0], err
			},
		} {
			if f, err := find(); err != nil || f.ID != m.ID {
				t.Errorf("%s: %v, id %d", name, err, f.ID)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIndexesFollowUpdatesAndDeletes(t *testing.T) {
	st := openTest(t)
	var c Customer
	var o Order
	var conv Conversation
	mustUpdate(t, st, func(tx *Tx) error {
		c = Customer{Name: "Tan Wei Ming", Emails: []string{"weiming@example.sg"}, Phones: []Phone{{Number: "+65 9123 4567"}}}
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		o = Order{CustomerID: c.ID, Platform: PlatformShopee, Number: "231124ABCD", Tracking: "SPX123"}
		if err := tx.SaveOrder(&o); err != nil {
			return err
		}
		conv = Conversation{CustomerID: c.ID, Subject: "size"}
		return tx.SaveConversation(&conv)
	})
	// Change every indexed field.
	mustUpdate(t, st, func(tx *Tx) error {
		c.Emails = []string{"WeiMing.Tan@Example.SG"}
		c.Phones = []Phone{{Number: "8123 4567"}}
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		o.Number, o.Tracking = "231124WXYZ", ""
		if err := tx.SaveOrder(&o); err != nil {
			return err
		}
		conv.Status = StatusClosed
		return tx.SaveConversation(&conv)
	})
	mustVerify(t, st)
	st.View(func(tx *Tx) error {
		if _, err := tx.CustomerByEmail("weiming@example.sg"); !errors.Is(err, ErrNotFound) {
			t.Errorf("old email still finds the customer: %v", err)
		}
		if got, err := tx.CustomerByEmail("weiming.tan@example.sg"); err != nil || got.ID != c.ID {
			t.Errorf("new email: %v", err)
		}
		if cs, _ := tx.CustomersByPhone("+6591234567"); len(cs) != 0 {
			t.Errorf("old phone still finds %d customers", len(cs))
		}
		if cs, _ := tx.CustomersByPhone("81234567"); len(cs) != 1 {
			t.Errorf("new phone finds %d customers", len(cs))
		}
		if os, _ := tx.OrdersByNumber("231124abcd"); len(os) != 0 {
			t.Errorf("old order number still found")
		}
		if os, _ := tx.OrdersByNumber("231124 wxyz"); len(os) != 1 {
			t.Errorf("new order number not found")
		}
		if os, _ := tx.OrdersByTracking("SPX123"); len(os) != 0 {
			t.Errorf("cleared tracking number still found")
		}
		if n := tx.CountConversations(StatusOpen); n != 0 {
			t.Errorf("%d open conversations after closing", n)
		}
		if n := tx.CountConversations(StatusClosed); n != 1 {
			t.Errorf("%d closed conversations", n)
		}
		return nil
	})
	mustUpdate(t, st, func(tx *Tx) error { return tx.DeleteCustomer(c.ID) })
	mustVerify(t, st)
	st.View(func(tx *Tx) error {
		if tx.CountCustomers() != 0 || tx.CountOrders() != 0 || tx.CountConversations(StatusClosed) != 0 {
			t.Errorf("records left after delete: %d customers, %d orders", tx.CountCustomers(), tx.CountOrders())
		}
		return nil
	})
}

func TestEmailBelongsToOneCustomer(t *testing.T) {
	st := openTest(t)
	seedCustomer(t, st, "Amy", "amy@example.com")
	err := st.Update(func(tx *Tx) error {
		return tx.SaveCustomer(&Customer{Name: "Other Amy", Emails: []string{"AMY@example.com"}})
	})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("got %v, want ErrConflict", err)
	}
	st.View(func(tx *Tx) error {
		if n := tx.CountCustomers(); n != 1 {
			t.Errorf("%d customers after the refused save", n)
		}
		return nil
	})
}

func TestNormalizePhone(t *testing.T) {
	cases := []struct{ in, want string }{
		{"+86 138 0013 8000", "13800138000"},
		{"13800138000", "13800138000"},
		{"0086-138-0013-8000", "13800138000"},
		{"（+86）１３８００１３８０００", "13800138000"},
		{"+86 10 8888 6666", "01088886666"},
		{"010-8888 6666", "01088886666"},
		{"+1 (415) 555-0134", "+14155550134"},
		{"+65 9123 4567", "+6591234567"},
		{"  ", ""},
		{"call me", ""},
	}
	for _, c := range cases {
		if got := NormalizePhone(c.in); got != c.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestInboxOrder(t *testing.T) {
	st := openTest(t)
	custID, _ := seedCustomer(t, st, "Amy", "amy@example.com")
	waits := []time.Duration{5 * time.Minute, 3 * time.Hour, 40 * time.Minute}
	mustUpdate(t, st, func(tx *Tx) error {
		for i, w := range waits {
			c := Conversation{CustomerID: custID, Subject: string(rune('A' + i)),
				FirstInbound: t0.Add(-w), LastInbound: t0.Add(-w)}
			if err := tx.SaveConversation(&c); err != nil {
				return err
			}
		}
		return nil
	})
	var got []string
	st.View(func(tx *Tx) error {
		cs, err := tx.ConversationsByStatus(StatusOpen, 0)
		for _, c := range cs {
			if c.Subject != "Hello from Amy" {
				got = append(got, c.Subject)
			}
		}
		return err
	})
	if want := []string{"B", "C", "A"}; !slices.Equal(got, want) {
		t.Errorf("inbox order %v, want longest-waiting first %v", got, want)
	}
}

func TestTimelineOrder(t *testing.T) {
	st := openTest(t)
	custID, convID := seedCustomer(t, st, "陈静", "chenjing@example.cn")
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	mustUpdate(t, st, func(tx *Tx) error {
		steps := []error{
			tx.SaveMessage(&Message{ConversationID: convID, Direction: Inbound, Date: at(-5), Subject: "破损"}, []byte("x")),
			tx.SaveCall(&Call{CustomerID: custID, Direction: Inbound, Start: at(-4), Summary: "来电投诉"}),
			tx.SaveNote(&Note{CustomerID: custID, Created: at(-3), Text: "已拍照"}),
			tx.SaveMessage(&Message{ConversationID: convID, Direction: Outbound, Date: at(-2), Subject: "Re: 破损"}, []byte("y")),
			tx.SaveFollowUp(&FollowUp{CustomerID: custID, Kind: FollowSatisfaction, Due: at(24)}),
		}
		return errors.Join(steps...)
	})
	// The order's status change and case step are stamped by the store's clock (t0).
	mustUpdate(t, st, func(tx *Tx) error {
		return tx.SaveOrder(&Order{CustomerID: custID, Number: "T1", Status: OrderDelivered,
			Cases: []AfterSalesCase{{Kind: CaseReissue, Reason: "damaged"}}})
	})
	var kinds []TimelineKind
	st.View(func(tx *Tx) error {
		tl, err := tx.Timeline(custID)
		for i, e := range tl {
			kinds = append(kinds, e.Kind)
			if i > 0 && e.At.Before(tl[i-1].At) {
				t.Errorf("entry %d (%s at %v) before entry %d", i, e.Kind, e.At, i-1)
			}
		}
		return err
	})
	want := []TimelineKind{TimelineMessage, TimelineCall, TimelineNote, TimelineMessage,
		TimelineOrder, TimelineAfterSales, TimelineFollowUp}
	if !slices.Equal(kinds, want) {
		t.Errorf("timeline %v, want %v", kinds, want)
	}
}

func TestOrderHistoryRecordsEachChangeOnce(t *testing.T) {
	st := openTest(t)
	custID, _ := seedCustomer(t, st, "Amy", "amy@example.com")
	o := Order{CustomerID: custID, Number: "1042"}
	for _, s := range []OrderStatus{"", OrderPaid, OrderPaid, OrderShipped} {
		o.Status = s
		mustUpdate(t, st, func(tx *Tx) error { return tx.SaveOrder(&o) })
	}
	var got []OrderStatus
	for _, h := range o.History {
		got = append(got, h.Status)
	}
	if want := []OrderStatus{OrderPendingPayment, OrderPaid, OrderShipped}; !slices.Equal(got, want) {
		t.Errorf("history %v, want %v", got, want)
	}
}

func TestFollowUpsDue(t *testing.T) {
	st := openTest(t)
	custID, _ := seedCustomer(t, st, "Amy", "amy@example.com")
	mustUpdate(t, st, func(tx *Tx) error {
		for _, f := range []FollowUp{
			{CustomerID: custID, Kind: FollowCare, Due: t0.Add(48 * time.Hour), Note: "later"},
			{CustomerID: custID, Kind: FollowPayment, Due: t0.Add(-time.Hour), Note: "overdue"},
			{CustomerID: custID, Kind: FollowOther, Due: t0.Add(-2 * time.Hour), Done: t0, Note: "done"},
			{CustomerID: custID, Kind: FollowSatisfaction, Due: t0.Add(2 * time.Hour), Note: "today"},
		} {
			if err := tx.SaveFollowUp(&f); err != nil {
				return err
			}
		}
		return nil
	})
	notes := func(before time.Time) []string {
		var out []string
		st.View(func(tx *Tx) error {
			fs, err := tx.FollowUpsDue(before, 0)
			for _, f := range fs {
				out = append(out, f.Note)
			}
			return err
		})
		return out
	}
	if got, want := notes(t0.Add(24*time.Hour)), []string{"overdue", "today"}; !slices.Equal(got, want) {
		t.Errorf("due within a day: %v, want %v", got, want)
	}
	if got, want := notes(time.Time{}), []string{"overdue", "today", "later"}; !slices.Equal(got, want) {
		t.Errorf("all open: %v, want %v", got, want)
	}
}

func TestEventsAfterCommitOnly(t *testing.T) {
	st := openTest(t)
	var mu sync.Mutex
	var got []Event
	unsub := st.Subscribe(func(es []Event) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, es...)
	})
	custID, convID := seedCustomer(t, st, "Amy", "amy@example.com")
	st.Update(func(tx *Tx) error {
		tx.SaveNote(&Note{CustomerID: custID, Text: "rolled back"})
		return errors.New("abort")
	})
	mustUpdate(t, st, func(tx *Tx) error { return tx.DeleteConversation(convID) })
	unsub()
	seedCustomer(t, st, "Bob", "bob@example.com")
	want := []Event{{KindCustomer, custID, OpSaved}, {KindConversation, convID, OpSaved}, {KindConversation, convID, OpDeleted}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events %v, want %v", got, want)
	}
}

func TestReadersDuringWrite(t *testing.T) {
	st := openTest(t)
	seedCustomer(t, st, "Amy", "amy@example.com")
	written, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- st.Update(func(tx *Tx) error {
			if err := tx.SaveCustomer(&Customer{Name: "Bob", Emails: []string{"bob@example.com"}}); err != nil {
				return err
			}
			close(written)
			<-release
			return nil
		})
	}()
	<-written
	// The writer holds its transaction open; a reader must neither block
	// nor see the uncommitted customer.
	readDone := make(chan int)
	go func() {
		n := 0
		st.View(func(tx *Tx) error { n = tx.CountCustomers(); return nil })
		readDone <- n
	}()
	select {
	case n := <-readDone:
		if n != 1 {
			t.Errorf("reader saw %d customers during the write, want 1", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reader blocked by the writer")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	st.View(func(tx *Tx) error {
		if n := tx.CountCustomers(); n != 2 {
			t.Errorf("after commit %d customers, want 2", n)
		}
		return nil
	})
}

func TestSettingsDefaultsAndSave(t *testing.T) {
	st := openTest(t)
	var s Settings
	st.View(func(tx *Tx) error { s, _ = tx.Settings(); return nil })
	if s.ResponseTarget != 10*time.Minute {
		t.Errorf("default response target %v, want 10m", s.ResponseTarget)
	}
	s.ShopName = "竹麻家居"
	mustUpdate(t, st, func(tx *Tx) error { return tx.SaveSettings(s) })
	var back Settings
	st.View(func(tx *Tx) error { back, _ = tx.Settings(); return nil })
	if !reflect.DeepEqual(back, s) {
		t.Errorf("settings %+v, want %+v", back, s)
	}
}

func TestInboxFilterIndexes(t *testing.T) {
	st := openTest(t)
	custID, _ := seedCustomer(t, st, "Amy", "amy@example.com")
	var ids []uint64
	mustUpdate(t, st, func(tx *Tx) error {
		for i, c := range []Conversation{
			{Subject: "a", Tags: []string{"物流", "vip"}, FirstInbound: t0.Add(-3 * time.Hour), LastInbound: t0.Add(-3 * time.Hour)},
			{Subject: "b", Tags: []string{"物流"}, SnoozedUntil: t0.Add(time.Hour), FirstInbound: t0.Add(-time.Hour), LastInbound: t0.Add(-time.Hour)},
			{Subject: "c", SnoozedUntil: t0.Add(-time.Hour), FirstInbound: t0.Add(-2 * time.Hour), LastInbound: t0.Add(-2 * time.Hour)},
		} {
			c.CustomerID = custID
			if err := tx.SaveConversation(&c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
			_ = i
		}
		return nil
	})
	st.View(func(tx *Tx) error {
		open := tx.ConversationIDs(StatusOpen)
		// seedCustomer's own conversation has no inbound mail: it sorts by creation (t0).
		if want := []uint64{ids[0], ids[2], ids[1]}; !slices.Equal(open[:3], want) {
			t.Errorf("open IDs %v, want longest-waiting first %v", open, want)
		}
		if got := tx.SnoozedIDs(t0); !slices.Equal(got, []uint64{ids[1]}) {
			t.Errorf("snoozed %v, want only the one still asleep %v", got, ids[1])
		}
		if got := tx.TaggedIDs("物流"); !slices.Equal(got, ids[:2]) {
			t.Errorf("tagged %v", got)
		}
		if got := tx.ConversationTags(); !slices.Equal(got, []string{"vip", "物流"}) {
			t.Errorf("tags %v", got)
		}
		return nil
	})
	// Untagging and waking move the index keys.
	mustUpdate(t, st, func(tx *Tx) error {
		c, _ := tx.Conversation(ids[1])
		c.Tags, c.SnoozedUntil = nil, time.Time{}
		return tx.SaveConversation(&c)
	})
	mustVerify(t, st)
	st.View(func(tx *Tx) error {
		if got := tx.TaggedIDs("物流"); !slices.Equal(got, ids[:1]) {
			t.Errorf("tagged after untag %v", got)
		}
		if got := tx.SnoozedIDs(t0); len(got) != 0 {
			t.Errorf("snoozed after wake %v", got)
		}
		return nil
	})
}

func TestDraftRoundTrip(t *testing.T) {
	st := openTest(t)
	_, convID := seedCustomer(t, st, "Amy", "amy@example.com")
	d := Draft{Account: "shop", ConversationID: convID, ReplyTo: 3, Mode: DraftReply,
		To: []Address{{Name: "Amy", Email: "amy@example.com"}}, Subject: "Re: 物流", Text: "您好，半写的回复", Attachments: []string{"/tmp/size.png"}}
	mustUpdate(t, st, func(tx *Tx) error { return tx.SaveDraft(&d) })
	st.View(func(tx *Tx) error {
		ds, err := tx.DraftsOf(convID)
		if err != nil || len(ds) != 1 || !reflect.DeepEqual(ds[0], d) {
			t.Errorf("drafts %+v (%v), want %+v", ds, err, d)
		}
		return nil
	})
	mustUpdate(t, st, func(tx *Tx) error { return tx.DeleteDraft(d.ID) })
	mustVerify(t, st)
}
