package mailbox

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// benchMessage is a typical customer mail of about 5 KB: a Foxmail reply
// in GBK with two Received hops, a DKIM signature, multipart/alternative
// with base64 text and HTML bodies and a quoted shop reply.
func benchMessage(t testing.TB) []byte {
	text := "客服你好：\n\n都过去好几天了，怎么还没人处理？\n\n" +
		"我在1月5日下单买了空气炸锅 4.5L，订单号SO240105123456，到现在还显示待发货，请问什么时候能发？\n" +
		"已经付款399元了，也收到了确认短信，但是一直没有物流信息。\n" +
		"另外麻烦确认一下收货地址，我最近搬家了，新地址是上海市浦东新区张江路88号。\n" +
		"这是给孩子的生日礼物，周末之前一定要收到，麻烦帮忙催一下快递或者重新发货。\n" +
		"如果实在没有货了也请直接告诉我，我可以换一个颜色，或者申请退款，退款399元请原路返回。\n" +
		"上次在你们店买的保温杯质量很好，所以这次才又来买的，希望不要让我失望。\n\n麻烦尽快回复，谢谢！\n张喆\n\n\n" +
		"------------------ 原始邮件 ------------------\n发件人: \"示例商城客服\"<shop@example.test>\n" +
		"发送时间: 2024年1月8日(星期一) 下午4:17\n主题: 订单SO240105123456什么时候发货？\n\n" +
		"亲爱的张喆您好，\n\n感谢您的来信。关于订单SO240105123456，我们已经联系仓库核实，会在24小时内给您答复。\n\n客服 阿杰\n示例商城\n"
	var html strings.Builder
	html.WriteString(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=GBK">` +
		`<style>body{line-height:1.5;}blockquote{margin-top:0;margin-bottom:0;}</style></head>` +
		`<body style="font-family:'微软雅黑',sans-serif;font-size:10.5pt">`)
	for _, line := range strings.Split(text, "\n") {
		if line == "" {
			html.WriteString("<div><br></div>\n")
		} else {
			html.WriteString("<div>" + line + "</div>\n")
		}
	}
	html.WriteString(`<div><br></div><hr style="width: 210px; height: 1px;" color="#b5c4df" size="1" align="left"></body></html>`)
	gbk := func(s string) []byte { return encode(t, simplifiedchinese.GBK, s) }
	msg := "Return-Path: <zhangzhe88@qq.example>\n" +
		"Delivered-To: shop@example.test\n" +
		"Received: from mx3.qq.example (mx3.qq.example [203.0.113.77])\n\tby mail.example.test (Postfix) with ESMTPS id 4F2A1B3C4D\n\tfor <shop@example.test>; Tue, 09 Jan 2024 10:02:11 +0800 (CST)\n" +
		"Received: from [198.51.100.23] (unknown [198.51.100.23])\n\tby smtp.qq.example (smtp) with ESMTPA;\n\tTue, 09 Jan 2024 10:02:09 +0800\n" +
		"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=qq.example; s=s2023;\n\tt=1704765729; h=from:to:subject:date:message-id;\n" +
		"\tbh=Jg0bQpXUvF3Y2VfM2ZkNjE0YjE3YTg5ZjQ4ZGM3YzQ1ZTk=;\n\tb=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaGFzIHRoZSByaWdodCBzaGFwZQ\n\t aGVyZSBpcyBzb21lIG1vcmUgZmlsbGVyIGZvciB0aGUgc2lnbmF0dXJlIGJsb2I=\n" +
		"From: \"" + bWord("gbk", gbk("张喆")) + "\" <zhangzhe88@qq.example>\n" +
		"To: \"" + bWord("gbk", gbk("示例商城客服")) + "\" <shop@example.test>\n" +
		"Subject: " + bWord("gbk", gbk("回复：订单SO240105123456什么时候发货？")) + "\n" +
		"Date: Tue, 9 Jan 2024 10:02:09 +0800\n" +
		"Message-ID: <tencent_4F1E2D3C4B5A69788796A5B4C3D2E1F0A809@qq.example>\n" +
		"In-Reply-To: <reply-840aa6cd-12-1@example.test>\n" +
		"References: <202401081601021234567@qq.example>\n <reply-840aa6cd-12-1@example.test>\n" +
		"X-Mailer: Foxmail 7.2.25.228[cn]\n" +
		"Mime-Version: 1.0\n" +
		"Content-Type: multipart/alternative;\n\tboundary=\"----=_NextPart_65A3AB9E_0F5D2C80_6A7B1C2D\"\n\n" +
		"This is a multi-part message in MIME format.\n\n" +
		"------=_NextPart_65A3AB9E_0F5D2C80_6A7B1C2D\nContent-Type: text/plain;\n\tcharset=\"gbk\"\nContent-Transfer-Encoding: base64\n\n" +
		b64Lines(gbk(text)) + "\n" +
		"------=_NextPart_65A3AB9E_0F5D2C80_6A7B1C2D\nContent-Type: text/html;\n\tcharset=\"gbk\"\nContent-Transfer-Encoding: base64\n\n" +
		b64Lines(gbk(html.String())) + "\n" +
		"------=_NextPart_65A3AB9E_0F5D2C80_6A7B1C2D--\n"
	return crlf(msg)
}

// BenchmarkParse measures one typical customer message. The sync target
// is 10,000 messages parsed and stored well under 2.5 s, so Parse should
// cost tens of microseconds.
func BenchmarkParse(b *testing.B) {
	cases := []struct {
		name string
		raw  []byte
	}{
		{"gbk-alternative-5KB", benchMessage(b)},
		{"utf8-plain", readTestdata(b, "thunderbird-flowed.eml")},
		{"big5-attachment", readTestdata(b, "outlook-big5.eml")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(c.raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestBenchMessage(t *testing.T) {
	raw := benchMessage(t)
	if len(raw) < 4500 || len(raw) > 6000 {
		t.Errorf("bench message is %d bytes, want about 5 KB", len(raw))
	}
	p := mustParse(t, raw)
	if p.Subject != "回复：订单SO240105123456什么时候发货？" || p.From.Name != "张喆" || len(p.Problems) > 0 ||
		!strings.HasPrefix(p.Text, "客服你好：") || !p.HasHTML || !strings.Contains(HTMLSource(raw), "<div>另外麻烦确认一下收货地址，我最近搬家了，新地址是上海市浦东新区张江路88号。</div>") {
		t.Errorf("bench message parses as %+v", p)
	}
}
