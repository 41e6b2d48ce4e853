package app

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// lockedBuffer is an output that may be written from the flushing
// goroutine while the test reads it.
type lockedBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func TestLogBufferKeepsEveryLineInOrder(t *testing.T) {
	out := &lockedBuffer{}
	b := newLogBuffer(out, time.Hour) // only size and Close flush here
	const writers, lines = 8, 5000
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range lines {
				if _, err := fmt.Fprintf(b, "writer %d line %05d %s\n", w, i, strings.Repeat("x", 40)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.Close()

	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines out, want %d", len(got), writers*lines)
	}
	next := make([]int, writers)
	for _, line := range got {
		var w, i int
		if _, err := fmt.Sscanf(line, "writer %d line %d", &w, &i); err != nil {
			t.Fatalf("line torn: %q", line)
		}
		if i != next[w] {
			t.Fatalf("writer %d: line %d came after line %d", w, i, next[w]-1)
		}
		next[w]++
	}
	// Batched: far fewer writes than lines.
	if out.writes > writers*lines/100 {
		t.Errorf("%d writes for %d lines: not batched", out.writes, writers*lines)
	}
}

// A lone line waits for the interval, no longer: on synctest's fake clock
// the test sees the output just before the tick and just after it.
func TestLogBufferWritesWithinItsInterval(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const interval = 10 * time.Millisecond
		out := &lockedBuffer{}
		b := newLogBuffer(out, interval)
		defer b.Close()
		writeLine(t, b, "une ligne")

		time.Sleep(interval - time.Nanosecond)
		synctest.Wait()
		if got := out.String(); got != "" {
			t.Fatalf("written before its interval: %q", got)
		}
		time.Sleep(time.Nanosecond)
		synctest.Wait()
		if got := out.String(); got != "une ligne\n" {
			t.Fatalf("a lone line was not written at its interval: %q", got)
		}
	})
}

func TestLogBufferWritesThroughOnceClosed(t *testing.T) {
	out := &lockedBuffer{}
	b := newLogBuffer(out, time.Hour)
	writeLine(t, b, "avant")
	b.Close()
	writeLine(t, b, "après") // a request that outlived the shutdown's grace
	if got := out.String(); got != "avant\naprès\n" {
		t.Errorf("output %q", got)
	}
}

func writeLine(t *testing.T, b *logBuffer, line string) {
	t.Helper()
	if _, err := fmt.Fprintln(b, line); err != nil {
		t.Fatal(err)
	}
}
