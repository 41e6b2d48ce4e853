package sheet

import (
	"context"
	"strings"

	"atlas/internal/document"
	"atlas/internal/model"
)

// maxSimilar bounds the sheets named by the question asked before a new
// sheet whose title is close to theirs.
const maxSimilar = 5

// Similar lists the live sheets whose title is close to title (see
// SimilarTitles), closest first, at most maxSimilar.
func (s *Service) Similar(ctx context.Context, title string) ([]model.Sheet, error) {
	key := titleKey(title)
	if key == "" {
		return nil, nil
	}
	all, err := s.store.SheetTitles(ctx)
	if err != nil {
		return nil, err
	}
	var found []model.Sheet
	var dists []int
	for _, sh := range all {
		d, ok := closeKeys(key, titleKey(sh.Title))
		if !ok {
			continue
		}
		// Insert in order of distance; ties keep the older sheet first.
		i := len(found)
		for i > 0 && dists[i-1] > d {
			i--
		}
		found = append(found[:i], append([]model.Sheet{sh}, found[i:]...)...)
		dists = append(dists[:i], append([]int{d}, dists[i:]...)...)
		if len(found) > maxSimilar {
			found, dists = found[:maxSimilar], dists[:maxSimilar]
		}
	}
	return found, nil
}

// CheckCreate refuses what Create would refuse of the input alone,
// without storing anything: the question about similar sheets is asked
// only of a sheet that could be created.
func CheckCreate(in CreateInput) error {
	meta := model.Meta{}
	if in.Meta != nil {
		meta = *in.Meta
	}
	if _, err := checkContent(Content{Title: in.Title, Body: in.Body, Meta: meta}); err != nil {
		return err
	}
	_, err := checkSummary(in.Summary)
	return err
}

// SimilarTitles reports whether two titles are close enough to be the
// same commons: equal once accents, case, punctuation and spaces are
// folded, or a few letters apart ("Jardin partagé" and "jardins-partages").
func SimilarTitles(a, b string) bool {
	ka := titleKey(a)
	if ka == "" {
		return false
	}
	_, ok := closeKeys(ka, titleKey(b))
	return ok
}

// titleKey folds a title to what the comparison looks at: the letters and
// digits of its slug, each word without a plural's final s or x.
func titleKey(title string) string {
	words := strings.Split(document.Slug(title), "-")
	for i, w := range words {
		if len(w) > 3 && (w[len(w)-1] == 's' || w[len(w)-1] == 'x') {
			words[i] = w[:len(w)-1]
		}
	}
	return strings.Join(words, "")
}

// closeKeys returns the edit distance of two keys and whether it is small:
// one letter per eight, at least one, but none for keys under four
// letters ("Four" and "Foot" are not the same commons).
func closeKeys(a, b string) (int, bool) {
	if b == "" {
		return 0, false
	}
	allowed := min(len(a), len(b)) / 8
	if allowed == 0 && min(len(a), len(b)) >= 4 {
		allowed = 1
	}
	if d := len(a) - len(b); d > allowed || -d > allowed {
		return 0, false
	}
	d := editDistance(a, b, allowed)
	return d, d <= allowed
}

// editDistance is Levenshtein's distance between two ASCII keys, given up
// (returning bound+1) once it exceeds bound.
func editDistance(a, b string, bound int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > bound {
			return bound + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
