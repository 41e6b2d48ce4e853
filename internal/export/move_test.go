package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"atlas/internal/export"
	"atlas/internal/testutil"
)

// TestArchiveMovesSQLiteToPostgresExactly: an atlas written on SQLite and
// restored on PostgreSQL reads back the same, times to the last digit
// (the services stamp times to the nanosecond; both databases store them
// to the microsecond, which PostgreSQL cannot go below).
func TestArchiveMovesSQLiteToPostgresExactly(t *testing.T) {
	ctx := context.Background()
	src := newServices(t, testutil.NewSQLite(t))
	fill(t, src)
	var buf bytes.Buffer
	if _, err := export.WriteArchive(ctx, src.store, &buf); err != nil {
		t.Fatal(err)
	}
	dst := newServices(t, testutil.NewPostgres(t))
	if _, err := export.RestoreArchive(ctx, dst.store, dst.sheets, bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
		t.Fatal(err)
	}
	want, got := snapshot(t, src), snapshot(t, dst)
	for name := range want {
		if w, g := inUTC(t, want[name]), inUTC(t, got[name]); w != g {
			t.Errorf("%s differ after the move:\nwant %s\ngot  %s", name, w, g)
		}
	}
}

// inUTC is normalize with every time written in UTC: PostgreSQL hands
// times back in the local zone, SQLite in the zone they were written in.
func inUTC(t *testing.T, v any) string {
	var tree any
	if err := json.Unmarshal([]byte(normalize(v)), &tree); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(timesInUTC(tree))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func timesInUTC(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = timesInUTC(e)
		}
	case []any:
		for i, e := range x {
			x[i] = timesInUTC(e)
		}
	case string:
		if tm, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return tm.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}
