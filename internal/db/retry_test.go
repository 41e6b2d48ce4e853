package db

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestRetryableErrors(t *testing.T) {
	for code, want := range map[string]bool{"40P01": true, "40001": true, "23505": false, "42601": false} {
		err := fmt.Errorf("store: save: %w", &pgconn.PgError{Code: code})
		if got := retryable(err); got != want {
			t.Errorf("%s: retryable = %v", code, got)
		}
	}
	if retryable(errors.New("plain")) || retryable(nil) {
		t.Error("non-PostgreSQL errors are not retried")
	}
}

// A transaction waiting to be tried again stops when its context ends,
// not after its pause.
func TestWithTxRetryWaitsOnTheContext(t *testing.T) {
	pause := retryPause
	retryPause = func(int) time.Duration { return time.Hour }
	t.Cleanup(func() { retryPause = pause })
	d, err := Open(t.Context(), Options{SQLitePath: filepath.Join(t.TempDir(), "atlas.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	attempts := 0
	start := time.Now()
	err = d.WithTx(ctx, func(context.Context) error {
		attempts++
		return &pgconn.PgError{Code: "40P01"}
	})
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("WithTx returned after %v", elapsed)
	}
	if attempts != 1 || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("attempts %d, error %v; want one attempt ended by the deadline", attempts, err)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		t.Errorf("the last failure is lost: %v", err)
	}
}
