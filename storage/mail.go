package storage

import (
	"fmt"
	"strings"
	"time"
)

// Security is how a connection to a mail server is protected.
type Security string

const (
	SecurityTLS      Security = "tls"      // implicit TLS (IMAPS 993, SMTPS 465)
	SecurityStartTLS Security = "starttls" // upgrade a plain connection; never falls back
	SecurityNone     Security = "none"     // plain text: loopback test servers only
)

// Account is a mailbox the desk syncs and sends from. Its password is
// never stored here: it lives in the OS keyring.
type Account struct {
	Name        string    `json:"name"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name,omitempty"`
	IMAP        string    `json:"imap"` // host:port
	SMTP        string    `json:"smtp"` // host:port
	Username    string    `json:"username"`
	Security    Security  `json:"security"`
	Folders     []string  `json:"folders,omitempty"` // folders to sync beyond INBOX and Sent
	SentFolder  string    `json:"sent_folder,omitempty"`
	Signature   string    `json:"signature,omitempty"`
	Created     time.Time `json:"created"`
	// TLSPins are the SHA-256 fingerprints of server certificates no
	// authority vouches for (self-signed) that the seller confirmed; with
	// any set, only those certificates are accepted.
	TLSPins []string `json:"tls_pins,omitempty"`
	// SMTPSecurity, when set, is the SMTP server's own protection where
	// it differs from IMAP's (Outlook and iCloud send with STARTTLS on
	// 587 while IMAP uses implicit TLS); empty means Security.
	SMTPSecurity Security `json:"smtp_security,omitempty"`
}

// SendSecurity is how the SMTP connection is protected.
func (a Account) SendSecurity() Security {
	if a.SMTPSecurity != "" {
		return a.SMTPSecurity
	}
	return a.Security
}

// FolderRole says what a synced folder is for.
type FolderRole string

const (
	RoleInbox FolderRole = "inbox"
	RoleSent  FolderRole = "sent"
	RoleOther FolderRole = "other"
)

// FolderState is a folder's sync cursor. It commits in the same
// transaction as the messages it covers, so a crash resumes exactly.
type FolderState struct {
	Account       string     `json:"account"`
	Folder        string     `json:"folder"`
	Role          FolderRole `json:"role"`
	UIDValidity   uint32     `json:"uidvalidity"`
	LastUID       uint32     `json:"last_uid"` // every UID up to this one is stored or quarantined
	HighestModSeq uint64     `json:"highest_modseq,omitempty"`
	Synced        time.Time  `json:"synced,omitzero"`
}

// Quarantined is a message the sync could not fetch or parse; it is
// retried and never blocks the rest of the folder.
type Quarantined struct {
	Location
	Error    string    `json:"error"`
	Attempts int       `json:"attempts"`
	LastTry  time.Time `json:"last_try"`
}

var (
	bAccounts   = []byte("accounts")
	bFolders    = []byte("folders")
	bQuarantine = []byte("quarantine")
)

// SaveAccount creates or replaces the account with the name.
func (tx *Tx) SaveAccount(a *Account) error {
	a.Name = strings.TrimSpace(a.Name)
	if a.Name == "" {
		return fmt.Errorf("account has no name")
	}
	if a.Created.IsZero() {
		a.Created = tx.now()
	}
	return tx.putJSON(bAccounts, strKey(a.Name), a, KindAccount)
}

// Account returns the account with the name.
func (tx *Tx) Account(name string) (Account, error) {
	var a Account
	return a, tx.getJSON(bAccounts, strKey(name), &a, "account "+name)
}

// Accounts lists the accounts by name.
func (tx *Tx) Accounts() ([]Account, error) { return listJSON[Account](tx, bAccounts, nil) }

// DeleteAccount removes an account and its folder cursors; the mail
// already synced stays.
func (tx *Tx) DeleteAccount(name string) error {
	if _, err := tx.Account(name); err != nil {
		return err
	}
	if err := deletePrefix(tx, bFolders, strKey(name)); err != nil {
		return err
	}
	tx.emit(KindAccount, 0, OpDeleted)
	return tx.btx.Bucket(bAccounts).Delete(strKey(name))
}

func folderKey(account, folder string) []byte { return join(strKey(account), strKey(folder)) }

// FolderState returns a folder's cursor; a folder never synced has a zero one.
func (tx *Tx) FolderState(account, folder string) (FolderState, error) {
	fs := FolderState{Account: account, Folder: folder}
	err := tx.getJSON(bFolders, folderKey(account, folder), &fs, "folder "+folder)
	if isNotFound(err) {
		return fs, nil
	}
	return fs, err
}

// SaveFolderState moves a folder's cursor.
func (tx *Tx) SaveFolderState(fs FolderState) error {
	return tx.putJSON(bFolders, folderKey(fs.Account, fs.Folder), fs, "")
}

// FolderStates lists an account's folder cursors.
func (tx *Tx) FolderStates(account string) ([]FolderState, error) {
	return listJSON[FolderState](tx, bFolders, strKey(account))
}

// Quarantine records (or re-records) a message that could not be synced.
func (tx *Tx) Quarantine(q Quarantined) error {
	var prev Quarantined
	if err := tx.getJSON(bQuarantine, locationKey(q.Location), &prev, ""); err == nil {
		q.Attempts = max(q.Attempts, prev.Attempts+1)
	} else if q.Attempts == 0 {
		q.Attempts = 1
	}
	if q.LastTry.IsZero() {
		q.LastTry = tx.now()
	}
	return tx.putJSON(bQuarantine, locationKey(q.Location), q, "")
}

// Release removes a message from quarantine once it synced.
func (tx *Tx) Release(l Location) error { return tx.btx.Bucket(bQuarantine).Delete(locationKey(l)) }

// QuarantinedIn lists the quarantined messages of an account's folder.
func (tx *Tx) QuarantinedIn(account, folder string) ([]Quarantined, error) {
	return listJSON[Quarantined](tx, bQuarantine, folderKey(account, folder))
}
