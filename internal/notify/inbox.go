package notify

import (
	"context"
	"time"
)

// MarkAllRead marks every unread notification of the account read, now.
func (s *Service) MarkAllRead(ctx context.Context, userID int64) error {
	return s.store.MarkAllRead(ctx, userID, time.Now().UTC())
}

// SetWatch makes the account follow the sheet (on) or stop following it;
// doing either twice is harmless. A follow only changes what the account's
// own inbox receives, so it is not audited.
func (s *Service) SetWatch(ctx context.Context, userID, sheetID int64, on bool) error {
	if on {
		return s.store.Watch(ctx, userID, sheetID, time.Now().UTC())
	}
	return s.store.Unwatch(ctx, userID, sheetID)
}
