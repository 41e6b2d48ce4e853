package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/web/httpx"
	"atlas/internal/web/site"
)

// filterChoice is one of the people or sheets an ambiguous filter of
// /changes may mean, with the address that picks it.
type filterChoice struct {
	Label string
	Key   string
	Href  string
}

// ambiguousError is a filter of recent changes that names several people or
// sheets; the page lists them, the API answers 422.
type ambiguousError struct {
	field   string // "user" or "sheet"
	choices []model.Match
}

func (e *ambiguousError) Error() string { return "ambiguous " + e.field + " filter" }

// unambiguous answers an ambiguous filter with 422 where no page can list
// the choices (the API, feeds); other errors pass.
func unambiguous(err error) error {
	var amb *ambiguousError
	if errors.As(err, &amb) {
		return httpx.NewError(fiber.StatusUnprocessableEntity, "ambiguous", "error.filter_ambiguous")
	}
	return err
}

// resolveFilter turns what a reader typed in a filter (a username or a
// display name; a slug or a title, or part of one) into the key it
// names: an exact key, else the one exact name, else the one match.
// Nothing found is model.ErrNotFound; several are *ambiguousError.
func (h *handler) resolveFilter(c *fiber.Ctx, field, typed string) (string, error) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return "", nil
	}
	find := h.read.SheetsMatching
	if field == "user" {
		find = h.read.PeopleMatching
	}
	matches, err := find(c.UserContext(), typed, site.MaxChoices)
	if err != nil {
		return "", err
	}
	var named []model.Match
	for _, m := range matches {
		if strings.EqualFold(m.Key, typed) {
			return m.Key, nil
		}
		if strings.EqualFold(m.Label, typed) {
			named = append(named, m)
		}
	}
	switch {
	case len(named) == 1:
		return named[0].Key, nil
	case len(named) > 1:
		return "", &ambiguousError{field: field, choices: named}
	case len(matches) == 1:
		return matches[0].Key, nil
	case len(matches) == 0:
		return "", model.ErrNotFound
	}
	return "", &ambiguousError{field: field, choices: matches}
}

// choicesOf lists an ambiguous filter's choices, each a link to /changes
// with the reader's other filters kept.
func choicesOf(c *fiber.Ctx, e *ambiguousError) []filterChoice {
	out := make([]filterChoice, len(e.choices))
	for i, m := range e.choices {
		v := url.Values{}
		for _, k := range []string{"category", "user", "sheet", "hide_minor"} {
			if s := c.Query(k); s != "" {
				v.Set(k, s)
			}
		}
		v.Set(e.field, m.Key)
		out[i] = filterChoice{Label: m.Label, Key: m.Key, Href: "/changes?" + v.Encode()}
	}
	return out
}
