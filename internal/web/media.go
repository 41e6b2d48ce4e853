package web

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/cache"
	"atlas/internal/media"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// Pictures: uploaded into a sheet through the API (the editor's script,
// with the session and its CSRF header, or a token) or a plain form on the
// edit page, and served by their SHA-256 from /media/.

// mediaFormBytes is an upload's body: the file at its limit and the
// multipart envelope around it and the description.
const mediaFormBytes = media.MaxFileBytes + 64<<10

// isMediaPost names the uploads, API's and page's.
func isMediaPost(method, path string) bool {
	if method != fiber.MethodPost {
		return false
	}
	path = strings.TrimPrefix(path, "/api/v1")
	rest, ok := strings.CutPrefix(path, "/sheets/")
	if !ok {
		return false
	}
	slug, tail, ok := strings.Cut(rest, "/")
	return ok && slug != "" && tail == "media"
}

type apiMedia struct {
	SHA256 string `json:"sha256"`
	URL    string `json:"url"`
	Type   string `json:"type"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Bytes  int64  `json:"bytes"`
	Alt    string `json:"alt"`
}

func toAPIMedia(m model.SheetMedia) apiMedia {
	return apiMedia{SHA256: m.SHA256, URL: mediaURL(m.SHA256), Type: m.Type, Width: m.Width, Height: m.Height, Bytes: m.Bytes, Alt: m.Alt}
}

func mediaURL(sha string) string { return "/media/" + sha }

// apiUploadMedia answers POST /api/v1/sheets/{slug}/media.
func (h *handler) apiUploadMedia(c *fiber.Ctx) error {
	m, err := h.uploadMedia(c)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIMedia(m))
}

// uploadPicture answers the edit page's form: back to the editor, whose
// list of the sheet's pictures shows the Markdown to copy.
func (h *handler) uploadPicture(c *fiber.Ctx) error {
	m, err := h.uploadMedia(c)
	if err != nil {
		return h.refusePicture(c, c.Params("slug"), err)
	}
	h.flash(c, "success", "picture_uploaded")
	return c.Redirect("/sheets/"+c.Params("slug")+"/edit#picture-"+m.SHA256[:12], fiber.StatusSeeOther)
}

func (h *handler) uploadMedia(c *fiber.Ctx) (model.SheetMedia, error) {
	ctx := c.UserContext()
	sh, err := h.read.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return model.SheetMedia{}, err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return model.SheetMedia{}, httpx.NewError(fiber.StatusUnprocessableEntity, "file_required", "error.picture_file")
	}
	if fh.Size > media.MaxFileBytes {
		return model.SheetMedia{}, httpx.NewError(fiber.StatusRequestEntityTooLarge, "picture_too_large", "error.picture_too_large", media.MaxFileBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return model.SheetMedia{}, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.form_unreadable")
	}
	data, err := io.ReadAll(io.LimitReader(f, media.MaxFileBytes+1))
	_ = f.Close() // read whole; a close error changes nothing
	if err != nil {
		return model.SheetMedia{}, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.form_unreadable")
	}
	if len(data) > media.MaxFileBytes {
		return model.SheetMedia{}, httpx.NewError(fiber.StatusRequestEntityTooLarge, "picture_too_large", "error.picture_too_large", media.MaxFileBytes>>20)
	}
	m, err := h.media.Upload(ctx, media.Upload{SheetID: sh.ID, UserID: request.User(c).ID, Data: data, Alt: c.FormValue("alt")})
	return m, mediaError(c, err)
}

// mediaError turns the pictures service's refusals into answers.
func mediaError(c *fiber.Ctx, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, media.ErrUnsupported):
		return httpx.NewError(fiber.StatusUnsupportedMediaType, "unsupported_picture", "error.picture_type")
	case errors.Is(err, media.ErrTooManyPixels):
		return httpx.NewError(fiber.StatusRequestEntityTooLarge, "too_many_pixels", "error.picture_pixels", media.MaxPixels/1_000_000)
	case errors.Is(err, media.ErrTooHeavy):
		return httpx.NewError(fiber.StatusRequestEntityTooLarge, "picture_too_large", "error.picture_too_large", media.MaxFileBytes>>20)
	case errors.Is(err, media.ErrNoAlt):
		return httpx.NewError(fiber.StatusUnprocessableEntity, "alt_required", "error.picture_alt")
	case errors.Is(err, media.ErrBadAlt):
		return httpx.NewError(fiber.StatusUnprocessableEntity, "invalid_alt", "error.picture_alt_invalid", media.MaxAltRunes)
	case errors.Is(err, media.ErrDailyLimit):
		return httpx.NewError(fiber.StatusTooManyRequests, "daily_limit", "error.picture_daily_limit", media.DailyPictures, media.DailyBytes>>20)
	case errors.Is(err, media.ErrBusy):
		c.Set(fiber.HeaderRetryAfter, httpx.BusyRetryAfter)
		return httpx.NewError(fiber.StatusServiceUnavailable, "busy", "error.picture_busy")
	}
	return err
}

// mediaKey names a served file: a picture at a width (0: as stored).
type mediaKey struct {
	sha   string
	width int
}

// mediaFile is a served file with its headers: the bytes never change for
// a key, so the cache needs no invalidation, on any instance.
type mediaFile struct {
	typ, etag, disposition string
	data                   []byte
}

// newMediaFile prepares a file's answer; typ is one of mediaTypes.
func newMediaFile(sha string, width int, typ string, data []byte) mediaFile {
	return mediaFile{typ: typ, data: data, etag: `"` + sha + "-" + strconv.Itoa(width) + `"`,
		disposition: `inline; filename="` + sha[:16] + "." + mediaTypes[typ] + `"`}
}

// Served files kept in memory, and the largest one kept: originals above
// it are read from the database each time (browsers keep them a year).
const (
	mediaCacheBytes = 64 << 20
	mediaCacheEntry = 4 << 20
)

func newMediaCache() *cache.LRU[mediaKey, mediaFile] {
	return cache.New[mediaKey](mediaCacheBytes, func(f mediaFile) int { return len(f.data) + 64 }).MaxEntry(mediaCacheEntry)
}

// mediaTypes are the only types a picture is served as, with the
// extension of its safe file name; anything else in the table is refused
// rather than served (never HTML or SVG).
var mediaTypes = map[string]string{media.TypeJPEG: "jpg", media.TypePNG: "png", media.TypeGIF: "gif"}

const mediaCacheControl = "public, max-age=31536000, immutable"

// serveMedia answers GET /media/{sha256}[?w=320|640|1280].
func (h *handler) serveMedia(c *fiber.Ctx) error {
	sha := c.Params("sha")
	if !media.ValidHash(sha) {
		return fiber.ErrNotFound
	}
	width := 0
	if w := c.Query("w"); w != "" {
		switch w {
		case "320":
			width = 320
		case "640":
			width = 640
		case "1280":
			width = 1280
		default:
			return httpx.NewError(fiber.StatusBadRequest, "bad_width", "error.picture_width")
		}
	}
	f, ok := h.mediaFiles.Get(mediaKey{sha, width})
	if !ok {
		typ, data, err := h.read.MediaFile(c.UserContext(), sha, width)
		if err != nil {
			return err
		}
		if _, known := mediaTypes[typ]; !known {
			return httpx.NewError(fiber.StatusUnsupportedMediaType, "unsupported_picture", "error.picture_type")
		}
		// The key's sha comes from the request's buffer, reused after
		// the answer: the cache keeps a copy.
		sha = strings.Clone(sha)
		f = newMediaFile(sha, width, typ, data)
		h.mediaFiles.Put(mediaKey{sha, width}, f)
	}
	c.Set(fiber.HeaderCacheControl, mediaCacheControl)
	c.Set(fiber.HeaderETag, f.etag)
	if c.Get(fiber.HeaderIfNoneMatch) == f.etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.typ)
	c.Set(fiber.HeaderContentDisposition, f.disposition)
	// A picture opened on its own runs nothing, whatever a browser makes
	// of it.
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	return c.Send(f.data)
}

// pictureSizes tells the renderer the width and height of the pictures a
// text shows. A picture never changes, so what is known is kept; an
// unknown one is asked again next time (it may be uploaded since).
type pictureSizes struct {
	read  *read.Reader
	known *cache.LRU[string, [2]int]
}

// pictureSizeEntries bounds the sizes kept (about 100 bytes each).
const pictureSizeEntries = 20000

// pictureSizeWait bounds the lookup of a rendering, which has no request
// of its own to wait on.
const pictureSizeWait = 2 * time.Second

func newPictureSizes(r *read.Reader) *pictureSizes {
	return &pictureSizes{read: r, known: cache.New[string](pictureSizeEntries, func([2]int) int { return 1 })}
}

func (p *pictureSizes) get(shas []string) map[string][2]int {
	out := make(map[string][2]int, len(shas))
	var missing []string
	for _, sha := range shas {
		if wh, ok := p.known.Get(sha); ok {
			out[sha] = wh
		} else {
			missing = append(missing, sha)
		}
	}
	if len(missing) == 0 {
		return out
	}
	ctx, cancel := context.WithTimeout(context.Background(), pictureSizeWait)
	defer cancel()
	found, err := p.read.MediaSizes(ctx, missing)
	if err != nil {
		return out // shown without sizes; nothing is wrong with the text
	}
	for sha, wh := range found {
		p.known.Put(sha, wh)
		out[sha] = wh
	}
	return out
}

// refusePicture answers a refused upload of the editor's plain form (wrong
// type 415, too big 413, no description 422, a day's limit 429, busy 503)
// with the editor itself, the message beside the form and the description
// kept, rather than a bare error page: without JavaScript the person stays
// where they were. An unknown sheet, or an error of the atlas, is answered
// as any other.
func (h *handler) refusePicture(c *fiber.Ctx, slug string, err error) error {
	he, internal := httpx.Classify(err)
	if internal || he.Status == fiber.StatusNotFound || he.Status == fiber.StatusForbidden || request.User(c) == nil {
		return err
	}
	httpx.SetRetryAfter(c, httpx.RetryAfter(err))
	return h.renderEditSheet(c, he.Status, slug, pictureRefusal{Message: he.Message(request.Lang(c)), Alt: c.FormValue("alt")})
}

// pictureFormSlug names the sheet of a post of the editor's plain upload
// form (POST /sheets/{slug}/media), for refusals made before its route
// runs (a body over the limit); "" for any other request.
func pictureFormSlug(c *fiber.Ctx) string {
	if httpx.IsAPI(c) || !isMediaPost(c.Method(), c.Path()) {
		return ""
	}
	slug, _ := strings.CutSuffix(strings.TrimPrefix(c.Path(), "/sheets/"), "/media")
	return slug
}
