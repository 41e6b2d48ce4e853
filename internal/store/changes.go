package store

import (
	"context"
	"sort"
	"time"

	"atlas/internal/model"
)

// Change is one event of the atlas's recent changes: a new revision, or a
// board event (submission, validation, rejection, withdrawal, expiry).
type Change struct {
	At       time.Time
	SheetID  int64
	Revision *model.Revision   // set for a revision
	Event    *model.AuditEntry // set for a board event
	ActorID  int64
}

// ChangeFilter narrows the recent changes.
type ChangeFilter struct {
	SheetID   int64
	Category  string
	UserID    int64
	HideMinor bool
	Before    time.Time // keyset cursor: changes strictly older
	Limit     int
}

// boardEvents are the audit actions recent changes show; votes and board
// edits stay in the audit log.
var boardEvents = []string{AuditSubmit, AuditValidate, AuditReject, AuditWithdraw, AuditExpire}

// Changes merges the newest revisions and board events, newest first. Each
// stream is read with the same keyset bound and limit, so the merge is
// exact for one page.
//
//	SELECT … FROM revisions WHERE created_at < ? [AND …] ORDER BY created_at DESC, id DESC LIMIT ?
//	SELECT … FROM audit_log WHERE action IN (…) AND created_at < ? [AND …] ORDER BY created_at DESC, id DESC LIMIT ?
func (s *Store) Changes(ctx context.Context, f ChangeFilter) ([]Change, error) {
	revs := s.conn(ctx).Model(&model.Revision{}).Select(summaryColumns)
	events := s.conn(ctx).Model(&model.AuditEntry{}).Where("action IN ?", boardEvents)
	if !f.Before.IsZero() {
		revs = revs.Where("created_at < ?", f.Before)
		events = events.Where("created_at < ?", f.Before)
	}
	if f.SheetID != 0 {
		revs = revs.Where("sheet_id = ?", f.SheetID)
		events = events.Where("sheet_id = ?", f.SheetID)
	}
	if f.Category != "" {
		sub := s.conn(ctx).Model(&model.SheetCard{}).Select("sheet_id").Where("categories LIKE ?", "%,"+likeEscape(f.Category)+",%")
		revs = revs.Where("sheet_id IN (?)", sub)
		events = events.Where("sheet_id IN (?)", sub)
	}
	if f.UserID != 0 {
		revs = revs.Where("author_id = ?", f.UserID)
		events = events.Where("actor_id = ?", f.UserID)
	}
	if f.HideMinor {
		revs = revs.Where("minor = ?", false)
	}
	var revList []model.Revision
	if err := revs.Order("created_at DESC, id DESC").Limit(f.Limit).Find(&revList).Error; err != nil {
		return nil, translate(err, "recent revisions")
	}
	var eventList []model.AuditEntry
	if err := events.Order("created_at DESC, id DESC").Limit(f.Limit).Find(&eventList).Error; err != nil {
		return nil, translate(err, "recent board events")
	}
	changes := make([]Change, 0, len(revList)+len(eventList))
	for i := range revList {
		r := &revList[i]
		changes = append(changes, Change{At: r.CreatedAt, SheetID: r.SheetID, Revision: r, ActorID: r.AuthorID})
	}
	for i := range eventList {
		e := &eventList[i]
		c := Change{At: e.CreatedAt, Event: e}
		if e.SheetID != nil {
			c.SheetID = *e.SheetID
		}
		if e.ActorID != nil {
			c.ActorID = *e.ActorID
		}
		changes = append(changes, c)
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].At.After(changes[j].At) })
	if len(changes) > f.Limit {
		changes = changes[:f.Limit]
	}
	return changes, nil
}

// SheetsByIDs loads sheets keyed by id.
func (s *Store) SheetsByIDs(ctx context.Context, ids []int64) (map[int64]*model.Sheet, error) {
	out := map[int64]*model.Sheet{}
	if len(ids) == 0 {
		return out, nil
	}
	var list []model.Sheet
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, translate(err, "sheets by ids")
	}
	for i := range list {
		out[list[i].ID] = &list[i]
	}
	return out, nil
}
