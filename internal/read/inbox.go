package read

import (
	"context"
	"fmt"

	"atlas/internal/model"
)

// InboxItem is one notification with the sheet and the person it names.
type InboxItem struct {
	model.Notification
	// Sheet is nil when the notification names none.
	Sheet *model.Sheet
	// Actor is nil when it names nobody, or an account no longer there.
	Actor *model.User
}

// Inbox is an account's last notifications, newest first, with their
// sheets and actors: three queries whatever the number of notifications.
func (r *Reader) Inbox(ctx context.Context, userID int64, limit int) ([]InboxItem, error) {
	list, err := r.store.NotificationsOf(ctx, userID, limit)
	if err != nil {
		return nil, err
	}
	var sheetIDs, actorIDs []int64
	for _, n := range list {
		if n.SheetID != nil {
			sheetIDs = append(sheetIDs, *n.SheetID)
		}
		if n.ActorID != nil {
			actorIDs = append(actorIDs, *n.ActorID)
		}
	}
	sheets, err := r.store.SheetsByIDs(ctx, sheetIDs)
	if err != nil {
		return nil, err
	}
	actors, err := r.store.UsersByIDs(ctx, actorIDs)
	if err != nil {
		return nil, err
	}
	out := make([]InboxItem, len(list))
	for i, n := range list {
		out[i].Notification = n
		if n.SheetID != nil {
			if out[i].Sheet = sheets[*n.SheetID]; out[i].Sheet == nil {
				return nil, fmt.Errorf("read: sheet %d of notification %d: %w", *n.SheetID, n.ID, model.ErrNotFound)
			}
		}
		if n.ActorID != nil {
			out[i].Actor = actors[*n.ActorID]
		}
	}
	return out, nil
}

// SheetsByIDs reads several sheets in one query; ids naming none are
// absent from the map.
func (r *Reader) SheetsByIDs(ctx context.Context, ids []int64) (map[int64]*model.Sheet, error) {
	return r.store.SheetsByIDs(ctx, ids)
}
