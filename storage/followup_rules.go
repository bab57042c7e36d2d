package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Automatic follow-ups. Event rules (a conversation closed or marked a
// complaint, an after-sales case opened or closed, a call's outcome) run
// inside the transaction that saves the record, so no trigger is lost to
// a crash. Time rules (payment reminders, birthdays, holidays) run from
// RunTimedRules, at start and hourly. Every rule names the follow-up it
// makes; the name is kept for good in its own bucket, so a rule never
// makes the same follow-up twice, even after the seller deleted it.

var bFollowUpRules = []byte("followup_rules_fired")

// FollowUpRules are the automatic schedules, each switchable in Settings.
// Complaint and after-sales times count working hours.
type FollowUpRules struct {
	// Satisfaction visit (满意度回访) after a conversation or an after-sales
	// case closes: SatisfactionAfter later, moved into working hours.
	Satisfaction      bool          `json:"satisfaction"`
	SatisfactionAfter time.Duration `json:"satisfaction_after"`
	// Complaint procedure (客诉升级 SOP): escalate within the severity's
	// time, a solution and a satisfaction visit within the others.
	Complaint      bool          `json:"complaint"`
	EscalateHigh   time.Duration `json:"escalate_high"`
	EscalateMedium time.Duration `json:"escalate_medium"`
	EscalateLow    time.Duration `json:"escalate_low"`
	Solution       time.Duration `json:"solution"`
	ComplaintVisit time.Duration `json:"complaint_visit"`
	// CallBack is when an unanswered call is tried again.
	CallBack time.Duration `json:"call_back"`
	// Payment reminder (催付) for orders still unpaid PaymentAfter after placing.
	Payment      bool          `json:"payment"`
	PaymentAfter time.Duration `json:"payment_after"`
	// Birthday and holiday care (生日关怀, 节日祝福).
	Birthday bool `json:"birthday"`
	Holidays bool `json:"holidays"`
	// AfterSales keeps a clock on each case until it is decided, with a
	// target per kind (default 48 working hours).
	AfterSales  bool                       `json:"after_sales"`
	CaseTargets map[CaseKind]time.Duration `json:"case_targets,omitempty"`
}

// DefaultFollowUpRules switch every schedule on with the trade's usual times.
func DefaultFollowUpRules() FollowUpRules {
	return FollowUpRules{
		Satisfaction: true, SatisfactionAfter: 24 * time.Hour,
		Complaint: true, EscalateHigh: time.Hour, EscalateMedium: 4 * time.Hour, EscalateLow: 24 * time.Hour,
		Solution: 24 * time.Hour, ComplaintVisit: 72 * time.Hour,
		CallBack: 2 * time.Hour,
		Payment:  true, PaymentAfter: 12 * time.Hour,
		Birthday: true, Holidays: true,
		AfterSales: true,
		CaseTargets: map[CaseKind]time.Duration{
			CaseReturn: 48 * time.Hour, CaseExchange: 48 * time.Hour,
			CaseRefund: 48 * time.Hour, CaseReissue: 48 * time.Hour,
		},
	}
}

// CaseKinds lists the after-sales kinds in the order the UI offers them.
var CaseKinds = []CaseKind{CaseReturn, CaseExchange, CaseRefund, CaseReissue}

// EscalateWithin is the escalation time for a complaint of the severity;
// a complaint without one is treated as high, the procedure's default.
func (r FollowUpRules) EscalateWithin(s Severity) time.Duration {
	switch s {
	case SeverityLow:
		return r.EscalateLow
	case SeverityMedium:
		return r.EscalateMedium
	}
	return r.EscalateHigh
}

// CaseTarget is the working time a case of the kind has to a decision.
func (r FollowUpRules) CaseTarget(k CaseKind) time.Duration {
	if d, ok := r.CaseTargets[k]; ok && d > 0 {
		return d
	}
	return 48 * time.Hour
}

// CaseDue is when an after-sales case must be decided, and whether its
// clock still runs (the case is still only requested).
func CaseDue(s Settings, c AfterSalesCase) (due time.Time, running bool) {
	due = NewWorkClock(s.Hours).Add(c.Opened, s.Rules.CaseTarget(c.Kind))
	return due, c.State == CaseRequested || c.State == ""
}

// NextWorking is t when it falls in working hours, else the next opening.
func (w WorkClock) NextWorking(t time.Time) time.Time {
	if w.always || w.Working(t) {
		return t
	}
	return w.Add(t, time.Nanosecond).Add(-time.Nanosecond)
}

// IsComplaint reports whether the conversation is marked a complaint.
func (c *Conversation) IsComplaint() bool {
	return c.Severity != "" || slices.ContainsFunc(c.Tags, isComplaintTag)
}

func isComplaintTag(t string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	return t == "complaint" || t == "投诉"
}

// ruleEnv is what the rules read once per transaction.
type ruleEnv struct {
	rules FollowUpRules
	clock WorkClock
	now   time.Time
}

func (tx *Tx) ruleEnv() (ruleEnv, error) {
	s, err := tx.Settings()
	if err != nil {
		return ruleEnv{}, err
	}
	return ruleEnv{rules: s.Rules, clock: NewWorkClock(s.Hours), now: tx.now()}, nil
}

// addRuleFollowUp saves f unless its rule already fired; it reports
// whether it saved one.
func (tx *Tx) addRuleFollowUp(f FollowUp) (bool, error) {
	b := tx.btx.Bucket(bFollowUpRules)
	if b.Get([]byte(f.Rule)) != nil {
		return false, nil
	}
	if err := tx.SaveFollowUp(&f); err != nil {
		return false, fmt.Errorf("follow-up %s: %w", f.Rule, err)
	}
	if err := b.Put([]byte(f.Rule), u64(f.ID)); err != nil {
		return false, fmt.Errorf("remember rule %s: %w", f.Rule, err)
	}
	return true, nil
}

// FollowUpByRule finds the follow-up a rule made; ErrNotFound when the
// rule has not fired or its follow-up was deleted.
func (tx *Tx) FollowUpByRule(rule string) (FollowUp, error) {
	v := tx.btx.Bucket(bFollowUpRules).Get([]byte(rule))
	if len(v) != 8 {
		return FollowUp{}, fmt.Errorf("follow-up of rule %s: %w", rule, ErrNotFound)
	}
	return tx.FollowUp(binary.BigEndian.Uint64(v))
}

// finishRuleFollowUp marks the rule's follow-up done when it is open:
// the thing it waited for happened (an order paid, a case decided).
func (tx *Tx) finishRuleFollowUp(rule string) error {
	f, err := tx.FollowUpByRule(rule)
	if isNotFound(err) || (err == nil && !f.Done.IsZero()) {
		return nil
	}
	if err != nil {
		return err
	}
	f.Done = tx.now()
	return tx.SaveFollowUp(&f)
}

// startComplaint schedules the complaint procedure's three steps from now.
// src names what the complaint came from ("conv:12", "call:7").
func (tx *Tx) startComplaint(env ruleEnv, src string, customerID, convID uint64, sev Severity, note string) error {
	if !env.rules.Complaint {
		return nil
	}
	steps := []struct {
		kind FollowUpKind
		step string
		d    time.Duration
	}{
		{FollowEscalate, "escalate", env.rules.EscalateWithin(sev)},
		{FollowSolution, "solution", env.rules.Solution},
		{FollowSatisfaction, "visit", env.rules.ComplaintVisit},
	}
	for _, s := range steps {
		_, err := tx.addRuleFollowUp(FollowUp{CustomerID: customerID, ConversationID: convID, Kind: s.kind,
			Due: env.clock.Add(env.now, s.d), Note: note, Rule: "sop:" + src + ":" + s.step})
		if err != nil {
			return err
		}
	}
	return nil
}

// ComplaintSteps returns the complaint procedure's follow-ups for a
// conversation, in procedure order (missing steps left out).
func (tx *Tx) ComplaintSteps(convID uint64) ([]FollowUp, error) {
	var out []FollowUp
	for _, step := range []string{"escalate", "solution", "visit"} {
		f, err := tx.FollowUpByRule(fmt.Sprintf("sop:conv:%d:%s", convID, step))
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// conversationRules runs when a conversation is saved: closing it plans a
// satisfaction visit, marking it a complaint starts the procedure.
func conversationRules(tx *Tx, old, c *Conversation) error {
	wasComplaint := old != nil && old.IsComplaint()
	closed := !tx.past && old != nil && old.Status != StatusClosed && c.Status == StatusClosed
	if !closed && (wasComplaint || !c.IsComplaint()) {
		return nil // the common case: no rule applies, no settings read
	}
	env, err := tx.ruleEnv()
	if err != nil {
		return err
	}
	// A complaint marked on a closed conversation is settled: no procedure.
	if !wasComplaint && c.IsComplaint() && c.Status != StatusClosed {
		if err := tx.startComplaint(env, fmt.Sprintf("conv:%d", c.ID), c.CustomerID, c.ID, c.Severity, c.Subject); err != nil {
			return err
		}
	}
	// A complaint has its own visit in the procedure.
	if closed && env.rules.Satisfaction && !c.IsComplaint() {
		_, err := tx.addRuleFollowUp(FollowUp{CustomerID: c.CustomerID, ConversationID: c.ID, Kind: FollowSatisfaction,
			Due: env.clock.NextWorking(env.now.Add(env.rules.SatisfactionAfter)), Note: c.Subject,
			Rule: fmt.Sprintf("sat:conv:%d", c.ID)})
		return err
	}
	return nil
}

// orderRules runs when an order is saved: a new after-sales case starts
// its decision clock, a decided one stops it, a closed one plans a
// satisfaction visit; payment ends the payment reminder.
func orderRules(tx *Tx, old, o *Order) error {
	if old == nil && len(o.Cases) == 0 {
		return nil
	}
	env, err := tx.ruleEnv()
	if err != nil {
		return err
	}
	if old != nil && old.Status == OrderPendingPayment && o.Status != OrderPendingPayment {
		if err := tx.finishRuleFollowUp(fmt.Sprintf("pay:order:%d", o.ID)); err != nil {
			return err
		}
	}
	for i, c := range o.Cases {
		var was CaseState
		existed := old != nil && i < len(old.Cases)
		if existed {
			was = old.Cases[i].State
		}
		clock := fmt.Sprintf("case:order:%d:%d", o.ID, i)
		if was == "" && c.State == CaseRequested && env.rules.AfterSales {
			due := env.clock.Add(c.Opened, env.rules.CaseTarget(c.Kind))
			if _, err := tx.addRuleFollowUp(FollowUp{CustomerID: o.CustomerID, OrderID: o.ID, Kind: FollowAfterSales,
				Due: due, Note: o.Number, Rule: clock}); err != nil {
				return err
			}
		}
		if c.State != CaseRequested && c.State != "" {
			if err := tx.finishRuleFollowUp(clock); err != nil {
				return err
			}
		}
		// Only a case seen closing asks for a visit: an imported order's
		// old closed cases do not.
		if !tx.past && existed && c.State == CaseClosed && was != CaseClosed && env.rules.Satisfaction {
			if _, err := tx.addRuleFollowUp(FollowUp{CustomerID: o.CustomerID, OrderID: o.ID, Kind: FollowSatisfaction,
				Due:  env.clock.NextWorking(env.now.Add(env.rules.SatisfactionAfter)),
				Note: o.Number, Rule: fmt.Sprintf("sat:order:%d:%d", o.ID, i)}); err != nil {
				return err
			}
		}
	}
	return nil
}

// callRules runs when a call is first logged: its outcome may need a
// call-back, a follow-up on the chosen date, or the complaint procedure.
func callRules(tx *Tx, old, c *Call) error {
	if old != nil || tx.past { // a past call's follow-up was planned back then
		return nil
	}
	switch c.Outcome {
	case CallNoAnswer, CallFollowUp, CallComplaint:
	default:
		return nil
	}
	env, err := tx.ruleEnv()
	if err != nil {
		return err
	}
	end := c.Start.Add(c.Duration)
	rule := fmt.Sprintf("call:%d", c.ID)
	switch c.Outcome {
	case CallNoAnswer:
		_, err = tx.addRuleFollowUp(FollowUp{CustomerID: c.CustomerID, ConversationID: c.ConversationID, Kind: FollowCallBack,
			Due: env.clock.Add(end, env.rules.CallBack), Note: c.Summary, Rule: rule + ":callback"})
	case CallFollowUp:
		due := c.FollowUpDue
		if due.IsZero() {
			due = env.clock.NextWorking(end.Add(24 * time.Hour))
		}
		_, err = tx.addRuleFollowUp(FollowUp{CustomerID: c.CustomerID, ConversationID: c.ConversationID, Kind: FollowOther,
			Due: due, Note: c.Summary, Rule: rule + ":followup"})
	case CallComplaint:
		// The procedure counts from when the call ended, not from when it was typed in.
		env.now = end
		src := rule
		if c.ConversationID != 0 {
			src = fmt.Sprintf("conv:%d", c.ConversationID)
		}
		err = tx.startComplaint(env, src, c.CustomerID, c.ConversationID, c.Severity, c.Summary)
	}
	return err
}

// CompleteFollowUp marks a follow-up done with the customer's rating
// (1-5, 0 for none) and a comment. A dissatisfied rating (1 or 2) starts
// the complaint procedure.
func (tx *Tx) CompleteFollowUp(id uint64, rating int, comment string) (FollowUp, error) {
	if rating < 0 || rating > 5 {
		return FollowUp{}, fmt.Errorf("rating %d: %w", rating, ErrBadRating)
	}
	f, err := tx.FollowUp(id)
	if err != nil {
		return f, err
	}
	f.Done = tx.now()
	if rating > 0 {
		f.Rating = rating
	}
	if comment = strings.TrimSpace(comment); comment != "" {
		f.Comment = comment
	}
	if err := tx.SaveFollowUp(&f); err != nil {
		return f, err
	}
	if f.Rating > 0 && f.Rating <= DissatisfiedAtMost {
		env, err := tx.ruleEnv()
		if err != nil {
			return f, err
		}
		note := f.Comment
		if note == "" {
			note = f.Note
		}
		src := fmt.Sprintf("rating:%d", f.ID)
		if err := tx.startComplaint(env, src, f.CustomerID, f.ConversationID, SeverityMedium, note); err != nil {
			return f, err
		}
	}
	return f, nil
}

// DissatisfiedAtMost is the highest rating that counts as dissatisfied.
const DissatisfiedAtMost = 2

// ErrBadRating is returned for a rating outside 1-5.
var ErrBadRating = errors.New("a rating is a whole number from 1 to 5")

// RunTimedRules plans the follow-ups that come with time rather than with
// an event: payment reminders, birthdays and holidays. It is idempotent:
// run it at start and hourly. It returns how many follow-ups it made.
//
// Reading every order and customer happens in a read transaction; only
// the follow-ups still to make are written, in a short write transaction,
// so an hourly run never holds up sync or the desk's saves.
func (s *Store) RunTimedRules() (int, error) {
	var due []FollowUp
	if err := s.View(func(tx *Tx) error {
		var err error
		due, err = tx.timedFollowUps()
		return err
	}); err != nil {
		return 0, err
	}
	if len(due) == 0 {
		return 0, nil
	}
	n := 0
	err := s.Update(func(tx *Tx) error {
		n = 0
		for _, f := range due {
			// The rule may have fired since the read: addRuleFollowUp skips it.
			ok, err := tx.addRuleFollowUp(f)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return nil
	})
	return n, err
}

// timedBatch bounds how many records one read of a table holds.
const timedBatch = 1000

// timedFollowUps lists the follow-ups the time-based rules call for
// that no rule has made yet.
func (tx *Tx) timedFollowUps() ([]FollowUp, error) {
	env, err := tx.ruleEnv()
	if err != nil {
		return nil, err
	}
	var made []FollowUp
	fired := tx.btx.Bucket(bFollowUpRules)
	add := func(f FollowUp) {
		if fired.Get([]byte(f.Rule)) == nil {
			made = append(made, f)
		}
	}
	if env.rules.Payment || env.rules.AfterSales {
		for after := uint64(0); ; {
			os, err := orders.page(tx, after, timedBatch)
			if err != nil {
				return nil, err
			}
			for _, o := range os {
				after = o.ID
				// Cases opened while the clock was off, or before it existed, get theirs.
				for i, c := range o.Cases {
					if !env.rules.AfterSales || c.State != CaseRequested {
						continue
					}
					add(FollowUp{CustomerID: o.CustomerID, OrderID: o.ID, Kind: FollowAfterSales,
						Due: env.clock.Add(c.Opened, env.rules.CaseTarget(c.Kind)), Note: o.Number,
						Rule: fmt.Sprintf("case:order:%d:%d", o.ID, i)})
				}
				if !env.rules.Payment || o.Status != OrderPendingPayment || o.Placed.Add(env.rules.PaymentAfter).After(env.now) {
					continue
				}
				add(FollowUp{CustomerID: o.CustomerID, OrderID: o.ID, Kind: FollowPayment,
					Due: env.clock.NextWorking(o.Placed.Add(env.rules.PaymentAfter)), Note: o.Number,
					Rule: fmt.Sprintf("pay:order:%d", o.ID)})
			}
			if len(os) < timedBatch {
				break
			}
		}
	}
	if !env.rules.Birthday && !env.rules.Holidays {
		return made, nil
	}
	loc := env.clock.loc
	today := midnight(env.now.In(loc), loc)
	until := today.Add(careLookahead)
	opening := func(day time.Time) time.Time {
		if env.clock.always {
			return at(day, 9*60, loc)
		}
		return at(day, env.clock.start, loc)
	}
	var holidays []Holiday
	if env.rules.Holidays {
		for _, y := range []int{today.Year(), today.Year() + 1} {
			for _, h := range Holidays(y) {
				day := time.Date(h.Date.Year(), h.Date.Month(), h.Date.Day(), 0, 0, 0, 0, loc)
				if !day.Before(today) && day.Before(until) {
					h.Date = day
					holidays = append(holidays, h)
				}
			}
		}
	}
	for after := uint64(0); ; {
		cs, err := customers.page(tx, after, timedBatch)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			after = c.ID
			if env.rules.Birthday && c.Birthday != "" {
				if day, ok := birthdayIn(c.Birthday, env.now, until, loc); ok {
					add(FollowUp{CustomerID: c.ID, Kind: FollowCare, Due: opening(day),
						Rule: fmt.Sprintf("care:birthday:%d:%d", day.Year(), c.ID)})
				}
			}
			// Holiday greetings go to the customers the shop keeps: regulars and VIPs.
			if len(holidays) == 0 || (c.Segment != SegmentReturning && c.Segment != SegmentVIP) {
				continue
			}
			zh := prefersChinese(&c)
			for _, h := range holidays {
				if h.Chinese != zh {
					continue
				}
				add(FollowUp{CustomerID: c.ID, Kind: FollowCare, Due: opening(h.Date),
					Rule: fmt.Sprintf("care:holiday:%s:%d:%d", h.Key, h.Date.Year(), c.ID)})
			}
		}
		if len(cs) < timedBatch {
			break
		}
	}
	return made, nil
}

// CareOccasion names what a care follow-up is for, from its rule:
// "birthday" or a holiday key; empty for other follow-ups.
func CareOccasion(f FollowUp) string {
	rest, ok := strings.CutPrefix(f.Rule, "care:")
	if !ok {
		return ""
	}
	kind, rest, _ := strings.Cut(rest, ":")
	if kind == "birthday" {
		return "birthday"
	}
	key, _, _ := strings.Cut(rest, ":")
	return key
}
