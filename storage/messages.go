package storage

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
)

var messages = table[Message]{
	bucket: bMessages,
	kind:   KindMessage,
	id:     func(m *Message) *uint64 { return &m.ID },
	indexes: []index[Message]{
		{bucket: bMsgConv, keys: func(m *Message) [][]byte {
			return [][]byte{join(u64(m.ConversationID), timeKey(m.Date))}
		}},
		{bucket: bMsgMessageID, keys: func(m *Message) [][]byte {
			if m.MessageID == "" {
				return nil
			}
			return [][]byte{strKey(m.MessageID)}
		}},
		{bucket: bMsgHash, keys: func(m *Message) [][]byte {
			if m.Hash == "" {
				return nil
			}
			return [][]byte{strKey(m.Hash)}
		}},
		{bucket: bMsgLocation, keys: func(m *Message) [][]byte {
			ks := make([][]byte, 0, len(m.Locations))
			for _, l := range m.Locations {
				ks = append(ks, locationKey(l))
			}
			return ks
		}},
	},
}

func locationKey(l Location) []byte {
	k := join(strKey(l.Account), strKey(l.Folder), make([]byte, 8))
	binary.BigEndian.PutUint32(k[len(k)-8:], l.UIDValidity)
	binary.BigEndian.PutUint32(k[len(k)-4:], l.UID)
	return k
}

// Packed is a message's raw RFC 5322 bytes made ready to store: hashed
// and compressed. Packing is the costly part of saving a message, so bulk
// writers (sync) pack on all cores before their transaction.
type Packed struct {
	Hash string // hex SHA-256 of the raw bytes: the content's identity
	Size int64
	z    []byte
}

// Pack hashes and compresses raw bytes.
func Pack(raw []byte) (Packed, error) {
	sum := sha256.Sum256(raw)
	z, err := compress(raw)
	if err != nil {
		return Packed{}, fmt.Errorf("compress message: %w", err)
	}
	return Packed{Hash: hex.EncodeToString(sum[:]), Size: int64(len(raw)), z: z}, nil
}

// SaveMessage saves a message's parsed fields and, when raw is not nil, its
// raw RFC 5322 bytes, setting Size and Hash from them. Pass nil raw to
// update the fields alone.
func (tx *Tx) SaveMessage(m *Message, raw []byte) error {
	if raw == nil {
		return tx.savePacked(m, nil)
	}
	p, err := Pack(raw)
	if err != nil {
		return err
	}
	return tx.savePacked(m, &p)
}

// SavePacked saves a message with raw bytes packed beforehand.
func (tx *Tx) SavePacked(m *Message, p Packed) error { return tx.savePacked(m, &p) }

func (tx *Tx) savePacked(m *Message, p *Packed) error {
	if m.ConversationID == 0 {
		return fmt.Errorf("message %q has no conversation", m.MessageID)
	}
	if p != nil {
		m.Hash, m.Size = p.Hash, p.Size
	}
	if err := messages.put(tx, m); err != nil {
		return err
	}
	if p == nil {
		return nil
	}
	if err := tx.btx.Bucket(bMessageRaw).Put(u64(m.ID), p.z); err != nil {
		return fmt.Errorf("put raw message %d: %w", m.ID, err)
	}
	return nil
}

// Message returns the message with the ID.
func (tx *Tx) Message(id uint64) (Message, error) { return messages.get(tx, id) }

// Raw returns the message's original bytes.
func (tx *Tx) Raw(id uint64) ([]byte, error) {
	return decompress(tx.btx.Bucket(bMessageRaw).Get(u64(id)), fmt.Sprintf("raw message %d", id))
}

func decompress(z []byte, what string) ([]byte, error) {
	if z == nil {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
	if err != nil {
		return nil, fmt.Errorf("decompress %s: %w", what, err)
	}
	return raw, nil
}

// MessagesOf lists a conversation's messages by date, oldest first.
func (tx *Tx) MessagesOf(conversationID uint64) ([]Message, error) {
	return messages.byIndex(tx, bMsgConv, u64(conversationID), false, 0)
}

// MessagesByMessageID finds the messages with the Message-ID header; more
// than one when different contents share it.
func (tx *Tx) MessagesByMessageID(messageID string) ([]Message, error) {
	return messages.byIndex(tx, bMsgMessageID, strKey(messageID), false, 0)
}

// MessageByHash finds the message with exactly these raw bytes.
func (tx *Tx) MessageByHash(hash string) (Message, error) {
	ms, err := messages.byIndex(tx, bMsgHash, strKey(hash), false, 1)
	if err != nil {
		return Message{}, err
	}
	if len(ms) == 0 {
		return Message{}, fmt.Errorf("message with hash %s: %w", hash, ErrNotFound)
	}
	return ms[0], nil
}

// MessageAt finds the message stored at a server location.
func (tx *Tx) MessageAt(l Location) (Message, error) {
	ms, err := messages.byIndex(tx, bMsgLocation, locationKey(l), false, 1)
	if err != nil {
		return Message{}, err
	}
	if len(ms) == 0 {
		return Message{}, fmt.Errorf("message at %s/%s %d:%d: %w", l.Account, l.Folder, l.UIDValidity, l.UID, ErrNotFound)
	}
	return ms[0], nil
}

// CountMessages is the number of messages.
func (tx *Tx) CountMessages() int { return messages.count(tx) }

// Messages returns up to limit messages with IDs after the given one.
func (tx *Tx) Messages(after uint64, limit int) ([]Message, error) {
	return messages.page(tx, after, limit)
}

// DeleteMessage removes a message and its raw bytes.
func (tx *Tx) DeleteMessage(id uint64) error {
	if err := messages.delete(tx, id); err != nil {
		return err
	}
	return tx.btx.Bucket(bMessageRaw).Delete(u64(id))
}

// flateWriters reuses compressors: a new one allocates and clears about a
// megabyte, which costs more than compressing a typical message.
var flateWriters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(nil, flate.BestSpeed)
	return w
}}

func compress(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(raw)/2 + 64)
	w := flateWriters.Get().(*flate.Writer)
	defer flateWriters.Put(w)
	w.Reset(&buf)
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Located is a message's place in a folder, read straight from the index.
type Located struct {
	UIDValidity uint32
	UID         uint32
	ID          uint64 // the message
}

// LocationsIn lists the stored messages of an account's folder, under any
// UIDVALIDITY, in (UIDVALIDITY, UID) order, without decoding a message.
func (tx *Tx) LocationsIn(account, folder string) []Located {
	prefix := join(strKey(account), strKey(folder))
	var out []Located
	c := tx.btx.Bucket(bMsgLocation).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		rest := k[len(prefix):]
		if len(rest) != 16 {
			continue // a folder whose name extends this one's
		}
		out = append(out, Located{UIDValidity: binary.BigEndian.Uint32(rest), UID: binary.BigEndian.Uint32(rest[4:]),
			ID: binary.BigEndian.Uint64(rest[8:])})
	}
	return out
}
