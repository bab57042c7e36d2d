package importer

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

func openStore(t *testing.T) *storage.Store {
	t.Helper()
	st, err := storage.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.VerifyIndexes(); err != nil {
			t.Errorf("indexes after the import: %v", err)
		}
		st.Close()
	})
	return st
}

// load reads a testdata file and detects its preset.
func load(t *testing.T, name string, kind Kind) (*Table, Preset) {
	t.Helper()
	tab, err := ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	p, ok := Detect(tab.Header, kind, Builtin())
	if !ok {
		t.Fatalf("%s: no preset detected from %q", name, tab.Header)
	}
	return tab, p
}

func importFile(t *testing.T, st Store, name string, kind Kind, dry bool) Report {
	t.Helper()
	tab, p := load(t, name, kind)
	rep, err := Run(context.Background(), st, tab, Options{Kind: kind, Preset: p, Mapping: p.Resolve(tab.Header),
		DryRun: dry, Location: time.FixedZone("CST", 8*3600)})
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return rep
}

func TestPresetDetection(t *testing.T) {
	tests := []struct {
		file      string
		kind      Kind
		preset    string
		presetFor Kind
		encoding  string
		delim     rune
		rows      int
		fields    []Field
	}{
		{"taobao_orders_gbk.csv", KindOrders, "taobao", KindOrders, EncGB18030, ',', 5,
			[]Field{FieldNumber, FieldBuyer, FieldRecvName, FieldPhone, FieldAddress, FieldStatus, FieldCarrier, FieldTracking, FieldTotal, FieldPlaced}},
		{"shopee_orders.csv", KindOrders, "shopee", KindOrders, EncUTF8BOM, ',', 3,
			[]Field{FieldNumber, FieldBuyer, FieldRecvName, FieldPhone, FieldAddress, FieldStatus, FieldTracking, FieldCarrier, FieldTotal, FieldPlaced}},
		{"amazon_orders.txt", KindOrders, "amazon", KindOrders, EncUTF8, '\t', 3,
			[]Field{FieldNumber, FieldPlaced, FieldStatus, FieldEmail, FieldName, FieldPhone, FieldTotal, FieldCurrency, FieldTracking, FieldCarrier}},
		{"shopify_orders.csv", KindOrders, "shopify", KindOrders, EncUTF8, ',', 3,
			[]Field{FieldNumber, FieldEmail, FieldStatus, FieldPayStatus, FieldTotal, FieldCurrency, FieldRecvName, FieldPhone, FieldAddress, FieldCity, FieldZip, FieldCountry, FieldPlaced, FieldTracking}},
		{"shopdesk_customers.csv", KindCustomers, PresetShopdesk, KindCustomers, EncUTF8BOM, ',', 2,
			[]Field{FieldName, FieldEmail, FieldPhone, FieldIM, FieldSegment, FieldTags, FieldNotes}},
		{"shopdesk_orders.csv", KindOrders, PresetShopdesk, KindOrders, EncUTF8BOM, ',', 2,
			[]Field{FieldNumber, FieldEmail, FieldPlatform, FieldStatus, FieldTotal, FieldItems, FieldAfterSales}},
		// A customer import of an order export still finds its layout.
		{"taobao_orders_gbk.csv", KindCustomers, "taobao", KindOrders, EncGB18030, ',', 5, []Field{FieldBuyer, FieldPhone}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+string(tt.kind), func(t *testing.T) {
			tab, p := load(t, tt.file, tt.kind)
			if p.Name != tt.preset || p.Kind != tt.presetFor {
				t.Errorf("preset = %s (%s), want %s (%s)", p.Name, p.Kind, tt.preset, tt.presetFor)
			}
			if tab.Encoding != tt.encoding || tab.Delimiter != tt.delim {
				t.Errorf("encoding %s delimiter %q, want %s %q", tab.Encoding, tab.Delimiter, tt.encoding, tt.delim)
			}
			if len(tab.Rows)+len(tab.Bad) != tt.rows+len(tab.Bad) || len(tab.Rows) < tt.rows-1 {
				t.Errorf("%d rows (+%d bad), want %d", len(tab.Rows), len(tab.Bad), tt.rows)
			}
			m := p.Resolve(tab.Header)
			for _, f := range tt.fields {
				if _, ok := m[f]; !ok {
					t.Errorf("field %s not mapped (header %q)", f, tab.Header)
				}
			}
		})
	}
}

func TestTaobaoGBKWithMalformedRow(t *testing.T) {
	st := openStore(t)
	rep := importFile(t, st, "taobao_orders_gbk.csv", KindOrders, false)
	// Line 4 has a stray quote in the address; line 7 has no order number.
	want := map[int]Reason{4: ReasonMalformed, 7: ReasonNoNumber}
	skipped := rep.SkippedIssues()
	if len(skipped) != len(want) {
		t.Fatalf("skipped %+v, want lines %v", skipped, want)
	}
	for _, is := range skipped {
		if want[is.Line] != is.Code {
			t.Errorf("line %d skipped for %s, want %s", is.Line, is.Code, want[is.Line])
		}
	}
	if rep.Rows != 6 || rep.Imported != 4 || rep.Skipped != 2 || rep.Updated != 0 {
		t.Errorf("report %+v, want 6 rows: 4 imported, 2 skipped", rep)
	}
	if rep.CustomersCreated != 2+1-0 { // 林小雨 (twice, one customer), 王建国, 刘芳
		t.Errorf("%d customers created, want 3", rep.CustomersCreated)
	}
	st.View(func(tx *storage.Tx) error {
		if n := tx.CountOrders(); n != 4 {
			t.Errorf("%d orders stored, want 4", n)
		}
		os, err := tx.OrdersByNumber("3712840011223344559")
		if err != nil || len(os) != 1 {
			t.Fatalf("order 3712840011223344559: %v %v", os, err)
		}
		o := os[0]
		if o.Platform != storage.PlatformTaobao || o.Status != storage.OrderCompleted || o.Total != 49800 ||
			o.Currency != "CNY" || o.Tracking != "SF1234567890123" || o.Carrier != "顺丰速运" {
			t.Errorf("order = %+v", o)
		}
		if !o.Placed.Equal(time.Date(2026, 9, 20, 11, 11, 11, 0, time.FixedZone("CST", 8*3600))) {
			t.Errorf("placed %v", o.Placed)
		}
		if len(o.Items) != 1 || o.Items[0].Name != "羽绒被 冬厚款" || o.Notes != "老客户 送小样\n要礼盒包装" {
			t.Errorf("items %+v notes %q", o.Items, o.Notes)
		}
		cust, err := tx.Customer(o.CustomerID)
		if err != nil {
			t.Fatal(err)
		}
		if cust.Name != "刘芳" || !slices.Contains(cust.IM, storage.IMHandle{Network: "Wangwang", Handle: "芳芳lf"}) ||
			len(cust.Phones) != 2 || cust.Address == "" {
			t.Errorf("customer = %+v", cust)
		}
		// Both of 林小雨's orders went to one customer, found by phone.
		a, _ := tx.OrdersByNumber("3712840011223344556")
		b, _ := tx.OrdersByNumber("3712840011223344560")
		if len(a) != 1 || len(b) != 1 || a[0].CustomerID != b[0].CustomerID {
			t.Errorf("林小雨's orders have customers %v and %v", a, b)
		}
		if b[0].Status != storage.OrderCancelled {
			t.Errorf("交易关闭 became %s", b[0].Status)
		}
		return nil
	})
}

// A second import of the same export changes nothing; a later export
// with new statuses and tracking numbers updates the orders in place.
func TestReimportUpdatesInsteadOfDuplicating(t *testing.T) {
	st := openStore(t)
	first := importFile(t, st, "shopee_orders.csv", KindOrders, false)
	if first.Imported != 3 || first.Skipped != 0 || first.CustomersCreated != 2 {
		t.Fatalf("first import %+v", first)
	}
	again := importFile(t, st, "shopee_orders.csv", KindOrders, false)
	if again.Imported != 0 || again.Updated != 0 || again.Unchanged != 3 {
		t.Errorf("same file again: %+v, want 3 unchanged", again)
	}

	tab, p := load(t, "shopee_orders.csv", KindOrders)
	m := p.Resolve(tab.Header)
	for i := range tab.Rows[:2] { // the first order shipped since
		tab.Rows[i].Cells[m[FieldStatus]] = "Shipping"
		tab.Rows[i].Cells[m[FieldTracking]] = "SPXMY099988877"
	}
	rep, err := Run(context.Background(), st, tab, Options{Kind: KindOrders, Preset: p, Mapping: m, Location: time.FixedZone("CST", 8*3600)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 0 || rep.Updated != 2 || rep.Unchanged != 1 {
		t.Errorf("updated export: %+v, want 2 rows updated, 1 unchanged", rep)
	}
	st.View(func(tx *storage.Tx) error {
		if n, c := tx.CountOrders(), tx.CountCustomers(); n != 2 || c != 2 {
			t.Errorf("%d orders, %d customers; want 2 and 2", n, c)
		}
		os, _ := tx.OrdersByNumber("240915ABCD1234")
		o := os[0]
		if o.Status != storage.OrderShipped || o.Tracking != "SPXMY099988877" || o.Carrier != "Standard Delivery" {
			t.Errorf("order = %+v", o)
		}
		if len(o.History) != 2 || o.History[0].Status != storage.OrderPaid || o.History[1].Status != storage.OrderShipped {
			t.Errorf("history = %+v", o.History)
		}
		if len(o.Items) != 2 || o.Total != 8480 {
			t.Errorf("items %+v total %d", o.Items, o.Total)
		}
		// The buyer's masked phone was left out, not stored as digits.
		cs, _ := tx.Customers(0, 0)
		for _, c := range cs {
			for _, ph := range c.Phones {
				if ph.Number == "******4321" {
					t.Errorf("masked phone stored on %s", c.Name)
				}
			}
		}
		return nil
	})
	if !slices.ContainsFunc(first.Issues, func(is Issue) bool { return is.Code == ReasonHiddenPhone && is.Line == 4 && !is.Skipped }) {
		t.Errorf("masked phone not reported on line 4: %+v", first.Issues)
	}
}

func TestAmazonItemRowsMakeOneOrder(t *testing.T) {
	st := openStore(t)
	rep := importFile(t, st, "amazon_orders.txt", KindOrders, false)
	if rep.Imported != 3 || rep.Skipped != 0 {
		t.Fatalf("report %+v", rep)
	}
	st.View(func(tx *storage.Tx) error {
		os, _ := tx.OrdersByNumber("113-1234567-1234567")
		if len(os) != 1 {
			t.Fatalf("orders %v", os)
		}
		o := os[0]
		if o.Total != 20700 || len(o.Items) != 2 || o.Items[1].Quantity != 2 || o.Status != storage.OrderShipped ||
			o.Carrier != "UPS" || o.Currency != "USD" || o.Platform != storage.PlatformAmazon {
			t.Errorf("order %+v", o)
		}
		c, err := tx.CustomerByEmail("k3x9q2bz1m@marketplace.amazon.com")
		if err != nil || c.Name != "Daniel Walker" || c.ID != o.CustomerID {
			t.Errorf("customer %+v %v", c, err)
		}
		return nil
	})
	if again := importFile(t, st, "amazon_orders.txt", KindOrders, false); again.Unchanged != 3 {
		t.Errorf("again: %+v", again)
	}
}

func TestShopifyOrders(t *testing.T) {
	st := openStore(t)
	rep := importFile(t, st, "shopify_orders.csv", KindOrders, false)
	if rep.Imported != 3 || rep.Skipped != 0 {
		t.Fatalf("report %+v", rep)
	}
	st.View(func(tx *storage.Tx) error {
		os, _ := tx.OrdersByNumber("#1001")
		if len(os) != 1 {
			t.Fatalf("orders %v", os)
		}
		o := os[0]
		if o.Total != 9299 || len(o.Items) != 2 || o.Status != storage.OrderShipped || o.Tracking != "RM123456785GB" {
			t.Errorf("order %+v", o)
		}
		os, _ = tx.OrdersByNumber("#1002")
		if os[0].Status != storage.OrderPendingPayment || os[0].Notes != "Leave at the door" {
			t.Errorf("#1002 %+v", os[0])
		}
		c, _ := tx.CustomerByEmail("liam.oconnor@example.com")
		if c.Name != "Liam O'Connor" || c.Address != "5 Harbour Rd, Cork, T12 X2Y3, IE" {
			t.Errorf("customer %+v", c)
		}
		return nil
	})
}

func TestDryRunWritesNothing(t *testing.T) {
	st := openStore(t)
	dry := importFile(t, st, "taobao_orders_gbk.csv", KindOrders, true)
	st.View(func(tx *storage.Tx) error {
		if tx.CountOrders() != 0 || tx.CountCustomers() != 0 {
			t.Errorf("a dry run wrote %d orders, %d customers", tx.CountOrders(), tx.CountCustomers())
		}
		return nil
	})
	real := importFile(t, st, "taobao_orders_gbk.csv", KindOrders, false)
	dry.DryRun = false
	if dry.Imported != real.Imported || dry.Skipped != real.Skipped || dry.CustomersCreated != real.CustomersCreated ||
		len(dry.Issues) != len(real.Issues) {
		t.Errorf("dry run %+v, real %+v", dry, real)
	}
}

func TestCancelStopsBetweenRows(t *testing.T) {
	st := openStore(t)
	tab, p := load(t, "taobao_orders_gbk.csv", KindOrders)
	ctx, cancel := context.WithCancel(context.Background())
	var seen []int
	rep, err := Run(ctx, st, tab, Options{Kind: KindOrders, Preset: p, Mapping: p.Resolve(tab.Header), BatchSize: 2,
		Progress: func(done, total int) {
			seen = append(seen, done)
			cancel() // after the first batch
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Cancelled || rep.Imported != 2 {
		t.Errorf("report %+v, want cancelled after 2 rows", rep)
	}
	st.View(func(tx *storage.Tx) error {
		if n := tx.CountOrders(); n != 2 {
			t.Errorf("%d orders committed, want the first batch's 2", n)
		}
		return nil
	})
	if len(seen) == 0 || seen[0] != 2 {
		t.Errorf("progress %v", seen)
	}
}

func TestMissingKeyColumn(t *testing.T) {
	st := openStore(t)
	tab, p := load(t, "taobao_orders_gbk.csv", KindOrders)
	m := p.Resolve(tab.Header)
	delete(m, FieldNumber)
	if _, err := Run(context.Background(), st, tab, Options{Kind: KindOrders, Preset: p, Mapping: m}); err != ErrNoKeyColumn {
		t.Errorf("err = %v, want ErrNoKeyColumn", err)
	}
}

func TestSavedPreset(t *testing.T) {
	st := openStore(t)
	header := []string{"客户", "手机", "邮箱"}
	p := PresetFromMapping("我的表格", KindCustomers, header, Mapping{FieldName: 0, FieldPhone: 1, FieldEmail: 2}, Preset{})
	if err := st.Update(func(tx *storage.Tx) error { return SavePreset(tx, p) }); err != nil {
		t.Fatal(err)
	}
	var all []Preset
	st.View(func(tx *storage.Tx) error {
		var err error
		all, err = Presets(tx)
		return err
	})
	got, ok := Detect(header, KindCustomers, all)
	if !ok || got.Name != "我的表格" || !got.Custom {
		t.Fatalf("detected %+v %v", got, ok)
	}
	if m := got.Resolve([]string{"邮箱", "客户", "手机"}); m[FieldName] != 1 || m[FieldEmail] != 0 || m[FieldPhone] != 2 {
		t.Errorf("mapping on reordered columns: %v", m)
	}
	if _, ok := FindPreset("我的表格", KindCustomers, all); !ok {
		t.Error("FindPreset")
	}
}

func TestDetectNeedsTheExportsOwnColumns(t *testing.T) {
	tests := []struct {
		header []string
		kind   Kind
		want   string // "" for no preset
	}{
		// A plain customer list shares "Name", "Email" and "Phone" with
		// Shopify's order export but is not one.
		{[]string{"Name", "Email", "Phone", "Address"}, KindCustomers, ""},
		// Taobao lets the seller pick the columns to export.
		{[]string{"订单编号", "买家会员名", "订单状态"}, KindOrders, "taobao"},
		{[]string{"Order ID", "Order Status", "Username (Buyer)"}, KindOrders, "shopee"},
		{[]string{"order-id", "purchase-date", "buyer-email", "item-price"}, KindOrders, "amazon"},
		{[]string{"a", "b", "c"}, KindOrders, ""},
	}
	for _, tt := range tests {
		p, ok := Detect(tt.header, tt.kind, Builtin())
		if p.Name != tt.want || ok != (tt.want != "") {
			t.Errorf("%q: detected %q (%v), want %q", tt.header, p.Name, ok, tt.want)
		}
	}
}
