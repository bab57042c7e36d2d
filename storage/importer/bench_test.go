package importer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shopdesk/shopdesk/storage"
)

// BenchmarkImportTaobao10k imports a 10,000-row Taobao export (GBK) into
// an empty store: decode, detect, match or create 3,000 buyers, commit
// in batches of 500.
func BenchmarkImportTaobao10k(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("订单编号,买家会员名,收货人姓名,联系手机,收货地址,订单状态,物流公司,运单号,实付款,订单创建时间\r\n")
	for i := range 10000 {
		fmt.Fprintf(&sb, "%d,买家%d,收货人%d,139%08d,浙江省杭州市西湖区文三路%d号,交易成功,中通快递,ZT%d,%d.00,2026-10-%02d 10:00:00\r\n",
			4100000000000000000+i, i%3000, i%3000, i%3000, i%300, 7800000000+i, 30+i%500, 1+i%28)
	}
	data, err := encodeGBK(sb.String())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		st, err := storage.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tab, err := ReadCSV(data)
		if err != nil {
			b.Fatal(err)
		}
		p, _ := Detect(tab.Header, KindOrders, Builtin())
		rep, err := Run(context.Background(), st, tab, Options{Kind: KindOrders, Preset: p, Mapping: p.Resolve(tab.Header)})
		if err != nil || rep.Imported != 10000 {
			b.Fatalf("%+v %v", rep, err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

func encodeGBK(s string) ([]byte, error) { return simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s)) }
