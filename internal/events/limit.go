package events

import "sync"

// StreamLimit bounds how many event streams one account holds open at
// once in this process. A stream costs a connection, a goroutine and a
// subscription for minutes; without a bound one account could hold
// thousands. Each instance counts its own streams.
type StreamLimit struct {
	mu   sync.Mutex
	max  int
	open map[int64]int
}

// NewStreamLimit allows max streams per account.
func NewStreamLimit(max int) *StreamLimit {
	return &StreamLimit{max: max, open: map[int64]int{}}
}

// Acquire takes one of the account's streams. ok is false when all are
// taken; otherwise release gives the stream back, once however often it
// is called.
func (l *StreamLimit) Acquire(account int64) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[account] >= l.max {
		return nil, false
	}
	l.open[account]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.open[account]--; l.open[account] <= 0 {
				delete(l.open, account)
			}
		})
	}, true
}

// Open is how many streams the account holds now.
func (l *StreamLimit) Open(account int64) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open[account]
}
