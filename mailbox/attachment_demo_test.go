package mailbox_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/shopdesk/shopdesk/assets"
	"github.com/shopdesk/shopdesk/mailbox"
	"github.com/shopdesk/shopdesk/mailbox/demo"
)

// The demo's attachments are named in UTF-8, GBK and Big5 mail; each one
// comes back whole under its own name.
func TestAttachmentDataFromDemoMail(t *testing.T) {
	d, err := assets.LoadDemo()
	if err != nil {
		t.Fatal(err)
	}
	mails, err := demo.Render(d, time.Date(2025, 11, 20, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, c := range d.Conversations {
		for i, m := range c.Messages {
			if len(m.Attachments) == 0 {
				continue
			}
			var raw []byte
			for _, ml := range mails {
				if ml.Conversation == c.Key && ml.Index == i {
					raw = ml.Raw
				}
			}
			for j, a := range m.Attachments {
				name, typ, data, err := mailbox.AttachmentData(raw, j)
				if err != nil {
					t.Fatalf("%s/%d attachment %d: %v", c.Key, i, j, err)
				}
				// The demo fakes a photo with a few repeated bytes per kilobyte.
				want := bytes.Repeat([]byte("demo attachment "), int(min(a.Size/64+16, 4096)/16))
				if name != a.Name || typ != a.Type || !bytes.Equal(data, want) {
					t.Errorf("%s/%d attachment %d: got %q %s %d bytes, want %q %s %d bytes",
						c.Key, i, j, name, typ, len(data), a.Name, a.Type, len(want))
				}
				if got := mailbox.SafeFileName(name); got != a.Name {
					t.Errorf("SafeFileName(%q) = %q; a plain name should stay as it is", name, got)
				}
				seen++
			}
		}
	}
	if seen < 5 {
		t.Fatalf("only %d demo attachments checked", seen)
	}
}
