package mailbox

import (
	"errors"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/shopdesk/shopdesk/storage"
)

// ErrNoTrash means the server names no folder \Trash (RFC 6154), so
// Shopdesk will not guess where deleted mail belongs.
var ErrNoTrash = errors.New("the mail server has no Trash folder marked \\Trash")

// TrashResult counts what moving messages to Trash did.
type TrashResult struct {
	Moved int
	// Missing are messages no longer where Shopdesk last saw them (moved
	// or deleted on the server, or the folder was rebuilt).
	Missing int
}

// TrashFolder finds the account's SPECIAL-USE \Trash folder.
func TrashFolder(c *imapclient.Client) (string, error) {
	list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: c.Caps().Has(imap.CapSpecialUse)}).Collect()
	if err != nil {
		return "", fmt.Errorf("list folders: %w", err)
	}
	for _, m := range list {
		if slices.Contains(m.Attrs, imap.MailboxAttrTrash) {
			return m.Mailbox, nil
		}
	}
	return "", ErrNoTrash
}

// MoveToTrash moves the messages at locs (one account's) to its \Trash
// folder, by UID, folder by folder. A folder whose UIDVALIDITY changed is
// not touched: its UIDs may name other messages now. Messages already in
// Trash stay there. Nothing is deleted outright.
func MoveToTrash(c *imapclient.Client, locs []storage.Location) (TrashResult, error) {
	var res TrashResult
	if len(locs) == 0 {
		return res, nil
	}
	trash, err := TrashFolder(c)
	if err != nil {
		return res, err
	}
	byFolder := map[string][]storage.Location{}
	var folders []string
	for _, l := range locs {
		if l.Folder == trash {
			continue
		}
		if _, ok := byFolder[l.Folder]; !ok {
			folders = append(folders, l.Folder)
		}
		byFolder[l.Folder] = append(byFolder[l.Folder], l)
	}
	slices.Sort(folders)
	for _, folder := range folders {
		ls := byFolder[folder]
		sel, err := c.Select(folder, nil).Wait()
		if err != nil {
			// The folder is gone or renamed: its messages are not there.
			res.Missing += len(ls)
			continue
		}
		var set imap.UIDSet
		for _, l := range ls {
			if l.UIDValidity == sel.UIDValidity {
				set.AddNum(imap.UID(l.UID))
			} else {
				res.Missing++
			}
		}
		if len(set) == 0 {
			continue
		}
		// Ask which of the UIDs still exist, so the count is honest.
		found, err := c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
		if err != nil {
			return res, fmt.Errorf("find messages in %s: %w", folder, err)
		}
		uids := found.AllUIDs()
		asked, _ := set.Nums()
		res.Missing += len(asked) - len(uids)
		if len(uids) == 0 {
			continue
		}
		if _, err := c.Move(imap.UIDSetNum(uids...), trash).Wait(); err != nil {
			return res, fmt.Errorf("move %d messages from %s to %s: %w", len(uids), folder, trash, err)
		}
		res.Moved += len(uids)
	}
	return res, nil
}

// TrashCustomerMail connects to each account that holds the locations and
// moves those messages to its Trash. password looks up an account's
// password.
func TrashCustomerMail(accounts []storage.Account, password func(account string) (string, error), locs []storage.Location, o ConnectOptions) (TrashResult, error) {
	var total TrashResult
	byAccount := map[string][]storage.Location{}
	for _, l := range locs {
		byAccount[l.Account] = append(byAccount[l.Account], l)
	}
	for name, ls := range byAccount {
		i := slices.IndexFunc(accounts, func(a storage.Account) bool { return a.Name == name })
		if i < 0 {
			total.Missing += len(ls) // the account was removed from Shopdesk
			continue
		}
		pw, err := password(name)
		if err != nil {
			return total, fmt.Errorf("password of %s: %w", name, err)
		}
		c, err := DialIMAP(accounts[i], pw, o)
		if err != nil {
			return total, err
		}
		res, err := MoveToTrash(c, ls)
		c.Logout().Wait()
		c.Close()
		total.Moved += res.Moved
		total.Missing += res.Missing
		if err != nil {
			return total, fmt.Errorf("account %s: %w", name, err)
		}
	}
	return total, nil
}

// TrashOptions say how to reach the mail servers when forgetting a
// customer also moves their mail to Trash.
type TrashOptions struct {
	Password func(account string) (string, error)
	Connect  ConnectOptions
}

// Forget forgets a customer on the seller's request. With trash set, the
// customer's mail on the servers is moved to Trash first; if that fails,
// nothing is forgotten, so the seller can retry or choose to keep the
// server copies. The audit line records how many messages were moved.
func Forget(st interface {
	View(func(*storage.Tx) error) error
	Update(func(*storage.Tx) error) error
}, customerID uint64, trash *TrashOptions) (storage.Forgotten, TrashResult, error) {
	var moved TrashResult
	if trash != nil {
		var locs []storage.Location
		var accounts []storage.Account
		err := st.View(func(tx *storage.Tx) error {
			var err error
			if _, err = tx.Customer(customerID); err != nil {
				return err
			}
			if locs, err = tx.CustomerMailLocations(customerID); err != nil {
				return err
			}
			accounts, err = tx.Accounts()
			return err
		})
		if err != nil {
			return storage.Forgotten{}, moved, err
		}
		if moved, err = TrashCustomerMail(accounts, trash.Password, locs, trash.Connect); err != nil {
			return storage.Forgotten{}, moved, fmt.Errorf("move mail to Trash on the server: %w", err)
		}
	}
	extra := ""
	if trash != nil {
		extra = fmt.Sprintf("%d messages moved to Trash on the mail server, %d no longer there", moved.Moved, moved.Missing)
	}
	var f storage.Forgotten
	err := st.Update(func(tx *storage.Tx) error {
		var err error
		f, err = tx.ForgetCustomer(customerID, extra)
		return err
	})
	return f, moved, err
}
