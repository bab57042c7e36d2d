package stats

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/shopdesk/shopdesk/storage"
)

// The store writes each record with encoding/json; reading back a whole
// conversation to use a few of its fields costs most of a report's time
// (encoding/json validates the record, then decodes it with reflection).
// fields walks a record's top-level fields once and hands over the raw
// value of each, and the small readers below decode only what is wanted.

var errSyntax = errors.New("malformed record")

// fields iterates over the top-level fields of a JSON object:
//
//	for f := newFields(v); f.next(); { use f.key, f.val }; check f.err
//
// Keys are taken as written (the store's field names need no escaping).
type fields struct {
	v        []byte
	i        int
	key, val []byte
	err      error
	done     bool
}

func newFields(v []byte) fields {
	f := fields{v: v}
	i := skipSpace(v, 0)
	if i >= len(v) || v[i] != '{' {
		f.err, f.done = errSyntax, true
		return f
	}
	f.i = skipSpace(v, i+1)
	f.done = f.i < len(v) && v[f.i] == '}'
	return f
}

// next moves to the next field; false at the end or on a syntax error.
func (f *fields) next() bool {
	if f.done {
		return false
	}
	v, i := f.v, f.i
	if i >= len(v) || v[i] != '"' {
		return f.fail()
	}
	end := bytes.IndexByte(v[i+1:], '"')
	if end < 0 {
		return f.fail()
	}
	f.key = v[i+1 : i+1+end]
	i = skipSpace(v, i+end+2)
	if i >= len(v) || v[i] != ':' {
		return f.fail()
	}
	i = skipSpace(v, i+1)
	n, err := valueEnd(v, i)
	if err != nil || n == i {
		return f.fail()
	}
	f.val = v[i:n]
	i = skipSpace(v, n)
	switch {
	case i >= len(v):
		return f.fail()
	case v[i] == '}':
		f.done = true
	case v[i] == ',':
		f.i = skipSpace(v, i+1)
	default:
		return f.fail()
	}
	return true
}

func (f *fields) fail() bool {
	f.err, f.done = errSyntax, true
	return false
}

// interner shares one copy of each repeated string (statuses, tags,
// currencies): a report reads tens of thousands of them.
type interner map[string]string

// str reads a JSON string value.
func (in interner) str(val []byte) (string, error) {
	if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' || bytes.IndexByte(val, '\\') >= 0 {
		return readString(val)
	}
	raw := val[1 : len(val)-1]
	if x, ok := in[string(raw)]; ok { // no allocation for the lookup
		return x, nil
	}
	x := string(raw)
	in[x] = x
	return x, nil
}

func skipSpace(v []byte, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\n' || v[i] == '\t' || v[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns where the JSON value starting at i ends.
func valueEnd(v []byte, i int) (int, error) {
	if i >= len(v) {
		return 0, errSyntax
	}
	switch v[i] {
	case '"':
		return stringEnd(v, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(v); j++ {
			switch v[j] {
			case '"':
				e, err := stringEnd(v, j)
				if err != nil {
					return 0, err
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, errSyntax
	default: // number, true, false, null
		j := i
		for j < len(v) && v[j] != ',' && v[j] != '}' && v[j] != ']' && v[j] != ' ' && v[j] != '\n' {
			j++
		}
		return j, nil
	}
}

// stringEnd returns the index after the closing quote of the string at i.
func stringEnd(v []byte, i int) (int, error) {
	for j := i + 1; j < len(v); j++ {
		switch v[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errSyntax
}

func readTime(val []byte, t *time.Time) error { return t.UnmarshalJSON(val) }

func readUint(val []byte, n *uint64) (err error) {
	*n, err = strconv.ParseUint(string(val), 10, 64)
	return err
}

func readInt(val []byte, n *int64) (err error) {
	*n, err = strconv.ParseInt(string(val), 10, 64)
	return err
}

// readString reads a JSON string, unescaping only when it must.
func readString(val []byte) (string, error) {
	if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
		return "", errSyntax
	}
	if bytes.IndexByte(val, '\\') < 0 {
		return string(val[1 : len(val)-1]), nil
	}
	var s string
	err := json.Unmarshal(val, &s)
	return s, err
}

// strs reads a JSON array of strings.
func (in interner) strs(val []byte, out *[]string) error {
	if string(val) == "null" {
		return nil
	}
	i := skipSpace(val, 0)
	if i >= len(val) || val[i] != '[' {
		return errSyntax
	}
	for i = skipSpace(val, i+1); i < len(val) && val[i] != ']'; {
		e, err := stringEnd(val, i)
		if err != nil {
			return err
		}
		s, err := in.str(val[i:e])
		if err != nil {
			return err
		}
		*out = append(*out, s)
		if i = skipSpace(val, e); i < len(val) && val[i] == ',' {
			i = skipSpace(val, i+1)
		}
	}
	if i >= len(val) {
		return errSyntax
	}
	return nil
}

// decode reads the conversation fields the figures use.
func (cv *convRecord) decode(v []byte, in interner) error {
	for f := newFields(v); ; {
		if !f.next() {
			return f.err
		}
		var err error
		var str string
		switch string(f.key) { // compared in place, no allocation
		case "customer_id":
			err = readUint(f.val, &cv.CustomerID)
		case "status":
			str, err = in.str(f.val)
			cv.Status = storage.ConversationStatus(str)
		case "severity":
			str, err = in.str(f.val)
			cv.Severity = storage.Severity(str)
		case "tags":
			err = in.strs(f.val, &cv.Tags)
		case "first_inbound":
			err = readTime(f.val, &cv.FirstInbound)
		case "first_response":
			err = readTime(f.val, &cv.FirstResponse)
		case "last_inbound":
			err = readTime(f.val, &cv.LastInbound)
		case "last_outbound":
			err = readTime(f.val, &cv.LastOutbound)
		case "created":
			err = readTime(f.val, &cv.Created)
		case "closed":
			err = readTime(f.val, &cv.Closed)
		}
		if err != nil {
			return err
		}
	}
}

// decode reads the order fields the figures use; the after-sales cases,
// rare and nested, go through encoding/json.
func (o *orderRecord) decode(v []byte, in interner) error {
	for f := newFields(v); ; {
		if !f.next() {
			return f.err
		}
		var err error
		var str string
		var n int64
		switch string(f.key) {
		case "customer_id":
			err = readUint(f.val, &o.CustomerID)
		case "total":
			err = readInt(f.val, &n)
			o.Total = storage.Money(n)
		case "currency":
			o.Currency, err = in.str(f.val)
		case "status":
			str, err = in.str(f.val)
			o.Status = storage.OrderStatus(str)
		case "placed":
			err = readTime(f.val, &o.Placed)
		case "cases":
			err = json.Unmarshal(f.val, &o.Cases)
		}
		if err != nil {
			return err
		}
	}
}

// callRecord is the part of a call the figures read.
type callRecord struct {
	Start          time.Time
	Outcome        storage.CallOutcome
	Severity       storage.Severity
	ConversationID uint64
}

func (c *callRecord) decode(v []byte, in interner) error {
	for f := newFields(v); ; {
		if !f.next() {
			return f.err
		}
		var err error
		var str string
		switch string(f.key) {
		case "start":
			err = readTime(f.val, &c.Start)
		case "outcome":
			str, err = in.str(f.val)
			c.Outcome = storage.CallOutcome(str)
		case "severity":
			str, err = in.str(f.val)
			c.Severity = storage.Severity(str)
		case "conversation_id":
			err = readUint(f.val, &c.ConversationID)
		}
		if err != nil {
			return err
		}
	}
}

// followUpRecord is the part of a follow-up the figures read.
type followUpRecord struct {
	Due, Done time.Time
	Rating    int
}

func (fu *followUpRecord) decode(v []byte) error {
	for f := newFields(v); ; {
		if !f.next() {
			return f.err
		}
		var err error
		var n int64
		switch string(f.key) {
		case "due":
			err = readTime(f.val, &fu.Due)
		case "done":
			err = readTime(f.val, &fu.Done)
		case "rating":
			err = readInt(f.val, &n)
			fu.Rating = int(n)
		}
		if err != nil {
			return err
		}
	}
}

// customerSegment reads a customer's segment.
func customerSegment(v []byte, in interner) (storage.Segment, error) {
	var seg string
	for f := newFields(v); ; {
		if !f.next() {
			return storage.Segment(seg), f.err
		}
		if string(f.key) == "segment" {
			var err error
			if seg, err = in.str(f.val); err != nil {
				return "", err
			}
		}
	}
}
