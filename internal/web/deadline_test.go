package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// requestTimeout is the deadline of the stalled-database tests.
const requestTimeout = 300 * time.Millisecond

// A database that does not answer fails a request after its deadline with
// a 503 (JSON on the API, a page elsewhere) instead of holding it.
func TestStalledDatabaseFailsRequestsAfterTheirDeadline(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlasWith(t, d, func(deps *web.Deps) { deps.RequestTimeout = requestTimeout })
		// Made through the service: on a loaded machine, a request may
		// well take longer than this test's short deadline.
		sh, _, err := a.sheets.Create(t.Context(), a.marie, sheet.CreateInput{Title: "Four à pain", Body: "Le four.\n", Summary: "création"})
		if err != nil {
			t.Fatal(err)
		}
		slug := sh.Slug
		release := stallDatabase(t, d)
		defer release()

		// On PostgreSQL the lock stops every read of sheets; on SQLite a
		// held write transaction stops writers (readers go on under WAL),
		// and the driver gives up the wait for the lock when the request's
		// context ends.
		wait := requestTimeout
		start := time.Now()
		r := a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Four à pain", "body": "Le four chauffe.\n"})
		assertDeadline(t, start, wait, r)
		if r.json(t)["error"] != "timeout" {
			t.Errorf("API answer: %s", r.body)
		}
		if d.Dialect == db.Postgres {
			start = time.Now()
			r = a.api(http.MethodGet, "/sheets/"+slug, "marie", nil)
			assertDeadline(t, start, requestTimeout, r)
			start = time.Now()
			r = a.do(httptest.NewRequest(http.MethodGet, "/sheets/"+slug+"/history", nil))
			assertDeadline(t, start, requestTimeout, r)
			if !strings.Contains(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "<html") {
				t.Errorf("page answer: %s %.300s", r.header.Get("Content-Type"), r.body)
			}
		}

		release()
		if r := a.api(http.MethodGet, "/sheets/"+slug, "marie", nil); r.status != http.StatusOK || r.json(t)["head"] != 1.0 {
			t.Errorf("after the stall: %d %s", r.status, r.body)
		}
	})
}

func assertDeadline(t *testing.T, start time.Time, wait time.Duration, r response) {
	t.Helper()
	elapsed := time.Since(start)
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Errorf("stalled request: %d (Retry-After %q) after %v: %.300s", r.status, r.header.Get("Retry-After"), elapsed, r.body)
	}
	if elapsed < wait || elapsed > wait+3*time.Second {
		t.Errorf("stalled request answered after %v, expected after %v", elapsed, wait)
	}
}

// stallDatabase holds a lock on a connection of its own until release:
// on PostgreSQL an exclusive lock on sheets, on SQLite the write lock.
func stallDatabase(t *testing.T, d *db.DB) (release func()) {
	t.Helper()
	pool, err := d.SQL()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hold := []string{"BEGIN IMMEDIATE"}
	if d.Dialect == db.Postgres {
		hold = []string{"BEGIN", "LOCK TABLE sheets IN ACCESS EXCLUSIVE MODE"}
	}
	for _, stmt := range hold {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	done := false
	return func() {
		if done {
			return
		}
		done = true
		if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
			t.Error(err)
		}
		closeConn(t, conn)
	}
}

func closeConn(t *testing.T, conn *sql.Conn) {
	if err := conn.Close(); err != nil {
		t.Error(err)
	}
}
