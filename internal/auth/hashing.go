package auth

import (
	"bufio"
	"context"
	"errors"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Each argon2id computation holds its own 19 MiB block until it ends, and
// the Go runtime hands freed memory back to the system only slowly: two
// hundred logins at once once took a server to 3 GB that it kept. So the
// computations of the whole process, logins, password changes and account
// creations alike, go through one bounded gate. A login waits a moment for
// a free slot (HashWait), then is told to come back (ErrBusy) rather than
// queue without end.

// ErrBusy refuses a password check or hash that found no free slot in
// time: the server is busy, the attempt was not made, and nothing was
// counted against the account.
var ErrBusy = errors.New("auth: too many password checks at once")

// HashWait is how long a request waits for a hashing slot before ErrBusy,
// and BusyRetryAfter what it is told to wait before trying again.
const (
	HashWait       = 2 * time.Second
	BusyRetryAfter = 5 * time.Second
)

// hashWait is HashWait, shortened by tests.
var hashWait = HashWait

// hashGate is a counting semaphore: a slot is a token in the channel.
type hashGate struct{ slots chan struct{} }

// gate is the process's one bound. LimitHashing replaces it at start; a
// computation already running gives its slot back to the gate it took it
// from.
var gate atomic.Pointer[hashGate]

func init() { LimitHashing(0) }

// LimitHashing bounds the password hashes computed at once by this
// process to n; n <= 0 sizes the bound from memory
// (DefaultHashConcurrency).
func LimitHashing(n int) {
	if n <= 0 {
		n = DefaultHashConcurrency()
	}
	gate.Store(&hashGate{slots: make(chan struct{}, n)})
}

// HashConcurrency is the bound in force.
func HashConcurrency() int { return cap(gate.Load().slots) }

// enterHashing takes a slot of the gate, waiting at most wait (forever
// when wait is 0) and no longer than ctx lasts, and returns the function
// that gives it back.
func enterHashing(ctx context.Context, wait time.Duration) (func(), error) {
	g := gate.Load()
	leave := func() { <-g.slots }
	select {
	case g.slots <- struct{}{}:
		return leave, nil
	default:
	}
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case g.slots <- struct{}{}:
		return leave, nil
	case <-timeout:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ErrBusy
	}
}

// DefaultHashConcurrency gives hashing a quarter of the memory the process
// may use (GOMEMLIMIT, else the container's limit, else the machine's
// memory), at least one slot and at most one per processor but one.
// Hashing is pure CPU: with every processor hashing, a login flood on two
// cores took readers' p99 from 3 to 50 ms; one processor left to readers
// keeps pages quick while logins wait their turn.
func DefaultHashConcurrency() int {
	return hashSlots(memoryBudget(), runtime.NumCPU())
}

// hashSlots is DefaultHashConcurrency's rule for a given budget in bytes.
func hashSlots(budget uint64, cpus int) int {
	most := max(cpus-1, 1)
	n := min(budget/4/(argonMemory*1024), uint64(most)) //nolint:gosec // G115: most is at least 1
	return max(int(n), 1)                               //nolint:gosec // G115: n is at most most, an int
}

// memoryBudget is what the process may use, in bytes; 0 when unknown.
func memoryBudget() uint64 {
	if limit := debug.SetMemoryLimit(-1); limit > 0 && limit != math.MaxInt64 {
		return uint64(limit)
	}
	// cgroup v2 (a container); "max" means no limit.
	if data, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return totalMemory()
}

// totalMemory reads MemTotal from /proc/meminfo (Linux); 0 elsewhere.
func totalMemory() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kib, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kib * 1024
			}
		}
	}
	return 0
}

// hashPassword hashes a password for a request, within the hashing bound.
func (s *Service) hashPassword(ctx context.Context, password string) (string, error) {
	leave, err := enterHashing(ctx, hashWait)
	if err != nil {
		return "", err
	}
	defer leave()
	return hashPassword(password)
}
