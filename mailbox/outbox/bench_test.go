package outbox

import (
	"testing"
)

// BenchmarkSendOne is the whole send path for one reply against the
// loopback servers: queue, connect and log in to SMTP and IMAP, send,
// look for the copy in Sent, append it, set \Answered; every step
// committed to the store.
func BenchmarkSendOne(b *testing.B) {
	f := newFixture(b)
	for b.Loop() {
		f.queue(b)
		if res := f.flush(b); len(res) != 1 || res[0].State != "done" {
			b.Fatalf("flush: %+v", res)
		}
	}
}

// BenchmarkSendBatch sends 20 queued replies in one flush, on one
// connection each way; the figure is per reply.
func BenchmarkSendBatch(b *testing.B) {
	const batch = 20
	f := newFixture(b)
	for b.Loop() {
		b.StopTimer()
		for range batch {
			f.queue(b)
		}
		b.StartTimer()
		if res := f.flush(b); len(res) != batch {
			b.Fatalf("flush touched %d", len(res))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*batch), "µs/reply")
}
