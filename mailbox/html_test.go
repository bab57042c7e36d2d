package mailbox

import (
	"strings"
	"testing"
)

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"drops head, script, style", `<html><head><title>Order</title><style>p{color:red}</style><script>alert(1)</script></head><body><p>Hi</p><script>steal()</script></body></html>`,
			"Hi"},
		{"head never closed", `<head><meta charset="utf-8"><style>x{}</style><p>Body text</p>`, "Body text"},
		{"blocks and breaks", `<div>one</div><div>two<br>three</div><div><br></div><div>four</div>`, "one\ntwo\nthree\n\nfour"},
		{"paragraphs get a blank line", `<p>first</p><p>second</p>`, "first\n\nsecond"},
		{"Outlook MsoNormal lines", `<p class=MsoNormal>line 1<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>line 2<o:p></o:p></p>`,
			"line 1\n\nline 2"},
		{"whitespace collapses", "<p>  a \n\t b   c  </p>", "a b c"},
		{"entities", `<p>Tom &amp; Jerry &lt;3 &quot;ok&quot; &euro;5 &#x4F60;&#22909;</p>`, `Tom & Jerry <3 "ok" €5 你好`},
		{"lists", `<ul><li>one</li><li>two<ul><li>inner</li></ul></li></ul><ol><li>first</li></ol>`, "- one\n- two\n  - inner\n- first"},
		{"links show their target", `<p>Track it <a href="https://track.example/SF123">here</a>.</p>`, "Track it here (https://track.example/SF123)."},
		{"phishing link is exposed", `<a href="http://evil.example/login">https://bank.example</a>`, "https://bank.example (http://evil.example/login)"},
		{"link text equal to target", `<a href="https://shop.example/">https://shop.example</a> <a href="mailto:a@x.example">a@x.example</a>`, "https://shop.example a@x.example"},
		{"javascript and anchors hidden", `<a href="javascript:alert(1)">click</a> <a href="#top">top</a>`, "click top"},
		{"images never fetched", `<p>Photo: <img src="https://tracker.example/p.png" alt="broken box"> <img src="cid:x"> <img src="http://t.example/1x1.gif" width="1" height="1"></p>`,
			"Photo: [image: broken box] [image]"},
		{"blockquote", `<div>Reply</div><blockquote><div>quoted 1</div><div>quoted 2</div></blockquote><div>after</div>`, "Reply\n> quoted 1\n> quoted 2\nafter"},
		{"pre keeps whitespace", "<pre>a  b\n  c</pre><p>x   y</p>", "a  b\n  c\n\nx y"},
		{"table cells", `<table><tr><td>Item</td><td>Qty</td></tr><tr><td>Kettle</td><td>2</td></tr></table>`, "Item Qty\nKettle 2"},
		{"headings", `<h1>Title</h1>text`, "Title\n\ntext"},
		{"hr", `a<hr>b`, "a\n----------\nb"},
		{"comments and conditional comments", `<!--[if gte mso 9]><xml><o:shapedefaults/></xml><![endif]--><p>visible</p><!-- hidden -->`, "visible"},
		{"unclosed tags and garbage", `<div><p>unclosed <b>bold <i>both</div></span></p></x>tail`, "unclosed bold both\ntail"},
		{"Chinese text", `<div>亲，在吗？</div><div>订单号：<b>SO123</b></div>`, "亲，在吗？\n订单号：SO123"},
		{"empty", ``, ""},
		{"plain text is kept", "just text, no tags", "just text, no tags"},
		{"noscript and iframe dropped", `<noscript>enable js</noscript><iframe src="x">fallback</iframe><p>ok</p>`, "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLToText(tt.in); got != tt.want {
				t.Errorf("HTMLToText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHTMLToTextBounded(t *testing.T) {
	in := strings.Repeat("<p>"+strings.Repeat("x", 1000)+"</p>", 3000)
	if got := HTMLToText(in); len(got) > MaxText+2048 {
		t.Errorf("output is %d bytes", len(got))
	}
}
