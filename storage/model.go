package storage

import "time"

// Segment is where a customer stands with the shop (客户分类).
type Segment string

const (
	SegmentProspect  Segment = "prospect"  // 潜在客户: asked, has not bought
	SegmentNew       Segment = "new"       // 新客户: first order
	SegmentReturning Segment = "returning" // 老客户: bought again
	SegmentVIP       Segment = "vip"       // 重点客户
)

// Segments lists every segment in the order the UI offers them.
var Segments = []Segment{SegmentProspect, SegmentNew, SegmentReturning, SegmentVIP}

// Phone keeps the number as the seller typed it; the normalized form is
// derived (NormalizePhone) and used only for matching.
type Phone struct {
	Number string `json:"number"`
	Label  string `json:"label,omitempty"` // mobile, work, ...
}

// IMHandle is an account on a chat network (WeChat, WhatsApp, Wangwang, ...).
type IMHandle struct {
	Network string `json:"network"`
	Handle  string `json:"handle"`
}

type Customer struct {
	ID       uint64     `json:"id"`
	Name     string     `json:"name"`
	Emails   []string   `json:"emails,omitempty"`
	Phones   []Phone    `json:"phones,omitempty"`
	IM       []IMHandle `json:"im,omitempty"`
	Address  string     `json:"address,omitempty"`
	Language string     `json:"language,omitempty"` // BCP 47: zh-Hans, en, ...
	Birthday string     `json:"birthday,omitempty"` // YYYY-MM-DD or --MM-DD when the year is unknown
	Segment  Segment    `json:"segment"`
	Tags     []string   `json:"tags,omitempty"`
	Notes    string     `json:"notes,omitempty"`
	Created  time.Time  `json:"created"`
	Updated  time.Time  `json:"updated"`
}

type ConversationStatus string

const (
	StatusOpen    ConversationStatus = "open"
	StatusWaiting ConversationStatus = "waiting" // waiting on the customer
	StatusClosed  ConversationStatus = "closed"
)

type Conversation struct {
	ID           uint64             `json:"id"`
	CustomerID   uint64             `json:"customer_id"`
	Account      string             `json:"account,omitempty"`
	Subject      string             `json:"subject"`
	Status       ConversationStatus `json:"status"`
	SnoozedUntil time.Time          `json:"snoozed_until,omitzero"`
	Tags         []string           `json:"tags,omitempty"`
	OrderIDs     []uint64           `json:"order_ids,omitempty"`
	// Snippet is the start of the latest message, for the inbox row.
	Snippet string `json:"snippet,omitempty"`
	// Unread is set by new customer mail and cleared when the seller
	// opens the conversation.
	Unread        bool      `json:"unread,omitempty"`
	FirstInbound  time.Time `json:"first_inbound,omitzero"`
	FirstResponse time.Time `json:"first_response,omitzero"`
	LastInbound   time.Time `json:"last_inbound,omitzero"`
	LastOutbound  time.Time `json:"last_outbound,omitzero"`
	Created       time.Time `json:"created"`
	Updated       time.Time `json:"updated"`
	// Severity marks the conversation as a complaint (with the tag
	// "complaint", or on its own) and chooses the procedure's timers.
	Severity Severity `json:"severity,omitempty"`
	// Closed is when the seller closed the conversation; zero while it is
	// not closed, and for conversations that arrived closed (old history).
	Closed time.Time `json:"closed,omitzero"`
}

// WaitingSince is when the customer started waiting for us: their oldest
// inbound message after our last reply. Zero when nobody waits on us.
func (c *Conversation) WaitingSince() time.Time {
	if c.LastInbound.IsZero() || !c.LastOutbound.Before(c.LastInbound) {
		return time.Time{}
	}
	if c.LastOutbound.IsZero() {
		return c.FirstInbound
	}
	return c.LastInbound
}

type Direction string

const (
	Inbound  Direction = "in"
	Outbound Direction = "out"
)

// Location is where a message currently lives on a server; it is not its
// identity (that is Message-ID plus content hash).
type Location struct {
	Account     string `json:"account"`
	Folder      string `json:"folder"`
	UIDValidity uint32 `json:"uidvalidity"`
	UID         uint32 `json:"uid"`
}

type Address struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email"`
}

type Attachment struct {
	Name string `json:"name"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

type Message struct {
	ID             uint64       `json:"id"`
	ConversationID uint64       `json:"conversation_id"`
	Direction      Direction    `json:"direction"`
	Locations      []Location   `json:"locations,omitempty"`
	MessageID      string       `json:"message_id,omitempty"`
	InReplyTo      string       `json:"in_reply_to,omitempty"`
	References     []string     `json:"references,omitempty"`
	From           Address      `json:"from"`
	To             []Address    `json:"to,omitempty"`
	Cc             []Address    `json:"cc,omitempty"`
	ReplyTo        []Address    `json:"reply_to,omitempty"`
	Date           time.Time    `json:"date"`
	Subject        string       `json:"subject"`
	Text           string       `json:"text"`
	Attachments    []Attachment `json:"attachments,omitempty"`
	Flags          []string     `json:"flags,omitempty"`
	Size           int64        `json:"size"`
	Hash           string       `json:"hash,omitempty"` // hex SHA-256 of the raw bytes
	// ParseError is set when the raw bytes could not be read at all (the
	// message is shown raw); Problems lists what the parser salvaged.
	ParseError string   `json:"parse_error,omitempty"`
	Problems   []string `json:"problems,omitempty"`
}

type Platform string

const (
	PlatformTaobao    Platform = "taobao"
	PlatformTmall     Platform = "tmall"
	PlatformJD        Platform = "jd"
	PlatformPinduoduo Platform = "pinduoduo"
	PlatformDouyin    Platform = "douyin"
	PlatformShopee    Platform = "shopee"
	PlatformAmazon    Platform = "amazon"
	PlatformEbay      Platform = "ebay"
	PlatformShopify   Platform = "shopify"
	PlatformOther     Platform = "other"
)

var Platforms = []Platform{PlatformTaobao, PlatformTmall, PlatformJD, PlatformPinduoduo,
	PlatformDouyin, PlatformShopee, PlatformAmazon, PlatformEbay, PlatformShopify, PlatformOther}

type OrderStatus string

const (
	OrderPendingPayment OrderStatus = "pending_payment"
	OrderPaid           OrderStatus = "paid"
	OrderShipped        OrderStatus = "shipped"
	OrderDelivered      OrderStatus = "delivered"
	OrderCompleted      OrderStatus = "completed"
	OrderCancelled      OrderStatus = "cancelled"
)

var OrderStatuses = []OrderStatus{OrderPendingPayment, OrderPaid, OrderShipped,
	OrderDelivered, OrderCompleted, OrderCancelled}

type OrderItem struct {
	SKU      string `json:"sku,omitempty"`
	Name     string `json:"name"`
	Quantity int    `json:"quantity"`
	Price    Money  `json:"price"`
}

// Money is an amount in the currency's minor unit (fen, cents), so sums are exact.
type Money int64

type CaseKind string

const (
	CaseReturn   CaseKind = "return"
	CaseExchange CaseKind = "exchange"
	CaseRefund   CaseKind = "refund"
	CaseReissue  CaseKind = "reissue"
)

type CaseState string

const (
	CaseRequested CaseState = "requested"
	CaseApproved  CaseState = "approved"
	CaseGoodsBack CaseState = "goods_back"
	CaseRefunded  CaseState = "refunded"
	CaseClosed    CaseState = "closed"
)

// CaseStep records one state an after-sales case went through, for the timeline.
type CaseStep struct {
	State CaseState `json:"state"`
	At    time.Time `json:"at"`
	Note  string    `json:"note,omitempty"`
}

type AfterSalesCase struct {
	Kind   CaseKind   `json:"kind"`
	Reason string     `json:"reason"`
	State  CaseState  `json:"state"`
	Amount Money      `json:"amount,omitempty"`
	Steps  []CaseStep `json:"steps,omitempty"`
	Opened time.Time  `json:"opened"`
	// ReasonText is the buyer's own words beside Reason (one of CaseReasons).
	ReasonText string `json:"reason_text,omitempty"`
}

// StatusChange records an order status the order went through.
type StatusChange struct {
	Status OrderStatus `json:"status"`
	At     time.Time   `json:"at"`
}

type Order struct {
	ID         uint64           `json:"id"`
	CustomerID uint64           `json:"customer_id"`
	Platform   Platform         `json:"platform"`
	Number     string           `json:"number"`
	Items      []OrderItem      `json:"items,omitempty"`
	Total      Money            `json:"total"`
	Currency   string           `json:"currency"`
	Status     OrderStatus      `json:"status"`
	History    []StatusChange   `json:"history,omitempty"`
	Carrier    string           `json:"carrier,omitempty"`
	Tracking   string           `json:"tracking,omitempty"`
	Cases      []AfterSalesCase `json:"cases,omitempty"`
	Notes      string           `json:"notes,omitempty"`
	Placed     time.Time        `json:"placed"`
	Created    time.Time        `json:"created"`
	Updated    time.Time        `json:"updated"`
}

type CallOutcome string

const (
	CallResolved  CallOutcome = "resolved"
	CallFollowUp  CallOutcome = "follow_up"
	CallNoAnswer  CallOutcome = "no_answer"
	CallEscalated CallOutcome = "escalated"
	CallComplaint CallOutcome = "complaint" // starts the complaint procedure
)

type Call struct {
	ID         uint64        `json:"id"`
	CustomerID uint64        `json:"customer_id"`
	Direction  Direction     `json:"direction"`
	Phone      string        `json:"phone"`
	Start      time.Time     `json:"start"`
	Duration   time.Duration `json:"duration"`
	Summary    string        `json:"summary"`
	Outcome    CallOutcome   `json:"outcome"`
	// Follow-up rules (followup_rules.go): the conversation the call was
	// about, the call-back time the seller chose for a follow-up outcome,
	// and a complaint's severity.
	ConversationID uint64    `json:"conversation_id,omitempty"`
	FollowUpDue    time.Time `json:"follow_up_due,omitzero"`
	Severity       Severity  `json:"severity,omitempty"`
}

type FollowUpKind string

const (
	FollowSatisfaction FollowUpKind = "satisfaction"
	FollowComplaint    FollowUpKind = "complaint"
	FollowAfterSales   FollowUpKind = "after_sales"
	FollowPayment      FollowUpKind = "payment"
	FollowCare         FollowUpKind = "care"
	FollowOther        FollowUpKind = "other"
	FollowCallBack     FollowUpKind = "call_back" // a call that was not answered
	FollowEscalate     FollowUpKind = "escalate"  // complaint procedure: tell the owner
	FollowSolution     FollowUpKind = "solution"  // complaint procedure: propose a solution
)

// Severity is a complaint's 危机等级; it chooses the procedure's timers.
type Severity string

const (
	SeverityLow    Severity = "low"
	SeverityMedium Severity = "medium"
	SeverityHigh   Severity = "high"
)

// Severities lists the severities from mild to serious.
var Severities = []Severity{SeverityLow, SeverityMedium, SeverityHigh}

type FollowUp struct {
	ID             uint64       `json:"id"`
	CustomerID     uint64       `json:"customer_id"`
	ConversationID uint64       `json:"conversation_id,omitempty"`
	OrderID        uint64       `json:"order_id,omitempty"`
	Kind           FollowUpKind `json:"kind"`
	Due            time.Time    `json:"due"`
	Done           time.Time    `json:"done,omitzero"`
	Note           string       `json:"note,omitempty"`
	Created        time.Time    `json:"created"`
	// Rule names the automatic schedule that made the follow-up and what
	// for ("sop:conv:12:escalate"), so no rule makes the same one twice.
	Rule string `json:"rule,omitempty"`
	// Rating (1-5; 0 none) and Comment record a satisfaction visit's answer.
	Rating  int    `json:"rating,omitempty"`
	Comment string `json:"comment,omitempty"`
}

// Note is an internal note. It always names its customer so the timeline
// finds it; ConversationID or OrderID narrow what it is about.
type Note struct {
	ID             uint64    `json:"id"`
	CustomerID     uint64    `json:"customer_id"`
	ConversationID uint64    `json:"conversation_id,omitempty"`
	OrderID        uint64    `json:"order_id,omitempty"`
	Text           string    `json:"text"`
	Created        time.Time `json:"created"`
}

type CannedVariant struct {
	Body string `json:"body"`
}

// CannedAttachment is a file sent with a canned reply (a size chart, a
// return label). Its bytes are stored once by content hash (canned_files),
// so database backups carry them.
type CannedAttachment struct {
	Name string `json:"name"` // file name as the customer sees it
	Hash string `json:"hash"` // hex SHA-256 of the bytes
	Type string `json:"type"` // MIME type
	Size int64  `json:"size"` // bytes
}

type CannedReply struct {
	ID          uint64             `json:"id"`
	Category    string             `json:"category"` // "after-sale/logistics": two levels, slash-separated
	Title       string             `json:"title"`
	Shortcut    string             `json:"shortcut,omitempty"`
	Language    string             `json:"language"`
	Variants    []CannedVariant    `json:"variants"`
	Attachments []CannedAttachment `json:"attachments,omitempty"` // files sent with the reply; bytes in the canned_files bucket
	UsageCount  int                `json:"usage_count"`
	LastUsed    time.Time          `json:"last_used,omitzero"`
	// Position orders replies within their category on the management
	// screen (the seller's order; 0 sorts by title).
	Position int `json:"position,omitempty"`
	// Pinned replies are the ones Ctrl+1..9 insert, in Position order.
	Pinned bool `json:"pinned,omitempty"`
}

// WorkingHours are the shop's opening hours in its time zone; response
// clocks only run inside them.
type WorkingHours struct {
	TimeZone string  `json:"time_zone"` // IANA name
	Days     [7]bool `json:"days"`      // indexed by time.Weekday
	Start    string  `json:"start"`     // "09:00"
	End      string  `json:"end"`       // "18:00"
}

type Settings struct {
	ShopName       string        `json:"shop_name"`
	AgentName      string        `json:"agent_name,omitempty"`
	Hours          WorkingHours  `json:"hours"`
	ResponseTarget time.Duration `json:"response_target"`
	VIPThreshold   Money         `json:"vip_threshold"`
	Language       string        `json:"language,omitempty"` // UI language; empty follows the system
	// CannedSeeded records that the default canned replies were added once,
	// so replies the seller deleted do not come back.
	CannedSeeded bool `json:"canned_seeded,omitempty"`
	// Rules are the automatic follow-up schedules (followup_rules.go).
	Rules FollowUpRules `json:"rules"`
	// DormantMonths is how long without a message, call or order makes a
	// customer dormant (沉睡客户); 0 means the default, 6.
	DormantMonths int `json:"dormant_months,omitempty"`
	// Automatic daily backups (backup_auto.go). They are on unless
	// BackupOff; BackupDir empty means "backups" beside the database;
	// BackupKeep 0 means the default, 7.
	BackupOff  bool   `json:"backup_off,omitempty"`
	BackupDir  string `json:"backup_dir,omitempty"`
	BackupKeep int    `json:"backup_keep,omitempty"`
}

// DefaultSettings are what a new shop starts with.
func DefaultSettings() Settings {
	return Settings{
		ShopName: "My Shop",
		Hours: WorkingHours{
			TimeZone: "Local",
			Days:     [7]bool{false, true, true, true, true, true, true},
			Start:    "09:00",
			End:      "18:00",
		},
		ResponseTarget: 10 * time.Minute,
		VIPThreshold:   500000, // 5,000.00 in the shop's currency
		Rules:          DefaultFollowUpRules(),
	}
}
