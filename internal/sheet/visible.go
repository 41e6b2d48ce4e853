package sheet

import (
	"context"
	"strings"

	"atlas/internal/document"
	"atlas/internal/model"
)

// RefreshVisible rewrites the card and search index of what readers see of
// a sheet. Callers run it in the transaction that changed that version: a
// save while the sheet was never validated, or a validation.
func (s *Service) RefreshVisible(ctx context.Context, sh *model.Sheet) error {
	rev, err := s.store.Revision(ctx, sh.ID, VisibleNumber(sh, nil))
	if err != nil {
		return err
	}
	return s.refresh(ctx, sh, rev)
}

func (s *Service) refresh(ctx context.Context, sh *model.Sheet, rev *model.Revision) error {
	tags := make([]string, len(rev.Meta.Tags))
	for i, t := range rev.Meta.Tags {
		tags[i] = strings.ToLower(strings.ReplaceAll(t, ",", " "))
	}
	card := &model.SheetCard{
		SheetID: sh.ID, RevisionNumber: rev.Number, Title: rev.Title, Subtitle: rev.Meta.Subtitle,
		Categories: model.JoinList(rev.Meta.Categories), Tags: model.JoinList(tags), UpdatedAt: s.now(),
	}
	if p := rev.Meta.Place; p != nil {
		lat, lon := p.Lat, p.Lon
		card.PlaceName, card.Lat, card.Lon = p.Name, &lat, &lon
		card.Geometry = string(p.Geometry)
	}
	if err := s.store.SaveCard(ctx, card); err != nil {
		return err
	}
	// Only what readers are shown is found: the template's unanswered
	// questions are prompts for writers (document.ForReaders).
	err := s.searcher.Index(ctx, sh.ID, rev.Title, rev.Meta.Subtitle+"\n"+strings.Join(rev.Meta.Tags, " ")+"\n"+document.ReaderText(rev.Body))
	if err != nil && ctx.Err() == nil {
		// The index is derived data, which `atlas reindex` rebuilds: a
		// failure to write it must not lose a save nor leave a review
		// that can never be decided. (The searcher leaves the transaction
		// usable: see postgresSearcher.Index.)
		s.log.Error("search index not written; run atlas reindex", "sheet", sh.ID, "revision", rev.Number, "err", err)
		return nil
	}
	return err
}
