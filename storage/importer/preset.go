package importer

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/shopdesk/shopdesk/storage"
	"github.com/shopdesk/shopdesk/storage/archive"
)

// Kind is what rows of a file become.
type Kind string

const (
	KindCustomers Kind = "customers"
	KindOrders    Kind = "orders"
)

// Field is one of Shopdesk's fields a source column can fill.
type Field string

// Customer fields; an order row fills them for the order's customer.
const (
	FieldName     Field = "name"
	FieldEmail    Field = "email"     // one or more, "; " or "," between
	FieldPhone    Field = "phone"     // one or more, "number (label)"
	FieldPhone2   Field = "phone2"    // a second phone column (a landline beside the mobile)
	FieldIM       Field = "im"        // "network:handle", one or more
	FieldBuyer    Field = "buyer"     // the marketplace account (旺旺 nick, Shopee username)
	FieldAddress  Field = "address"   // the whole address, or its first line
	FieldCity     Field = "city"      // address parts appended after it
	FieldZip      Field = "zip"       //
	FieldCountry  Field = "country"   //
	FieldLanguage Field = "language"  //
	FieldBirthday Field = "birthday"  // YYYY-MM-DD or --MM-DD
	FieldSegment  Field = "segment"   //
	FieldTags     Field = "tags"      //
	FieldNotes    Field = "notes"     // customer notes
	FieldCreated  Field = "created"   // when the customer was first known
	FieldRecvName Field = "recipient" // the parcel's recipient, the name when the buyer has none
)

// Order fields.
const (
	FieldNumber       Field = "number"
	FieldPlatform     Field = "platform"
	FieldStatus       Field = "status"
	FieldPayStatus    Field = "payment_status" // read when the status column says nothing we know
	FieldTotal        Field = "total"
	FieldCurrency     Field = "currency"
	FieldCarrier      Field = "carrier"
	FieldTracking     Field = "tracking"
	FieldPlaced       Field = "placed"
	FieldItems        Field = "items"       // Shopdesk's "name ×qty @price; ..."
	FieldItemName     Field = "item_name"   // one item a row (Amazon, Shopify, Shopee)
	FieldItemSKU      Field = "item_sku"    //
	FieldItemQty      Field = "item_qty"    //
	FieldItemPrice    Field = "item_price"  //
	FieldAfterSales   Field = "after_sales" // Shopdesk's "kind/state/reason/amount; ..."
	FieldOrderNotes   Field = "order_notes" //
	FieldBuyerMessage Field = "buyer_message"
)

// CustomerFields and OrderFields list the fields in the order the mapping
// screen offers them.
var (
	CustomerFields = []Field{FieldName, FieldEmail, FieldPhone, FieldPhone2, FieldIM, FieldBuyer, FieldRecvName,
		FieldAddress, FieldCity, FieldZip, FieldCountry, FieldLanguage, FieldBirthday, FieldSegment,
		FieldTags, FieldNotes, FieldCreated}
	OrderFields = []Field{FieldNumber, FieldPlatform, FieldStatus, FieldPayStatus, FieldTotal,
		FieldCurrency, FieldCarrier, FieldTracking, FieldPlaced, FieldItems, FieldItemName,
		FieldItemSKU, FieldItemQty, FieldItemPrice, FieldAfterSales, FieldOrderNotes, FieldBuyerMessage}
)

// Fields lists the fields a kind of import fills: an order row fills its
// customer's fields too.
func Fields(k Kind) []Field {
	if k == KindOrders {
		return append(slices.Clone(OrderFields), CustomerFields...)
	}
	return slices.Clone(CustomerFields)
}

// Preset is a known file layout: for each field, the column headers that
// carry it (the first one present wins), plus how the source writes
// statuses and which platform and currency it implies.
type Preset struct {
	Name     string             `json:"name"`
	Kind     Kind               `json:"kind"`
	Platform storage.Platform   `json:"platform,omitempty"`
	Currency string             `json:"currency,omitempty"`
	Columns  map[Field][]string `json:"columns"`
	// Statuses maps the source's status words (compared folded: case,
	// spaces and punctuation ignored) to ours; "" means "says nothing",
	// so the payment status is read instead.
	Statuses map[string]storage.OrderStatus `json:"statuses,omitempty"`
	// SumTotal: the total column is per item row and the order's total
	// is their sum (Amazon's item-price).
	SumTotal bool `json:"sum_total,omitempty"`
	// Signature lists headers only this export uses; one must be present
	// for the preset to be detected (none: the columns alone decide).
	Signature []string `json:"signature,omitempty"`
	// Custom marks a preset the seller saved.
	Custom bool `json:"custom,omitempty"`
}

// PresetShopdesk is the name of the preset for Shopdesk's own exports.
const PresetShopdesk = "shopdesk"

// english order words most exports use; presets add their own.
var commonStatuses = map[string]storage.OrderStatus{
	"pending": storage.OrderPendingPayment, "pending_payment": storage.OrderPendingPayment,
	"unpaid": storage.OrderPendingPayment, "paid": storage.OrderPaid, "to ship": storage.OrderPaid,
	"unshipped": storage.OrderPaid, "shipped": storage.OrderShipped, "shipping": storage.OrderShipped,
	"delivered": storage.OrderDelivered, "completed": storage.OrderCompleted, "complete": storage.OrderCompleted,
	"cancelled": storage.OrderCancelled, "canceled": storage.OrderCancelled,
}

// Builtin returns the presets for the exports sellers bring most, as a
// table: Taobao/Tmall, Shopee, Amazon, Shopify, and Shopdesk's own.
func Builtin() []Preset {
	return []Preset{
		{
			Name: PresetShopdesk, Kind: KindCustomers, Signature: []string{"emails", "phones"},
			Columns: cols(archive.CustomerColumns, map[string]Field{"name": FieldName, "emails": FieldEmail,
				"phones": FieldPhone, "im": FieldIM, "address": FieldAddress, "language": FieldLanguage,
				"birthday": FieldBirthday, "segment": FieldSegment, "tags": FieldTags, "notes": FieldNotes,
				"created": FieldCreated}),
		},
		{
			Name: PresetShopdesk, Kind: KindOrders, Signature: []string{"customer_email", "after_sales"},
			Columns: cols(archive.OrderColumns, map[string]Field{"customer_email": FieldEmail,
				"platform": FieldPlatform, "number": FieldNumber, "status": FieldStatus, "total": FieldTotal,
				"currency": FieldCurrency, "carrier": FieldCarrier, "tracking": FieldTracking,
				"placed": FieldPlaced, "items": FieldItems, "after_sales": FieldAfterSales, "notes": FieldOrderNotes}),
		},
		{
			Name: "taobao", Kind: KindOrders, Platform: storage.PlatformTaobao, Currency: "CNY",
			Signature: []string{"订单编号", "买家会员名", "主订单编号"},
			Columns: map[Field][]string{
				FieldNumber:       {"订单编号", "订单号", "主订单编号"},
				FieldBuyer:        {"买家会员名", "买家昵称"},
				FieldRecvName:     {"收货人姓名", "收货人"},
				FieldPhone:        {"联系手机", "收货人手机号"},
				FieldPhone2:       {"联系电话"},
				FieldAddress:      {"收货地址", "收货人地址", "详细地址"},
				FieldStatus:       {"订单状态"},
				FieldCarrier:      {"物流公司"},
				FieldTracking:     {"运单号", "物流单号"},
				FieldTotal:        {"实付款", "买家实际支付金额", "总金额"},
				FieldPlaced:       {"订单创建时间", "付款时间", "下单时间"},
				FieldItemName:     {"宝贝标题", "商品标题", "宝贝名称"},
				FieldItemQty:      {"宝贝总数量", "宝贝数量", "购买数量"},
				FieldBuyerMessage: {"买家留言"},
				FieldOrderNotes:   {"订单备注", "卖家备注"},
				FieldEmail:        {"买家邮箱", "邮箱"},
			},
			Statuses: map[string]storage.OrderStatus{
				"等待买家付款": storage.OrderPendingPayment, "买家已付款，等待卖家发货": storage.OrderPaid,
				"卖家已发货，等待买家确认": storage.OrderShipped, "交易成功": storage.OrderCompleted,
				"交易关闭": storage.OrderCancelled, "买家已付款": storage.OrderPaid, "卖家已发货": storage.OrderShipped,
				"等待卖家发货": storage.OrderPaid, "等待买家确认收货": storage.OrderShipped,
			},
		},
		{
			Name: "shopee", Kind: KindOrders, Platform: storage.PlatformShopee,
			Signature: []string{"Username (Buyer)", "Order SN", "Tracking Number*"},
			Columns: map[Field][]string{
				FieldNumber:       {"Order ID", "Order SN"},
				FieldBuyer:        {"Username (Buyer)", "Buyer Username"},
				FieldRecvName:     {"Receiver Name", "Recipient Name"},
				FieldPhone:        {"Phone Number", "Receiver Phone"},
				FieldAddress:      {"Delivery Address", "Shipping Address"},
				FieldStatus:       {"Order Status"},
				FieldTracking:     {"Tracking Number*", "Tracking Number", "Tracking No."},
				FieldCarrier:      {"Shipping Option", "Shipping Provider"},
				FieldTotal:        {"Grand Total", "Order Total", "Total Amount"},
				FieldPlaced:       {"Order Creation Date", "Order Created Time"},
				FieldItemName:     {"Product Name"},
				FieldItemSKU:      {"SKU Reference No.", "Parent SKU Reference No."},
				FieldItemQty:      {"Quantity"},
				FieldItemPrice:    {"Deal Price"},
				FieldCountry:      {"Country"},
				FieldCity:         {"City"},
				FieldZip:          {"Zip Code"},
				FieldBuyerMessage: {"Remark from buyer"},
				FieldOrderNotes:   {"Note"},
			},
			Statuses: map[string]storage.OrderStatus{
				"unpaid": storage.OrderPendingPayment, "to ship": storage.OrderPaid, "ready to ship": storage.OrderPaid,
				"shipping": storage.OrderShipped, "to receive": storage.OrderShipped, "delivered": storage.OrderDelivered,
				"completed": storage.OrderCompleted, "cancelled": storage.OrderCancelled, "return/refund": storage.OrderCompleted,
				"待付款": storage.OrderPendingPayment, "待出货": storage.OrderPaid, "运送中": storage.OrderShipped,
				"已完成": storage.OrderCompleted, "不成立": storage.OrderCancelled, "已取消": storage.OrderCancelled,
			},
		},
		{
			Name: "amazon", Kind: KindOrders, Platform: storage.PlatformAmazon, SumTotal: true,
			Signature: []string{"amazon-order-id", "purchase-date"},
			Columns: map[Field][]string{
				FieldNumber:   {"amazon-order-id", "order-id"},
				FieldPlaced:   {"purchase-date"},
				FieldStatus:   {"order-status"},
				FieldEmail:    {"buyer-email"},
				FieldName:     {"buyer-name"},
				FieldPhone:    {"buyer-phone-number", "ship-phone-number"},
				FieldRecvName: {"recipient-name"},
				FieldAddress:  {"ship-address-1", "ship-address"},
				FieldCity:     {"ship-city"},
				FieldZip:      {"ship-postal-code"},
				FieldCountry:  {"ship-country"},
				FieldItemName: {"product-name"},
				FieldItemSKU:  {"sku"},
				FieldItemQty:  {"quantity-purchased", "quantity"},
				FieldTotal:    {"item-price"},
				FieldCurrency: {"currency"},
				FieldTracking: {"tracking-number"},
				FieldCarrier:  {"carrier", "carrier-name"},
			},
			Statuses: map[string]storage.OrderStatus{
				"pending": storage.OrderPendingPayment, "unshipped": storage.OrderPaid,
				"partiallyshipped": storage.OrderShipped, "shipped": storage.OrderShipped,
				"shipping": storage.OrderShipped, "cancelled": storage.OrderCancelled, "canceled": storage.OrderCancelled,
			},
		},
		{
			Name: "shopify", Kind: KindOrders, Platform: storage.PlatformShopify,
			Signature: []string{"Financial Status", "Fulfillment Status", "Lineitem name"},
			Columns: map[Field][]string{
				FieldNumber:     {"Name"},
				FieldEmail:      {"Email"},
				FieldStatus:     {"Fulfillment Status"},
				FieldPayStatus:  {"Financial Status"},
				FieldTotal:      {"Total"},
				FieldCurrency:   {"Currency"},
				FieldName:       {"Billing Name", "Shipping Name"},
				FieldRecvName:   {"Shipping Name"},
				FieldPhone:      {"Shipping Phone", "Phone", "Billing Phone"},
				FieldAddress:    {"Shipping Address1", "Shipping Street"},
				FieldCity:       {"Shipping City"},
				FieldZip:        {"Shipping Zip"},
				FieldCountry:    {"Shipping Country"},
				FieldPlaced:     {"Created at"},
				FieldItemName:   {"Lineitem name"},
				FieldItemQty:    {"Lineitem quantity"},
				FieldItemPrice:  {"Lineitem price"},
				FieldItemSKU:    {"Lineitem sku"},
				FieldTracking:   {"Tracking Number", "Tracking"},
				FieldCarrier:    {"Shipping Method", "Tracking Company"},
				FieldOrderNotes: {"Notes"},
			},
			Statuses: map[string]storage.OrderStatus{
				"fulfilled": storage.OrderShipped, "partial": storage.OrderShipped, "unfulfilled": "",
				"restocked": storage.OrderCancelled, "pending": storage.OrderPendingPayment,
				"authorized": storage.OrderPaid, "paid": storage.OrderPaid, "partially_paid": storage.OrderPaid,
				"partially_refunded": storage.OrderPaid, "refunded": storage.OrderCancelled, "voided": storage.OrderCancelled,
			},
		},
	}
}

// cols builds a Columns table from an export's header list.
func cols(header []string, fields map[string]Field) map[Field][]string {
	out := map[Field][]string{}
	for _, h := range header {
		if f, ok := fields[h]; ok {
			out[f] = []string{h}
		}
	}
	return out
}

// Mapping says which column of the file fills each field: the column's
// index in the header. A field without a column is left alone.
type Mapping map[Field]int

// Resolve maps the preset's fields to the header's columns; headers are
// compared with case, spaces and a BOM ignored.
func (p Preset) Resolve(header []string) Mapping {
	m := Mapping{}
	for f, names := range p.Columns {
		for _, n := range names {
			if i := column(header, n); i >= 0 {
				m[f] = i
				break
			}
		}
	}
	return m
}

func column(header []string, name string) int {
	key := fold(name)
	for i, h := range header {
		if fold(h) == key {
			return i
		}
	}
	return -1
}

// keyField is the field a preset needs to claim a file.
func (p Preset) keyField() Field {
	if p.Kind == KindOrders {
		return FieldNumber
	}
	return FieldName
}

// Detect picks the preset whose columns the header matches best, or false
// when none fits. A preset fits when its key column is there, one of its
// signature columns (the names only that export uses) is there, and at
// least three of its columns (all, for a smaller preset). Most matching
// columns wins; presets of the kind asked for win ties.
func Detect(header []string, kind Kind, presets []Preset) (Preset, bool) {
	best, bestScore := Preset{}, 0
	for _, p := range presets {
		m := p.Resolve(header)
		if _, ok := m[p.keyField()]; !ok || len(m) < min(3, len(p.Columns)) {
			continue
		}
		if len(p.Signature) > 0 && !slices.ContainsFunc(p.Signature, func(h string) bool { return column(header, h) >= 0 }) {
			continue
		}
		// A column the preset knows but the file lacks costs a little: of
		// two presets that explain the file equally, the closer one wins.
		score := 100*len(m) - (len(p.Columns) - len(m))
		if p.Kind == kind {
			score += 50
		}
		if score > bestScore {
			best, bestScore = p, score
		}
	}
	return best, bestScore > 0
}

// FindPreset looks a preset up by name, preferring the kind asked for.
func FindPreset(name string, kind Kind, presets []Preset) (Preset, bool) {
	var other *Preset
	for i, p := range presets {
		if !strings.EqualFold(p.Name, name) {
			continue
		}
		if p.Kind == kind {
			return p, true
		}
		if other == nil {
			other = &presets[i]
		}
	}
	if other != nil {
		return *other, true
	}
	return Preset{}, false
}

// PresetFromMapping makes a preset the seller can save from a mapping on
// a header: each field remembers its column's header.
func PresetFromMapping(name string, kind Kind, header []string, m Mapping, base Preset) Preset {
	p := Preset{Name: strings.TrimSpace(name), Kind: kind, Platform: base.Platform, Currency: base.Currency,
		Statuses: base.Statuses, SumTotal: base.SumTotal, Custom: true, Columns: map[Field][]string{}}
	for f, i := range m {
		if i >= 0 && i < len(header) {
			p.Columns[f] = []string{header[i]}
		}
	}
	return p
}

// SavePreset stores a seller's preset under its name.
func SavePreset(tx *storage.Tx, p Preset) error {
	if p.Name == "" {
		return fmt.Errorf("save import preset: no name")
	}
	p.Custom = true
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode import preset %s: %w", p.Name, err)
	}
	return tx.SaveImportPreset(string(p.Kind)+"/"+p.Name, data)
}

// Presets lists the built-in presets followed by the seller's, by name.
// A stored preset that cannot be read is left out (it is named in err).
func Presets(tx *storage.Tx) ([]Preset, error) {
	out := Builtin()
	stored := tx.ImportPresets()
	keys := make([]string, 0, len(stored))
	for k := range stored {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var bad []string
	for _, k := range keys {
		var p Preset
		if err := json.Unmarshal(stored[k], &p); err != nil || p.Name == "" {
			bad = append(bad, k)
			continue
		}
		p.Custom = true
		out = append(out, p)
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("unreadable import presets: %s", strings.Join(bad, ", "))
	}
	return out, nil
}

// fold makes header and status words comparable: lower case, without
// spaces, punctuation (ASCII or full-width) or a BOM.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '\ufeff', r == ' ', r == '\t', r == '_', r == '-', r == ',', r == '，', r == '.', r == '。',
			r == ':', r == '：', r == '(', r == ')', r == '（', r == '）', r == '*', r == '/', r == '\u3000':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
