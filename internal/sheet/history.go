package sheet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"atlas/internal/document"
	"atlas/internal/model"
)

// HistoryRevision is one revision of a history written elsewhere (a pad),
// kept with its own author and date.
type HistoryRevision struct {
	Author  *model.User
	Title   string
	Body    string
	Summary string
	At      time.Time
}

// HistoryInput is a history to store: as a new sheet (Slug, or one made
// from the first title), or after the head of the sheet Into names.
type HistoryInput struct {
	Slug      string
	Into      string
	Revisions []HistoryRevision
	// By is the account that brings the history in (an import's --as),
	// named in the watchers' notification and not told of its own import;
	// nil: the last revision's author.
	By *model.User
}

// ErrHistoryBackwards refuses a history older than the sheet it would
// follow: its revisions would go back in time.
var ErrHistoryBackwards = errors.New("sheet: the history is older than the sheet's last revision")

// ImportHistory stores revisions written elsewhere, each with its author
// and date and origin import, in one transaction (the caller's, if any):
// a refused revision stores nothing. It writes what an archive restore
// writes, the rows through store.CreateRevision, then moves the sheet's
// head once and refreshes its card and search entry when readers see the
// head.
//
// Like a save, it makes each revision's author a watcher of the sheet, and
// a history that continues a sheet (Into) tells the sheet's watchers: one
// notification each, of kind imported, for the whole history (a pad's
// hundred bursts are one piece of news, whose history page lists them),
// not one per revision. The watchers are those from before the import: a
// pad writer new to the sheet is not told of their own text.
func (s *Service) ImportHistory(ctx context.Context, in HistoryInput) (*model.Sheet, []*model.Revision, error) {
	if len(in.Revisions) == 0 {
		return nil, nil, errors.New("sheet: no revision to import")
	}
	for i := 1; i < len(in.Revisions); i++ {
		if in.Revisions[i].At.Before(in.Revisions[i-1].At) {
			return nil, nil, fmt.Errorf("sheet: revision %d of the history is older than the one before it", i+1)
		}
	}
	var sh *model.Sheet
	var out []*model.Revision
	var queued []model.Notification
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var head *model.Revision
		var err error
		var watchers []int64
		if in.Into != "" {
			if sh, err = s.store.LockSheetBySlug(ctx, in.Into); err != nil {
				return err
			}
			if watchers, err = s.store.Watchers(ctx, sh.ID); err != nil {
				return err
			}
			if head, err = s.store.Revision(ctx, sh.ID, sh.HeadNumber); err != nil {
				return err
			}
			if in.Revisions[0].At.Before(head.CreatedAt) {
				return fmt.Errorf("%w (%s, revision %d of %q at %s)", ErrHistoryBackwards,
					in.Revisions[0].At.UTC().Format(time.RFC3339), head.Number, sh.Slug, head.CreatedAt.UTC().Format(time.RFC3339))
			}
		} else if sh, err = s.newHistorySheet(ctx, in); err != nil {
			return err
		}
		meta := model.Meta{}
		from := 0
		if head != nil {
			meta, from = head.Meta, head.Number
		}
		for _, r := range in.Revisions {
			c, err := checkContent(Content{Title: r.Title, Body: r.Body, Meta: meta})
			if err != nil {
				return err
			}
			summary, err := checkSummary(r.Summary)
			if err != nil {
				return err
			}
			number, parent := 1, (*int)(nil)
			if head != nil {
				p := head.Number
				number, parent = p+1, &p
			}
			rev := newRevision(sh.ID, number, parent, r.Author.ID, summary, model.OriginImport, false, c, r.At.UTC())
			if err := s.store.CreateRevision(ctx, rev); err != nil {
				return err
			}
			out = append(out, rev)
			head = rev
		}
		if err := s.store.AdvanceHead(ctx, sh.ID, from, head.Number, head.Title, head.CreatedAt); err != nil {
			return err
		}
		sh.HeadNumber, sh.Title = head.Number, head.Title
		if sh.PublishedNumber == nil {
			// Readers see the head of a sheet never validated.
			if err := s.refresh(ctx, sh, head); err != nil {
				return err
			}
		}
		queued, err = s.announceHistory(ctx, sh, head, in, watchers)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	s.mail(ctx, queued)
	return sh, out, nil
}

// announceHistory makes the history's authors watchers of the sheet and
// tells the watchers from before it (none for a new sheet), once, inside
// the import's transaction.
func (s *Service) announceHistory(ctx context.Context, sh *model.Sheet, head *model.Revision, in HistoryInput, watchers []int64) ([]model.Notification, error) {
	if s.notify == nil {
		return nil, nil
	}
	now := s.now()
	for _, r := range in.Revisions {
		if err := s.store.Watch(ctx, r.Author.ID, sh.ID, now); err != nil {
			return nil, err
		}
	}
	by := in.By
	if by == nil {
		by = in.Revisions[len(in.Revisions)-1].Author
	}
	list := make([]model.Notification, 0, len(watchers))
	for _, id := range watchers {
		list = append(list, model.Notification{UserID: id, Kind: model.NotifyImported, ActorID: &by.ID,
			SheetID: &sh.ID, RevisionNumber: &head.Number, CreatedAt: now})
	}
	return s.notify.Add(ctx, list)
}

// newHistorySheet makes the sheet row of a new history, created by the
// first revision's author at its date, its head still 0.
func (s *Service) newHistorySheet(ctx context.Context, in HistoryInput) (*model.Sheet, error) {
	first := in.Revisions[0]
	title := strings.TrimSpace(first.Title)
	base := strings.TrimSpace(in.Slug)
	if base != "" {
		if err := checkSlug(base); err != nil {
			return nil, err
		}
		taken, err := s.store.SlugTaken(ctx, base)
		if err != nil {
			return nil, err
		}
		if taken {
			return nil, invalid("slug", "slug_taken", "error.slug_taken", base)
		}
	} else {
		if base = document.Slug(title); base == "" {
			base = "fiche"
		}
		var err error
		if base, err = s.freeSlug(ctx, base); err != nil {
			return nil, err
		}
	}
	at := first.At.UTC()
	sh := &model.Sheet{Slug: base, Title: title, CreatedBy: first.Author.ID, CreatedAt: at, UpdatedAt: at}
	if err := s.store.CreateSheet(ctx, sh); err != nil {
		return nil, err
	}
	return sh, nil
}
