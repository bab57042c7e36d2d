package search

import (
	"slices"
	"testing"

	"github.com/shopdesk/shopdesk/storage"
)

// The index follows the store through its change events: whatever a
// merge or a forget does step by step, the index ends as the store is.

func TestFollowsSavesAndDeletes(t *testing.T) {
	s := newShop(t, "fan")
	ix := built(t, s.st)
	id := s.message(t, "fan", storage.Message{Subject: "尺码问题", Text: "衣服太小了，想换大一号"})
	ix.Flush()
	if got := ids(search(t, ix, s.st, "换大一号"), storage.KindMessage); !slices.Equal(got, []uint64{id}) {
		t.Fatalf("new message: found %v, want %d", got, id)
	}
	// An edit replaces the old text.
	update(t, s.st, func(tx *storage.Tx) error {
		m, err := tx.Message(id)
		if err != nil {
			return err
		}
		m.Text = "已经收到，谢谢"
		return tx.SaveMessage(&m, nil)
	})
	ix.Flush()
	if got := ids(search(t, ix, s.st, "换大一号"), storage.KindMessage); got != nil {
		t.Errorf("old text still found in %v", got)
	}
	if got := ids(search(t, ix, s.st, "已经收到"), storage.KindMessage); !slices.Equal(got, []uint64{id}) {
		t.Errorf("new text: found %v", got)
	}
	update(t, s.st, func(tx *storage.Tx) error { return tx.DeleteMessage(id) })
	ix.Flush()
	if got := ids(search(t, ix, s.st, "已经收到"), storage.KindMessage); got != nil {
		t.Errorf("deleted message still found: %v", got)
	}
	// Status and tags come from the conversation as it is now.
	msg := s.message(t, "fan", storage.Message{Subject: "尺码", Text: "还是太小"})
	update(t, s.st, func(tx *storage.Tx) error {
		c, err := tx.Conversation(s.convs["fan"])
		if err != nil {
			return err
		}
		c.Status, c.Tags = storage.StatusClosed, []string{"换货"}
		return tx.SaveConversation(&c)
	})
	ix.Flush()
	if got := ids(search(t, ix, s.st, "太小 status:closed tag:换货"), storage.KindMessage); !slices.Equal(got, []uint64{msg}) {
		t.Errorf("closed and tagged: found %v, want %d", got, msg)
	}
}

func TestFollowsMerge(t *testing.T) {
	s := newShop(t, "王小明", "Xiaoming Wang")
	dup, keep := s.custs["王小明"], s.custs["Xiaoming Wang"]
	m := s.message(t, "王小明", storage.Message{Subject: "发票", Text: "请开增值税发票"})
	var order, call, note uint64
	update(t, s.st, func(tx *storage.Tx) error {
		o := storage.Order{CustomerID: dup, Number: "TB20261102001"}
		c := storage.Call{CustomerID: dup, Summary: "来电催发票", Direction: storage.Inbound}
		n := storage.Note{CustomerID: dup, Text: "发票抬头是公司名"}
		for _, err := range []error{tx.SaveOrder(&o), tx.SaveCall(&c), tx.SaveNote(&n)} {
			if err != nil {
				return err
			}
		}
		order, call, note = o.ID, c.ID, n.ID
		cu, err := tx.Customer(keep)
		if err != nil {
			return err
		}
		cu.Tags = []string{"企业客户"}
		return tx.SaveCustomer(&cu)
	})
	ix := built(t, s.st)

	// The merge, as the store sees it: everything of the duplicate moves to
	// the kept customer, then the duplicate is deleted.
	update(t, s.st, func(tx *storage.Tx) error {
		c, err := tx.Conversation(s.convs["王小明"])
		if err != nil {
			return err
		}
		c.CustomerID = keep
		if err := tx.SaveConversation(&c); err != nil {
			return err
		}
		o, _ := tx.Order(order)
		o.CustomerID = keep
		ca, _ := tx.Call(call)
		ca.CustomerID = keep
		n, _ := tx.Note(note)
		n.CustomerID = keep
		for _, err := range []error{tx.SaveOrder(&o), tx.SaveCall(&ca), tx.SaveNote(&n)} {
			if err != nil {
				return err
			}
		}
		cu, err := tx.Customer(keep)
		if err != nil {
			return err
		}
		cu.Emails = append(cu.Emails, "alias@example.test")
		if err := tx.SaveCustomer(&cu); err != nil {
			return err
		}
		// The duplicate's own conversation (emptied) goes with it.
		return tx.DeleteCustomer(dup)
	})
	ix.Flush()

	if got := ids(search(t, ix, s.st, "王小明"), storage.KindCustomer); got != nil {
		t.Errorf("merged-away customer still found: %v", got)
	}
	if got := ids(search(t, ix, s.st, "alias@example.test"), storage.KindCustomer); !slices.Equal(got, []uint64{keep}) {
		t.Errorf("kept customer by new address: %v", got)
	}
	res := search(t, ix, s.st, "发票")
	if got := ids(res, storage.KindMessage); !slices.Equal(got, []uint64{m}) {
		t.Errorf("message after merge: %v", got)
	}
	for _, g := range res.Groups {
		for _, h := range g.Hits {
			if h.CustomerID != keep {
				t.Errorf("%s %d belongs to customer %d, want %d", h.Kind, h.ID, h.CustomerID, keep)
			}
		}
	}
	if got := ids(res, storage.KindCall); !slices.Equal(got, []uint64{call}) {
		t.Errorf("call after merge: %v", got)
	}
	if got := ids(res, storage.KindNote); !slices.Equal(got, []uint64{note}) {
		t.Errorf("note after merge: %v", got)
	}
	// Filters see the kept customer's tags now.
	if got := ids(search(t, ix, s.st, "tag:企业客户 增值税"), storage.KindMessage); !slices.Equal(got, []uint64{m}) {
		t.Errorf("message under the kept customer's tag: %v", got)
	}
	if got := ids(search(t, ix, s.st, "TB20261102001"), storage.KindOrder); !slices.Equal(got, []uint64{order}) {
		t.Errorf("order after merge: %v", got)
	}
}

func TestFollowsForget(t *testing.T) {
	s := newShop(t, "forgetme", "stays")
	gone := s.custs["forgetme"]
	s.message(t, "forgetme", storage.Message{Subject: "私人信息", Text: "我的地址是北京市朝阳区"})
	kept := s.message(t, "stays", storage.Message{Subject: "地址", Text: "我的地址是上海市浦东新区"})
	update(t, s.st, func(tx *storage.Tx) error {
		o := storage.Order{CustomerID: gone, Number: "JD99887766", Tracking: "JDV000111222"}
		c := storage.Call{CustomerID: gone, Summary: "要求删除个人信息", Phone: "13800138000"}
		n := storage.Note{CustomerID: gone, Text: "客户要求删除资料"}
		for _, err := range []error{tx.SaveOrder(&o), tx.SaveCall(&c), tx.SaveNote(&n)} {
			if err != nil {
				return err
			}
		}
		return nil
	})
	ix := built(t, s.st)
	before := ix.Len()
	update(t, s.st, func(tx *storage.Tx) error { return tx.DeleteCustomer(gone) })
	ix.Flush()
	for _, q := range []string{"forgetme", "北京市", "JD99887766", "JDV000111222", "删除", "13800138000", "个人信息"} {
		if res := search(t, ix, s.st, q); res.Total != 0 {
			t.Errorf("%q still finds %+v after the customer was forgotten", q, res.Groups)
		}
	}
	if got := ids(search(t, ix, s.st, "我的地址"), storage.KindMessage); !slices.Equal(got, []uint64{kept}) {
		t.Errorf("other customer's message: %v", got)
	}
	// customer, message, order, call, note
	if got := ix.Len(); got != before-5 {
		t.Errorf("index holds %d records, want %d", got, before-5)
	}
}

// A record changed while the index builds ends up current.
func TestEventsDuringBuildApplyAfter(t *testing.T) {
	s := newShop(t, "kai")
	id := s.message(t, "kai", storage.Message{Subject: "第一版", Text: "旧的内容"})
	ix := New()
	stop := ix.Follow(s.st)
	defer stop()
	// Changed after Follow but before Build: queued, applied after.
	update(t, s.st, func(tx *storage.Tx) error { return tx.DeleteMessage(id) })
	if err := ix.Build(t.Context(), s.st, nil); err != nil {
		t.Fatal(err)
	}
	ix.Flush()
	if res := search(t, ix, s.st, "旧的内容"); res.Total != 0 {
		t.Errorf("deleted message found: %+v", res)
	}
}

// Many updates compact the index instead of growing it.
func TestCompaction(t *testing.T) {
	s := newShop(t, "max")
	id := s.message(t, "max", storage.Message{Subject: "v0", Text: "版本"})
	ix := built(t, s.st)
	ix.mu.Lock()
	ix.compactAt = 50
	ix.mu.Unlock()
	for i := range 300 {
		update(t, s.st, func(tx *storage.Tx) error {
			m, err := tx.Message(id)
			if err != nil {
				return err
			}
			m.Text = "版本" + string(rune('a'+i%26)) + string(rune('a'+i/26%26))
			return tx.SaveMessage(&m, nil)
		})
	}
	ix.Flush()
	ix.mu.RLock()
	n := len(ix.docs)
	ix.mu.RUnlock()
	if n > 60 {
		t.Errorf("%d docs kept for 3 live records", n)
	}
	if got := ids(search(t, ix, s.st, "版本"), storage.KindMessage); !slices.Equal(got, []uint64{id}) {
		t.Errorf("found %v", got)
	}
}
