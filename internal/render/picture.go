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

// PictureSizes tells the width and height of stored pictures, by their
// SHA-256, all of one text at once; an unknown picture is absent. Pictures
// never change, so neither does the answer for a known picture, and a
// rendering keyed by the body's hash stays right.
type PictureSizes func(shas []string) map[string][2]int

// maxSizedPictures bounds the pictures of one text that are given their
// size: a text naming thousands of hashes costs one bounded lookup.
const maxSizedPictures = 200

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

// sizePictures writes on the text's pictures their width and height, as
// attributes renderImage reads.
func (r *Renderer) sizePictures(doc ast.Node) {
	if r.sizes == nil {
		return
	}
	var images []*ast.Image
	var shas []string
	seen := map[string]bool{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if m := mediaPath.FindSubmatch(img.Destination); m != nil {
			images = append(images, img)
			if sha := string(m[1]); !seen[sha] && len(shas) < maxSizedPictures {
				seen[sha] = true
				shas = append(shas, sha)
			}
		}
		return ast.WalkContinue, nil
	})
	if len(shas) == 0 {
		return
	}
	sizes := r.sizes(shas)
	for _, img := range images {
		if wh, ok := sizes[string(img.Destination[len("/media/"):])]; ok {
			img.SetAttributeString("width", wh[0])
			img.SetAttributeString("height", wh[1])
		}
	}
}

func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
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
	{
		wv, ok := img.AttributeString("width")
		hv, _ := img.AttributeString("height")
		width, _ := wv.(int)
		height, _ := hv.(int)
		if ok && width > 0 && height > 0 {
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
