// Package media keeps the pictures people upload into sheets. A picture is
// recognized by its bytes, checked for its size in pixels before any pixel
// is decoded, then decoded and encoded again: the stored file holds the
// pixels and nothing else (no EXIF, GPS, XMP, comments, color profiles),
// so a photo taken at home does not tell where its author lives.
package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Stored types. The Go libraries decode WebP but do not encode it, so a
// WebP picture is stored as JPEG when it is a lossy photo without
// transparency (PNG would weigh ten times more) and as PNG otherwise
// (lossless or transparent: PNG keeps its pixels exactly). The answer's
// "type" says what was stored.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeGIF  = "image/gif"
	TypeWebP = "image/webp" // received, never stored
)

// Limits of one picture.
const (
	// MaxFileBytes is the most an uploaded file may weigh.
	MaxFileBytes = 10 << 20
	// MaxSide and MaxPixels bound a picture's size in pixels, read from
	// its header before anything is decoded: a 100 KB PNG may claim
	// 20,000 × 20,000 pixels, which would take 1.6 GB once decoded. 40
	// million pixels is a large phone photo.
	MaxSide   = 12000
	MaxPixels = 40_000_000
	// MaxStoredBytes bounds the file stored, which may weigh more than
	// the one sent (a lossless picture encoded again).
	MaxStoredBytes = 16 << 20
)

// Widths are the widths of the smaller copies made at upload. A copy is
// made only for a width below the picture's own.
var Widths = []int{320, 640, 1280}

// Errors of Process, which the web layer maps to statuses.
var (
	ErrUnsupported   = errors.New("media: not a JPEG, PNG, WebP or GIF picture")
	ErrTooManyPixels = errors.New("media: picture too large in pixels")
	ErrTooHeavy      = errors.New("media: picture too large once stored")
)

// Picture is an uploaded file made ready to store.
type Picture struct {
	SHA256        string // of Data
	Type          string // of Data: TypeJPEG, TypePNG or TypeGIF
	Width, Height int
	Data          []byte
	Variants      []Variant
}

// Variant is a smaller copy of a picture.
type Variant struct {
	Width int
	Type  string
	Data  []byte
}

// jpegQuality keeps re-encoded photos close to what was sent.
const jpegQuality = 88

// Process checks an uploaded file and returns the picture to store: its
// metadata gone, its orientation applied, its smaller copies made.
func Process(data []byte) (*Picture, error) {
	typ := Sniff(data)
	if typ == "" || carriesMarkup(data) {
		return nil, ErrUnsupported
	}
	cfg, err := decodeConfig(typ, data)
	if err != nil {
		return nil, ErrUnsupported
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, ErrUnsupported
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || cfg.Width*cfg.Height > MaxPixels {
		return nil, ErrTooManyPixels
	}
	img, err := decode(typ, data)
	if err != nil {
		return nil, ErrUnsupported
	}
	if typ == TypeJPEG {
		img = orient(img, jpegOrientation(data))
	}
	stored := typ
	if typ == TypeWebP {
		stored = TypePNG
		if _, lossy := img.(*image.YCbCr); lossy {
			stored = TypeJPEG
		}
	}
	out, err := encode(stored, img)
	if err != nil {
		return nil, err
	}
	if len(out) > MaxStoredBytes {
		return nil, ErrTooHeavy
	}
	sum := sha256.Sum256(out)
	b := img.Bounds()
	p := &Picture{SHA256: hex.EncodeToString(sum[:]), Type: stored, Width: b.Dx(), Height: b.Dy(), Data: out}
	p.Variants, err = variants(stored, img)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Sniff names a picture's type from its first bytes, "" when they are not
// those of a JPEG, PNG, GIF or WebP file. The name and the declared type
// of an upload are never asked.
func Sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\xff\xd8\xff")):
		return TypeJPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return TypeGIF
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return TypeWebP
	}
	return ""
}

// Markup a browser would act on if it took the file for HTML or SVG. A
// file that starts as a picture and carries these is a polyglot, refused
// whole even though the stored copy, encoded again, would not carry them.
// The short "<svg" is looked for only where browsers sniff (the first
// 1,024 bytes): anywhere in 10 MB of compressed pixels four given bytes
// turn up by chance.
var (
	markup      = [][]byte{[]byte("<script"), []byte("<html"), []byte("<!doctype"), []byte("<iframe"), []byte("<body"), []byte("<object"), []byte("<embed")}
	markupStart = [][]byte{[]byte("<svg"), []byte("<?xml")}
)

const sniffBytes = 1024

func carriesMarkup(data []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(data[i:], '<')
		if j < 0 {
			return false
		}
		i += j
		for _, m := range markup {
			if hasFoldPrefix(data[i:], m) {
				return true
			}
		}
		if i < sniffBytes {
			for _, m := range markupStart {
				if hasFoldPrefix(data[i:], m) {
					return true
				}
			}
		}
		i++
	}
}

// hasFoldPrefix says whether b starts with lower, ASCII case aside.
func hasFoldPrefix(b, lower []byte) bool {
	if len(b) < len(lower) {
		return false
	}
	for i, c := range lower {
		d := b[i]
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if d != c {
			return false
		}
	}
	return true
}

// decodeConfig reads a picture's dimensions from its header only.
func decodeConfig(typ string, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch typ {
	case TypeJPEG:
		return jpeg.DecodeConfig(r)
	case TypePNG:
		return png.DecodeConfig(r)
	case TypeGIF:
		return gif.DecodeConfig(r)
	case TypeWebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, ErrUnsupported
}

// decode decodes the pixels; a GIF keeps its first frame only (an
// animation is stored still).
func decode(typ string, data []byte) (image.Image, error) {
	r := bytes.NewReader(data)
	switch typ {
	case TypeJPEG:
		return jpeg.Decode(r)
	case TypePNG:
		return png.Decode(r)
	case TypeGIF:
		return gif.Decode(r)
	case TypeWebP:
		return webp.Decode(r)
	}
	return nil, ErrUnsupported
}

// encode writes img as typ. Go's encoders write the pixels and what is
// needed to read them (a GIF's palette, a PNG's transparency), nothing
// else.
func encode(typ string, img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch typ {
	case TypeJPEG:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	case TypePNG:
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, img)
	case TypeGIF:
		err = gif.Encode(&buf, img, nil)
	default:
		err = ErrUnsupported
	}
	if err != nil {
		return nil, fmt.Errorf("media: encode %s: %w", typ, err)
	}
	return buf.Bytes(), nil
}

// variants makes the smaller copies, each from the next larger one (a
// 1280 px copy of a 40 MP photo, then 640 from it, then 320), in the
// stored type.
func variants(typ string, img image.Image) ([]Variant, error) {
	var out []Variant
	src := img
	for i := len(Widths) - 1; i >= 0; i-- {
		w := Widths[i]
		b := src.Bounds()
		if w >= img.Bounds().Dx() {
			continue
		}
		h := max(1, (b.Dy()*w+b.Dx()/2)/b.Dx())
		dst := image.NewNRGBA(image.Rect(0, 0, w, h))
		xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)
		var small image.Image = dst
		if p, ok := img.(*image.Paletted); ok && typ == TypeGIF {
			// The copy keeps the picture's own palette.
			pal := image.NewPaletted(dst.Bounds(), p.Palette)
			draw.FloydSteinberg.Draw(pal, pal.Bounds(), dst, image.Point{})
			small = pal
		}
		data, err := encode(typ, small)
		if err != nil {
			return nil, err
		}
		out = append(out, Variant{Width: w, Type: typ, Data: data})
		src = dst
	}
	// Smallest first, as Widths.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
