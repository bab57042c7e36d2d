package main

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

func seedSearch(t *testing.T, dir string) {
	t.Helper()
	st, err := storage.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Update(func(tx *storage.Tx) error {
		c := storage.Customer{Name: "陈静", Emails: []string{"chenjing@example.test"}}
		if err := tx.SaveCustomer(&c); err != nil {
			return err
		}
		conv := storage.Conversation{CustomerID: c.ID, Subject: "退貨"}
		if err := tx.SaveConversation(&conv); err != nil {
			return err
		}
		m := storage.Message{ConversationID: conv.ID, Direction: storage.Inbound, Subject: "退貨",
			Date: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), From: storage.Address{Email: "chenjing@example.test"},
			Text: "我想退貨，订单 113-1234567-1234567"}
		if err := tx.SaveMessage(&m, nil); err != nil {
			return err
		}
		return tx.SaveOrder(&storage.Order{CustomerID: c.ID, Number: "113-1234567-1234567", Tracking: "SF0001"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSearchCommand(t *testing.T) {
	dir := t.TempDir()
	seedSearch(t, dir)

	code, out, errOut := shopdesk(t, dir, "search", "退货")
	if code != exitOK || !strings.Contains(out, "Messages (1)") || !strings.Contains(out, "我想»退貨«") {
		t.Errorf("search 退货: exit %d\n%s%s", code, out, errOut)
	}

	code, out, _ = shopdesk(t, dir, "search", "--json", "11312345671234567", "--limit", "5")
	if code != exitOK {
		t.Fatalf("search --json: exit %d", code)
	}
	kinds := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var g struct {
			Kind  string `json:"kind"`
			Total int    `json:"total"`
			Hits  []struct {
				Title string `json:"title"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(sc.Bytes(), &g); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		kinds[g.Kind] = g.Total
	}
	if kinds["order"] != 1 || kinds["message"] != 1 {
		t.Errorf("order number run together found %v, want one order and one message", kinds)
	}

	if code, out, _ := shopdesk(t, dir, "search", "不存在"); code != exitOK || strings.TrimSpace(out) != "Nothing found." {
		t.Errorf("no hits: exit %d, %q", code, out)
	}
	if code, _, errOut := shopdesk(t, dir, "search", "before:soon"); code != exitUsage || !strings.Contains(errOut, "YYYY-MM-DD") {
		t.Errorf("bad date: exit %d, %q", code, errOut)
	}
	if code, _, _ := shopdesk(t, dir, "search"); code != exitUsage {
		t.Errorf("no query: exit %d", code)
	}

	code, out, errOut = shopdesk(t, dir, "reindex")
	if code != exitOK || !strings.Contains(out, "indexed 3 records") || !strings.Contains(out, "1 messages, 1 customers, 1 orders") ||
		!strings.Contains(errOut, "indexing 3/3") {
		t.Errorf("reindex: exit %d\n%s%s", code, out, errOut)
	}
}
