package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shopdesk/shopdesk/storage"
)

func seedReplies(t *testing.T, dir string) {
	t.Helper()
	st, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Update(func(tx *storage.Tx) error {
		set := storage.DefaultSettings()
		set.ShopName = "竹麻家居"
		if err := tx.SaveSettings(set); err != nil {
			return err
		}
		c := storage.Customer{Name: "王芳", Emails: []string{"wang@example.com"}, Language: "zh-Hans"}
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		if err := tx.SaveOrder(&storage.Order{CustomerID: c.ID, Number: "TB100", Carrier: "顺丰", Tracking: "SF1"}); err != nil {
			return err
		}
		for _, r := range []storage.CannedReply{
			{Category: "物流/物流延迟", Title: "物流延迟安抚", Shortcut: "delay", Language: "zh-Hans",
				Variants: []storage.CannedVariant{{Body: "{{customer.name|亲}}您好，订单{{order.number}}已由{{order.carrier}}发出，运单号{{order.tracking}}。"}, {Body: "第二种，\"引号\"，逗号"}}},
			{Category: "Logistics/Delay", Title: "Shipping delay", Shortcut: "delay", Language: "en",
				Variants: []storage.CannedVariant{{Body: "Hi {{customer.first_name|there}}, order {{order.number}} is on its way."}}},
		} {
			if err := tx.SaveCannedReply(&r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func listedReplies(t *testing.T, dir string) []storage.CannedReply {
	t.Helper()
	var out []storage.CannedReply
	for _, line := range strings.Split(strings.TrimSpace(mustOut(t, dir, "replies", "list", "--json")), "\n") {
		if line == "" {
			continue
		}
		var r storage.CannedReply
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		out = append(out, r)
	}
	return out
}

func summary(rs []storage.CannedReply) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(strings.Join([]string{r.Category, r.Title, r.Shortcut, r.Language}, "|"))
		for _, v := range r.Variants {
			b.WriteString("|" + v.Body)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestRepliesExportImportRoundTrip(t *testing.T) {
	for _, ext := range []string{"json", "csv"} {
		t.Run(ext, func(t *testing.T) {
			src := t.TempDir()
			seedReplies(t, src)
			want := summary(listedReplies(t, src))
			file := filepath.Join(t.TempDir(), "replies."+ext)
			mustOut(t, src, "replies", "export", file)
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if ext == "csv" && !strings.HasPrefix(string(data), utf8BOM+"category,title,shortcut,language,variant1,variant2") {
				t.Errorf("CSV starts %q", data[:min(len(data), 60)])
			}
			if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
				t.Errorf("export mode %v", fi.Mode().Perm())
			}

			dst := t.TempDir()
			if out := mustOut(t, dst, "replies", "import", file, "--dry-run"); !strings.Contains(out, "would import 2 replies: 2 new") {
				t.Errorf("dry run said %q", out)
			}
			if got := listedReplies(t, dst); len(got) != 0 {
				t.Fatalf("dry run imported %d", len(got))
			}
			mustOut(t, dst, "replies", "import", file)
			if got := summary(listedReplies(t, dst)); got != want {
				t.Errorf("imported\n%s\nwant\n%s", got, want)
			}
			// Again: the same shortcut and language update, not duplicate.
			if out := mustOut(t, dst, "replies", "import", file); !strings.Contains(out, "0 new, 2 updated") {
				t.Errorf("re-import said %q", out)
			}
			if got := summary(listedReplies(t, dst)); got != want {
				t.Errorf("after re-import\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRepliesImportMalformedCSV(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("长", maxVariant+1)
	file := writeFile(t, "bad.csv", []byte(strings.Join([]string{
		"category,title,shortcut,language,variant1,variant2",
		"售前/问候,问候,hi,zh-Hans,您好，有什么可以帮您？,",
		`售前/尺码,尺码,size,zh-Hans,"请看"尺码表",`,   // bad quote
		"售后/退款,退款,refund,zh-Hans,,",         // missing text
		"售后/长,长,long,zh-Hans," + long + ",", // too long
		"物流/发货,发货,ship,zh-Hans,\"今天发货，\n明天到\",",
		"",
	}, "\n")))
	code, out, errOut := shopdesk(t, dir, "replies", "import", file)
	if code != exitError {
		t.Errorf("exit %d, want %d", code, exitError)
	}
	for _, want := range []string{"line 3: bad quote", "line 4: no text", "line 5: text too long"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out, "imported 2 replies: 2 new, 0 updated; 3 rows refused") {
		t.Errorf("stdout %q", out)
	}
	got := summary(listedReplies(t, dir))
	if want := "售前/问候|问候|hi|zh-Hans|您好，有什么可以帮您？\n物流/发货|发货|ship|zh-Hans|今天发货，\n明天到\n"; got != want {
		t.Errorf("imported\n%s\nwant\n%s", got, want)
	}
}

func TestRepliesImportUnclosedQuoteKeepsLaterRows(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, "plain.csv", []byte("hi,您好\nsize,\"请看尺码表\nthanks,谢谢\n"))
	code, _, errOut := shopdesk(t, dir, "replies", "import", file)
	if code != exitError || !strings.Contains(errOut, "line 2: a quoted field is not closed") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if got, want := summary(listedReplies(t, dir)), "|hi|hi|zh-Hans|您好\n|thanks|thanks|zh-Hans|谢谢\n"; got != want {
		t.Errorf("imported\n%s\nwant\n%s", got, want)
	}
}

func TestRepliesImportPlainAndGBK(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("快递,亲，您的包裹已发出，请耐心等待。\n/Thanks,谢谢惠顾！\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"GBK without a header", gbk,
			"|快递|快递|zh-Hans|亲，您的包裹已发出，请耐心等待。\n|thanks|thanks|zh-Hans|谢谢惠顾！\n"},
		{"UTF-8 with BOM and header", []byte(utf8BOM + "shortcut,text\r\nhi,\"Hello, how can I help?\"\r\n"),
			"|hi|hi|en|Hello, how can I help?\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			mustOut(t, dir, "replies", "import", writeFile(t, "in.csv", tt.data))
			if got := summary(listedReplies(t, dir)); got != tt.want {
				t.Errorf("imported\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRepliesRender(t *testing.T) {
	dir := t.TempDir()
	seedReplies(t, dir)
	out := mustOut(t, dir, "replies", "render", "delay", "--customer", "wang@example.com")
	if want := "王芳您好，订单TB100已由顺丰发出，运单号SF1。\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	out = mustOut(t, dir, "replies", "render", "/delay", "--customer", "wang@example.com", "--variant", "2")
	if want := "第二种，\"引号\"，逗号\n"; out != want {
		t.Errorf("variant 2 printed %q, want %q", out, want)
	}
	code, out, errOut := shopdesk(t, dir, "replies", "render", "delay", "--customer", "wang@example.com", "--order", "NOPE-1")
	if code != exitUnresolved || out != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing", code, out, exitUnresolved)
	}
	for _, want := range []string{"{{order.number}}", "{{order.carrier}}", "{{order.tracking}}"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %s", errOut, want)
		}
	}
	for _, args := range [][]string{
		{"replies", "render", "delay"},
		{"replies"},
		{"replies", "export", "x.txt.gz"},
		{"replies", "frob"},
	} {
		if code, _, errOut := shopdesk(t, dir, args...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	if code, _, errOut := shopdesk(t, dir, "replies", "render", "nope", "--customer", "wang@example.com"); code != exitError || !strings.Contains(errOut, "nope") {
		t.Errorf("unknown shortcut: exit %d, %q", code, errOut)
	}
}

// The default library's size chart and return label survive a JSON
// export and import into another shop, bytes and all.
func TestRepliesDefaultAttachmentsExportImport(t *testing.T) {
	src := t.TempDir()
	st, err := storage.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	log := logrus.New()
	log.SetOutput(io.Discard)
	if err := seedCannedReplies(st, log); err != nil {
		t.Fatal(err)
	}
	st.Close()
	file := filepath.Join(t.TempDir(), "replies.json")
	mustOut(t, src, "replies", "export", file)
	dst := t.TempDir()
	mustOut(t, dst, "replies", "import", file)

	st, err = storage.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	want := map[string]string{"size": "\x89PNG", "return": "%PDF-"}
	found := 0
	err = st.View(func(tx *storage.Tx) error {
		all, err := tx.CannedReplies()
		if err != nil {
			return err
		}
		for _, r := range all {
			magic, ok := want[r.Shortcut]
			if !ok {
				continue
			}
			if len(r.Attachments) != 1 {
				t.Errorf("%s /%s: attachments %+v", r.Language, r.Shortcut, r.Attachments)
				continue
			}
			a := r.Attachments[0]
			data, err := tx.CannedFile(a.Hash)
			if err != nil {
				return err
			}
			if !strings.HasPrefix(string(data), magic) || int64(len(data)) != a.Size || a.Type == "" {
				t.Errorf("%s /%s: %s (%s, %d bytes) starts %q", r.Language, r.Shortcut, a.Name, a.Type, a.Size, data[:min(len(data), 8)])
			}
			found++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found != 4 {
		t.Errorf("%d replies with attachments, want 4 (size and return, two languages)", found)
	}
}
