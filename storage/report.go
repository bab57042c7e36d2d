// Helpers for whole-store reports (storage/stats, dormant customers).

package storage

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Location is the shop's time zone, where days and hours of day are counted.
func (h WorkingHours) Location() *time.Location { return shopLocation(h.TimeZone) }

// recordBuckets maps the kinds EachRecord can read to their buckets.
var recordBuckets = map[Kind][]byte{
	KindCustomer:     bCustomers,
	KindConversation: bConversations,
	KindMessage:      bMessages,
	KindOrder:        bOrders,
	KindCall:         bCalls,
	KindFollowUp:     bFollowUps,
	KindNote:         bNotes,
	KindCanned:       bCanned,
}

// EachRecord calls fn with the stored JSON of every record of the kind, in
// ID order, until fn returns an error. It is for whole-store reports
// (statistics) that decode only the few fields they need: a full decode of
// every record costs several times more. v is valid only during the call.
func (tx *Tx) EachRecord(kind Kind, fn func(id uint64, v []byte) error) error {
	name, ok := recordBuckets[kind]
	if !ok {
		return fmt.Errorf("read every %s: not a record kind", kind)
	}
	c := tx.btx.Bucket(name).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			continue
		}
		if err := fn(binary.BigEndian.Uint64(k), v); err != nil {
			return err
		}
	}
	return nil
}
