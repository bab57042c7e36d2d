package search

import (
	"errors"
	"slices"
	"testing"

	"github.com/shopdesk/shopdesk/storage"
)

func TestCJKSubstringWithoutFalseHits(t *testing.T) {
	s := newShop(t, "wang")
	want := s.message(t, "wang", storage.Message{Subject: "售后", Text: "您好，我想退货，谢谢"})
	split := s.message(t, "wang", storage.Message{Subject: "咨询", Text: "我要退货。关于货申报的问题"})
	reversed := s.message(t, "wang", storage.Message{Subject: "问题", Text: "货退回来了吗"})
	japanese := s.message(t, "wang", storage.Message{Subject: "返品について", Text: "返品をお願いします"})
	ix := built(t, s.st)
	for _, c := range []struct {
		q    string
		want []uint64
	}{
		{"退货", sorted(want, split)},
		{"想退货", sorted(want)},
		{"我想退货", sorted(want)},
		{"您好，我想退货", sorted(want)},
		{"货退", sorted(reversed)},
		{"退货申", nil}, // 退货 and 货申 are both in split, never side by side
		{"退货申请", nil},
		{"想要退货", nil},
		{"返品", sorted(japanese)},
		{"品をお願い", sorted(japanese)},
		{"をお", sorted(japanese)},
		{"お願いしない", nil},
		{"退", sorted(want, split, reversed)}, // one character: read through
	} {
		if got := ids(search(t, ix, s.st, c.q), storage.KindMessage); !slices.Equal(got, c.want) {
			t.Errorf("%q found %v, want %v", c.q, got, c.want)
		}
	}
}

func TestSimplifiedAndTraditionalFold(t *testing.T) {
	s := newShop(t, "chen")
	trad := s.message(t, "chen", storage.Message{Subject: "退貨申請", Text: "請問運費誰出？"})
	simp := s.message(t, "chen", storage.Message{Subject: "退货申请", Text: "请问运费谁出？"})
	ix := built(t, s.st)
	for _, q := range []string{"退货", "退貨", "退貨申请", "运费谁出", "運費誰出"} {
		if got := ids(search(t, ix, s.st, q), storage.KindMessage); !slices.Equal(got, sorted(trad, simp)) {
			t.Errorf("%q found %v, want both %v", q, got, sorted(trad, simp))
		}
	}
	// The highlight is on the characters as written.
	res := search(t, ix, s.st, "退货")
	for _, h := range res.Groups[0].Hits {
		want := map[uint64]string{trad: "退貨", simp: "退货"}[h.ID]
		if got := marked(h); !slices.Equal(got, []string{want}) {
			t.Errorf("message %d highlights %q, want %q", h.ID, got, want)
		}
	}
}

func TestWidthAndCaseFold(t *testing.T) {
	s := newShop(t, "amy")
	full := s.message(t, "amy", storage.Message{Subject: "Order ＡＢ１２３", Text: "Ｒｅｆｕｎｄ please"})
	half := s.message(t, "amy", storage.Message{Subject: "order ab123", Text: "REFUND please"})
	other := s.message(t, "amy", storage.Message{Subject: "order ab124", Text: "refunded already"})
	ix := built(t, s.st)
	for _, c := range []struct {
		q    string
		want []uint64
	}{
		{"ab123", sorted(full, half)},
		{"ＡＢ１２３", sorted(full, half)},
		{"AB123", sorted(full, half)},
		{"ab12", sorted(full, half, other)}, // Latin words by prefix
		{"refund", sorted(full, half, other)},
		{"ＲＥＦＵＮＤ ab123", sorted(full, half)},
		{"refunds", nil},
	} {
		if got := ids(search(t, ix, s.st, c.q), storage.KindMessage); !slices.Equal(got, c.want) {
			t.Errorf("%q found %v, want %v", c.q, got, c.want)
		}
	}
	res := search(t, ix, s.st, "ab123")
	for _, h := range res.Groups[0].Hits {
		want := map[uint64]string{full: "ＡＢ１２３", half: "ab123"}[h.ID]
		if got := marked(h); !slices.Contains(got, want) {
			t.Errorf("message %d highlights %q, want %q", h.ID, got, want)
		}
	}
}

func TestOrderNumbersWhole(t *testing.T) {
	s := newShop(t, "kim")
	var amazon, taobao uint64
	update(t, s.st, func(tx *storage.Tx) error {
		a := storage.Order{CustomerID: s.custs["kim"], Platform: storage.PlatformAmazon,
			Number: "113-1234567-1234567", Carrier: "UPS", Tracking: "1Z999AA10123456784"}
		b := storage.Order{CustomerID: s.custs["kim"], Platform: storage.PlatformTaobao,
			Number: "3141592653589793238", Carrier: "顺丰", Tracking: "SF1234567890123"}
		if err := tx.SaveOrder(&a); err != nil {
			return err
		}
		amazon = a.ID
		err := tx.SaveOrder(&b)
		taobao = b.ID
		return err
	})
	mention := s.message(t, "kim", storage.Message{Subject: "where is my parcel", Text: "Order 113-1234567-1234567 has not arrived"})
	ix := built(t, s.st)
	for _, c := range []struct {
		q      string
		orders []uint64
		msgs   []uint64
	}{
		{"113-1234567-1234567", sorted(amazon), sorted(mention)},
		{"11312345671234567", sorted(amazon), sorted(mention)},
		{"113 1234567 1234567", sorted(amazon), sorted(mention)},
		{"113-1234567", sorted(amazon), sorted(mention)},
		{"113-1234567-1234568", nil, nil},
		{"3141592653589793238", sorted(taobao), nil},
		{"314159265", sorted(taobao), nil}, // by prefix
		{"sf1234567890123", sorted(taobao), nil},
		{"ＳＦ１２３４５６７８９０１２３", sorted(taobao), nil},
		{"1z999aa10123456784", sorted(amazon), nil},
		{"SF1234567890124", nil, nil},
	} {
		res := search(t, ix, s.st, c.q)
		if got := ids(res, storage.KindOrder); !slices.Equal(got, c.orders) {
			t.Errorf("%q found orders %v, want %v", c.q, got, c.orders)
		}
		if got := ids(res, storage.KindMessage); !slices.Equal(got, c.msgs) {
			t.Errorf("%q found messages %v, want %v", c.q, got, c.msgs)
		}
	}
	res := search(t, ix, s.st, "113-1234567-1234567")
	if h := res.Groups[0].Hits[0]; h.Kind != storage.KindMessage || !slices.Contains(marked(h), "113-1234567-1234567") {
		t.Errorf("message hit %+v lacks the highlighted number", h)
	}
	for _, g := range res.Groups {
		if g.Kind == storage.KindOrder && (!g.Hits[0].Exact || g.Hits[0].Title != "113-1234567-1234567") {
			t.Errorf("order hit %+v should be an exact hit on the number", g.Hits[0])
		}
	}
}

func TestFilters(t *testing.T) {
	s := newShop(t, "ann", "bob")
	update(t, s.st, func(tx *storage.Tx) error {
		c, err := tx.Conversation(s.convs["bob"])
		if err != nil {
			return err
		}
		c.Tags, c.Status = []string{"物流延迟"}, storage.StatusClosed
		if err := tx.SaveConversation(&c); err != nil {
			return err
		}
		cu, err := tx.Customer(s.custs["ann"])
		if err != nil {
			return err
		}
		cu.Tags = []string{"VIP"}
		return tx.SaveCustomer(&cu)
	})
	annOld := s.message(t, "ann", storage.Message{Subject: "parcel late", Text: "where is it", Date: day0.AddDate(0, 0, -10)})
	annNew := s.message(t, "ann", storage.Message{Subject: "parcel photo", Text: "see the photo",
		Date: day0, Attachments: []storage.Attachment{{Name: "破损.jpg", Type: "image/jpeg", Size: 100}}})
	bob := s.message(t, "bob", storage.Message{Subject: "parcel lost", Text: "快递丢了", Date: day0.AddDate(0, 0, -3)})
	reply := s.message(t, "bob", storage.Message{Subject: "Re: parcel lost", Text: "we are sorry", Direction: storage.Outbound,
		From: storage.Address{Name: "Shop", Email: "service@shop.test"}, To: []storage.Address{{Name: "Bob", Email: "bob@example.test"}},
		Date: day0.AddDate(0, 0, -2)})
	ix := built(t, s.st)
	for _, c := range []struct {
		q    string
		want []uint64
	}{
		{"parcel", sorted(annOld, annNew, bob, reply)},
		{"parcel from:ann", sorted(annOld, annNew)},
		{"from:ann@example.test", sorted(annOld, annNew)},
		{"FROM:Bob", sorted(bob)},
		{"to:bob parcel", sorted(reply)},
		{"tag:物流延迟", sorted(bob, reply)},
		{"tag:vip parcel", sorted(annOld, annNew)}, // the customer's tag
		{"status:closed", sorted(bob, reply)},
		{"status:open parcel", sorted(annOld, annNew)},
		{"after:2026-11-01", sorted(annNew)},
		{"before:2026-11-01 parcel", sorted(annOld, bob, reply)},
		{"after:2026-10-30 before:2026-11-01", sorted(bob, reply)},
		{"has:attachment", sorted(annNew)},
		{"has:attachment 破损", sorted(annNew)},
		{"has:attachment from:bob", nil},
		{"丢了 from:bob status:closed", sorted(bob)},
	} {
		if got := ids(search(t, ix, s.st, c.q), storage.KindMessage); !slices.Equal(got, c.want) {
			t.Errorf("%q found %v, want %v", c.q, got, c.want)
		}
	}
	// Filters on messages keep other kinds out; tag: applies to customers too.
	res := search(t, ix, s.st, "tag:vip")
	if got := ids(res, storage.KindCustomer); !slices.Equal(got, sorted(s.custs["ann"])) {
		t.Errorf("tag:vip customers %v, want ann", got)
	}
	if got := ids(search(t, ix, s.st, "from:ann"), storage.KindCustomer); got != nil {
		t.Errorf("from: should find messages only, found customers %v", got)
	}
	for _, bad := range []string{"before:yesterday", "has:photo", "after:2026-13-01"} {
		var qe *QueryError
		if _, err := ix.Search(s.st, bad, Options{}); !errors.As(err, &qe) {
			t.Errorf("%q: error %v, want a QueryError", bad, err)
		}
	}
}

func TestRanking(t *testing.T) {
	s := newShop(t, "lee")
	body := s.message(t, "lee", storage.Message{Subject: "hello", Text: "about the refund", Date: day0})
	subject := s.message(t, "lee", storage.Message{Subject: "refund", Text: "see subject", Date: day0.AddDate(0, 0, -5)})
	older := s.message(t, "lee", storage.Message{Subject: "hi", Text: "refund again", Date: day0.AddDate(0, 0, -9)})
	ix := built(t, s.st)
	res := search(t, ix, s.st, "refund")
	var got []uint64
	for _, h := range res.Groups[0].Hits {
		got = append(got, h.ID)
	}
	if want := []uint64{subject, body, older}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v (subject hit first, then newest)", got, want)
	}
	if !res.Groups[0].Hits[0].Exact {
		t.Errorf("a subject that is the query should be an exact hit")
	}
	res, err := ix.Search(s.st, "refund", Options{Limit: 1})
	if err != nil || len(res.Groups[0].Hits) != 1 || res.Groups[0].Total != 3 {
		t.Errorf("limit 1: %+v, %v; want one hit of 3", res, err)
	}
}

func TestSnippetAroundMatch(t *testing.T) {
	s := newShop(t, "zoe")
	long := "开头" + repeat("很长的一段话，", 30) + "我想退貨。" + repeat("后面还有很多字，", 30)
	s.message(t, "zoe", storage.Message{Subject: "售后", Text: long})
	ix := built(t, s.st)
	h := search(t, ix, s.st, "退货").Groups[0].Hits[0]
	if got := marked(h); !slices.Equal(got, []string{"退貨"}) {
		t.Fatalf("snippet %q highlights %q", h.Snippet, got)
	}
	if n := len([]rune(h.Snippet)); n > snippetLen+2 {
		t.Errorf("snippet is %d runes", n)
	}
	if h.Snippet[:len("…")] != "…" {
		t.Errorf("snippet %q should show it starts mid-text", h.Snippet)
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

func TestFoldRune(t *testing.T) {
	for in, want := range map[string]string{
		"ＡＢ１":    "ab1",
		"ＳＦ－１２":  "sf-12",
		"退貨申請":   "退货申请",
		"Straße": "straße",
		"ÉCOLE":  "école",
		"運費　誰出":  "运费 谁出",
		"返品":     "返品",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
