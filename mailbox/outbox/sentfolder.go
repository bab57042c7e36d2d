package outbox

import (
	"strings"

	"github.com/emersion/go-imap/v2"
)

// sentNames are the usual names of the Sent folder, for servers that do
// not mark it \Sent: Dovecot and Thunderbird, Apple, Outlook, and the
// Chinese webmails (NetEase, QQ) in simplified and traditional script.
var sentNames = []string{"Sent", "Sent Messages", "Sent Items", "已发送", "已發送"}

// pickSent chooses the Sent folder from a LIST answer: the \Sent
// special-use folder, else the first of sentNames found at the top level
// or under INBOX (servers with an "INBOX." namespace). "" when none.
func pickSent(list []*imap.ListData) string {
	for _, mb := range list {
		if selectable(mb) && hasAttr(mb, imap.MailboxAttrSent) {
			return mb.Mailbox
		}
	}
	for _, name := range sentNames {
		for _, mb := range list {
			if !selectable(mb) {
				continue
			}
			n := mb.Mailbox
			if mb.Delim != 0 {
				if parent, leaf, ok := strings.Cut(n, string(mb.Delim)); ok && strings.EqualFold(parent, "INBOX") {
					n = leaf
				}
			}
			if strings.EqualFold(n, name) {
				return mb.Mailbox
			}
		}
	}
	return ""
}

// listed reports whether the folder is in the LIST answer.
func listed(list []*imap.ListData, name string) bool {
	for _, mb := range list {
		if mb.Mailbox == name && !hasAttr(mb, imap.MailboxAttrNonExistent) {
			return true
		}
	}
	return false
}

func selectable(mb *imap.ListData) bool {
	return !hasAttr(mb, imap.MailboxAttrNoSelect) && !hasAttr(mb, imap.MailboxAttrNonExistent)
}

func hasAttr(mb *imap.ListData, attr imap.MailboxAttr) bool {
	for _, a := range mb.Attrs {
		if strings.EqualFold(string(a), string(attr)) {
			return true
		}
	}
	return false
}
