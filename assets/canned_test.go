package assets

import (
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

func mustLoadCanned(t *testing.T) []DefaultCanned {
	t.Helper()
	c, err := LoadCannedReplies()
	if err != nil {
		t.Fatalf("LoadCannedReplies: %v", err)
	}
	return c
}

func cannedByLang(all []DefaultCanned) map[string][]DefaultCanned {
	m := map[string][]DefaultCanned{}
	for _, c := range all {
		m[c.Language] = append(m[c.Language], c)
	}
	return m
}

func TestLoadCannedReplies(t *testing.T) {
	by := cannedByLang(mustLoadCanned(t))
	if len(by) != len(CannedLanguages) {
		t.Errorf("languages %v, want %v", slices.Sorted(maps.Keys(by)), CannedLanguages)
	}
	for _, lang := range CannedLanguages {
		if n := len(by[lang]); n < 25 {
			t.Errorf("%s: %d replies, want at least 25", lang, n)
		}
	}
}

func TestCannedRepliesWellFormed(t *testing.T) {
	for _, c := range mustLoadCanned(t) {
		t.Run(c.Language+"/"+c.Shortcut, func(t *testing.T) {
			if strings.TrimSpace(c.Title) == "" {
				t.Error("no title")
			}
			if parts := strings.Split(c.Category, "/"); len(parts) != 2 || parts[0] == "" || parts[1] == "" {
				t.Errorf("category %q does not have exactly two levels", c.Category)
			}
			if !regexp.MustCompile(`^[a-z0-9-]+$`).MatchString(c.Shortcut) {
				t.Errorf("shortcut %q is not an ASCII keyword", c.Shortcut)
			}
			if len(c.Variants) == 0 {
				t.Fatal("no variants")
			}
			for i, v := range c.Variants {
				if strings.TrimSpace(v) == "" || v != strings.TrimSpace(v) {
					t.Errorf("variant %d is empty or has surrounding space: %q", i+1, v)
				}
				if n := utf8.RuneCountInString(v); n > 400 {
					t.Errorf("variant %d is %d characters: keep canned replies short", i+1, n)
				}
				// No leftover fill-in markers for the seller to forget.
				if strings.ContainsAny(v, "[]【】") || strings.Contains(v, "XXX") {
					t.Errorf("variant %d has a fill-in marker: %q", i+1, v)
				}
				switch c.Language {
				case "en":
					if hasHan(v) {
						t.Errorf("English variant %d contains Chinese", i+1)
					}
				case "zh-Hans":
					if !hasHan(v) {
						t.Errorf("Chinese variant %d has no Chinese", i+1)
					}
				}
			}
			if c.Language == "en" && hasHan(c.Title+c.Category) || c.Language == "zh-Hans" && !hasHan(c.Title+c.Category) {
				t.Errorf("title/category %q %q not in %s", c.Title, c.Category, c.Language)
			}
		})
	}
}

func TestCannedShortcutsUniquePerLanguage(t *testing.T) {
	for lang, list := range cannedByLang(mustLoadCanned(t)) {
		seen := map[string]bool{}
		titles := map[string]bool{}
		for _, c := range list {
			if seen[c.Shortcut] {
				t.Errorf("%s: shortcut %q used twice", lang, c.Shortcut)
			}
			seen[c.Shortcut] = true
			if titles[c.Title] {
				t.Errorf("%s: title %q used twice", lang, c.Title)
			}
			titles[c.Title] = true
		}
	}
}

func TestCannedLanguagesCoverSameShortcuts(t *testing.T) {
	by := cannedByLang(mustLoadCanned(t))
	shortcuts := func(lang string) []string {
		var s []string
		for _, c := range by[lang] {
			s = append(s, c.Shortcut)
		}
		slices.Sort(s)
		return s
	}
	ref := shortcuts(CannedLanguages[0])
	for _, lang := range CannedLanguages[1:] {
		got := shortcuts(lang)
		for _, s := range ref {
			if !slices.Contains(got, s) {
				t.Errorf("%s has no %q (%s has)", lang, s, CannedLanguages[0])
			}
		}
		for _, s := range got {
			if !slices.Contains(ref, s) {
				t.Errorf("%s has %q, %s does not", lang, s, CannedLanguages[0])
			}
		}
	}
	// The top-level categories map one to one between languages
	// (售前 <-> Pre-sale, 物流 <-> Logistics ...).
	top := func(cat string) string { first, _, _ := strings.Cut(cat, "/"); return first }
	zhToEn, enToZh := map[string]string{}, map[string]string{}
	for _, zh := range by["zh-Hans"] {
		for _, en := range by["en"] {
			if zh.Shortcut != en.Shortcut {
				continue
			}
			z, e := top(zh.Category), top(en.Category)
			if prev, ok := zhToEn[z]; ok && prev != e {
				t.Errorf("%q maps to both %q and %q (shortcut %s)", z, prev, e, zh.Shortcut)
			}
			if prev, ok := enToZh[e]; ok && prev != z {
				t.Errorf("%q maps to both %q and %q (shortcut %s)", e, prev, z, en.Shortcut)
			}
			zhToEn[z], enToZh[e] = e, z
		}
	}
}

func TestCannedRequiredTopics(t *testing.T) {
	by := cannedByLang(mustLoadCanned(t))
	for _, tc := range []struct {
		shortcut    string
		minVariants int
		maxVariants int
	}{
		{"hi", 2, 0},           // greeting
		{"product", 2, 0},      // product question
		{"size", 1, 0},         // size advice
		{"promo", 1, 0},        // stacking promotions
		{"ship", 1, 0},         // shipping time
		{"delay", 3, 3},        // logistics delay: exactly three comfort variants
		{"delay-coupon", 1, 0}, // ... plus a compensation offer
		{"oos", 2, 0},          // out of stock: an alternative, or the arrival date
		{"pay", 1, 0},          // payment reminder
		{"addr", 1, 0},         // address confirmation
		{"return", 2, 0},       // return and exchange policy, and steps
		{"late-return", 1, 0},  // outside the 7-day window, with an alternative
		{"exchange", 1, 0},
		{"refund", 1, 0},   // refund progress
		{"quality", 1, 0},  // quality complaint
		{"damaged", 1, 0},  // damaged in transit
		{"sorry", 2, 0},    // complaint apology
		{"escalate", 1, 0}, // complaint escalation
		{"followup", 1, 0}, // satisfaction follow-up (回访)
		{"review", 1, 0},   // review request (求好评)
		{"holiday", 2, 0},  // holiday greetings (节日祝福)
		{"birthday", 1, 0}, // birthday care
	} {
		for _, lang := range CannedLanguages {
			i := slices.IndexFunc(by[lang], func(c DefaultCanned) bool { return c.Shortcut == tc.shortcut })
			if i < 0 {
				t.Errorf("%s: no %q reply", lang, tc.shortcut)
				continue
			}
			n := len(by[lang][i].Variants)
			if n < tc.minVariants || tc.maxVariants > 0 && n > tc.maxVariants {
				t.Errorf("%s %q: %d variants, want %d..%d", lang, tc.shortcut, n, tc.minVariants, tc.maxVariants)
			}
		}
	}
}

func TestCannedPlaceholders(t *testing.T) {
	used := map[string]map[string]bool{}
	for _, c := range mustLoadCanned(t) {
		if used[c.Language] == nil {
			used[c.Language] = map[string]bool{}
		}
		for i, v := range c.Variants {
			ps, err := ParsePlaceholders(v)
			if err != nil {
				t.Errorf("%s %q variant %d: %v", c.Language, c.Shortcut, i+1, err)
				continue
			}
			for _, p := range ps {
				if !slices.Contains(PlaceholderNames, p.Name) {
					t.Errorf("%s %q: placeholder %q not allowed", c.Language, c.Shortcut, p.Name)
				}
				used[c.Language][p.Name] = true
			}
			// Outside placeholders, no single braces are left over.
			rest := v
			for j := len(ps) - 1; j >= 0; j-- {
				rest = rest[:ps[j].Start] + rest[ps[j].End:]
			}
			if strings.ContainsAny(rest, "{}") {
				t.Errorf("%s %q variant %d: stray brace in %q", c.Language, c.Shortcut, i+1, v)
			}
		}
	}
	// Every placeholder is used somewhere in each language, so the filler is
	// exercised by the defaults. Chinese replies address people by their
	// full name (or 亲), never by a first name.
	unused := map[string]string{"zh-Hans": "customer.first_name"}
	for _, lang := range CannedLanguages {
		for _, name := range PlaceholderNames {
			if !used[lang][name] && unused[lang] != name {
				t.Errorf("%s: no reply uses {{%s}}", lang, name)
			}
		}
	}
}

func TestParsePlaceholders(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Placeholder // nil with wantErr
		err  string
	}{
		{in: "no placeholders"},
		{in: "Hi {{customer.first_name|there}},", want: []Placeholder{{Name: "customer.first_name", Fallback: "there", Start: 3, End: 32}}},
		{in: "{{customer.name|亲}}您好", want: []Placeholder{{Name: "customer.name", Fallback: "亲", Start: 0, End: 21}}},
		{in: "by {{date +3d}} ({{today}})", want: []Placeholder{{Name: "date", Days: 3, Start: 3, End: 15}, {Name: "today", Start: 17, End: 26}}},
		{in: "{{order.number}}{{order.tracking}}", want: []Placeholder{{Name: "order.number", Start: 0, End: 16}, {Name: "order.tracking", Start: 16, End: 34}}},
		{in: "{{order.id}}", err: "unknown placeholder"},
		{in: "{{ customer.name }}", err: "unknown placeholder"},
		{in: "{{customer.name", err: "not closed"},
		{in: "customer.name}}", err: "without"},
		{in: "}} {{today}}", err: "without"},
		{in: "{{customer.name|}}", err: "empty fallback"},
		{in: "{{customer.name|a|b}}", err: "more than one"},
		{in: "{{date}}", err: "day offset"},
		{in: "{{date 3d}}", err: "day offset"},
		{in: "{{date +3w}}", err: "day offset"},
		{in: "{{date +999d}}", err: "over 365"},
		{in: "{{date +3d|soon}}", err: "no fallback"},
		{in: "{{today|now}}", err: "no argument"},
		{in: "{{shop.name x}}", err: "unexpected"},
		{in: "{{{shop.name}}}", err: "braces"},
		{in: "{{}}", err: "unknown placeholder"},
	} {
		got, err := ParsePlaceholders(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParsePlaceholders(%q) = %v, %v; want error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParsePlaceholders(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		for _, p := range got {
			if raw := p.Raw(tc.in); !strings.HasPrefix(raw, "{{") || !strings.HasSuffix(raw, "}}") {
				t.Errorf("Raw = %q", raw)
			}
		}
	}
}

// The 7-day rule is never quoted bare: a reply that mentions it explains
// and offers something.
func TestCannedNoBareSevenDayRule(t *testing.T) {
	mentions := regexp.MustCompile(`7天|七天|7-day|30 days of delivery|more than 30 days|return window`)
	offers := regexp.MustCompile(`可以|我们|我送|we can|we'll|I can|we pay`)
	found := 0
	for _, c := range mustLoadCanned(t) {
		for i, v := range c.Variants {
			if !mentions.MatchString(v) {
				continue
			}
			found++
			if !offers.MatchString(v) || utf8.RuneCountInString(v) < 60 {
				t.Errorf("%s %q variant %d quotes the return rule without an alternative: %q", c.Language, c.Shortcut, i+1, v)
			}
		}
	}
	if found < 4 {
		t.Errorf("only %d variants mention the return window", found)
	}
}

func TestValidCategory(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"物流/物流延迟", true},
		{"Logistics/Delay", true},
		{"Logistics", false},
		{"Logistics/", false},
		{"/Delay", false},
		{"a/b/c", false},
		{" Logistics/Delay", false},
		{"Logistics/Delay ", false},
	} {
		if got := ValidCategory(tc.in); got != tc.want {
			t.Errorf("ValidCategory(%q) = %v", tc.in, got)
		}
	}
}

func TestCheckCannedCatchesMistakes(t *testing.T) {
	good := DefaultCanned{Category: "Logistics/Delay", Title: "Delay", Shortcut: "delay", Language: "en",
		Variants: []string{"Hi {{customer.first_name|there}}, sorry for the wait."}}
	if err := CheckCanned([]DefaultCanned{good}); err != nil {
		t.Fatalf("good reply rejected: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(c *DefaultCanned)
		twice bool
		want  string
	}{
		{"no title", func(c *DefaultCanned) { c.Title = " " }, false, "title"},
		{"one-level category", func(c *DefaultCanned) { c.Category = "Logistics" }, false, "two non-empty levels"},
		{"three-level category", func(c *DefaultCanned) { c.Category = "A/B/C" }, false, "two non-empty levels"},
		{"non-ASCII shortcut", func(c *DefaultCanned) { c.Shortcut = "延迟" }, false, "shortcut"},
		{"shortcut with space", func(c *DefaultCanned) { c.Shortcut = "late return" }, false, "shortcut"},
		{"no variants", func(c *DefaultCanned) { c.Variants = nil }, false, "no variants"},
		{"empty variant", func(c *DefaultCanned) { c.Variants = []string{"ok", ""} }, false, "variant 2 is empty"},
		{"bad placeholder", func(c *DefaultCanned) { c.Variants = []string{"{{customer.nam}}"} }, false, "unknown placeholder"},
		{"no language", func(c *DefaultCanned) { c.Language = "" }, false, "language"},
		{"duplicate shortcut", func(c *DefaultCanned) {}, true, "used twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			c.Variants = slices.Clone(good.Variants)
			tc.edit(&c)
			list := []DefaultCanned{c}
			if tc.twice {
				list = append(list, c)
			}
			err := CheckCanned(list)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("CheckCanned = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestLoadCannedRejectsBadFiles(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		edit       func(string) string
		want       string
	}{
		{"unknown field", "canned/en.json", func(s string) string {
			return strings.Replace(s, `"title"`, `"name"`, 1)
		}, `unknown field "name"`},
		{"wrong language", "canned/en.json", func(s string) string {
			return strings.Replace(s, `"language": "en"`, `"language": "en-US"`, 1)
		}, `want "en"`},
		{"bad placeholder", "canned/zh-Hans.json", func(s string) string {
			return strings.Replace(s, "{{shop.name}}", "{{shop}}", 1)
		}, "unknown placeholder"},
		{"missing file", "canned/zh-Hans.json", nil, "zh-Hans.json"},
		{"missing attachment", "canned/files/size-chart.png", nil, "size-chart.png"},
		{"attachment name with a path", "canned/en.json", func(s string) string {
			return strings.Replace(s, `"name": "return-label.pdf"`, `"name": "../return-label.pdf"`, 1)
		}, "plain file name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := cannedMapFS(t)
			if tc.edit == nil {
				delete(m, tc.file)
			} else {
				m[tc.file].Data = []byte(tc.edit(string(m[tc.file].Data)))
			}
			_, err := loadCanned(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("loadCanned = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

// cannedMapFS copies the embedded canned replies and their files.
func cannedMapFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(cannedFS, "canned", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(cannedFS, path)
		m[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The size advice carries the size chart and the return steps the return
// label, in every language, as real PNG and PDF files.
func TestDefaultCannedAttachments(t *testing.T) {
	all, err := LoadCannedReplies()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"size": "\x89PNG\r\n\x1a\n", "return": "%PDF-1."}
	got := map[string]int{}
	for _, c := range all {
		magic, ok := want[c.Shortcut]
		if !ok {
			if len(c.Attachments) > 0 {
				t.Errorf("%s /%s: unexpected attachments", c.Language, c.Shortcut)
			}
			continue
		}
		if len(c.Attachments) != 1 {
			t.Errorf("%s /%s: %d attachments, want 1", c.Language, c.Shortcut, len(c.Attachments))
			continue
		}
		a := c.Attachments[0]
		if !strings.HasPrefix(string(a.Data), magic) || a.Name == "" {
			t.Errorf("%s /%s: attachment %q starts %q, want %q", c.Language, c.Shortcut, a.Name, a.Data[:min(8, len(a.Data))], magic)
		}
		if magic == "%PDF-1." && !strings.Contains(string(a.Data), "%%EOF") {
			t.Errorf("%s /%s: the PDF has no end marker", c.Language, c.Shortcut)
		}
		got[c.Shortcut]++
	}
	for sc := range want {
		if got[sc] != len(CannedLanguages) {
			t.Errorf("/%s has attachments in %d languages, want %d", sc, got[sc], len(CannedLanguages))
		}
	}
}

// The return label's cross-reference table points at its objects, so PDF
// readers open it without repairing it.
func TestReturnLabelPDFIsWellFormed(t *testing.T) {
	pdf, err := fs.ReadFile(cannedFS, "canned/files/return-label.pdf")
	if err != nil {
		t.Fatal(err)
	}
	s := string(pdf)
	i := strings.LastIndex(s, "startxref\n")
	if i < 0 {
		t.Fatal("no startxref")
	}
	xref, err := strconv.Atoi(strings.Fields(s[i+len("startxref\n"):])[0])
	if err != nil || !strings.HasPrefix(s[xref:], "xref\n") {
		t.Fatalf("startxref %d does not point at the xref table (%v)", xref, err)
	}
	lines := strings.Split(s[xref:], "\n")
	n, _ := strconv.Atoi(strings.Fields(lines[1])[1])
	if n < 2 {
		t.Fatalf("xref lists %d objects", n)
	}
	for obj := 1; obj < n; obj++ {
		off, err := strconv.Atoi(strings.Fields(lines[2+obj])[0])
		if err != nil || !strings.HasPrefix(s[off:], fmt.Sprintf("%d 0 obj", obj)) {
			t.Errorf("object %d: offset %d does not start it (%v)", obj, off, err)
		}
	}
}
