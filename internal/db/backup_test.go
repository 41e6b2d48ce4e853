package db_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

func TestBackupWhileWriting(t *testing.T) {
	d := testutil.NewSQLite(t)
	ctx := context.Background()
	g := d.Conn(ctx)
	g.Exec(`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'a', 'a@x', 'h', 'admin', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	g.Exec(`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (1, 's', 'S', 0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	written := 0
	go func() {
		defer wg.Done()
		for n := 1; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			err := d.WithTx(ctx, func(ctx context.Context) error {
				c := d.Conn(ctx)
				if err := c.Exec(`INSERT INTO revisions (sheet_id, number, author_id, origin, title, body, sha256, size, created_at) VALUES (1, ?, 1, 'edit', 'S', ?, 'x', 1, CURRENT_TIMESTAMP)`, n, fmt.Sprint(n)).Error; err != nil {
					return err
				}
				return c.Exec(`UPDATE sheets SET head_number = ? WHERE id = 1`, n).Error
			})
			if err != nil {
				t.Error(err)
				return
			}
			written = n
			time.Sleep(time.Millisecond)
		}
	}()
	time.Sleep(50 * time.Millisecond)
	path := filepath.Join(t.TempDir(), "copie.db")
	if err := d.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	copyDB, err := db.Open(ctx, db.Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := copyDB.Close(); err != nil {
			t.Error(err)
		}
	}()
	// The copy is one moment: the head matches the revisions it holds.
	var head, count int
	copyDB.Conn(ctx).Raw(`SELECT head_number FROM sheets WHERE id = 1`).Scan(&head)
	copyDB.Conn(ctx).Raw(`SELECT COUNT(*) FROM revisions`).Scan(&count)
	if head == 0 || head != count || count > written {
		t.Errorf("copy: head %d, %d revisions, %d written", head, count, written)
	}
	if err := d.Backup(ctx, path); err == nil {
		t.Error("backup over an existing file accepted")
	}
}

func TestBackupRefusesPostgres(t *testing.T) {
	d := testutil.NewPostgres(t)
	if err := d.Backup(context.Background(), filepath.Join(t.TempDir(), "x")); !errors.Is(err, db.ErrBackupPostgres) {
		t.Errorf("err = %v", err)
	}
}
