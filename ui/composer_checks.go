package ui

import (
	"regexp"
	"strings"
	"unicode"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"github.com/shopdesk/shopdesk/mailbox/outbox"
	"github.com/shopdesk/shopdesk/storage"
)

// Pre-send warnings. An unfilled placeholder blocks sending (sendNow);
// what is checked here only warns: the seller may know better, so a
// dialog lists the doubts and offers "Send anyway" or "Go back".

// sendContext is what the warnings compare the reply with, read from the
// store. Numbers are kept normalized (normalizeOrderNumber).
type sendContext struct {
	customerID uint64          // 0: no customer, no order-number check
	language   string          // the customer's language (BCP 47), "" unknown
	own        map[string]bool // this customer's order and tracking numbers
	others     map[string]string
	// others maps an order number of another customer to that
	// customer's name ("" when the customer has none).
	tracking map[string]bool // tracking numbers known anywhere in the store
}

// orderNumberKind says how a token looks.
type orderNumberKind int

const (
	notOrderNumber   orderNumberKind = iota
	maybeOrderNumber                 // any code: an order number only if the store knows it
	likeOrderNumber                  // shaped like a platform's order number
)

var (
	reAmazonOrder  = regexp.MustCompile(`^\d{3}-\d{7}-\d{7}$`)
	reShopifyOrder = regexp.MustCompile(`^#\d{3,8}$`)
	reTaobaoOrder  = regexp.MustCompile(`^\d{15,20}$`)
	reShopeeOrder  = regexp.MustCompile(`^\d{6}[0-9A-Z]{8,9}$`)
	reAttached     = regexp.MustCompile(`(?i)\b(attached|attachments?|attaching)\b|附件|附上`)
)

// classifyOrderNumber says whether a token may be an order number:
// Taobao/Tmall (15-20 digits), Amazon (3-7-7), Shopee (14-15 capitals
// and digits, opening with the date) or Shopify ("#1234").
func classifyOrderNumber(tok string) orderNumberKind {
	switch {
	case reAmazonOrder.MatchString(tok), reShopifyOrder.MatchString(tok), reTaobaoOrder.MatchString(tok):
		return likeOrderNumber
	case reShopeeOrder.MatchString(tok) && strings.ContainsFunc(tok, unicode.IsLetter):
		return likeOrderNumber
	case len(tok) >= 6 && strings.ContainsFunc(tok, unicode.IsDigit) && !strings.HasPrefix(tok, "#"):
		return maybeOrderNumber
	}
	return notOrderNumber
}

// orderNumberCandidates lists the tokens of a text that may be order
// numbers: runs of ASCII letters, digits, "#" and "-".
func orderNumberCandidates(text string) []string {
	isPart := func(r rune) bool {
		return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '#' || r == '-')
	}
	var out []string
	for _, tok := range strings.FieldsFunc(text, func(r rune) bool { return !isPart(r) }) {
		tok = strings.Trim(tok, "-")
		if classifyOrderNumber(tok) != notOrderNumber {
			out = append(out, tok)
		}
	}
	return out
}

// normalizeOrderNumber folds case, spaces and Shopify's "#", as the
// store's index folds case and spaces.
func normalizeOrderNumber(s string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.Join(strings.Fields(s), "")), "#")
}

// ownText is the part of a reply the seller wrote: above the signature,
// the quoted original and a forwarded message.
func ownText(body string) string {
	lines := strings.Split(normalizeNewlines(body), "\n")
	for i, line := range lines {
		if line == "-- " || strings.HasPrefix(line, ">") || strings.HasPrefix(line, "----------") {
			// "On ..., X wrote:" belongs to the quote under it.
			if i > 0 && strings.HasPrefix(line, ">") && strings.HasSuffix(strings.TrimSpace(lines[i-1]), ":") {
				i--
			}
			return strings.Join(lines[:i], "\n")
		}
	}
	return body
}

// baseLanguage is "zh" or "en" for the languages the language check knows, else "".
func baseLanguage(l string) string {
	b, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(l)), "-")
	if b == "zh" || b == "en" {
		return b
	}
	return ""
}

// textLanguage guesses "zh" or "en" by the share of Han characters among
// the letters; "" when the text is too short or mixed.
func textLanguage(text string) string {
	letters, han := 0, 0
	for _, r := range rePlaceholder.ReplaceAllString(text, "") {
		switch {
		case unicode.Is(unicode.Han, r):
			han++
			letters++
		case unicode.IsLetter(r):
			letters++
		}
	}
	if letters < 8 && han < 3 {
		return ""
	}
	switch share := float64(han) / float64(letters); {
	case share >= 0.3:
		return "zh"
	case share < 0.1:
		return "en"
	}
	return ""
}

// sendWarnings lists what looks wrong in a reply about to go, in the
// seller's language; none when all is well.
func sendWarnings(body string, attached int, sc sendContext) []string {
	own := ownText(body)
	var out []string
	if sc.customerID != 0 {
		seen := map[string]bool{}
		for _, tok := range orderNumberCandidates(own) {
			n := normalizeOrderNumber(tok)
			if seen[n] || sc.own[n] || sc.tracking[n] {
				continue
			}
			seen[n] = true
			name, other := sc.others[n]
			switch {
			case other && name != "":
				out = append(out, lang.L("Order {{.Number}} belongs to another customer, {{.Name}}, not to this one.", map[string]any{"Number": tok, "Name": name}))
			case other:
				out = append(out, lang.L("Order {{.Number}} belongs to another customer, not to this one.", map[string]any{"Number": tok}))
			case classifyOrderNumber(tok) == likeOrderNumber:
				out = append(out, lang.L("{{.Number}} looks like an order number, but it is not one of this customer's orders.", map[string]any{"Number": tok}))
			}
		}
	}
	if attached == 0 && reAttached.MatchString(own) {
		out = append(out, lang.L("The reply mentions an attachment, but nothing is attached."))
	}
	if want := baseLanguage(sc.language); want != "" {
		switch got := textLanguage(own); {
		case got == "en" && want == "zh":
			out = append(out, lang.L("The reply is written in English, but this customer writes Chinese."))
		case got == "zh" && want == "en":
			out = append(out, lang.L("The reply is written in Chinese, but this customer writes English."))
		}
	}
	return out
}

// loadSendContext reads the conversation's customer, their orders, and
// what the store knows of the numbers the reply names.
func loadSendContext(tx *storage.Tx, convID uint64, body string) (sendContext, error) {
	sc := sendContext{own: map[string]bool{}, others: map[string]string{}, tracking: map[string]bool{}}
	if convID == 0 {
		return sc, nil
	}
	conv, err := tx.Conversation(convID)
	if err != nil {
		return sc, err
	}
	sc.customerID = conv.CustomerID
	if cust, err := tx.Customer(conv.CustomerID); err == nil {
		sc.language = cust.Language
	}
	orders, err := tx.OrdersOf(conv.CustomerID)
	if err != nil {
		return sc, err
	}
	for _, o := range orders {
		for _, n := range []string{o.Number, o.Tracking} {
			if n != "" {
				sc.own[normalizeOrderNumber(n)] = true
			}
		}
	}
	for _, tok := range orderNumberCandidates(ownText(body)) {
		n := normalizeOrderNumber(tok)
		if sc.own[n] {
			continue
		}
		for _, q := range []string{tok, n} {
			found, err := tx.OrdersByNumber(q)
			if err != nil {
				return sc, err
			}
			for _, o := range found {
				if o.CustomerID != conv.CustomerID {
					other, _ := tx.Customer(o.CustomerID)
					sc.others[n] = oneLine(other.Name)
				}
			}
			if tr, err := tx.OrdersByTracking(q); err == nil && len(tr) > 0 {
				sc.tracking[n] = true
			}
		}
	}
	return sc, nil
}

// checkThenQueue reads what the warnings need off the main goroutine,
// then queues the reply, or asks first when something looks wrong. The
// fields stay locked meanwhile, so the reply checked is the reply sent.
func (c *composer) checkThenQueue(req outbox.QueueRequest) {
	c.setBusy(true)
	attached := len(c.attach.paths)
	convID := c.convID
	c.writes.Add(1)
	go func() {
		defer c.writes.Done()
		var sc sendContext
		err := c.d.store.View(func(tx *storage.Tx) error {
			var err error
			sc, err = loadSendContext(tx, convID, req.Text)
			return err
		})
		if err != nil { // the checks only warn: a failed read must not stop the reply
			c.log.WithError(err).Warn("Read what the pre-send checks need")
		}
		warnings := sendWarnings(req.Text, attached, sc)
		c.d.do(func() {
			if c.closed {
				c.setBusy(false)
				return
			}
			if len(warnings) == 0 {
				c.enqueue(req)
				return
			}
			c.setBusy(false)
			c.confirmWarnings(warnings, func() { c.enqueue(req) })
		})
	}()
}

// confirmWarnings lists the warnings and sends only on "Send anyway".
func (c *composer) confirmWarnings(warnings []string, send func()) {
	msg := lang.L("Please check before sending:") + "\n\n• " + strings.Join(warnings, "\n• ")
	d := dialog.NewConfirm(lang.L("Send this reply?"), msg, func(ok bool) {
		if ok && !c.busy && !c.finished {
			send()
		}
	}, c.win)
	d.SetConfirmText(lang.L("Send anyway"))
	d.SetDismissText(lang.L("Go back"))
	d.Show()
}
