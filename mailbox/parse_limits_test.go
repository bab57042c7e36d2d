package mailbox

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The limits must hold against crafted mail: each case finishes quickly,
// keeps what it read and says what it skipped. The time bound is loose
// (the race detector slows everything tenfold); without it each case
// takes a few milliseconds.
const limitBudget = 3 * time.Second

func TestParseLimits(t *testing.T) {
	manyParts := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString("From: a@x.example\r\nDate: Mon, 8 Jan 2024 10:00:00 +0000\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "--b\r\nContent-Type: image/png; name=p%d.png\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n", i)
		}
		b.WriteString("--b--\r\n")
		return b.Bytes()
	}
	nested := func(depth int) []byte {
		var b bytes.Buffer
		b.WriteString("From: a@x.example\r\nDate: Mon, 8 Jan 2024 10:00:00 +0000\r\n")
		for i := 0; i < depth; i++ {
			fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=level%d\r\n\r\n--level%d\r\n", i, i)
		}
		b.WriteString("Content-Type: text/plain\r\n\r\ndeep text\r\n")
		for i := depth - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "--level%d--\r\n", i)
		}
		return b.Bytes()
	}
	shallowText := func() []byte { // text at level 2, then 100 more levels
		var b bytes.Buffer
		b.WriteString("From: a@x.example\r\nDate: Mon, 8 Jan 2024 10:00:00 +0000\r\nContent-Type: multipart/mixed; boundary=top\r\n\r\n")
		b.WriteString("--top\r\nContent-Type: text/plain\r\n\r\nvisible text\r\n--top\r\n")
		b.Write(nested(100)[len("From: a@x.example\r\nDate: Mon, 8 Jan 2024 10:00:00 +0000\r\n"):])
		b.WriteString("--top--\r\n")
		return b.Bytes()
	}
	hugeText := func() []byte {
		var b bytes.Buffer
		b.WriteString("From: a@x.example\r\nDate: Mon, 8 Jan 2024 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
		for b.Len() < 3*MaxText {
			b.WriteString("退货退款，谢谢。\r\n")
		}
		return b.Bytes()
	}
	manyFields := func() []byte {
		var b bytes.Buffer
		for i := 0; i < 50000; i++ {
			fmt.Fprintf(&b, "X-Junk-%d: %d\r\n", i, i)
		}
		b.WriteString("Subject: late\r\n\r\nbody")
		return b.Bytes()
	}
	manyWrongDelims := func() []byte { // boundary-like lines that are not delimiters
		var b bytes.Buffer
		b.WriteString("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nstart\r\n")
		for i := 0; i < 100000; i++ {
			b.WriteString("--bX\r\n")
		}
		b.WriteString("--b--\r\n")
		return b.Bytes()
	}

	falseWords := []byte("Subject: " + strings.Repeat("=?a?B?xxxx", 100000) + "\r\n\r\nx")
	manyRefs := func() []byte {
		var b bytes.Buffer
		b.WriteString("References:")
		for i := 0; i < 100000; i++ {
			fmt.Fprintf(&b, " <%d@x>", i)
		}
		b.WriteString("\r\n\r\nx")
		return b.Bytes()
	}
	htmlLinks := []byte("Content-Type: text/html\r\n\r\n" + strings.Repeat("<a href=http://x.example/>", 50000) +
		strings.Repeat("word ", 100000) + strings.Repeat("</a>", 50000))

	tests := []struct {
		name    string
		raw     []byte
		problem string
		check   func(t *testing.T, p Parsed)
	}{
		{"10,000 parts", manyParts(10000), "more than 1000 MIME parts", func(t *testing.T, p Parsed) {
			if len(p.Attachments) != MaxParts-1 { // the root is a part too
				t.Errorf("kept %d attachments, want %d", len(p.Attachments), MaxParts-1)
			}
			if p.Attachments[0].Name != "p0.png" || p.Attachments[0].Size != 3 {
				t.Errorf("first attachment %+v", p.Attachments[0])
			}
		}},
		{"100 levels of nesting", nested(100), "MIME nesting deeper than 30", nil},
		{"text before deep nesting is kept", shallowText(), "MIME nesting deeper than 30", func(t *testing.T, p Parsed) {
			if p.Text != "visible text" {
				t.Errorf("Text = %q", p.Text)
			}
		}},
		{"3 MB of text", hugeText(), "text longer than 1 MB; cut", func(t *testing.T, p Parsed) {
			if len(p.Text) > MaxText || len(p.Text) < MaxText-4 || !utf8.ValidString(p.Text) {
				t.Errorf("Text is %d bytes (valid %v), want just under %d", len(p.Text), utf8.ValidString(p.Text), MaxText)
			}
			if !strings.HasPrefix(p.Text, "退货退款，谢谢。\n退货退款") {
				t.Errorf("Text starts %q", p.Text[:40])
			}
		}},
		{"50,000 header fields", manyFields(), "more than 2000 header fields", nil},
		{"1 MB of false encoded-word starts", falseWords, "", func(t *testing.T, p Parsed) {
			if len(p.Subject) != len(falseWords)-len("Subject: \r\n\r\nx") {
				t.Errorf("Subject is %d bytes", len(p.Subject))
			}
		}},
		{"100,000 References", manyRefs(), "References has 100000 entries", func(t *testing.T, p Parsed) {
			if len(p.References) != maxReferences || p.References[0] != "0@x" || p.References[maxReferences-1] != "99999@x" {
				t.Errorf("References %d: %q ... %q", len(p.References), p.References[0], p.References[len(p.References)-1])
			}
		}},
		{"50,000 nested links", htmlLinks, "", nil},
		{"100,000 near-delimiters", manyWrongDelims(), "", func(t *testing.T, p Parsed) {
			if !strings.HasPrefix(p.Text, "start\n--bX\n--bX") {
				t.Errorf("Text starts %q", p.Text[:20])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			p, err := Parse(tt.raw)
			if d := time.Since(start); d > limitBudget {
				t.Errorf("took %v", d)
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tt.problem != "" && !hasProblem(p, tt.problem) {
				t.Errorf("Problems = %q, want %q", p.Problems, tt.problem)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

func TestProblemsAreBounded(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("Content-Type: multipart/mixed; boundary=b\r\n\r\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "--b\r\nContent-Type: text/plain; charset=x-bogus-%d\r\n\r\nt\r\n", i)
	}
	p, _ := Parse(b.Bytes())
	if len(p.Problems) != maxProblems+1 || p.Problems[maxProblems] != "more problems not listed" {
		t.Errorf("%d problems, last %q", len(p.Problems), p.Problems[len(p.Problems)-1])
	}
}
