package outbox

import (
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/sirupsen/logrus"

	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/storage"
)

// Filer is what the Sender needs from the IMAP server after a message is
// accepted.
type Filer interface {
	// FileSent makes sure the Sent folder holds exactly one copy of the
	// message: it looks for the Message-ID first (Gmail, Exchange and
	// others file it themselves) and appends raw, \Seen, only when absent.
	// It returns where the copy lives (UID 0 when the server does not say)
	// and whether it appended.
	FileSent(messageID string, raw []byte, sent time.Time) (loc storage.Location, appended bool, err error)
	// MarkAnswered sets \Answered on the message stored at l.
	MarkAnswered(l storage.Location, messageID string) error
	Close() error
}

// DialFiler opens a Filer for the account over IMAP.
func DialFiler(a storage.Account, password string, log logrus.FieldLogger) (Filer, error) {
	c, err := mailbox.DialIMAP(a, password, mailbox.ConnectOptions{})
	if err != nil {
		return nil, err
	}
	return &imapFiler{c: c, account: a, log: log}, nil
}

// imapFiler files through one IMAP connection.
type imapFiler struct {
	c       *imapclient.Client
	account storage.Account
	log     logrus.FieldLogger
	sent    string // the Sent folder, once found
}

func (f *imapFiler) Close() error { return f.c.Close() }

func (f *imapFiler) FileSent(messageID string, raw []byte, sent time.Time) (storage.Location, bool, error) {
	folder, err := f.sentFolder()
	if err != nil {
		return storage.Location{}, false, err
	}
	loc := storage.Location{Account: f.account.Name, Folder: folder}
	sel, err := f.c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return loc, false, fmt.Errorf("open %s: %w", folder, err)
	}
	loc.UIDValidity = sel.UIDValidity
	uids, err := f.search(messageID)
	var refused *imap.Error
	switch {
	case errors.As(err, &refused):
		// A server that cannot search headers most likely does not file
		// by itself either.
		f.log.WithFields(logrus.Fields{"folder": folder, "error": err}).Warn("Sent folder cannot be searched; appending the copy")
	case err != nil:
		return loc, false, fmt.Errorf("look for %s in %s: %w", messageID, folder, err)
	case len(uids) > 0:
		loc.UID = uint32(uids[0])
		return loc, false, nil
	}

	cmd := f.c.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: sent})
	if _, err := cmd.Write(raw); err != nil {
		cmd.Close()
		return loc, false, fmt.Errorf("append to %s: %w", folder, err)
	}
	if err := cmd.Close(); err != nil {
		return loc, false, fmt.Errorf("append to %s: %w", folder, err)
	}
	data, err := cmd.Wait()
	if err != nil {
		return loc, false, fmt.Errorf("append to %s: %w", folder, err)
	}
	if data.UIDValidity != 0 {
		loc.UIDValidity = data.UIDValidity
	}
	loc.UID = uint32(data.UID)
	return loc, true, nil
}

func (f *imapFiler) MarkAnswered(l storage.Location, messageID string) error {
	sel, err := f.c.Select(l.Folder, nil).Wait()
	if err != nil {
		return fmt.Errorf("open %s: %w", l.Folder, err)
	}
	uid := imap.UID(l.UID)
	if sel.UIDValidity != l.UIDValidity {
		// The folder was rebuilt: the stored UID means nothing now.
		uids, err := f.search(messageID)
		if err != nil || len(uids) == 0 {
			return err
		}
		uid = uids[0]
	}
	store := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagAnswered}}
	if err := f.c.Store(imap.UIDSetNum(uid), store, nil).Close(); err != nil {
		return fmt.Errorf("set \\Answered in %s: %w", l.Folder, err)
	}
	return nil
}

// search finds the selected folder's messages with the Message-ID.
func (f *imapFiler) search(messageID string) ([]imap.UID, error) {
	crit := &imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<" + messageID + ">"}}}
	data, err := f.c.UIDSearch(crit, nil).Wait()
	if err != nil {
		return nil, err
	}
	return data.AllUIDs(), nil
}

// sentFolder finds the folder for sent copies: the account's setting,
// else the \Sent special-use folder, else a folder with a common name.
// When there is none it creates "Sent", as mail clients do.
func (f *imapFiler) sentFolder() (string, error) {
	if f.sent != "" {
		return f.sent, nil
	}
	var opts *imap.ListOptions
	if f.c.Caps().Has(imap.CapSpecialUse) && f.c.Caps().Has(imap.CapListExtended) {
		opts = &imap.ListOptions{ReturnSpecialUse: true}
	}
	list, err := f.c.List("", "*", opts).Collect()
	if err != nil {
		return "", fmt.Errorf("list folders: %w", err)
	}
	name := f.account.SentFolder
	if name == "" {
		name = pickSent(list)
	}
	if name == "" || !listed(list, name) {
		if name == "" {
			name = "Sent"
		}
		var create *imap.CreateOptions
		if f.c.Caps().Has(imap.CapCreateSpecialUse) {
			create = &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrSent}}
		}
		err := f.c.Create(name, create).Wait()
		var refused *imap.Error
		if err != nil && !(errors.As(err, &refused) && refused.Code == imap.ResponseCodeAlreadyExists) {
			return "", fmt.Errorf("create the Sent folder %q: %w", name, err)
		}
		f.log.WithField("folder", name).Info("created the Sent folder")
	}
	f.sent = name
	return name, nil
}
