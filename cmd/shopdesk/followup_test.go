package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

func TestCallLogAndFollowUps(t *testing.T) {
	dir := t.TempDir()
	mustOut(t, dir, "customer", "add", "--name", "林小雨", "--email", "lin@qq.example", "--phone", "+86 138 0013 8000")

	// The number written another way finds the customer; no answer schedules a call-back.
	var logged callLogged
	out := mustOut(t, dir, "call", "log", "--customer", "0086-138-0013-8000", "--direction", "out",
		"--duration", "1:30", "--summary", "问物流", "--outcome", "no_answer", "--json")
	if err := json.Unmarshal([]byte(out), &logged); err != nil {
		t.Fatalf("call log printed %q: %v", out, err)
	}
	if logged.Call.CustomerID != 1 || logged.Call.Duration != 90*time.Second || logged.Call.Phone != "+86 138 0013 8000" ||
		len(logged.FollowUps) != 1 || logged.FollowUps[0].Kind != storage.FollowCallBack {
		t.Errorf("logged %+v", logged)
	}

	// A complaint starts the procedure: three follow-ups.
	out = mustOut(t, dir, "call", "log", "--customer", "lin@qq.example", "--direction", "in", "--start", "2025-11-20 10:00",
		"--duration", "5m", "--summary", "床单起球", "--outcome", "complaint", "--severity", "中", "--json")
	logged = callLogged{}
	if err := json.Unmarshal([]byte(out), &logged); err != nil || len(logged.FollowUps) != 3 {
		t.Fatalf("complaint call printed %q (%v)", out, err)
	}

	// followup list: all four open ones; --due: the past-due procedure steps (2025) but not the call-back.
	var lines []followUpLine
	for _, l := range strings.Split(strings.TrimSpace(mustOut(t, dir, "followup", "list", "--json")), "\n") {
		var fl followUpLine
		if err := json.Unmarshal([]byte(l), &fl); err != nil {
			t.Fatalf("list line %q: %v", l, err)
		}
		lines = append(lines, fl)
	}
	if len(lines) != 4 || lines[0].Customer != "林小雨" || !lines[0].Overdue {
		t.Errorf("followup list: %+v", lines)
	}
	due := strings.Split(strings.TrimSpace(mustOut(t, dir, "followup", "list", "--due")), "\n")
	if len(due) != 3 || !strings.Contains(due[0], "overdue") {
		t.Errorf("followup list --due: %q", due)
	}

	// Done with a dissatisfied rating opens a complaint.
	visit := logged.FollowUps[2]
	var done struct {
		FollowUp storage.FollowUp   `json:"followup"`
		Opened   []storage.FollowUp `json:"opened"`
	}
	out = mustOut(t, dir, "followup", "done", itoa(visit.ID), "--rating", "dissatisfied", "--comment", "还是有线头", "--json")
	if err := json.Unmarshal([]byte(out), &done); err != nil {
		t.Fatal(err)
	}
	if done.FollowUp.Rating != 2 || done.FollowUp.Comment != "还是有线头" || done.FollowUp.Done.IsZero() || len(done.Opened) != 3 {
		t.Errorf("done printed %+v", done)
	}
	out = mustOut(t, dir, "followup", "done", itoa(logged.FollowUps[0].ID), "--rating", "5")
	if !strings.Contains(out, "\tdone\t") {
		t.Errorf("done printed %q", out)
	}

	for _, args := range [][]string{
		{"call", "log", "--customer", "1", "--direction", "sideways", "--duration", "5m", "--summary", "x", "--outcome", "resolved"},
		{"call", "log", "--customer", "1", "--direction", "in", "--duration", "five", "--summary", "x", "--outcome", "resolved"},
		{"call", "log", "--customer", "1", "--direction", "in", "--duration", "5m", "--summary", "x", "--outcome", "happy"},
		{"call", "log", "--customer", "1"},
		{"call"},
		{"followup", "done", "x"},
		{"followup", "done", "1", "--rating", "9"},
		{"followup", "frob"},
	} {
		if code, _, errOut := shopdesk(t, dir, args...); code != exitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want usage", args, code, errOut)
		}
	}
	if code, _, errOut := shopdesk(t, dir, "call", "log", "--customer", "nobody@example.com", "--direction", "in",
		"--duration", "5m", "--summary", "x", "--outcome", "resolved"); code != exitError || !strings.Contains(errOut, "nobody@example.com") {
		t.Errorf("unknown customer: exit %d, %q", code, errOut)
	}
}

func itoa(id uint64) string { return strconv.FormatUint(id, 10) }
