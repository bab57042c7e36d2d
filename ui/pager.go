package ui

import "sync/atomic"

// pageSize is how many records a table reads at a time; scrolling near
// the end asks for the next page.
const pageSize = 200

// pager tracks how much of a long table is loaded. A reload reads the
// first want records again, so changes anywhere in them show, and asking
// for more simply raises want.
type pager struct {
	want atomic.Int64 // read by loads off the main goroutine

	more   bool // the store has records beyond the loaded ones; main goroutine only
	asking bool // a page has been asked for and not yet applied
}

func (p *pager) limit() int {
	if n := p.want.Load(); n > 0 {
		return int(n)
	}
	return pageSize
}

// near is called as rows are drawn; it reports whether to load the next page.
func (p *pager) near(row, loaded int) bool {
	if !p.more || p.asking || row < loaded-pageSize/4 {
		return false
	}
	p.asking = true
	p.want.Store(int64(loaded + pageSize))
	return true
}

// loaded records a load's outcome.
func (p *pager) loaded(n, total int) {
	p.more = n < total
	p.asking = false
}
