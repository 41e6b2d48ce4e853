package notify

import (
	"context"
	"time"
)

// MarkAllRead marks every unread notification of the account read, now.
func (s *Service) MarkAllRead(ctx context.Context, userID int64) error {
	return s.store.MarkAllRead(ctx, userID, time.Now().UTC())
}
