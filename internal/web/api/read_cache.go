package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
)

// sendAPIRead answers an API read whose JSON is the same for every caller
// allowed to make it (the caller's rights are checked before): a sheet at
// one revision, one revision, one page of history. Like the history table
// (historyTable), the answer depends on the sheet's state only, so it is
// kept under the sheet's cache version, which every write that changes it
// moves: a program reading the same thing again pays for its token and the
// sheet row, not for the history's queries and the encoding. Nothing of
// the caller goes into the answer or its key.
func (h *Handler) sendAPIRead(c *fiber.Ctx, sh *model.Sheet, what string, build func() (any, error)) error {
	key := apiReadKey(sh, what)
	body, ok := h.reads.Get(key)
	if !ok {
		v, err := build()
		if err != nil {
			return err
		}
		if body, err = c.App().Config().JSONEncoder(v); err != nil {
			return err
		}
		h.reads.Put(key, body)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

// apiReadKey names an API read of a sheet in its current state, built
// without fmt: it is computed on every such read.
func apiReadKey(sh *model.Sheet, what string) string {
	b := make([]byte, 0, len(what)+48)
	b = strconv.AppendInt(b, sh.ID, 10)
	b = append(b, '|')
	b = strconv.AppendInt(b, sh.CacheVersion, 10)
	b = append(b, '|')
	b = append(b, what...)
	return string(b)
}
