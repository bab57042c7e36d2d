package outbox

import (
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/shopdesk/shopdesk/storage"
)

func TestPickSent(t *testing.T) {
	mb := func(name string, attrs ...imap.MailboxAttr) *imap.ListData {
		return &imap.ListData{Mailbox: name, Delim: '.', Attrs: attrs}
	}
	cases := []struct {
		name string
		list []*imap.ListData
		want string
	}{
		{"special-use wins over names", []*imap.ListData{mb("Sent"), mb("Gesendete Objekte", imap.MailboxAttrSent)}, "Gesendete Objekte"},
		{"special-use in odd case", []*imap.ListData{mb("[Gmail].Sent Mail", "\\SENT")}, "[Gmail].Sent Mail"},
		{"Apple", []*imap.ListData{mb("INBOX"), mb("Sent Messages")}, "Sent Messages"},
		{"Outlook", []*imap.ListData{mb("INBOX"), mb("Sent Items")}, "Sent Items"},
		{"NetEase", []*imap.ListData{mb("INBOX"), mb("已发送")}, "已发送"},
		{"traditional script", []*imap.ListData{mb("INBOX"), mb("已發送")}, "已發送"},
		{"INBOX namespace", []*imap.ListData{mb("INBOX"), mb("INBOX.Sent")}, "INBOX.Sent"},
		{"case-insensitive", []*imap.ListData{mb("SENT")}, "SENT"},
		{"first common name wins", []*imap.ListData{mb("Sent Items"), mb("Sent")}, "Sent"},
		{"nested folder is not Sent", []*imap.ListData{mb("Projects.Sent")}, ""},
		{"unselectable skipped", []*imap.ListData{mb("Sent", imap.MailboxAttrNoSelect), mb("Sent Items")}, "Sent Items"},
		{"none", []*imap.ListData{mb("INBOX"), mb("Drafts")}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := pickSent(c.list); got != c.want {
				t.Errorf("pickSent = %q, want %q", got, c.want)
			}
		})
	}
}

// Filing finds the server's Sent folder by name (over real IMAP, names in
// modified UTF-7 included), honours the account's choice, and creates
// "Sent" where there is none.
func TestFileInSentFolder(t *testing.T) {
	cases := []struct {
		name       string
		folders    []string
		configured string
		want       string
	}{
		{"Sent", []string{"Sent"}, "", "Sent"},
		{"Apple", []string{"Drafts", "Sent Messages"}, "", "Sent Messages"},
		{"NetEase", []string{"草稿箱", "已发送"}, "", "已发送"},
		{"INBOX namespace", []string{"INBOX/Sent"}, "", "INBOX/Sent"},
		{"configured", []string{"Sent", "Shop/Replies"}, "Shop/Replies", "Shop/Replies"},
		{"configured but missing", []string{"Sent"}, "客服/已回复", "客服/已回复"},
		{"none", []string{"Drafts"}, "", "Sent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.folders...)
			if c.configured != "" {
				f.acct.SentFolder = c.configured
				if err := f.st.Update(func(tx *storage.Tx) error { return tx.SaveAccount(&f.acct) }); err != nil {
					t.Fatal(err)
				}
			}
			it := f.queue(t)
			f.flush(t)
			f.checkDone(t, f.item(t, it.ID), c.want)
			if !slices.Contains(f.imap.folders(t), c.want) {
				t.Errorf("folders %v lack %q", f.imap.folders(t), c.want)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	cases := []struct {
		attempts int
		want     time.Duration
	}{
		{1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute}, {6, 32 * time.Minute},
		{7, time.Hour}, {8, time.Hour}, {1000, time.Hour},
	}
	for _, c := range cases {
		if got := backoff(c.attempts); got != c.want {
			t.Errorf("backoff(%d) = %v, want %v", c.attempts, got, c.want)
		}
	}
}
