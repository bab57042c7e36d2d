package mailbox

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/shopdesk/shopdesk/storage"
)

// Folder is a mailbox on the IMAP server, as the account setup lists it.
type Folder struct {
	Name string
	Role storage.FolderRole // inbox, sent, or other
	// Special is the server's special-use mark (\Sent, \Junk, \Trash,
	// \Drafts, \Archive, \All), "" when none.
	Special string
}

// CheckResult is the outcome of trying an account's settings.
type CheckResult struct {
	IMAP, SMTP error    // nil when the login worked
	Folders    []Folder // the server's folders, when the IMAP login worked
}

// OK reports whether both logins worked.
func (r CheckResult) OK() bool { return r.IMAP == nil && r.SMTP == nil }

// CheckTimeout bounds CheckAccount: a server that takes the connection
// but never answers must not leave the seller waiting.
const CheckTimeout = 45 * time.Second

// CheckAccount logs in to the account's IMAP and SMTP servers at the same
// time, lists the IMAP folders and logs out. The errors carry the
// servers' own words (see ServerWords) and certificate refusals (see
// CertProblem). A server silent for CheckTimeout is reported as such; its
// connection is closed whenever it ends.
func CheckAccount(a storage.Account, password string, o ConnectOptions) CheckResult {
	type imapResult struct {
		folders []Folder
		err     error
	}
	imapDone := make(chan imapResult, 1)
	smtpDone := make(chan error, 1)
	go func() {
		c, err := DialIMAP(a, password, o)
		if err != nil {
			imapDone <- imapResult{err: err}
			return
		}
		defer c.Close()
		folders, err := ListFolders(c)
		imapDone <- imapResult{folders, err}
		_ = c.Logout().Wait()
	}()
	go func() {
		c, err := DialSMTP(a, password, o)
		if err != nil {
			smtpDone <- err
			return
		}
		smtpDone <- nil
		_ = c.Quit()
	}()
	r := CheckResult{
		IMAP: fmt.Errorf("IMAP %s: %w", a.IMAP, errNoAnswer),
		SMTP: fmt.Errorf("SMTP %s: %w", a.SMTP, errNoAnswer),
	}
	timeout := time.NewTimer(CheckTimeout)
	defer timeout.Stop()
	for got := 0; got < 2; got++ {
		select {
		case ir := <-imapDone:
			r.Folders, r.IMAP = ir.folders, ir.err
		case err := <-smtpDone:
			r.SMTP = err
		case <-timeout.C:
			return r
		}
	}
	return r
}

// errNoAnswer: the server took the connection but said nothing in time.
var errNoAnswer = fmt.Errorf("no answer within %v", CheckTimeout)

// SentFolderNames are the names servers give the sent folder when they
// do not mark it \Sent, most likely first.
var SentFolderNames = []string{"Sent", "Sent Messages", "Sent Items", "INBOX.Sent", "已发送", "已發送", "Sent Mail"}

// ListFolders lists the selectable folders, INBOX first, then by name.
func ListFolders(c *imapclient.Client) ([]Folder, error) {
	list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: c.Caps().Has(imap.CapSpecialUse)}).Collect()
	if err != nil {
		return nil, fmt.Errorf("list folders: %w", err)
	}
	folders := make([]Folder, 0, len(list))
	for _, d := range list {
		if slices.Contains(d.Attrs, imap.MailboxAttrNoSelect) || slices.Contains(d.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		f := Folder{Name: d.Mailbox, Role: storage.RoleOther}
		for _, a := range d.Attrs {
			switch a {
			case imap.MailboxAttrSent, imap.MailboxAttrJunk, imap.MailboxAttrTrash,
				imap.MailboxAttrDrafts, imap.MailboxAttrArchive, imap.MailboxAttrAll:
				f.Special = string(a)
			}
		}
		switch {
		case strings.EqualFold(d.Mailbox, "INBOX"):
			f.Role = storage.RoleInbox
		case f.Special == string(imap.MailboxAttrSent):
			f.Role = storage.RoleSent
		}
		folders = append(folders, f)
	}
	// Without SPECIAL-USE marks, the sent folder goes by its usual names.
	if !slices.ContainsFunc(folders, func(f Folder) bool { return f.Role == storage.RoleSent }) {
		for _, name := range SentFolderNames {
			if i := slices.IndexFunc(folders, func(f Folder) bool { return f.Name == name }); i >= 0 {
				folders[i].Role = storage.RoleSent
				break
			}
		}
	}
	slices.SortStableFunc(folders, func(a, b Folder) int {
		switch {
		case a.Role == storage.RoleInbox && b.Role != storage.RoleInbox:
			return -1
		case b.Role == storage.RoleInbox && a.Role != storage.RoleInbox:
			return 1
		}
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return folders, nil
}
