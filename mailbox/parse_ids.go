package mailbox

import (
	"bytes"
	"strconv"
	"strings"
)

// maxReferences bounds the References kept from one message. Threading
// needs the root and the last few parents, not a crafted list of 100,000.
const maxReferences = 100

// msgIDs returns the message identifiers of a Message-ID, In-Reply-To or
// References value without angle brackets, in order and without repeats.
// It is lenient where go-message's MsgIDList stops: IDs without '@',
// whitespace folded into an ID, comments and phrases around IDs, lists
// separated by commas, and IDs written without brackets.
func msgIDs(v []byte) []string {
	v = trimWSP(v)
	if len(v) == 0 {
		return nil
	}
	var ids []string
	var seen map[string]bool // only for long lists: a linear scan is cheaper for the usual few
	add := func(id []byte) {
		id = bytes.Trim(id, " \t\r\n<>,\"'")
		if len(id) == 0 {
			return
		}
		if bytes.IndexAny(id, " \t\r\n") >= 0 { // folded inside the brackets
			id = bytes.Join(bytes.Fields(id), nil)
		}
		s := strings.ToValidUTF8(string(id), "\uFFFD")
		if seen == nil && len(ids) >= 16 {
			seen = make(map[string]bool, 2*len(ids))
			for _, id := range ids {
				seen[id] = true
			}
		}
		if seen != nil {
			if seen[s] {
				return
			}
			seen[s] = true
		} else {
			for _, old := range ids {
				if old == s {
					return
				}
			}
		}
		ids = append(ids, s)
	}
	if bytes.IndexByte(v, '<') >= 0 {
		rest := v
		for {
			i := bytes.IndexByte(rest, '<')
			if i < 0 {
				break
			}
			j := bytes.IndexByte(rest[i+1:], '>')
			if j < 0 { // cut off: keep what is there
				add(rest[i+1:])
				break
			}
			add(rest[i+1 : i+1+j])
			rest = rest[i+1+j+1:]
		}
		return ids
	}
	for _, f := range bytes.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }) {
		add(f)
	}
	return ids
}

// capReferences keeps the thread root and the newest ancestors.
func capReferences(ids []string, limit int) []string {
	if len(ids) <= limit {
		return ids
	}
	out := make([]string, 0, limit)
	out = append(out, ids[0])
	return append(out, ids[len(ids)-(limit-1):]...)
}

func (p *parser) references(v []byte) []string {
	ids := msgIDs(v)
	if len(ids) > maxReferences {
		p.note("References has " + strconv.Itoa(len(ids)) + " entries; kept the first and the last " +
			strconv.Itoa(maxReferences-1))
		ids = capReferences(ids, maxReferences)
	}
	return ids
}
