package archive

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// LabelKeys are the English headings of index.html; Options.Labels maps
// them to the seller's language.
var LabelKeys = []string{
	"Customer archive", "Exported", "Profile", "Name", "Emails", "Phones", "Chat accounts",
	"Address", "Language", "Birthday", "Segment", "Tags", "Notes", "Customer since",
	"Orders", "Order", "Platform", "Status", "Total", "Tracking", "Placed", "Items",
	"After-sales", "Timeline", "Email received", "Email sent", "Phone call", "Internal note",
	"Order status", "Follow-up", "Original message", "Attachments", "From", "To",
	"Due", "Done", "Problems", "None", "The original of this message is not stored.",
	"Every file in this archive is listed with its SHA-256 checksum in manifest.json.",
}

type htmlEntry struct {
	At    time.Time
	Kind  string
	Class string
	Title string
	Meta  []string
	Body  string
	Links []fileLink
}

type htmlOrder struct {
	storage.Order
	TotalText  string
	ItemsText  []string
	CasesText  []string
	PlacedText string
}

type htmlPage struct {
	labels   map[string]string
	Customer storage.Customer
	Phones   []string
	IM       []string
	Exported string
	Orders   []htmlOrder
	Entries  []htmlEntry
	Problems []string
}

// L is a heading in the seller's language.
func (p htmlPage) L(s string) string {
	if v := p.labels[s]; v != "" {
		return v
	}
	return s
}

func formatWhen(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04 MST")
}

func addrList(as []storage.Address) string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = addrText(a)
	}
	return strings.Join(out, ", ")
}

func addrText(a storage.Address) string {
	if a.Name == "" {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

// renderIndex builds index.html: the profile, the orders and the whole
// timeline, readable offline. html/template escapes every value; the page
// has no script and loads nothing, and its Content-Security-Policy says so
// to the browser too.
func renderIndex(d customerData, attached map[uint64][]fileLink, hasRaw map[uint64]bool, problems []string,
	exported time.Time, labels map[string]string) ([]byte, error) {
	p := htmlPage{labels: labels, Customer: d.Customer, Exported: formatWhen(exported), Problems: problems}
	for _, ph := range d.Customer.Phones {
		s := ph.Number
		if ph.Label != "" {
			s += " (" + ph.Label + ")"
		}
		p.Phones = append(p.Phones, s)
	}
	for _, h := range d.Customer.IM {
		p.IM = append(p.IM, h.Network+": "+h.Handle)
	}
	for _, o := range d.Orders {
		ho := htmlOrder{Order: o, TotalText: Decimal(o.Total, o.Currency) + " " + o.Currency, PlacedText: formatWhen(o.Placed)}
		for _, it := range o.Items {
			ho.ItemsText = append(ho.ItemsText, fmt.Sprintf("%s ×%d @ %s", it.Name, it.Quantity, Decimal(it.Price, o.Currency)))
		}
		for _, c := range o.Cases {
			s := fmt.Sprintf("%s · %s · %s", c.Kind, c.State, c.Reason)
			if c.Amount != 0 {
				s += " · " + Decimal(c.Amount, o.Currency) + " " + o.Currency
			}
			ho.CasesText = append(ho.CasesText, s)
		}
		p.Orders = append(p.Orders, ho)
	}
	for _, m := range d.Messages {
		e := htmlEntry{At: m.Date, Kind: p.L("Email received"), Class: "in", Title: m.Subject, Body: m.Text,
			Meta: []string{p.L("From") + ": " + addrText(m.From), p.L("To") + ": " + addrList(m.To)}}
		if m.Direction == storage.Outbound {
			e.Kind, e.Class = p.L("Email sent"), "out"
		}
		if hasRaw[m.ID] {
			e.Links = append(e.Links, fileLink{Name: p.L("Original message"), Path: messageFile(m)})
		} else {
			e.Meta = append(e.Meta, p.L("The original of this message is not stored."))
		}
		e.Links = append(e.Links, attached[m.ID]...)
		if len(attached[m.ID]) == 0 {
			for _, a := range m.Attachments {
				e.Meta = append(e.Meta, p.L("Attachments")+": "+a.Name)
			}
		}
		p.Entries = append(p.Entries, e)
	}
	for _, c := range d.Calls {
		p.Entries = append(p.Entries, htmlEntry{At: c.Start, Kind: p.L("Phone call"), Class: "call", Title: c.Summary,
			Meta: []string{string(c.Direction), c.Phone, c.Duration.Round(time.Second).String(), string(c.Outcome)}})
	}
	for _, n := range d.Notes {
		p.Entries = append(p.Entries, htmlEntry{At: n.Created, Kind: p.L("Internal note"), Class: "note", Body: n.Text})
	}
	for _, o := range d.Orders {
		for _, h := range o.History {
			p.Entries = append(p.Entries, htmlEntry{At: h.At, Kind: p.L("Order status"), Class: "order",
				Title: o.Number, Meta: []string{string(h.Status)}})
		}
		for _, c := range o.Cases {
			for _, s := range c.Steps {
				p.Entries = append(p.Entries, htmlEntry{At: s.At, Kind: p.L("After-sales"), Class: "order",
					Title: o.Number + " · " + string(c.Kind), Meta: []string{string(s.State), c.Reason}, Body: s.Note})
			}
		}
	}
	for _, f := range d.FollowUps {
		e := htmlEntry{At: f.Due, Kind: p.L("Follow-up"), Class: "follow", Title: string(f.Kind), Body: f.Note,
			Meta: []string{p.L("Due") + ": " + formatWhen(f.Due)}}
		if !f.Done.IsZero() {
			e.At = f.Done
			e.Meta = append(e.Meta, p.L("Done")+": "+formatWhen(f.Done))
		}
		p.Entries = append(p.Entries, e)
	}
	slices.SortStableFunc(p.Entries, func(a, b htmlEntry) int { return a.At.Compare(b.At) })
	var b bytes.Buffer
	if err := indexTemplate.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("write index.html: %w", err)
	}
	return b.Bytes(), nil
}

var indexTemplate = template.Must(template.New("index").Funcs(template.FuncMap{
	"when": formatWhen,
	"join": func(s []string) string { return strings.Join(s, ", ") },
}).Parse(`<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>{{.L "Customer archive"}}: {{.Customer.Name}}</title>
<style>
body{font:15px/1.5 system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.3em .6em;border-bottom:1px solid #eee}
th{color:#555;font-weight:600;white-space:nowrap}
.muted{color:#666;font-size:.9em}
.entry{border-left:4px solid #999;padding:.4em .8em;margin:1em 0;background:#fafafa}
.entry.in{border-color:#2b7de9}.entry.out{border-color:#2a9d55}.entry.call{border-color:#e08a00}
.entry.note{border-color:#9b59b6}.entry.order{border-color:#555}.entry.follow{border-color:#c0392b}
.body{white-space:pre-wrap;overflow-wrap:anywhere;margin:.4em 0}
ul{margin:.2em 0;padding-left:1.2em}
</style>
</head>
<body>
<h1>{{.L "Customer archive"}}: {{.Customer.Name}}</h1>
<p class="muted">{{.L "Exported"}}: {{.Exported}} · {{.L "Every file in this archive is listed with its SHA-256 checksum in manifest.json."}}</p>

<h2>{{.L "Profile"}}</h2>
<table>
<tr><th>{{.L "Name"}}</th><td>{{.Customer.Name}}</td></tr>
<tr><th>{{.L "Emails"}}</th><td>{{join .Customer.Emails}}</td></tr>
<tr><th>{{.L "Phones"}}</th><td>{{join .Phones}}</td></tr>
<tr><th>{{.L "Chat accounts"}}</th><td>{{join .IM}}</td></tr>
<tr><th>{{.L "Address"}}</th><td class="body">{{.Customer.Address}}</td></tr>
<tr><th>{{.L "Language"}}</th><td>{{.Customer.Language}}</td></tr>
<tr><th>{{.L "Birthday"}}</th><td>{{.Customer.Birthday}}</td></tr>
<tr><th>{{.L "Segment"}}</th><td>{{.Customer.Segment}}</td></tr>
<tr><th>{{.L "Tags"}}</th><td>{{join .Customer.Tags}}</td></tr>
<tr><th>{{.L "Notes"}}</th><td class="body">{{.Customer.Notes}}</td></tr>
<tr><th>{{.L "Customer since"}}</th><td>{{when .Customer.Created}}</td></tr>
</table>

<h2>{{.L "Orders"}}</h2>
{{if .Orders}}<table>
<tr><th>{{.L "Order"}}</th><th>{{.L "Platform"}}</th><th>{{.L "Status"}}</th><th>{{.L "Total"}}</th><th>{{.L "Tracking"}}</th><th>{{.L "Placed"}}</th><th>{{.L "Items"}}</th><th>{{.L "After-sales"}}</th></tr>
{{range .Orders}}<tr><td>{{.Number}}</td><td>{{.Platform}}</td><td>{{.Status}}</td><td>{{.TotalText}}</td><td>{{.Carrier}} {{.Tracking}}</td><td>{{.PlacedText}}</td>
<td><ul>{{range .ItemsText}}<li>{{.}}</li>{{end}}</ul></td><td><ul>{{range .CasesText}}<li>{{.}}</li>{{end}}</ul>{{if .Notes}}<div class="body muted">{{.Notes}}</div>{{end}}</td></tr>
{{end}}</table>{{else}}<p class="muted">{{.L "None"}}</p>{{end}}

<h2>{{.L "Timeline"}}</h2>
{{if not .Entries}}<p class="muted">{{.L "None"}}</p>{{end}}
{{range .Entries}}<div class="entry {{.Class}}">
<div class="muted">{{when .At}} · {{.Kind}}</div>
{{if .Title}}<strong>{{.Title}}</strong>{{end}}
{{if .Meta}}<div class="muted">{{range $i, $m := .Meta}}{{if $i}} · {{end}}{{$m}}{{end}}</div>{{end}}
{{if .Body}}<div class="body">{{.Body}}</div>{{end}}
{{if .Links}}<ul>{{range .Links}}<li><a href="{{.Path}}">{{.Name}}</a></li>{{end}}</ul>{{end}}
</div>
{{end}}
{{if .Problems}}<h2>{{.L "Problems"}}</h2><ul>{{range .Problems}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body>
</html>
`))
