package main

import (
	"context"
	"fmt"
	"time"

	"github.com/shopdesk/shopdesk/storage/search"
)

// reindex builds the search index from the database and reports what it
// holds: a check that every record is readable and searchable, and the
// time the desk takes to index at start.
func (e *env) reindex(args []string) error {
	if len(args) != 0 {
		return usageError{"usage: shopdesk reindex"}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	last := time.Time{}
	ix := search.New()
	err = ix.Build(context.Background(), st, func(done, total int) {
		if time.Since(last) > 500*time.Millisecond || done == total {
			last = time.Now()
			fmt.Fprintf(e.stderr, "indexing %d/%d\n", done, total)
		}
	})
	if err != nil {
		return fmt.Errorf("build the search index: %w", err)
	}
	c := ix.Counts()
	fmt.Fprintf(e.stdout, "indexed %d records in %.1f s: %d messages, %d customers, %d orders, %d calls, %d notes\n",
		ix.Len(), time.Since(start).Seconds(), c["message"], c["customer"], c["order"], c["call"], c["note"])
	return nil
}
