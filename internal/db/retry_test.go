package db

import (
	"errors"
	"fmt"
	"testing"

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
