package mailbox_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/emersion/go-imap/v2"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/mailtest"
	"github.com/shopdesk/shopdesk/storage"
)

func trashMail(i int) []byte {
	return []byte(fmt.Sprintf("From: buyer@example.com\r\nTo: shop@example.com\r\nSubject: parcel %d\r\nMessage-ID: <t%d@example.com>\r\n\r\nwhere is it\r\n", i, i))
}

func TestMoveToTrashDovecot(t *testing.T) {
	d := mailtest.StartDovecot(t, mailtest.DovecotOptions{Mailboxes: map[string]imap.MailboxAttr{
		"Sent": imap.MailboxAttrSent, "Deleted Messages": imap.MailboxAttrTrash, "Archive": ""}})
	acct := storage.Account{Name: "shop", IMAP: d.Addr(), Username: d.User(), Security: storage.SecurityNone}
	inbox := d.UIDValidity(t, "INBOX")
	var locs []storage.Location
	for i := range 3 {
		uid := d.Append(t, "INBOX", trashMail(i))
		locs = append(locs, storage.Location{Account: "shop", Folder: "INBOX", UIDValidity: inbox, UID: uid})
	}
	keepUID := d.Append(t, "INBOX", trashMail(9)) // another customer's
	sentUID := d.Append(t, "Sent", trashMail(10))
	locs = append(locs,
		storage.Location{Account: "shop", Folder: "Sent", UIDValidity: d.UIDValidity(t, "Sent"), UID: sentUID},
		storage.Location{Account: "shop", Folder: "INBOX", UIDValidity: inbox, UID: 999},             // already gone
		storage.Location{Account: "shop", Folder: "Archive", UIDValidity: 1, UID: 1},                 // another UIDVALIDITY
		storage.Location{Account: "shop", Folder: "Old folder", UIDValidity: inbox, UID: 1},          // folder removed
		storage.Location{Account: "gone-account", Folder: "INBOX", UIDValidity: inbox, UID: keepUID}, // account removed
	)
	res, err := mailbox.TrashCustomerMail([]storage.Account{acct}, func(string) (string, error) { return d.Password(), nil }, locs, mailbox.ConnectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res != (mailbox.TrashResult{Moved: 4, Missing: 4}) {
		t.Errorf("result = %+v, want 4 moved, 4 missing", res)
	}
	if got := d.Messages(t, "INBOX"); len(got) != 1 || got[0].UID != keepUID {
		t.Errorf("INBOX keeps %d messages, want only the other customer's", len(got))
	}
	if got := d.Messages(t, "Sent"); len(got) != 0 {
		t.Errorf("Sent keeps %d messages", len(got))
	}
	trash := d.Messages(t, "Deleted Messages")
	if len(trash) != 4 {
		t.Fatalf("Trash holds %d messages, want 4", len(trash))
	}
	for _, m := range trash {
		for _, f := range m.Flags {
			if f == imap.FlagDeleted {
				t.Errorf("message in Trash is flagged \\Deleted: it would vanish at the next expunge")
			}
		}
	}
}

func TestMoveToTrashRefusesWithoutTrashFolder(t *testing.T) {
	// go-imap's memory server cannot mark a folder \Trash, like some real
	// servers: nothing may be moved to a guessed folder.
	s := mailtest.StartMemServer(t, mailtest.MemServerOptions{})
	s.CreateMailbox(t, "Trash")
	uid := s.Append(t, "INBOX", trashMail(1))
	acct := storage.Account{Name: "shop", IMAP: s.Addr(), Username: s.User(), Security: storage.SecurityNone}
	locs := []storage.Location{{Account: "shop", Folder: "INBOX", UIDValidity: s.UIDValidity(t, "INBOX"), UID: uid}}
	res, err := mailbox.TrashCustomerMail([]storage.Account{acct}, func(string) (string, error) { return s.Password(), nil }, locs, mailbox.ConnectOptions{})
	if !errors.Is(err, mailbox.ErrNoTrash) || res.Moved != 0 {
		t.Fatalf("res %+v, err %v; want ErrNoTrash", res, err)
	}
	if got := s.Messages(t, "INBOX"); len(got) != 1 {
		t.Errorf("INBOX holds %d messages, want 1", len(got))
	}
}
