package app

import (
	"io"
	"sync"
	"time"
)

// logBuffer gathers log lines in memory and writes them out in batches:
// every interval, as soon as logBatchBytes are waiting, and at Close. The
// access log writes a line per request; written one by one, on a single
// core, they cost a tenth to a third of the throughput of a cached page,
// and a disk that stalled stalled the request that was logging. Lines stay
// in order; at most one interval of them is lost if the process is killed.
type logBuffer struct {
	out io.Writer

	// writing serializes the batches going out, so they leave in order;
	// it guards spare, the last batch's memory, reused for the next.
	writing sync.Mutex
	spare   []byte

	mu      sync.Mutex // guards pending and closed
	pending []byte
	closed  bool // after Close, lines go straight out

	kick chan struct{} // a batch is ready before the interval ends
	stop chan struct{}
	done chan struct{}
}

const (
	logBatchBytes = 64 << 10
	// logMaxPending bounds the memory lines may hold while the output is
	// slow: past it, a writer waits for the output like an unbuffered one.
	logMaxPending = 4 << 20
)

func newLogBuffer(out io.Writer, interval time.Duration) *logBuffer {
	b := &logBuffer{out: out, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go b.run(interval)
	return b
}

// Write keeps one line (slog hands over a whole record per call).
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	over, closed := len(b.pending)+len(p) > logMaxPending, b.closed
	b.mu.Unlock()
	if closed {
		// A request still running after the shutdown's grace.
		b.writing.Lock()
		defer b.writing.Unlock()
		return b.out.Write(p)
	}
	if over {
		b.flush()
	}
	b.mu.Lock()
	b.pending = append(b.pending, p...)
	ready := len(b.pending) >= logBatchBytes
	b.mu.Unlock()
	if ready {
		select {
		case b.kick <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

// flush writes what is pending. Lines logged meanwhile wait for the next
// batch instead of for the output.
func (b *logBuffer) flush() {
	b.writing.Lock()
	defer b.writing.Unlock()
	b.mu.Lock()
	batch := b.pending
	b.pending = b.spare[:0]
	b.mu.Unlock()
	if len(batch) > 0 {
		_, _ = b.out.Write(batch)
	}
	b.spare = batch[:0]
}

func (b *logBuffer) run(interval time.Duration) {
	defer close(b.done)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-b.stop:
			b.mu.Lock()
			b.closed = true
			b.mu.Unlock()
			b.flush()
			return
		case <-tick.C:
		case <-b.kick:
		}
		b.flush()
	}
}

// Close writes what is pending and stops the batches; lines written later
// go straight out.
func (b *logBuffer) Close() {
	close(b.stop)
	<-b.done
}
