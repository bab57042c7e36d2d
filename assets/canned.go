package assets

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Default canned replies (快捷回复): the library a new shop starts with, one
// file per language under assets/canned/ (zh-Hans.json, en.json):
//
//	{
//	  "language": "zh-Hans",
//	  "replies": [
//	    {
//	      "category": "物流/物流延迟",
//	      "title": "物流延迟安抚",
//	      "shortcut": "delay",
//	      "variants": ["one phrasing", ["another", "written as lines"]],
//	      "attachments": [{"file": "size-chart.png", "name": "尺码表.png"}]
//	    }
//	  ]
//	}
//
// Categories have exactly two levels, "stage/situation". Shortcuts are ASCII
// keywords (lower-case letters, digits and "-") and the same set exists in
// every language, so "delay" finds the logistics-delay reply whatever the
// customer's language. A variant is a string or an array of lines (see Text).
// Attachments name files under assets/canned/files/ (made by
// gen_canned_files.go) and the name the customer sees.
//
// Variants may contain placeholders, filled when the reply is inserted:
//
//	{{customer.name}}         {{customer.first_name}}
//	{{order.number}}          {{order.tracking}}      {{order.carrier}}
//	{{order.status}}          {{order.total}}
//	{{shop.name}}             {{agent.name}}
//	{{today}}                 {{date +3d}}  (today plus N days; N from 0 to 365)
//
// A placeholder may carry a fallback used when the value is unknown:
// {{customer.name|亲}}, {{customer.first_name|there}}. ParsePlaceholders
// finds them and reports malformed ones.

//go:embed canned/*.json canned/files
var cannedFS embed.FS

// DefaultCanned is one default canned reply with its phrasings.
type DefaultCanned struct {
	Category string   `json:"category"` // two levels: "物流/物流延迟", "Logistics/Delay"
	Title    string   `json:"title"`
	Shortcut string   `json:"shortcut"` // ASCII keyword: "delay", "oos", "refund"
	Language string   `json:"language"` // BCP 47, from the file: "zh-Hans", "en"
	Variants []string `json:"variants"`
	// Attachments are files sent with the reply (a size chart, a return label).
	Attachments []DefaultAttachment `json:"attachments,omitempty"`
}

// DefaultAttachment is a file a default canned reply sends.
type DefaultAttachment struct {
	Name string // as the customer sees it: "尺码表.png"
	Data []byte
}

// CannedLanguages are the languages the default library is written in, in
// file order.
var CannedLanguages = []string{"zh-Hans", "en"}

type cannedFile struct {
	Language string `json:"language"`
	Replies  []struct {
		Category    string `json:"category"`
		Title       string `json:"title"`
		Shortcut    string `json:"shortcut"`
		Variants    []Text `json:"variants"`
		Attachments []struct {
			File string `json:"file"` // under canned/files/
			Name string `json:"name"`
		} `json:"attachments"`
	} `json:"replies"`
}

// LoadCannedReplies returns the default canned replies of every language in
// CannedLanguages, checked: categories, titles, shortcuts, variants and
// placeholders are well-formed and shortcuts are unique per language.
func LoadCannedReplies() ([]DefaultCanned, error) {
	return loadCanned(cannedFS)
}

func loadCanned(fsys fs.FS) ([]DefaultCanned, error) {
	var out []DefaultCanned
	var errs []error
	for _, lang := range CannedLanguages {
		name := "canned/" + lang + ".json"
		var f cannedFile
		if err := decodeStrict(fsys, name, &f); err != nil {
			return nil, err
		}
		if f.Language != lang {
			errs = append(errs, fmt.Errorf("%s: language %q, want %q", name, f.Language, lang))
		}
		for _, r := range f.Replies {
			c := DefaultCanned{Category: r.Category, Title: r.Title, Shortcut: r.Shortcut, Language: lang}
			for _, v := range r.Variants {
				c.Variants = append(c.Variants, string(v))
			}
			for _, a := range r.Attachments {
				data, err := fs.ReadFile(fsys, "canned/files/"+a.File)
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %q: attachment: %w", name, r.Shortcut, err))
					continue
				}
				if strings.TrimSpace(a.Name) == "" || strings.ContainsAny(a.Name, `/\`) {
					errs = append(errs, fmt.Errorf("%s: %q: attachment %s needs a plain file name", name, r.Shortcut, a.File))
					continue
				}
				c.Attachments = append(c.Attachments, DefaultAttachment{Name: a.Name, Data: data})
			}
			out = append(out, c)
		}
	}
	errs = append(errs, CheckCanned(out))
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("assets: canned replies: %w", err)
	}
	return out, nil
}

var reShortcut = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// CheckCanned checks a list of canned replies: every reply has a title, a
// two-level category, an ASCII shortcut unique within its language, a
// language, and at least one non-empty variant with well-formed placeholders.
func CheckCanned(replies []DefaultCanned) error {
	var errs []error
	seen := map[string]bool{}
	for i, c := range replies {
		where := fmt.Sprintf("reply %d (%s %q)", i+1, c.Language, c.Shortcut)
		add := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
		}
		if c.Language == "" {
			add("language is required")
		}
		if strings.TrimSpace(c.Title) == "" {
			add("title is required")
		}
		if !ValidCategory(c.Category) {
			add("category %q must have exactly two non-empty levels, like \"Logistics/Delay\"", c.Category)
		}
		if !reShortcut.MatchString(c.Shortcut) {
			add("shortcut %q must be lower-case ASCII letters, digits and '-'", c.Shortcut)
		}
		if k := c.Language + " " + c.Shortcut; seen[k] {
			add("shortcut used twice in %s", c.Language)
		} else {
			seen[k] = true
		}
		if len(c.Variants) == 0 {
			add("has no variants")
		}
		for j, v := range c.Variants {
			if strings.TrimSpace(v) == "" {
				add("variant %d is empty", j+1)
			}
			if _, err := ParsePlaceholders(v); err != nil {
				add("variant %d: %v", j+1, err)
			}
		}
	}
	return errors.Join(errs...)
}

// ValidCategory reports whether a category has exactly two non-empty,
// trimmed levels separated by "/".
func ValidCategory(cat string) bool {
	a, b, ok := strings.Cut(cat, "/")
	return ok && a != "" && b != "" && !strings.Contains(b, "/") &&
		a == strings.TrimSpace(a) && b == strings.TrimSpace(b)
}

// PlaceholderNames are the names a canned reply may use inside {{ }}.
var PlaceholderNames = []string{
	"customer.name", "customer.first_name",
	"order.number", "order.tracking", "order.carrier", "order.status", "order.total",
	"shop.name", "agent.name",
	"today", "date",
}

// Placeholder is one {{...}} found in a text.
type Placeholder struct {
	Name     string // one of PlaceholderNames
	Days     int    // for "date": the N of "+Nd"
	Fallback string // text after "|", used when the value is unknown
	Start    int    // byte offset of "{{"
	End      int    // byte offset just after "}}"
}

// Raw returns the placeholder as written in text.
func (p Placeholder) Raw(text string) string { return text[p.Start:p.End] }

var reDateArg = regexp.MustCompile(`^\+(\d{1,3})d$`)

// ParsePlaceholders returns the placeholders in text, in order. It reports
// an error for an unknown name, a "{{" without "}}", a stray "}}", an empty
// fallback, a fallback on {{today}} or {{date}}, or a date without "+Nd".
func ParsePlaceholders(text string) ([]Placeholder, error) {
	var out []Placeholder
	i := 0
	for {
		open := strings.Index(text[i:], "{{")
		cls := strings.Index(text[i:], "}}")
		if open < 0 {
			if cls >= 0 {
				return nil, fmt.Errorf("\"}}\" without \"{{\" at byte %d", i+cls)
			}
			return out, nil
		}
		if cls >= 0 && cls < open {
			return nil, fmt.Errorf("\"}}\" without \"{{\" at byte %d", i+cls)
		}
		start := i + open
		end := strings.Index(text[start+2:], "}}")
		if end < 0 {
			return nil, fmt.Errorf("\"{{\" at byte %d is not closed", start)
		}
		inner := text[start+2 : start+2+end]
		p, err := parsePlaceholder(inner)
		if err != nil {
			return nil, fmt.Errorf("{{%s}}: %w", inner, err)
		}
		p.Start, p.End = start, start+2+end+2
		out = append(out, p)
		i = p.End
	}
}

func parsePlaceholder(inner string) (Placeholder, error) {
	if strings.ContainsAny(inner, "{}\n") {
		return Placeholder{}, errors.New("braces or a line break inside a placeholder")
	}
	var p Placeholder
	name, fallback, hasFallback := strings.Cut(inner, "|")
	if hasFallback {
		if strings.TrimSpace(fallback) == "" {
			return p, errors.New("empty fallback")
		}
		if strings.Contains(fallback, "|") {
			return p, errors.New("more than one \"|\"")
		}
		p.Fallback = fallback
	}
	name, arg, hasArg := strings.Cut(name, " ")
	p.Name = name
	if !slices.Contains(PlaceholderNames, name) {
		return p, fmt.Errorf("unknown placeholder %q", name)
	}
	switch name {
	case "date":
		m := reDateArg.FindStringSubmatch(arg)
		if !hasArg || m == nil {
			return p, errors.New("date needs a day offset, like {{date +3d}}")
		}
		p.Days, _ = strconv.Atoi(m[1])
		if p.Days > 365 {
			return p, errors.New("date offset over 365 days")
		}
		if hasFallback {
			return p, errors.New("date has no fallback")
		}
	case "today":
		if hasArg || hasFallback {
			return p, errors.New("today takes no argument or fallback")
		}
	default:
		if hasArg {
			return p, fmt.Errorf("unexpected %q after %s", arg, name)
		}
	}
	return p, nil
}
