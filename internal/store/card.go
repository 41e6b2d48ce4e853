package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm/clause"

	"atlas/internal/db"
	"atlas/internal/model"
)

// SaveCard writes a sheet's card, replacing the old one.
func (s *Store) SaveCard(ctx context.Context, c *model.SheetCard) error {
	err := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "sheet_id"}}, UpdateAll: true}).Create(c).Error
	return translate(err, "save card of sheet %d", c.SheetID)
}

// CardFilter narrows lists and the map.
type CardFilter = model.CardFilter

// cardColumns are what lists read of a card and its sheet: all but the
// geometry, which can weigh a few hundred kilobytes and only the map
// shows.
const cardColumns = "c.sheet_id, c.revision_number, c.title, c.subtitle, c.categories, c.tags, c.place_name, c.lat, c.lon, c.updated_at, " +
	"s.slug, s.published_number, s.head_number"

// CardRow is a card with its sheet's slug and state.
type CardRow = model.CardRow

// Cards lists sheets as readers see them, in slug order, filtered by
// category or tag; categories and tags are stored as ",a,b," so a LIKE on
// ",a," matches one whole item.
//
//	SELECT c.sheet_id, …, s.slug … FROM sheet_cards c JOIN sheets s ON s.id = c.sheet_id
//	WHERE c.categories LIKE '%,jardins-nature,%' AND s.slug > ? ORDER BY s.slug LIMIT ?
func (s *Store) Cards(ctx context.Context, f CardFilter) ([]CardRow, error) {
	q := s.conn(ctx).Table("sheet_cards c").
		Select(cardColumns).
		Joins("JOIN sheets s ON s.id = c.sheet_id AND s.archived_at IS NULL")
	if f.Category != "" {
		q = q.Where("c.categories LIKE ?", "%,"+likeEscape(f.Category)+",%")
	}
	if f.Tag != "" {
		q = q.Where("c.tags LIKE ?", "%,"+likeEscape(strings.ToLower(f.Tag))+",%")
	}
	order := "s.slug"
	if s.db.Dialect == db.Postgres {
		order = `s.slug COLLATE "C"`
	}
	if f.After != "" {
		q = q.Where(order+" > ?", f.After)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rows []CardRow
	return rows, translate(q.Order(order).Scan(&rows).Error, "cards")
}

// likeEscape keeps user text from acting as LIKE wildcards. Categories are
// checked against a list and tags are plain words, but a filter comes from
// a URL.
func likeEscape(s string) string {
	return strings.NewReplacer("%", "", "_", "", ",", "").Replace(s)
}

// MapCards returns the cards that have a place, for the map, with their
// geometry.
func (s *Store) MapCards(ctx context.Context, category string) ([]CardRow, error) {
	q := s.conn(ctx).Table("sheet_cards c").
		Select("c.*, s.slug, s.published_number, s.head_number").
		Joins("JOIN sheets s ON s.id = c.sheet_id AND s.archived_at IS NULL").Where("c.lat IS NOT NULL")
	if category != "" {
		q = q.Where("c.categories LIKE ?", "%,"+likeEscape(category)+",%")
	}
	var rows []CardRow
	return rows, translate(q.Order("c.sheet_id").Scan(&rows).Error, "map cards")
}

// CategoryCounts counts the sheets of each category.
func (s *Store) CategoryCounts(ctx context.Context) (map[string]int, error) {
	var all []string
	if err := s.conn(ctx).Model(&model.SheetCard{}).Where("sheet_id IN (SELECT id FROM sheets WHERE archived_at IS NULL)").Pluck("categories", &all).Error; err != nil {
		return nil, translate(err, "category counts")
	}
	counts := map[string]int{}
	for _, list := range all {
		for _, c := range strings.Split(strings.Trim(list, ","), ",") {
			if c != "" {
				counts[c]++
			}
		}
	}
	return counts, nil
}

// CardsByIDs loads cards for a set of sheets, keyed by sheet id.
func (s *Store) CardsByIDs(ctx context.Context, ids []int64) (map[int64]CardRow, error) {
	out := map[int64]CardRow{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []CardRow
	err := s.conn(ctx).Table("sheet_cards c").Select(cardColumns).
		Joins("JOIN sheets s ON s.id = c.sheet_id AND s.archived_at IS NULL").Where("c.sheet_id IN ?", ids).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "cards by ids")
	}
	for _, r := range rows {
		out[r.SheetID] = r
	}
	return out, nil
}

// RecentlyValidated returns the sheets whose validated version changed last.
func (s *Store) RecentlyValidated(ctx context.Context, limit int) ([]CardRow, error) {
	var rows []CardRow
	err := s.conn(ctx).Table("sheet_cards c").Select(cardColumns).
		Joins("JOIN sheets s ON s.id = c.sheet_id AND s.archived_at IS NULL").Where("s.published_number IS NOT NULL").
		Order("c.updated_at DESC, c.sheet_id DESC").Limit(limit).Scan(&rows).Error
	return rows, translate(err, "recently validated")
}

// CardsVersion is a fingerprint of every card: it changes whenever any
// card is written, so responses built from all cards (the map) can be
// cached under it and never served stale.
//
//	SELECT COUNT(*), MAX(updated_at), SUM(revision_number) FROM sheet_cards
func (s *Store) CardsVersion(ctx context.Context) (string, error) {
	var row struct {
		N   int64
		Max string
		Sum int64
	}
	err := s.conn(ctx).Model(&model.SheetCard{}).
		Select("COUNT(*) AS n, COALESCE(CAST(MAX(updated_at) AS TEXT), '') AS max, COALESCE(SUM(revision_number), 0) AS sum").
		Scan(&row).Error
	if err != nil {
		return "", translate(err, "cards version")
	}
	return fmt.Sprintf("%d-%s-%d", row.N, row.Max, row.Sum), nil
}
