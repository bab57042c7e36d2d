package mailbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// HTML mail is turned into text without fetching anything: tracking
// pixels, remote images, style sheets, frames and CSS urls stay on the
// server that would have counted the open.
func TestHTMLMailFetchesNothing(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	u := srv.URL
	html := `<html><head><link rel="stylesheet" href="` + u + `/s.css"><style>body{background:url(` + u + `/bg.png)}</style>
<script src="` + u + `/x.js"></script></head><body>
<img src="` + u + `/open.gif?id=42" width="1" height="1">
<img src="` + u + `/banner.jpg" alt="Double 11 sale">
<iframe src="` + u + `/frame"></iframe><object data="` + u + `/o"></object><video poster="` + u + `/p.jpg"></video>
<p style="background-image:url(` + u + `/p.png)">Your parcel left today.</p>
<a href="` + u + `/track?c=1">Track it</a></body></html>`
	raw := "From: shop@example.test\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
	p, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 0 {
		t.Fatalf("%d requests reached the sender's server", hits.Load())
	}
	for _, want := range []string{"Your parcel left today.", "[image: Double 11 sale]", "Track it"} {
		if !strings.Contains(p.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, p.Text)
		}
	}
	// The link's target is shown beside its words, so the seller sees
	// where it leads before clicking; nothing else of the server remains.
	if !strings.Contains(p.Text, u+"/track?c=1") {
		t.Errorf("the link target is not shown:\n%s", p.Text)
	}
	for _, gone := range []string{"open.gif", "banner.jpg", "s.css", "bg.png", "x.js", "/frame", "p.png", "p.jpg"} {
		if strings.Contains(p.Text, gone) {
			t.Errorf("%q is in the text:\n%s", gone, p.Text)
		}
	}
}
