package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/shopdesk/shopdesk/mailbox/canned"
	"github.com/shopdesk/shopdesk/storage"
)

var sizeChart = []byte("\x89PNG\r\n\x1a\nsize chart")

// newFillHarness is a shop whose order has no tracking number yet and
// whose settings name no agent, with one pinned reply that needs both and
// sends the size chart.
func newFillHarness(t *testing.T) (*harness, *composer) {
	t.Helper()
	s := &shop{}
	h := newHarness(t, func(tx *storage.Tx) error {
		if err := seedShop(tx, s, "王芳"); err != nil {
			return err
		}
		set, err := tx.Settings()
		if err != nil {
			return err
		}
		set.AgentName = ""
		if err := tx.SaveSettings(set); err != nil {
			return err
		}
		hash, err := tx.PutCannedFile(sizeChart)
		if err != nil {
			return err
		}
		r := storage.CannedReply{Category: "物流/单号", Title: "告知单号", Shortcut: "track", Language: "zh-Hans", Pinned: true,
			Variants:    []storage.CannedVariant{{Body: "{{customer.name|亲}}您好，{{order.carrier}}单号{{order.tracking}}，有事找我：{{agent.name}}"}},
			Attachments: []storage.CannedAttachment{{Name: "尺码表.png", Hash: hash, Type: "image/png", Size: int64(len(sizeChart))}}}
		return tx.SaveCannedReply(&r)
	})
	c := openComposer(h, composeRequest{Mode: storage.DraftReply, ConversationID: s.conv.ID, ReplyTo: s.msg.ID})
	c.body.SetText("")
	return h, c
}

// The three ways of inserting a reply, each from an empty line.
var insertWays = []struct {
	name string
	do   func(h *harness, c *composer)
}{
	{"picker", func(h *harness, c *composer) {
		c.picker.open(-1)
		h.waitFor("the picker's replies", func() bool { return len(c.picker.shown) == 1 })
		c.picker.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}},
	{"/shortcut and Tab", func(h *harness, c *composer) {
		test.Type(c.body, "/track")
		c.body.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	}},
	{"Ctrl+1", func(h *harness, c *composer) { pressCtrl(c.body, fyne.Key1) }},
}

func TestFillInUnresolvedPlaceholders(t *testing.T) {
	for _, way := range insertWays {
		t.Run(way.name, func(t *testing.T) {
			h, c := newFillHarness(t)
			way.do(h, c)
			f := c.picker.fill
			if f == nil || !f.visible() {
				t.Fatal("no fill-in form")
			}
			if c.body.Text != "" && c.body.Text != "/track" {
				t.Errorf("the body changed before the form was filled: %q", c.body.Text)
			}
			var labels []string
			for _, it := range f.form.Items {
				labels = append(labels, it.Text)
			}
			if len(labels) != 2 || labels[0] != "Tracking number" || labels[1] != "Your name" {
				t.Fatalf("fields %q, want Tracking number and Your name", labels)
			}
			if c.win.Canvas().Focused() != f.entries[0] {
				t.Fatal("the first field does not have the focus")
			}
			test.Type(f.entries[0], "SF1234567")
			c.win.Canvas().FocusNext() // what Tab does in a single-line field
			if c.win.Canvas().Focused() != f.entries[1] {
				t.Fatal("Tab did not move to the next field")
			}
			// The agent's name is left empty: it stays to be filled, and Send stays blocked.
			f.entries[1].TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			want := "王芳您好，顺丰单号SF1234567，有事找我：{{agent.name}}"
			if c.body.Text != want {
				t.Errorf("body = %q, want %q", c.body.Text, want)
			}
			if f.visible() || c.win.Canvas().Focused() != c.body {
				t.Errorf("form open %v, focus on the body %v", f.visible(), c.win.Canvas().Focused() == c.body)
			}
			// The reply's file is attached, with its bytes.
			h.waitFor("the size chart attached", func() bool { return len(c.attach.paths) == 1 })
			if p := c.attach.paths[0]; filepath.Base(p) != "尺码表.png" {
				t.Errorf("attached %s", p)
			} else if data, err := os.ReadFile(p); err != nil || !bytes.Equal(data, sizeChart) {
				t.Errorf("attached file holds %q, %v", data, err)
			}
			c.writes.Wait()
			if u := h.usage()["告知单号"]; u != 1 {
				t.Errorf("use counted %d times, want 1", u)
			}
		})
	}
}

func TestFillInEscCancels(t *testing.T) {
	h, c := newFillHarness(t)
	test.Type(c.body, "/track")
	c.body.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	f := c.picker.fill
	if f == nil || !f.visible() {
		t.Fatal("no fill-in form")
	}
	test.Type(f.entries[0], "SF1")
	f.entries[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if f.visible() || c.body.Text != "/track" || c.win.Canvas().Focused() != c.body {
		t.Errorf("after Esc: form open %v, body %q", f.visible(), c.body.Text)
	}
	c.writes.Wait()
	if len(c.attach.paths) != 0 || h.usage()["告知单号"] != 0 {
		t.Errorf("a cancelled insert attached %v or counted a use", c.attach.paths)
	}
}

// A reply with nothing left to fill goes straight in, its files attached.
func TestInsertWithoutFillIn(t *testing.T) {
	h, c := newFillHarness(t)
	h.update(func(tx *storage.Tx) error {
		set, err := tx.Settings()
		if err != nil {
			return err
		}
		set.AgentName = "小竹"
		return tx.SaveSettings(set)
	})
	h.update(func(tx *storage.Tx) error {
		all, err := tx.CannedReplies()
		if err != nil {
			return err
		}
		all[0].Variants[0].Body = "{{customer.name|亲}}您好，尺码表在附件里。{{agent.name}}"
		return tx.SaveCannedReply(&all[0])
	})
	pressCtrl(c.body, fyne.Key1)
	if c.picker.fill != nil {
		t.Error("a form was shown with nothing to fill")
	}
	if want := "王芳您好，尺码表在附件里。小竹"; c.body.Text != want {
		t.Errorf("body = %q, want %q", c.body.Text, want)
	}
	h.waitFor("the size chart attached", func() bool { return len(c.attach.paths) == 1 })
}

// Every refused row is said in words, in English and in Chinese, with
// its line or record number.
func TestImportRowErrorsTranslated(t *testing.T) {
	rows := []struct {
		e      canned.RowError
		en, zh string
	}{
		{canned.RowError{Line: 3, Reason: canned.ReasonPlainColumns, N: 3, Max: 2}, "Line 3: 3 columns; a shortcut,text file has 2.", "第 3 行：有 3 列；“快捷词,正文”格式的文件应为 2 列。"},
		{canned.RowError{Line: 7, Reason: canned.ReasonUnclosedQuote}, "Line 7: A quoted field is not closed", "第 7 行：引号没有闭合"},
		{canned.RowError{Line: 4, Reason: canned.ReasonBadQuote, N: 9}, "Line 4: A stray quote mark in column 9.", "第 4 行：第 9 列有多余的引号。"},
		{canned.RowError{Line: 2, Reason: canned.ReasonColumns, N: 2, Max: 5}, "Line 2: 2 columns; at least 5 are needed", "第 2 行：只有 2 列，至少要 5 列"},
		{canned.RowError{Line: 5, Reason: canned.ReasonNoText}, "Line 5: The reply has no text.", "第 5 行：这条回复没有正文。"},
		{canned.RowError{Line: 6, Reason: canned.ReasonNoTitle}, "Line 6: The reply has neither a title nor a shortcut.", "第 6 行：这条回复既没有标题也没有快捷词。"},
		{canned.RowError{Line: 8, Reason: canned.ReasonShortcutSpace, Value: "two words"}, "Line 8: The shortcut “two words” has a space", "第 8 行：快捷词“two words”里有空格"},
		{canned.RowError{Line: 9, Reason: canned.ReasonTooLong, Field: "title", N: 121, Max: 120}, "Line 9: The title is too long: 121 characters, at most 120.", "第 9 行：标题太长：121 个字，最多 120 个。"},
		{canned.RowError{Line: 2, Record: true, Reason: canned.ReasonTooManyVariants, N: 21, Max: 20}, "Record 2: 21 variants; at most 20.", "第 2 条：有 21 种说法，最多 20 种。"},
		{canned.RowError{Line: 3, Reason: canned.ReasonEmptyVariant, N: 2}, "Line 3: Variant 2 has no text.", "第 3 行：说法 2 没有内容。"},
		{canned.RowError{Line: 1, Record: true, Reason: canned.ReasonRecord}, "Record 1: Not a canned reply: a record needs", "第 1 条：不是快捷回复：每条要有标题、语言和说法。"},
		{canned.RowError{Line: 4, Record: true, Reason: canned.ReasonFieldType, Field: "title"}, "Record 4: The field “title” has the wrong type of value.", "第 4 条：字段“title”的值类型不对。"},
		{canned.RowError{Line: 4, Record: true, Reason: canned.ReasonAttachment, Value: "a.pdf"}, "Record 4: The attached file a.pdf is damaged", "第 4 条：附件 a.pdf 已损坏"},
		{canned.RowError{Line: 4, Record: true, Reason: canned.ReasonAttachmentGone, Value: "a.pdf"}, "Record 4: The attached file a.pdf is not in the file", "第 4 条：附件 a.pdf 既不在导入文件里"},
		{canned.RowError{Line: 5, Record: true, Reason: canned.ReasonAttachmentsLarge, N: 30 << 20, Max: 25 << 20}, "Record 5: The attachments add up to", "第 5 条：附件共"},
		{canned.RowError{Line: 6, Reason: canned.ReasonStore, Value: "disk full"}, "Line 6: The reply could not be saved (disk full).", "第 6 行：这条回复保存失败（disk full）。"},
		{canned.RowError{Reason: canned.ReasonCSV, Value: "oops"}, "The file: The row cannot be read (oops).", "文件：这一行读不出来（oops）。"},
	}
	check := func(lang string, want func(int) string) {
		for i, r := range rows {
			if got := rowErrorText(r.e); !strings.HasPrefix(got, want(i)) {
				t.Errorf("%s %s: %q, want it to start %q", lang, r.e.Reason, got, want(i))
			}
		}
	}
	useEnglish(t)
	check("en", func(i int) string { return rows[i].en })
	useLanguage(t, "zh_CN.UTF-8")
	check("zh-Hans", func(i int) string { return rows[i].zh })
	useEnglish(t)
}

// useLanguage loads the UI strings for a POSIX locale.
func useLanguage(t *testing.T, locale string) {
	t.Helper()
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", locale)
	if err := LoadTranslations(); err != nil {
		t.Fatal(err)
	}
}
