package web

import (
	"bytes"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/export"
	"atlas/internal/web/request"
)

// exportMarkdown sends a revision (the one readers see, or ?revision=N) as
// a Markdown file with front matter, which `atlas import` reads back.
func (h *handler) exportMarkdown(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.read.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	number, err := request.ReadableRevision(c, sh)
	if err != nil {
		return err
	}
	rev, err := h.read.RevisionAt(ctx, sh.ID, number)
	if err != nil {
		return err
	}
	people, err := h.creditPeople(ctx, sh.ID, rev.Number)
	if err != nil {
		return err
	}
	authors := make([]string, len(people))
	for i, p := range people {
		authors[i] = p.Name
	}
	var buf bytes.Buffer
	if err := export.WriteMarkdown(&buf, export.SheetFile{Slug: sh.Slug, Title: rev.Title, Body: rev.Body, Meta: rev.Meta,
		Revision: rev.Number, SHA256: rev.SHA256, Updated: rev.CreatedAt, Authors: authors}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/markdown; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s-v%d.md"`, sh.Slug, rev.Number))
	return c.Send(buf.Bytes())
}
