package web

import (
	"context"
	"strconv"

	"atlas/internal/model"
)

// pictureList is a sheet's pictures as its page shows them, or as its
// editor does, with the upload form and each picture's Markdown.
type pictureList struct {
	Base
	Slug   string
	Items  []pictureItem
	Editor bool
	// Error says why the plain upload form was refused; Alt keeps the
	// description typed with it.
	Error, Alt string
}

// pictureItem is one picture of a sheet.
type pictureItem struct {
	ID            string // an anchor, the hash's first 12 digits
	URL, Alt      string
	Width, Height int
	// Thumb is the smallest copy (the picture itself when narrower), and
	// ThumbWidth, ThumbHeight its size.
	Thumb                   string
	ThumbWidth, ThumbHeight int
	Markdown                string
}

// thumbWidth is the width of the copies the lists show.
const thumbWidth = 320

// sheetPictures lists a sheet's pictures for its page or its editor.
func (h *handler) sheetPictures(ctx context.Context, b Base, slug string, sheetID int64, editor bool) (pictureList, error) {
	list, err := h.read.MediaOfSheet(ctx, sheetID)
	if err != nil {
		return pictureList{}, err
	}
	p := pictureList{Base: b, Slug: slug, Editor: editor, Items: make([]pictureItem, len(list))}
	for i, m := range list {
		p.Items[i] = newPictureItem(m)
	}
	return p, nil
}

func newPictureItem(m model.SheetMedia) pictureItem {
	url := mediaURL(m.SHA256)
	it := pictureItem{ID: "picture-" + m.SHA256[:12], URL: url, Alt: m.Alt, Width: m.Width, Height: m.Height,
		Thumb: url, ThumbWidth: m.Width, ThumbHeight: m.Height, Markdown: "![" + markdownAlt(m.Alt) + "](" + url + ")"}
	if m.Width > thumbWidth {
		it.Thumb = url + "?w=" + strconv.Itoa(thumbWidth)
		it.ThumbWidth, it.ThumbHeight = thumbWidth, max(1, (m.Height*thumbWidth+m.Width/2)/m.Width)
	}
	return it
}

// markdownAlt escapes what would end an image's description early.
func markdownAlt(alt string) string {
	out := make([]byte, 0, len(alt))
	for i := 0; i < len(alt); i++ {
		switch c := alt[i]; c {
		case '[', ']', '\\':
			out = append(out, '\\', c)
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
