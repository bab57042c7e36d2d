package mailbox

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// HTMLToText turns an HTML mail body into plain text that is safe to show:
// nothing is fetched or executed, link targets are shown next to their
// text so a seller sees where a link really goes, and images appear as
// "[image: alt]". Scripts, styles and the head are dropped; blocks become
// line breaks; whitespace is collapsed as a browser would.
func HTMLToText(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	w := &textWriter{}
	w.b.Grow(len(src) / 2)
	inHead := false
	skip := "" // raw-text element whose content is dropped (script, style ...)
	for w.b.Len() <= MaxText {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.finish()
		case html.TextToken:
			if skip != "" {
				continue
			}
			t := z.Text()
			if inHead {
				if len(strings.TrimSpace(string(t))) == 0 {
					continue
				}
				inHead = false // text means the body began, as in a browser
			}
			w.text(t)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if skip != "" {
				continue
			}
			switch tag {
			case "head":
				inHead = tt == html.StartTagToken
				continue
			case "script", "style", "title", "noscript", "iframe", "noembed", "noframes", "xmp":
				// raw-text elements: the tokenizer always finds their end (or EOF)
				if tt == html.StartTagToken {
					skip = tag
				}
				continue
			case "meta", "link", "base":
				continue
			}
			inHead = false
			var attrs map[string]string
			if hasAttr {
				attrs = readAttrs(z, tag)
			}
			w.start(tag, attrs, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skip != "" {
				if tag == skip {
					skip = ""
				}
				continue
			}
			if tag == "head" {
				inHead = false
				continue
			}
			w.end(tag)
		}
	}
	return w.finish()
}

// readAttrs keeps only the attributes the writer uses.
func readAttrs(z *html.Tokenizer, tag string) map[string]string {
	var m map[string]string
	for {
		k, v, more := z.TagAttr()
		key := string(k)
		switch {
		case tag == "a" && key == "href",
			tag == "img" && (key == "alt" || key == "width" || key == "height" || key == "title"),
			tag == "p" && key == "class":
			if m == nil {
				m = make(map[string]string, 2)
			}
			m[key] = string(v)
		}
		if !more {
			return m
		}
	}
}

// textWriter accumulates text with the whitespace rules of HTML.
type textWriter struct {
	b          strings.Builder
	space      bool // collapsed whitespace waiting before the next word
	newlines   int  // line breaks at the end of b
	quote      int  // blockquote depth: lines start with "> "
	pre        int  // inside <pre>: keep whitespace
	lists      int  // list nesting, for indentation
	links      []link
	lineOpened bool // the current line has its prefix written
}

type link struct {
	href  string
	start int // b.Len() when the link began
}

var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "center": true, "dd": true, "details": true,
	"dialog": true, "div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true,
	"figure": true, "footer": true, "form": true, "header": true, "main": true, "nav": true,
	"section": true, "summary": true, "table": true, "tbody": true, "thead": true, "tfoot": true,
	"tr": true, "caption": true, "ul": true, "ol": true, "li": true, "body": true, "html": true,
}

var headingTags = map[string]bool{"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true}

func (w *textWriter) start(tag string, attrs map[string]string, selfClosing bool) {
	switch {
	case tag == "br":
		w.lineBreak()
	case tag == "p":
		// Outlook writes one <p class=MsoNormal> per line, blank lines as
		// <p>&nbsp;</p>; elsewhere a paragraph is set off by a blank line.
		if strings.Contains(attrs["class"], "MsoNormal") {
			w.breakLines(1)
		} else {
			w.breakLines(2)
		}
	case headingTags[tag]:
		w.breakLines(2)
	case tag == "blockquote":
		w.breakLines(1)
		w.quote++
	case tag == "pre":
		w.breakLines(1)
		w.pre++
	case tag == "hr":
		w.breakLines(1)
		w.raw("----------")
		w.breakLines(1)
	case tag == "ul" || tag == "ol":
		w.breakLines(1)
		if !selfClosing {
			w.lists++
		}
	case tag == "li":
		w.breakLines(1)
		indent := w.lists - 1
		if indent < 0 {
			indent = 0
		}
		w.raw(strings.Repeat("  ", indent) + "- ")
	case tag == "td" || tag == "th":
		w.space = true
	case tag == "img":
		w.image(attrs)
	case tag == "a":
		if !selfClosing && len(w.links) < 16 { // crafted nesting: ignore the excess
			w.links = append(w.links, link{href: attrs["href"], start: w.b.Len()})
		}
	case blockTags[tag]:
		w.breakLines(1)
	}
}

func (w *textWriter) end(tag string) {
	switch {
	case tag == "p":
		w.breakLines(1)
	case headingTags[tag]:
		w.breakLines(2)
	case tag == "blockquote":
		w.breakLines(1)
		if w.quote > 0 {
			w.quote--
		}
	case tag == "pre":
		w.breakLines(1)
		if w.pre > 0 {
			w.pre--
		}
	case tag == "ul" || tag == "ol":
		w.breakLines(1)
		if w.lists > 0 {
			w.lists--
		}
	case tag == "a":
		if n := len(w.links); n > 0 {
			l := w.links[n-1]
			w.links = w.links[:n-1]
			w.linkTarget(l)
		}
	case blockTags[tag]:
		w.breakLines(1)
	}
}

// linkTarget shows where a link goes unless its text already says so.
func (w *textWriter) linkTarget(l link) {
	href := strings.TrimSpace(l.href)
	if !visibleScheme(href) || len(href) > 2048 {
		return
	}
	// Compare only text about as long as the target: longer text cannot
	// be the URL, and comparing it would cost time on crafted input.
	if w.b.Len()-l.start <= len(href)+16 {
		text := strings.TrimSpace(w.b.String()[l.start:])
		bare := strings.TrimPrefix(strings.TrimPrefix(href, "mailto:"), "tel:")
		if text == href || text == bare || strings.TrimSuffix(text, "/") == strings.TrimSuffix(href, "/") {
			return
		}
	}
	w.word(" (" + href + ")")
}

func visibleScheme(href string) bool {
	l := strings.ToLower(href)
	for _, s := range [...]string{"http://", "https://", "mailto:", "tel:", "ftp://", "www."} {
		if strings.HasPrefix(l, s) {
			return true
		}
	}
	return false
}

// image writes "[image: alt]"; 1x1 tracking pixels are left out.
func (w *textWriter) image(attrs map[string]string) {
	if wd, ht := attrs["width"], attrs["height"]; wd == "0" || wd == "1" || ht == "0" || ht == "1" {
		return
	}
	alt := strings.Join(strings.Fields(attrs["alt"]), " ")
	if alt == "" {
		alt = strings.Join(strings.Fields(attrs["title"]), " ")
	}
	if alt == "" {
		w.word("[image]")
		return
	}
	w.word("[image: " + alt + "]")
}

// text writes character data: whitespace collapses outside <pre>, and a
// no-break space is kept (Outlook's blank lines are <p>&nbsp;</p>).
func (w *textWriter) text(t []byte) {
	if w.pre > 0 {
		s := strings.ReplaceAll(string(t), "\r\n", "\n")
		for i, line := range strings.Split(s, "\n") {
			if i > 0 {
				w.lineBreak()
			}
			if line != "" {
				w.raw(line)
			}
		}
		return
	}
	for len(t) > 0 {
		r, size := utf8.DecodeRune(t)
		switch r {
		case ' ', '\t', '\n', '\r', '\f':
			w.space = true
			t = t[size:]
			continue
		}
		// a run of non-space characters
		end := size
		for end < len(t) {
			c := t[end]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
				break
			}
			end++
		}
		word := strings.ReplaceAll(string(t[:end]), "\u00a0", " ")
		w.word(word)
		t = t[end:]
	}
}

// word writes s after any pending collapsed space.
func (w *textWriter) word(s string) {
	if s == "" {
		return
	}
	if w.space && w.lineOpened && w.newlines == 0 {
		w.b.WriteByte(' ')
	}
	w.space = false
	w.raw(s)
}

// raw writes s as is, opening the line (quote prefix) first if needed.
func (w *textWriter) raw(s string) {
	if !w.lineOpened {
		w.lineOpened = true
		if w.quote > 0 {
			w.b.WriteString(strings.Repeat(">", w.quote) + " ")
		}
	}
	w.b.WriteString(s)
	w.newlines = 0
	w.space = false
}

// lineBreak is an explicit <br>: always a new line.
func (w *textWriter) lineBreak() {
	if !w.lineOpened && w.quote > 0 {
		w.raw("")
	}
	w.b.WriteByte('\n')
	w.newlines++
	w.lineOpened = false
	w.space = false
}

// breakLines makes sure the text ends with at least n line breaks (a
// block boundary), without adding any at the very start.
func (w *textWriter) breakLines(n int) {
	w.space = false
	if w.b.Len() == 0 {
		return
	}
	for w.newlines < n {
		w.b.WriteByte('\n')
		w.newlines++
		w.lineOpened = false
	}
}

// finish trims trailing spaces on each line, keeps at most one blank line
// in a row and trims blank lines at both ends.
func (w *textWriter) finish() string {
	s := w.b.String()
	var out strings.Builder
	out.Grow(len(s))
	blank := 0
	started := false
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		var line string
		if i < 0 {
			line, s = s, ""
		} else {
			line, s = s[:i], s[i+1:]
		}
		line = strings.TrimRight(line, " \t")
		if line == "" {
			blank++
			continue
		}
		if started {
			out.WriteByte('\n')
			if blank > 0 {
				out.WriteByte('\n')
			}
		}
		started = true
		blank = 0
		out.WriteString(line)
	}
	return out.String()
}
