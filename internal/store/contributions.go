package store

import (
	"context"
	"sort"
	"time"

	"gorm.io/gorm"

	"atlas/internal/model"
)

// Kinds of contribution, in the order that breaks ties between two
// contributions made at the same instant (a larger rank comes first).
const (
	ContribComment    = "comment"
	ContribVote       = "vote"
	ContribSubmission = "submission"
	ContribRevision   = "revision"
)

var contribRank = map[string]int{ContribComment: 1, ContribVote: 2, ContribSubmission: 3, ContribRevision: 4}

// ContribRank is the tie-breaking rank of a kind; 0 for an unknown one.
func ContribRank(kind string) int { return contribRank[kind] }

// ContribCursor is a keyset position in a person's contributions: those
// strictly after it in the order (at DESC, rank DESC, id DESC).
type ContribCursor struct {
	At   time.Time
	Rank int
	ID   int64
}

// Contribution is one thing a person did: exactly one of the pointers is
// set, as Kind says. A vote carries the sheet of its review.
type Contribution struct {
	Kind     string
	At       time.Time
	ID       int64
	SheetID  int64
	Revision *model.Revision
	Review   *model.Review
	Vote     *model.Vote
	Comment  *model.Comment
}

// voteRow is a vote with the sheet of its review, read in one query.
type voteRow struct {
	model.Vote
	SheetID int64
}

// Contributions reads one page of a person's revisions, submissions,
// votes and comments, newest first: four indexed keyset queries, each
// bounded by limit, merged. Below the cursor, a stream whose rank is
// smaller than the cursor's includes the cursor's instant, a larger one
// excludes it, and the cursor's own stream continues by id.
//
//	SELECT … FROM revisions WHERE author_id = ? AND (created_at < ? | <= ? | < ? OR (= ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?
//	SELECT … FROM reviews WHERE submitted_by = ? AND (submitted_at …) ORDER BY submitted_at DESC, id DESC LIMIT ?
//	SELECT votes.*, reviews.sheet_id FROM votes JOIN reviews ON reviews.id = votes.review_id WHERE voter_id = ? AND (votes.created_at …) ORDER BY votes.created_at DESC, votes.id DESC LIMIT ?
//	SELECT … FROM comments WHERE author_id = ? AND (created_at …) ORDER BY created_at DESC, id DESC LIMIT ?
func (s *Store) Contributions(ctx context.Context, userID int64, before *ContribCursor, limit int) ([]Contribution, error) {
	bound := func(q *gorm.DB, kind, at, id string) *gorm.DB {
		if before == nil {
			return q
		}
		switch rank := contribRank[kind]; {
		case rank < before.Rank:
			return q.Where(at+" <= ?", before.At)
		case rank > before.Rank:
			return q.Where(at+" < ?", before.At)
		default:
			return q.Where(at+" < ? OR ("+at+" = ? AND "+id+" < ?)", before.At, before.At, before.ID)
		}
	}
	var revs []model.Revision
	q := s.conn(ctx).Model(&model.Revision{}).Select(summaryColumns).Where("author_id = ?", userID)
	if err := bound(q, ContribRevision, "created_at", "id").Order("created_at DESC, id DESC").Limit(limit).Find(&revs).Error; err != nil {
		return nil, translate(err, "contributions: revisions")
	}
	var reviews []model.Review
	q = s.conn(ctx).Model(&model.Review{}).Where("submitted_by = ?", userID)
	if err := bound(q, ContribSubmission, "submitted_at", "id").Order("submitted_at DESC, id DESC").Limit(limit).Find(&reviews).Error; err != nil {
		return nil, translate(err, "contributions: submissions")
	}
	var votes []voteRow
	q = s.conn(ctx).Table("votes").Select("votes.*, reviews.sheet_id").Joins("JOIN reviews ON reviews.id = votes.review_id").Where("votes.voter_id = ?", userID)
	if err := bound(q, ContribVote, "votes.created_at", "votes.id").Order("votes.created_at DESC, votes.id DESC").Limit(limit).Find(&votes).Error; err != nil {
		return nil, translate(err, "contributions: votes")
	}
	var comments []model.Comment
	q = s.conn(ctx).Model(&model.Comment{}).Where("author_id = ?", userID)
	if err := bound(q, ContribComment, "created_at", "id").Order("created_at DESC, id DESC").Limit(limit).Find(&comments).Error; err != nil {
		return nil, translate(err, "contributions: comments")
	}
	out := make([]Contribution, 0, len(revs)+len(reviews)+len(votes)+len(comments))
	for i := range revs {
		r := &revs[i]
		out = append(out, Contribution{Kind: ContribRevision, At: r.CreatedAt, ID: r.ID, SheetID: r.SheetID, Revision: r})
	}
	for i := range reviews {
		r := &reviews[i]
		out = append(out, Contribution{Kind: ContribSubmission, At: r.SubmittedAt, ID: r.ID, SheetID: r.SheetID, Review: r})
	}
	for i := range votes {
		v := &votes[i]
		out = append(out, Contribution{Kind: ContribVote, At: v.CreatedAt, ID: v.ID, SheetID: v.SheetID, Vote: &v.Vote})
	}
	for i := range comments {
		c := &comments[i]
		out = append(out, Contribution{Kind: ContribComment, At: c.CreatedAt, ID: c.ID, SheetID: c.SheetID, Comment: c})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.At.Equal(b.At) {
			return a.At.After(b.At)
		}
		if ra, rb := contribRank[a.Kind], contribRank[b.Kind]; ra != rb {
			return ra > rb
		}
		return a.ID > b.ID
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
