package importer

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/archive"
)

// seedShop fills a store with customers and orders that use every column
// of the export, Chinese and English.
func seedShop(t *testing.T, st *storage.Store) {
	t.Helper()
	placed := time.Date(2026, 10, 3, 21, 15, 7, 0, time.UTC)
	err := st.Update(func(tx *storage.Tx) error {
		lin := storage.Customer{Name: "林小雨", Emails: []string{"xiaoyu.lin@example.com", "lxy88@example.net"},
			Phones:  []storage.Phone{{Number: "+86 138 0013 8001", Label: "mobile"}, {Number: "0571-8888 1234"}},
			IM:      []storage.IMHandle{{Network: "WeChat", Handle: "xiaoyu_lin88"}, {Network: "Wangwang", Handle: "林小雨lxy"}},
			Address: "浙江省杭州市西湖区文三路88号2幢301室", Language: "zh-Hans", Birthday: "1992-05-17",
			Segment: storage.SegmentVIP, Tags: []string{"床品", "回头客"}, Notes: "喜欢浅色系\n要求顺丰; 不要申通",
			Created: time.Date(2025, 3, 2, 2, 15, 0, 0, time.UTC)}
		dan := storage.Customer{Name: "Daniel Walker", Emails: []string{"daniel.walker@example.com"},
			Phones: []storage.Phone{{Number: "+1 206-555-0142", Label: "work"}}, Birthday: "--07-04",
			Segment: storage.SegmentReturning, Notes: "=not a formula", Created: time.Date(2025, 6, 11, 17, 40, 0, 0, time.UTC)}
		for _, c := range []*storage.Customer{&lin, &dan} {
			if err := tx.SaveCustomer(c); err != nil {
				return err
			}
		}
		orders := []storage.Order{
			{CustomerID: lin.ID, Platform: storage.PlatformTaobao, Number: "3712840011223344556", Status: storage.OrderShipped,
				Total: 18800, Currency: "CNY", Carrier: "圆通速递", Tracking: "YT7412345678901", Placed: placed,
				Items: []storage.OrderItem{{Name: "纯棉四件套 1.8m床", Quantity: 1, Price: 18800}}, Notes: "请尽快发货"},
			{CustomerID: dan.ID, Platform: storage.PlatformAmazon, Number: "113-1234567-1234567", Status: storage.OrderDelivered,
				Total: 20700, Currency: "USD", Carrier: "UPS", Tracking: "1Z999AA10123456784", Placed: placed.AddDate(0, -1, 0),
				Items: []storage.OrderItem{{Name: "Linen Duvet Cover", Quantity: 1, Price: 12900}, {Name: "Pillowcases ×pair", Quantity: 2, Price: 3900}},
				Cases: []storage.AfterSalesCase{{Kind: storage.CaseReturn, State: storage.CaseRequested, Reason: "size_wrong", Amount: 3900}}},
			{CustomerID: dan.ID, Platform: storage.PlatformShopify, Number: "#1001", Status: storage.OrderPendingPayment,
				Total: 1880, Currency: "JPY", Placed: placed},
		}
		for i := range orders {
			if err := tx.SaveOrder(&orders[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// comparable strips what an import cannot carry over: IDs, the update
// time and the times the store stamps on history.
func comparableCustomer(c storage.Customer) storage.Customer {
	c.ID, c.Updated = 0, time.Time{}
	c.Created = c.Created.UTC()
	return c
}

func comparableOrder(o storage.Order, email string) string {
	o.ID, o.CustomerID, o.Created, o.Updated = 0, 0, time.Time{}, time.Time{}
	o.Placed = o.Placed.UTC()
	for i := range o.History {
		o.History[i].At = time.Time{}
	}
	for i := range o.Cases {
		o.Cases[i].Opened = time.Time{}
		for j := range o.Cases[i].Steps {
			o.Cases[i].Steps[j].At = time.Time{}
		}
	}
	return fmt.Sprintf("%s %+v", email, o)
}

func allRecords(t *testing.T, st *storage.Store) ([]storage.Customer, []string) {
	t.Helper()
	var cs []storage.Customer
	var os []string
	st.View(func(tx *storage.Tx) error {
		all, _ := tx.Customers(0, 0)
		for _, c := range all {
			cs = append(cs, comparableCustomer(c))
		}
		ords, _ := tx.Orders(0, 0)
		for _, o := range ords {
			c, _ := tx.Customer(o.CustomerID)
			os = append(os, comparableOrder(o, c.Emails[0]))
		}
		return nil
	})
	return cs, os
}

// Our own export, read back into an empty desk, gives the same records.
func TestOwnExportReadsBack(t *testing.T) {
	for _, format := range []archive.Format{archive.CSV, archive.XLSX} {
		t.Run(string(format), func(t *testing.T) {
			src := openStore(t)
			seedShop(t, src)
			var cbuf, obuf bytes.Buffer
			ctx := context.Background()
			if err := archive.ExportCustomers(ctx, src, format, &cbuf, nil); err != nil {
				t.Fatal(err)
			}
			if err := archive.ExportOrders(ctx, src, format, &obuf, nil); err != nil {
				t.Fatal(err)
			}
			dst := openStore(t)
			for _, f := range []struct {
				kind Kind
				data []byte
			}{{KindCustomers, cbuf.Bytes()}, {KindOrders, obuf.Bytes()}} {
				var tab *Table
				var err error
				if format == archive.XLSX {
					tab, err = ReadXLSX(bytes.NewReader(f.data))
				} else {
					tab, err = ReadCSV(f.data)
				}
				if err != nil {
					t.Fatal(err)
				}
				p, ok := Detect(tab.Header, f.kind, Builtin())
				if !ok || p.Name != PresetShopdesk || p.Kind != f.kind {
					t.Fatalf("%s: detected %+v", f.kind, p)
				}
				rep, err := Run(ctx, dst, tab, Options{Kind: f.kind, Preset: p, Mapping: p.Resolve(tab.Header)})
				if err != nil {
					t.Fatal(err)
				}
				if rep.Skipped != 0 || len(rep.Issues) != 0 || rep.Imported != len(tab.Rows) {
					t.Errorf("%s: %+v", f.kind, rep)
				}
			}
			wantC, wantO := allRecords(t, src)
			gotC, gotO := allRecords(t, dst)
			if !reflect.DeepEqual(gotC, wantC) {
				t.Errorf("customers read back:\n got %+v\nwant %+v", gotC, wantC)
			}
			if !reflect.DeepEqual(gotO, wantO) {
				t.Errorf("orders read back:\n got %v\nwant %v", gotO, wantO)
			}
		})
	}
}

// A workbook a seller made by hand: an order number kept as text, a date
// cell, a total as a number, a Chinese sheet.
func TestXLSXImport(t *testing.T) {
	f := excelize.NewFile()
	sheet := "订单"
	f.SetSheetName("Sheet1", sheet)
	rows := [][]any{
		{"订单编号", "买家会员名", "收货人姓名", "联系手机", "收货地址", "订单状态", "物流公司", "运单号", "实付款", "订单创建时间"},
		{"3712840099887766554", "小周zz", "周杰", "13912345678", "北京市 朝阳区 建国路 1号", "卖家已发货，等待买家确认", "中通快递", "ZT7788990011", 256.5, nil},
		{"3712840099887766555", "小周zz", "周杰", "13912345678", "北京市 朝阳区 建国路 1号", "交易成功", "", "", 45.9, nil},
		{"1.23457E+17", "某某", "某某", "13800000000", "某地", "交易成功", "", "", 10, nil},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 22}) // m/d/yy h:mm
	for i, when := range []time.Time{time.Date(2026, 10, 8, 9, 30, 0, 0, time.UTC), time.Date(2026, 10, 9, 18, 0, 0, 0, time.UTC)} {
		cell := fmt.Sprintf("J%d", i+2)
		f.SetCellValue(sheet, cell, when)
		f.SetCellStyle(sheet, cell, cell, style)
	}
	path := filepath.Join(t.TempDir(), "orders.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}

	tab, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Encoding != EncXLSX {
		t.Errorf("encoding %s", tab.Encoding)
	}
	p, ok := Detect(tab.Header, KindOrders, Builtin())
	if !ok || p.Name != "taobao" {
		t.Fatalf("detected %+v", p)
	}
	st := openStore(t)
	shanghai := time.FixedZone("CST", 8*3600)
	rep, err := Run(context.Background(), st, tab, Options{Kind: KindOrders, Preset: p, Mapping: p.Resolve(tab.Header), Location: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 2 || rep.Skipped != 1 || rep.CustomersCreated != 1 {
		t.Errorf("report %+v", rep)
	}
	if s := rep.SkippedIssues(); len(s) != 1 || s[0].Line != 4 || s[0].Code != ReasonNumberMangled {
		t.Errorf("skipped %+v, want line 4 number_mangled", s)
	}
	st.View(func(tx *storage.Tx) error {
		os, _ := tx.OrdersByNumber("3712840099887766554")
		if len(os) != 1 {
			t.Fatalf("orders %v", os)
		}
		o := os[0]
		if o.Total != 25650 || o.Status != storage.OrderShipped || o.Tracking != "ZT7788990011" ||
			!o.Placed.Equal(time.Date(2026, 10, 8, 9, 30, 0, 0, shanghai)) {
			t.Errorf("order %+v", o)
		}
		os, _ = tx.OrdersByNumber("3712840099887766555")
		if len(os) != 1 || os[0].Total != 4590 || os[0].CustomerID != o.CustomerID {
			t.Errorf("second order %+v", os)
		}
		return nil
	})
}

func TestVCardImport(t *testing.T) {
	st := openStore(t)
	// 林小雨 is already a customer (same phone written another way).
	st.Update(func(tx *storage.Tx) error {
		return tx.SaveCustomer(&storage.Customer{Name: "小雨", Phones: []storage.Phone{{Number: "13800138001"}}})
	})
	vcf := "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:林小雨\r\nTEL;TYPE=cell:+86 138 0013 8001\r\nEMAIL:xiaoyu.lin@example.com\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Emma Clarke\r\nEMAIL;TYPE=INTERNET:emma.clarke@example.com\r\nEND:VCARD\r\n" +
		"BEGIN:VCARD\r\nVERSION:4.0\r\nNOTE:nobody\r\nEND:VCARD\r\n"
	rep, err := ImportVCards(context.Background(), st, bytes.NewReader([]byte(vcf)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 1 || rep.Updated != 1 || rep.Skipped != 1 {
		t.Errorf("report %+v", rep)
	}
	if s := rep.SkippedIssues(); len(s) != 1 || s[0].Line != 12 || s[0].Code != ReasonBadCard {
		t.Errorf("skipped %+v", s)
	}
	st.View(func(tx *storage.Tx) error {
		c, err := tx.CustomerByEmail("xiaoyu.lin@example.com")
		if err != nil || c.Name != "林小雨" || len(c.Phones) != 1 || tx.CountCustomers() != 2 {
			t.Errorf("customer %+v %v (%d customers)", c, err, tx.CountCustomers())
		}
		return nil
	})
}
