package mailbox

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestWireRedactor(t *testing.T) {
	plain := base64.StdEncoding.EncodeToString([]byte("\x00shop@example.test\x00hunter2"))
	// wire is the debug stream as the libraries write it: each element is
	// one side's writes (a client command, a server read); the test cuts
	// each element further, but never joins the two sides in one write.
	tests := []struct {
		name, proto string
		wire        []string
		want        string   // the whole log
		never       []string // must not appear
	}{
		{"IMAP LOGIN with atoms", "imap",
			[]string{"* OK ready\r\n", "T1 LOGIN shop hunter2\r\n", "T1 OK [CAPABILITY IMAP4rev1] logged in\r\n"},
			"* OK ready\nT1 LOGIN [not logged]\nT1 OK [CAPABILITY IMAP4rev1] logged in\n", []string{"hunter2"}},
		{"IMAP LOGIN with quoted strings", "imap",
			[]string{"T1 login \"shop\" \"hunter 2\"\r\n", "T1 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"},
			"T1 login [not logged]\nT1 NO [AUTHENTICATIONFAILED] Invalid credentials\n", []string{"hunter"}},
		{"IMAP LOGIN with synchronising literals", "imap",
			[]string{"T1 LOGIN {4}\r\n", "+ Ready\r\n", "shop {7}\r\n", "+ Ready\r\n", "hunter2\r\n", "T1 OK done\r\n"},
			"T1 LOGIN [not logged]\n+ Ready\n[4 bytes not logged]\n[not logged]\n+ Ready\n[7 bytes not logged]\n[not logged]\nT1 OK done\n",
			[]string{"hunter2", "shop"}},
		{"IMAP LOGIN with a quoted password after a literal", "imap",
			[]string{"T1 LOGIN {4}\r\n", "+ go\r\n", "shop \"hunter2\"\r\n", "T1 OK\r\n"},
			"T1 LOGIN [not logged]\n+ go\n[4 bytes not logged]\n[not logged]\nT1 OK\n", []string{"hunter2"}},
		{"IMAP LOGIN with non-synchronising literals", "imap",
			[]string{"T1 LOGIN {4+}\r\nshop {7+}\r\nhunter2\r\n", "T1 OK\r\n"},
			"T1 LOGIN [not logged]\n[4 bytes not logged]\n[not logged]\n[7 bytes not logged]\n[not logged]\nT1 OK\n",
			[]string{"hunter2"}},
		// The client logs a write after making it: the server's go-ahead,
		// even its answer, may be logged before the client's own bytes.
		{"IMAP go-ahead logged before the command", "imap",
			[]string{"+ Ready\r\n", "T1 LOGIN shop@example.test {7}\r\n", "hunter2\r\n", "T1 OK\r\n"},
			"+ Ready\nT1 LOGIN [not logged]\n[7 bytes not logged]\n[not logged]\nT1 OK\n", []string{"hunter2"}},
		{"IMAP answer logged before the literal", "imap",
			[]string{"T1 LOGIN \"shop@example.test\" {7}\r\n", "* OK [CAPABILITY IMAP4rev1] ready\r\n", "+ Ready\r\n",
				"T1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\r\n", "hunter2\r\n", "T2 SELECT INBOX\r\n"},
			"T1 LOGIN [not logged]\n* OK [CAPABILITY IMAP4rev1] ready\n+ Ready\nT1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in\n" +
				"[7 bytes not logged]\n[not logged]\nT2 SELECT INBOX\n", []string{"hunter2"}},
		{"IMAP append with its go-ahead first", "imap",
			[]string{"* 3 EXISTS\r\n+ go\r\n", "A6 APPEND Sent {11}\r\n", "secret body\r\n", "A6 OK\r\n"},
			"* 3 EXISTS\n+ go\nA6 APPEND Sent {11}\n[11 bytes not logged]\n\nA6 OK\n", []string{"secret body"}},
		{"IMAP AUTHENTICATE PLAIN with a continuation", "imap",
			[]string{"A2 AUTHENTICATE PLAIN\r\n", "+ \r\n", plain + "\r\n", "A2 OK welcome\r\n", "A3 SELECT INBOX\r\n"},
			"A2 AUTHENTICATE PLAIN\n+ \n[authentication data not logged]\nA2 OK welcome\nA3 SELECT INBOX\n", []string{plain}},
		{"IMAP AUTHENTICATE with an initial response", "imap",
			[]string{"A2 AUTHENTICATE PLAIN " + plain + "\r\n", "A2 NO [AUTHENTICATIONFAILED] bad\r\n"},
			"A2 AUTHENTICATE PLAIN [not logged]\nA2 NO [AUTHENTICATIONFAILED] bad\n", []string{plain}},
		{"IMAP fetched message", "imap",
			[]string{"A5 UID FETCH 1:* (BODY.PEEK[])\r\n", "* 1 FETCH (UID 1 BODY[] {26}\r\nSubject: hi\r\n\r\nsecret body)\r\nA5 OK\r\n"},
			"A5 UID FETCH 1:* (BODY.PEEK[])\n* 1 FETCH (UID 1 BODY[] {26}\n[26 bytes not logged]\n)\nA5 OK\n", []string{"secret body", "Subject: hi"}},
		{"IMAP appended message", "imap",
			[]string{"A6 APPEND Sent (\\Seen) {18}\r\n", "+ Ready\r\n", "secret reply text!\r\n", "A6 OK [APPENDUID 1 2] done\r\n"},
			"A6 APPEND Sent (\\Seen) {18}\n+ Ready\n[18 bytes not logged]\n\nA6 OK [APPENDUID 1 2] done\n", []string{"secret reply"}},
		{"SMTP AUTH PLAIN with an initial response", "smtp",
			[]string{"220 mx ready\r\n", "EHLO localhost\r\n", "250-mx\r\n250 AUTH PLAIN\r\n", "AUTH PLAIN " + plain + "\r\n", "535 5.7.8 Login fail\r\n"},
			"220 mx ready\nEHLO localhost\n250-mx\n250 AUTH PLAIN\nAUTH PLAIN [not logged]\n535 5.7.8 Login fail\n", []string{plain}},
		{"SMTP AUTH LOGIN exchange", "smtp",
			[]string{"AUTH LOGIN\r\n", "334 VXNlcm5hbWU6\r\n", "c2hvcA==\r\n", "334 UGFzc3dvcmQ6\r\n", "aHVudGVyMg==\r\n", "235 2.7.0 ok\r\n", "MAIL FROM:<a@b>\r\n"},
			"AUTH LOGIN\n334 [not logged]\n[authentication data not logged]\n334 [not logged]\n[authentication data not logged]\n235 2.7.0 ok\nMAIL FROM:<a@b>\n",
			[]string{"aHVudGVyMg==", "c2hvcA=="}},
		{"SMTP DATA", "smtp",
			[]string{"DATA\r\n", "354 go ahead\r\n", "Subject: order 1234\r\n\r\nsecret body\r\n..dot-stuffed\r\n.\r\n", "250 2.0.0 queued as X\r\n", "QUIT\r\n"},
			"DATA\n354 go ahead\n[message: 51 bytes not logged]\n.\n250 2.0.0 queued as X\nQUIT\n", []string{"secret body", "order 1234"}},
		{"SMTP DATA refused", "smtp",
			[]string{"DATA\r\n", "554 no valid recipients\r\n", "RSET\r\n"},
			"DATA\n554 no valid recipients\nRSET\n", nil},
		{"SMTP BDAT", "smtp",
			[]string{"BDAT 11 LAST\r\nsecret body", "250 ok\r\n"},
			"BDAT 11 LAST\n[11 bytes not logged]\n250 ok\n", []string{"secret body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each write whole, then a byte at a time, then in pieces of 5.
			for _, size := range []int{0, 1, 5} {
				// A server read that starts a line with fewer bytes than
				// "A1 OK" cannot be told from the client's literal; TCP and
				// TLS reads do not come that small.
				if tt.name == "IMAP answer logged before the literal" && size == 1 {
					continue
				}
				var out strings.Builder
				w := NewWireRedactor(&out, tt.proto)
				for _, seg := range tt.wire {
					step := size
					if step == 0 {
						step = len(seg)
					}
					for i := 0; i < len(seg); i += step {
						piece := seg[i:min(i+step, len(seg))]
						if n, err := w.Write([]byte(piece)); err != nil || n != len(piece) {
							t.Fatalf("Write = %d, %v", n, err)
						}
					}
				}
				if out.String() != tt.want {
					t.Errorf("in pieces of %d:\n got %q\nwant %q", size, out.String(), tt.want)
				}
				for _, s := range tt.never {
					if strings.Contains(out.String(), s) {
						t.Errorf("in pieces of %d: %q leaked", size, s)
					}
				}
			}
		})
	}
}

// Known secrets are masked whatever the stream looks like.
func TestWireRedactorMasksKnownSecrets(t *testing.T) {
	var out strings.Builder
	w := NewWireRedactor(&out, "imap", `hu"nter2`, PlainAuthSecret("shop", `hu"nter2`), "abc")
	w.Write([]byte("* weird hu\"nter2 and hu\\\"nter2 " + PlainAuthSecret("shop", `hu"nter2`) + " abc\r\n"))
	if got := out.String(); strings.Contains(got, "nter2") || strings.Contains(got, PlainAuthSecret("shop", `hu"nter2`)) || !strings.Contains(got, " abc") {
		t.Errorf("logged %q", got)
	}
}

func TestWireRedactorLongLine(t *testing.T) {
	var out strings.Builder
	w := NewWireRedactor(&out, "imap")
	w.Write([]byte("* OK " + strings.Repeat("x", 5000) + "\r\n"))
	if got := out.String(); len(got) > maxWireLine+40 || !strings.HasSuffix(got, " more bytes]\n") {
		t.Errorf("long line logged as %d bytes: %q", len(got), got[len(got)-30:])
	}
}

// A read cut mid-line may put the client's LOGIN behind part of a server
// line in the shared debug stream; the password must stay out all the same.
func TestWireRedactorInterleavedLogin(t *testing.T) {
	var out strings.Builder
	w := NewWireRedactor(&out, "imap")
	for _, piece := range []string{"* OK [CAPABILITY IMAP4rev1] ser", "T1 LOGIN shop hunter2\r\n", "ver ready\r\n", "T1 OK\r\n"} {
		w.Write([]byte(piece))
	}
	if strings.Contains(out.String(), "hunter2") {
		t.Errorf("password leaked: %q", out.String())
	}
}
