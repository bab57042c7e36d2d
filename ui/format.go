package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

// formatMoney renders an amount in minor units with its currency, e.g.
// 12850 CNY as "¥128.50"; canned replies use the same words.
func formatMoney(m storage.Money, currency string) string { return canned.FormatMoney(m, currency) }

func groupThousands(digits string) string { return canned.GroupThousands(digits) }

// formatDuration gives a short, translated span such as "2 h 5 min":
// sellers care about minutes for a fresh message and days for an old one.
func formatDuration(d time.Duration) string {
	if d < time.Minute {
		return lang.L("less than a minute")
	}
	mins := int(d / time.Minute)
	h, m := mins/60, mins%60
	day, hr := h/24, h%24
	switch {
	case h == 0:
		return lang.L("{{.M}} min", map[string]any{"M": m})
	case day == 0 && m == 0:
		return lang.L("{{.H}} h", map[string]any{"H": h})
	case day == 0:
		return lang.L("{{.H}} h {{.M}} min", map[string]any{"H": h, "M": m})
	case hr == 0:
		return lang.L("{{.D}} d", map[string]any{"D": day})
	default:
		return lang.L("{{.D}} d {{.H}} h", map[string]any{"D": day, "H": hr})
	}
}

// formatDate shows a date and time in the UI language's usual layout.
func formatDate(t time.Time) string {
	// The key is Go's layout; each translation is the layout for its language.
	return t.Local().Format(lang.L("2 Jan 2006 15:04"))
}

func segmentName(s storage.Segment) string {
	switch s {
	case storage.SegmentProspect:
		return lang.L("Prospect")
	case storage.SegmentNew:
		return lang.L("New customer")
	case storage.SegmentReturning:
		return lang.L("Returning customer")
	case storage.SegmentVIP:
		return lang.L("Key customer")
	}
	return string(s)
}

func platformName(p storage.Platform) string {
	switch p {
	case storage.PlatformTaobao:
		return lang.L("Taobao")
	case storage.PlatformTmall:
		return lang.L("Tmall")
	case storage.PlatformJD:
		return lang.L("JD.com")
	case storage.PlatformPinduoduo:
		return lang.L("Pinduoduo")
	case storage.PlatformDouyin:
		return lang.L("Douyin Shop")
	case storage.PlatformShopee:
		return lang.L("Shopee")
	case storage.PlatformAmazon:
		return lang.L("Amazon")
	case storage.PlatformEbay:
		return lang.L("eBay")
	case storage.PlatformShopify:
		return lang.L("Shopify")
	case storage.PlatformOther:
		return lang.L("Other platform")
	}
	return string(p)
}

func orderStatusName(s storage.OrderStatus) string {
	switch s {
	case storage.OrderPendingPayment:
		return lang.L("Awaiting payment")
	case storage.OrderPaid:
		return lang.L("Paid, to ship")
	case storage.OrderShipped:
		return lang.L("Shipped")
	case storage.OrderDelivered:
		return lang.L("Delivered")
	case storage.OrderCompleted:
		return lang.L("Completed")
	case storage.OrderCancelled:
		return lang.L("Cancelled")
	}
	return string(s)
}

func conversationStatusName(s storage.ConversationStatus) string {
	switch s {
	case storage.StatusOpen:
		return lang.L("Waiting for us")
	case storage.StatusWaiting:
		return lang.L("Waiting for customer")
	case storage.StatusClosed:
		return lang.L("Closed")
	}
	return string(s)
}

func followUpKindName(k storage.FollowUpKind) string {
	switch k {
	case storage.FollowSatisfaction:
		return lang.L("Satisfaction call-back")
	case storage.FollowComplaint:
		return lang.L("Complaint")
	case storage.FollowAfterSales:
		return lang.L("After-sales")
	case storage.FollowPayment:
		return lang.L("Payment reminder")
	case storage.FollowCare:
		return lang.L("Customer care")
	case storage.FollowOther:
		return lang.L("Other follow-up")
	case storage.FollowCallBack:
		return lang.L("Call back")
	case storage.FollowEscalate:
		return lang.L("Escalate")
	case storage.FollowSolution:
		return lang.L("Propose a solution")
	}
	return string(k)
}

// oneLine folds customer text onto one line for list previews.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// customerName is what a row shows for a customer: their name, else their
// first email or phone, else a placeholder.
func customerName(c storage.Customer) string {
	switch {
	case strings.TrimSpace(c.Name) != "":
		return oneLine(c.Name)
	case len(c.Emails) > 0:
		return c.Emails[0]
	case len(c.Phones) > 0:
		return c.Phones[0].Number
	}
	return lang.L("Unknown customer")
}
