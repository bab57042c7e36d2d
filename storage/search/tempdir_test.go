package search

import (
	"os"
	"sync/atomic"
	"testing"
)

// madeCorpus is the benchmark corpus once made, for TestMain to remove.
var madeCorpus atomic.Pointer[corpus]

func tempDir() (string, error) { return os.MkdirTemp("", "shopdesk-search-bench-") }

// TestMain removes the benchmark's store when a benchmark made one.
func TestMain(m *testing.M) {
	code := m.Run()
	if c := madeCorpus.Load(); c != nil {
		c.st.Close()
		os.RemoveAll(c.dir)
	}
	os.Exit(code)
}
