package httpx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/db"
)

// Health thresholds and timings.
const (
	// minFreeDisk is the least free space under the data directory for
	// the atlas to call itself healthy: below it, saves, the SQLite
	// journal and the logs start failing.
	minFreeDisk = 100 << 20
	// healthPingTimeout bounds the database's answer to a health check.
	healthPingTimeout = 2 * time.Second
	// healthKeptFor is how long the disk and migration checks are
	// reused: a probe every second costs one look at each every few.
	healthKeptFor = 5 * time.Second
)

// Health answers /healthz. DB is checked at each probe; the disk under
// DataDir and the schema's version every healthKeptFor.
type Health struct {
	DB      *db.DB
	DataDir string
	// DiskFree tells the free bytes of the file system holding a
	// directory; nil: the system's own count.
	DiskFree func(dir string) (uint64, error)
	Log      *slog.Logger
	state    healthState
}

// healthState keeps the slower checks between probes.
type healthState struct {
	mu         sync.Mutex
	at         time.Time
	disk       string // "ok" or what is wrong
	migrations string
}

// healthAnswer is /healthz's JSON (asked with Accept: application/json):
// "ok", or "failing" with each check's verdict, so the operator reads what
// is wrong. The plain answer is the contract's "ok", or "failing" and one
// line per check.
type healthAnswer struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks"`
}

// Serve answers 200 when the database answers, the disk under the data
// directory has room and the schema is the binary's; else 503 saying
// which check failed. For load balancers, container orchestrators and
// `atlas healthcheck`.
func (h *Health) Serve(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), healthPingTimeout)
	defer cancel()
	database := "ok"
	if err := h.DB.Ping(ctx); err != nil {
		// The driver's words may name hosts and accounts: logged, not
		// shown to whoever asks.
		h.Log.Warn("health: database unreachable", "error", err.Error())
		database = "unreachable"
	}
	disk, migrations := h.slowChecks(ctx, database == "ok")
	answer := healthAnswer{Status: "ok", Checks: map[string]string{"database": database, "disk": disk, "migrations": migrations}}
	status := fiber.StatusOK
	for _, verdict := range answer.Checks {
		if verdict != "ok" {
			answer.Status, status = "failing", fiber.StatusServiceUnavailable
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	if strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON) {
		return c.Status(status).JSON(answer)
	}
	if status == fiber.StatusOK {
		return c.SendString("ok")
	}
	var b strings.Builder
	b.WriteString("failing\n")
	for _, name := range slices.Sorted(maps.Keys(answer.Checks)) {
		fmt.Fprintf(&b, "%s: %s\n", name, answer.Checks[name])
	}
	return c.Status(status).SendString(b.String())
}

// slowChecks returns the disk and migration verdicts, looked at again once
// they are healthKeptFor old. Migrations are not looked at without a
// database: their verdict would only repeat its.
func (h *Health) slowChecks(ctx context.Context, databaseUp bool) (disk, migrations string) {
	s := &h.state
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Since(s.at) < healthKeptFor && s.disk != "" {
		return s.disk, s.migrations
	}
	s.disk = h.checkDisk()
	s.migrations = "not checked: no database"
	if databaseUp {
		s.migrations = "ok"
		var behind *db.BehindError
		var ahead *db.AheadError
		switch err := h.DB.CheckCurrent(ctx); {
		case errors.As(err, &behind), errors.As(err, &ahead):
			s.migrations = err.Error()
		case err != nil:
			h.Log.Warn("health: schema version unreadable", "error", err.Error())
			s.migrations = "unreadable"
		}
	}
	s.at = time.Now()
	if !databaseUp {
		s.at = time.Time{} // looked at again as soon as the database is back
	}
	return s.disk, s.migrations
}

// checkDisk looks at the free space of the file system holding the data
// directory (or, if it does not exist yet, its nearest parent).
func (h *Health) checkDisk() string {
	dir, err := filepath.Abs(h.DataDir)
	if err != nil {
		return "not checked: " + err.Error()
	}
	for {
		if _, err := os.Stat(dir); err == nil || !errors.Is(err, os.ErrNotExist) || filepath.Dir(dir) == dir {
			break
		}
		dir = filepath.Dir(dir)
	}
	free := h.DiskFree
	if free == nil {
		free = diskFree
	}
	bytes, err := free(dir)
	switch {
	case errors.Is(err, errDiskUnknown):
		return "ok" // a system whose free space Go cannot read: not held against it
	case err != nil:
		return "not checked: " + err.Error()
	case bytes < minFreeDisk:
		return fmt.Sprintf("only %d MiB free under the data directory (at least %d MiB needed)", bytes>>20, minFreeDisk>>20)
	}
	return "ok"
}

// errDiskUnknown: this system does not tell free space (see diskFree).
var errDiskUnknown = errors.New("free space unknown on this system")
