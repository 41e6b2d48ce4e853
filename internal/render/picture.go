package render

import (
	"regexp"
	"strconv"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// Pictures: a Markdown image shows only when it is one of the atlas's own
// (/media/ and a SHA-256), lazily, with its width and height (no jump of
// the page as it loads) and its smaller copies in srcset. Any other image
// becomes a link to it: the security policy would block it anyway, and a
// reader's browser asks no other site for anything.

// PictureSizes tells a stored picture's width and height; ok is false for
// an unknown one. Pictures never change, so neither does the answer for a
// known picture, and a rendering keyed by the body's hash stays right.
type PictureSizes func(sha string) (width, height int, ok bool)

// mediaPath is an image destination the renderer shows.
var mediaPath = regexp.MustCompile(`^/media/([0-9a-f]{64})$`)

// Attribute values the policies allow on img, matching what renderImage
// writes and nothing else.
var (
	mediaSrc    = regexp.MustCompile(`^/media/[0-9a-f]{64}$`)
	mediaSrcset = regexp.MustCompile(`^(/media/[0-9a-f]{64}(\?w=(320|640|1280))? [0-9]{1,5}w)(, /media/[0-9a-f]{64}(\?w=(320|640|1280))? [0-9]{1,5}w){0,3}$`)
	pictureSize = regexp.MustCompile(`^[0-9]{1,5}$`)
	lazy        = regexp.MustCompile(`^lazy$`)
	async       = regexp.MustCompile(`^async$`)
	sizesValue  = regexp.MustCompile(`^` + regexp.QuoteMeta(pictureSlot) + `$`)
)

// pictureSlot is the width a picture takes: the text column (46rem in
// atlas.css), the whole screen on a phone.
const pictureSlot = "(max-width: 46rem) 100vw, 46rem"

// copyWidths are those of the copies made at upload (media.Widths).
var copyWidths = []int{320, 640, 1280}

type pictureHTML struct{ sizes PictureSizes }

func (p pictureHTML) renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	img := node.(*ast.Image)
	alt := util.EscapeHTML([]byte(plainText(img, source)))
	m := mediaPath.FindSubmatch(img.Destination)
	if m == nil {
		// Not ours: a link to it, named by its description.
		_, _ = w.WriteString(`<a href="`)
		_, _ = w.Write(util.EscapeHTML(util.URLEscape(img.Destination, true)))
		_, _ = w.WriteString(`" rel="nofollow noopener noreferrer">`)
		if len(alt) == 0 {
			alt = util.EscapeHTML(img.Destination)
		}
		_, _ = w.Write(alt)
		_, _ = w.WriteString(`</a>`)
		return ast.WalkSkipChildren, nil
	}
	src := "/media/" + string(m[1])
	_, _ = w.WriteString(`<img src="` + src + `" alt="`)
	_, _ = w.Write(alt)
	_, _ = w.WriteString(`" loading="lazy" decoding="async"`)
	if p.sizes != nil {
		if width, height, ok := p.sizes(string(m[1])); ok {
			_, _ = w.WriteString(` width="` + strconv.Itoa(width) + `" height="` + strconv.Itoa(height) + `"`)
			set := ""
			for _, cw := range copyWidths {
				if cw < width {
					set += src + "?w=" + strconv.Itoa(cw) + " " + strconv.Itoa(cw) + "w, "
				}
			}
			if set != "" {
				_, _ = w.WriteString(` srcset="` + set + src + " " + strconv.Itoa(width) + `w" sizes="` + pictureSlot + `"`)
			}
		}
	}
	_, _ = w.WriteString(`>`)
	return ast.WalkSkipChildren, nil
}
