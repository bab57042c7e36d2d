package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopdesk/shopdesk/storage"
)

func TestCustomerAddShowMerge(t *testing.T) {
	dir := t.TempDir()
	var added storage.Customer
	out := mustOut(t, dir, "customer", "add", "--name", "林小雨", "--email", "linxiaoyu@qq.example",
		"--phone", "+86 138 0013 8000", "--json")
	if err := json.Unmarshal([]byte(out), &added); err != nil || added.ID == 0 || added.Segment != storage.SegmentNew {
		t.Fatalf("add printed %q (%v)", out, err)
	}
	second := mustOut(t, dir, "customer", "add", "--name", "Xiaoyu Lin", "--email", "xiaoyu.lin@work.example", "--phone", "021-5555 1234")
	if !strings.HasPrefix(second, "2\tXiaoyu Lin") {
		t.Errorf("add printed %q", second)
	}
	mustOut(t, dir, "order", "add", "--customer", "xiaoyu.lin@work.example", "--number", "3921456789012345678",
		"--platform", "taobao", "--total", "128.50", "--status", "shipped", "--carrier", "顺丰", "--tracking", "SF1234567890123")

	// Refusals: an address of another customer, a bad address, a missing name.
	for _, args := range [][]string{
		{"customer", "add", "--name", "x", "--email", "LINXIAOYU@qq.example"},
		{"customer", "show", "nobody@example.com"},
		{"customer", "merge", "1", "1"},
	} {
		if code, _, errOut := shopdesk(t, dir, args...); code == exitOK || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	for _, args := range [][]string{{"customer", "add"}, {"customer", "add", "--email", "not-an-address"}, {"customer", "show"}, {"customer", "frob"}} {
		if code, _, _ := shopdesk(t, dir, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}

	// Any way of writing the phone finds the customer.
	for _, ref := range []string{"13800138000", "0086-138-0013-8000", "+86 138 0013 8000", "1", "LinXiaoyu@QQ.example"} {
		var r customerReport
		if err := json.Unmarshal([]byte(mustOut(t, dir, "customer", "show", ref, "--json")), &r); err != nil || r.Customer.ID != added.ID {
			t.Errorf("show %s found %d (%v)", ref, r.Customer.ID, err)
		}
	}

	var merged struct {
		Customer storage.Customer `json:"customer"`
		Gone     uint64           `json:"merged_away"`
		Moved    mergeMoved       `json:"moved"`
	}
	if err := json.Unmarshal([]byte(mustOut(t, dir, "customer", "merge", "13800138000", "2", "--json")), &merged); err != nil {
		t.Fatal(err)
	}
	if merged.Customer.ID != added.ID || merged.Gone != 2 || merged.Moved.Orders != 1 ||
		strings.Join(merged.Customer.Emails, " ") != "linxiaoyu@qq.example xiaoyu.lin@work.example" || len(merged.Customer.Phones) != 2 {
		t.Errorf("merge printed %+v", merged)
	}
	var r customerReport
	if err := json.Unmarshal([]byte(mustOut(t, dir, "customer", "show", "xiaoyu.lin@work.example", "--json")), &r); err != nil {
		t.Fatal(err)
	}
	if r.Customer.ID != added.ID || len(r.Orders) != 1 || r.Counts.Orders != 1 || r.Orders[0].Total != 12850 {
		t.Errorf("after the merge: %+v", r)
	}
	text := mustOut(t, dir, "customer", "show", "1")
	for _, want := range []string{"林小雨", "021-5555 1234", "order 3921456789012345678\ttaobao\tshipped\t128.50 CNY\t顺丰 SF1234567890123"} {
		if !strings.Contains(text, want) {
			t.Errorf("show lacks %q:\n%s", want, text)
		}
	}
	if code, _, _ := shopdesk(t, dir, "customer", "show", "2"); code != exitError {
		t.Errorf("the merged-away customer still shows: exit %d", code)
	}
}

func TestOrderAddUpdate(t *testing.T) {
	dir := t.TempDir()
	seed(t, dir) // 张伟 (1) and Sarah Lee (2), each with an order
	var o storage.Order
	out := mustOut(t, dir, "order", "add", "--customer", "sarah.lee@example.com", "--number", "113-1234567-1234567",
		"--platform", "amazon", "--total", "12.5", "--currency", "usd", "--status", "pending_payment", "--placed", "2026-11-20", "--json")
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		t.Fatal(err)
	}
	if o.CustomerID != 2 || o.Total != 1250 || o.Currency != "USD" || o.Status != storage.OrderPendingPayment ||
		o.Platform != storage.PlatformAmazon || o.Placed.Format("2006-01-02") != "2026-11-20" {
		t.Errorf("added %+v", o)
	}
	out = mustOut(t, dir, "order", "update", " 113-1234567-1234567 ", "--status", "shipped", "--carrier", "UPS", "--tracking", "1Z999AA10123456784", "--json")
	var u storage.Order
	if err := json.Unmarshal([]byte(out), &u); err != nil {
		t.Fatal(err)
	}
	if u.ID != o.ID || u.Status != storage.OrderShipped || u.Carrier != "UPS" || u.Total != 1250 || len(u.History) != 2 ||
		u.History[1].Status != storage.OrderShipped {
		t.Errorf("updated %+v", u)
	}
	// JPY has no minor unit.
	out = mustOut(t, dir, "order", "add", "--customer", "1", "--number", "JP-1", "--total", "1,280", "--currency", "JPY")
	if !strings.Contains(out, "\t1280 JPY\t") {
		t.Errorf("JPY order printed %q", out)
	}
	cases := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"order", "add", "--customer", "1"}, exitUsage, "--number"},
		{[]string{"order", "add", "--customer", "1", "--number", "X", "--total", "12.345"}, exitUsage, "--total"},
		{[]string{"order", "add", "--customer", "1", "--number", "X", "--status", "lost"}, exitUsage, "--status"},
		{[]string{"order", "add", "--customer", "1", "--number", "X", "--platform", "mars"}, exitUsage, "--platform"},
		{[]string{"order", "add", "--customer", "nobody@example.com", "--number", "X"}, exitError, "no customer"},
		{[]string{"order", "add", "--customer", "1", "--number", "113-1234567-1234567", "--platform", "amazon"}, exitError, "already recorded"},
		{[]string{"order", "update", "NOPE", "--status", "paid"}, exitError, "no order numbered NOPE"},
		{[]string{"order", "update", "JP-1", "--status", "lost"}, exitUsage, "--status"},
	}
	for _, c := range cases {
		code, _, errOut := shopdesk(t, dir, c.args...)
		if code != c.code || !strings.Contains(errOut, c.says) {
			t.Errorf("%v: exit %d %q; want %d with %q", c.args, code, errOut, c.code, c.says)
		}
	}
}
