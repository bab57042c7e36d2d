package ui

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/shopdesk/shopdesk/storage"
)

func TestCallDialogLogsCallAndFollowUps(t *testing.T) {
	var wang storage.Customer
	h := newHarness(t, func(tx *storage.Tx) error {
		wang = storage.Customer{Name: "王芳", Phones: []storage.Phone{{Number: "+86 138 0013 8000"}}}
		if err := tx.SaveCustomer(&wang); err != nil {
			return err
		}
		return tx.SaveCustomer(&storage.Customer{Name: "Wang Lei", Emails: []string{"lei@example.com"}})
	})
	local := clock.In(time.Local)
	tests := []struct {
		name    string
		find    string
		pick    string // the option to choose; empty keeps the first
		length  string
		outcome storage.CallOutcome
		fill    func(c *callDialog)
		check   func(t *testing.T, tx *storage.Tx, call storage.Call, fs []storage.FollowUp)
	}{
		{
			name: "number written another way finds the customer; no answer calls back in 2 working hours",
			find: "0086-138-0013-8000", length: "1:30", outcome: storage.CallNoAnswer,
			check: func(t *testing.T, tx *storage.Tx, call storage.Call, fs []storage.FollowUp) {
				if call.CustomerID != wang.ID || call.Phone != "0086-138-0013-8000" || call.Duration != 90*time.Second || !call.Start.Equal(local) {
					t.Errorf("call %+v", call)
				}
				want := local.Add(90 * time.Second).Add(2 * time.Hour)
				if len(fs) != 1 || fs[0].Kind != storage.FollowCallBack || !fs[0].Due.Equal(want) || fs[0].CustomerID != wang.ID {
					t.Errorf("follow-ups %+v, want a call-back due %v", fs, want)
				}
			},
		},
		{
			name: "follow-up on the chosen date", find: "13800138000", length: "5m", outcome: storage.CallFollowUp,
			fill: func(c *callDialog) { c.due.SetText("2030-01-02 08:30") },
			check: func(t *testing.T, tx *storage.Tx, call storage.Call, fs []storage.FollowUp) {
				want := time.Date(2030, 1, 2, 8, 30, 0, 0, time.Local)
				if len(fs) != 1 || fs[0].Kind != storage.FollowOther || !fs[0].Due.Equal(want) || fs[0].Note != call.Summary {
					t.Errorf("follow-ups %+v, want one due %v", fs, want)
				}
			},
		},
		{
			name: "a new caller by name, with a complaint of high severity", find: "赵敏", pick: "New customer: 赵敏",
			length: "90s", outcome: storage.CallComplaint,
			fill: func(c *callDialog) {
				c.phone.SetText("139 1234 5678")
				c.severity.SetSelected("High")
			},
			check: func(t *testing.T, tx *storage.Tx, call storage.Call, fs []storage.FollowUp) {
				cust, err := tx.Customer(call.CustomerID)
				if err != nil || cust.Name != "赵敏" || len(cust.Phones) != 1 || cust.Phones[0].Number != "139 1234 5678" {
					t.Errorf("new customer %+v (%v)", cust, err)
				}
				if call.Severity != storage.SeverityHigh || len(fs) != 3 || fs[0].Kind != storage.FollowEscalate ||
					!fs[0].Due.Equal(local.Add(90*time.Second).Add(time.Hour)) {
					t.Errorf("complaint call %+v made %+v", call, fs)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := h.t
			h.t = t // waitFor fails this case, not the whole test
			defer func() { h.t = parent }()
			c := h.desk.logCall()
			c.find.SetText(tt.find)
			h.waitFor("the search", func() bool {
				return len(c.matches.Options) > 0 && strings.Contains(strings.Join(c.matches.Options, "|"), tt.find[:1])
			})
			if tt.pick != "" {
				c.matches.SetSelected(tt.pick)
			} else if c.chosen.ID != wang.ID {
				t.Fatalf("offered %q, chose %+v; want 王芳 first", c.matches.Options, c.chosen)
			}
			c.duration.SetText(tt.length)
			c.summary.SetText("问物流 " + tt.name)
			c.outcome.SetSelectedIndex(indexOutcome(tt.outcome))
			if tt.fill != nil {
				tt.fill(c)
			}
			saved := false
			c.onSaved = func() { saved = true }
			test.Tap(c.saveBtn)
			h.waitFor("the call saved", func() bool { return saved || c.problem.Visible() })
			if c.problem.Visible() {
				t.Fatalf("refused: %s", c.problem.Text)
			}
			err := h.store.View(func(tx *storage.Tx) error {
				calls, err := tx.Calls(0, 0)
				if err != nil {
					return err
				}
				call := calls[len(calls)-1]
				fs, err := tx.FollowUpsOf(call.CustomerID)
				var mine []storage.FollowUp
				for _, f := range fs {
					if strings.Contains(f.Rule, ":"+strconv.FormatUint(call.ID, 10)+":") {
						mine = append(mine, f)
					}
				}
				tt.check(t, tx, call, mine)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCallDialogRefusesBadInput(t *testing.T) {
	h := newHarness(t, nil)
	c := h.desk.logCall()
	test.Tap(c.saveBtn)
	if !c.problem.Visible() || !strings.Contains(c.problem.Text, "number or name") {
		t.Errorf("no caller: %q", c.problem.Text)
	}
	c.find.SetText("Ann")
	h.waitFor("the new-customer choice", func() bool { return len(c.matches.Options) == 1 })
	c.summary.SetText("x")
	c.duration.SetText("five minutes")
	test.Tap(c.saveBtn)
	if !strings.Contains(c.problem.Text, "length") {
		t.Errorf("bad length: %q", c.problem.Text)
	}
	// The timer writes the length when stopped.
	test.Tap(c.timerBtn)
	if c.duration.Text != "0:00" || c.timerBtn.Text != "Stop timer" {
		t.Errorf("timer started: %q %q", c.duration.Text, c.timerBtn.Text)
	}
	test.Tap(c.timerBtn)
	if c.timerBtn.Text != "Start timer" {
		t.Errorf("timer stopped: %q", c.timerBtn.Text)
	}
	c.dlg.Hide()
	h.update(func(tx *storage.Tx) error {
		if n := tx.CountCustomers(); n != 0 {
			t.Errorf("refused input stored %d customers", n)
		}
		return nil
	})
}

func indexOutcome(o storage.CallOutcome) int {
	for i, x := range storage.CallOutcomes {
		if x == o {
			return i
		}
	}
	return -1
}
