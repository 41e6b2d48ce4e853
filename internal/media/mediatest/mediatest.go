// Package mediatest builds picture files for tests: photos carrying EXIF
// GPS positions, XMP and comments, a hand-made WebP, a decompression bomb,
// and reads a JPEG's segments back.
package mediatest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
)

// Secrets carried by the metadata the fixtures hold; none may survive
// storage.
const (
	GPSMarker     = "GPSsecret"
	CommentMarker = "Chez Marie, 12 rue des Lilas"
	XMPMarker     = "xmp-creator-marie"
)

// Gradient is a w × h picture with something to see.
func Gradient(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / max(1, w-1)), uint8(y * 255 / max(1, h-1)), 120, 255}) //nolint:gosec // G115: test fixtures of a few pixels
		}
	}
	return img
}

// PNG encodes a gradient, with a tEXt comment chunk after its header.
func PNG(w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, Gradient(w, h)); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	// After the signature (8) and IHDR (4+4+13+4).
	at := 8 + 25
	chunk := pngChunk("tEXt", []byte("Comment\x00"+CommentMarker))
	return append(append(append([]byte{}, b[:at]...), chunk...), b[at:]...)
}

func pngChunk(typ string, data []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, uint32(len(data))) //nolint:gosec // G115: test fixtures of a few pixels
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// GIF encodes a gradient in the web palette, with a comment extension.
func GIF(w, h int) []byte {
	var buf bytes.Buffer
	if err := gif.Encode(&buf, Gradient(w, h), nil); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	// A comment extension (21 FE) right before the trailer (3B).
	ext := append([]byte{0x21, 0xFE, byte(len(CommentMarker))}, CommentMarker...)
	ext = append(ext, 0)
	return append(append(append([]byte{}, b[:len(b)-1]...), ext...), 0x3B)
}

// JPEG encodes a w × h gradient and inserts, after its SOI marker, an
// EXIF block (orientation o, a GPS position), an XMP packet and a comment.
func JPEG(w, h, o int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Gradient(w, h), &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	var out []byte
	out = append(out, b[:2]...)
	out = append(out, segment(0xE1, append([]byte("Exif\x00\x00"), EXIF(o)...))...)
	out = append(out, segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><dc:creator>"+XMPMarker+"</dc:creator></x:xmpmeta>"))...)
	out = append(out, segment(0xFE, []byte(CommentMarker))...)
	return append(out, b[2:]...)
}

func segment(marker byte, data []byte) []byte {
	out := []byte{0xFF, marker}
	out = binary.BigEndian.AppendUint16(out, uint16(len(data)+2)) //nolint:gosec // G115: segments of a few hundred bytes
	return append(out, data...)
}

// EXIF builds a little-endian TIFF block: IFD0 with the orientation and a
// pointer to a GPS directory holding a latitude (48° 51' N) and the
// GPSMarker as its processing method.
func EXIF(o int) []byte {
	le := binary.LittleEndian
	t := []byte("II*\x00")
	t = le.AppendUint32(t, 8)
	// IFD0 at 8: two entries, then the next-IFD offset (0).
	gpsAt := 8 + 2 + 2*12 + 4
	t = le.AppendUint16(t, 2)
	t = entry(t, 0x0112, 3, 1, uint32(o))                              //nolint:gosec // G115: Orientation, SHORT; fixtures are small
	t = entry(t, 0x8825, 4, 1, uint32(gpsAt))                          // GPS IFD pointer, LONG
	t = le.AppendUint32(t, 0)                                          // no next IFD
	dataAt := gpsAt + 2 + 3*12 + 4                                     // GPS values after the GPS IFD
	t = le.AppendUint16(t, 3)                                          // GPS IFD
	t = entry(t, 0x0001, 2, 2, uint32('N'))                            // GPSLatitudeRef "N\0"
	t = entry(t, 0x0002, 5, 3, uint32(dataAt))                         // GPSLatitude, 3 RATIONALs
	t = entry(t, 0x001B, 7, uint32(len(GPSMarker)), uint32(dataAt+24)) // GPSProcessingMethod
	t = le.AppendUint32(t, 0)
	for _, v := range []uint32{48, 1, 51, 1, 2959, 100} {
		t = le.AppendUint32(t, v)
	}
	return append(t, GPSMarker...)
}

func entry(t []byte, tag, typ uint16, count, value uint32) []byte {
	le := binary.LittleEndian
	t = le.AppendUint16(t, tag)
	t = le.AppendUint16(t, typ)
	t = le.AppendUint32(t, count)
	return le.AppendUint32(t, value)
}

// Segments lists the markers of a JPEG file's segments before its scan.
func Segments(data []byte) []byte {
	var out []byte
	for i := 2; i+4 <= len(data) && data[i] == 0xFF; {
		out = append(out, data[i+1])
		if data[i+1] == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(data[i+2:]))
	}
	return out
}

// WebP is a hand-made lossless WebP (VP8L) of w × h pixels of one color:
// every Huffman code is a "simple" one-symbol code, so pixels take no bits.
func WebP(w, h int, c color.NRGBA) []byte {
	var bw bitWriter
	bw.write(0x2F, 8)
	bw.write(uint32(w-1), 14) //nolint:gosec // G115: test fixtures of a few pixels
	bw.write(uint32(h-1), 14) //nolint:gosec // G115: test fixtures of a few pixels
	bw.write(1, 1)            // alpha used
	bw.write(0, 3)            // version
	bw.write(0, 1)            // no transform
	bw.write(0, 1)            // no color cache
	bw.write(0, 1)            // no meta prefix codes
	for _, sym := range []uint8{c.G, c.R, c.B, c.A, 0} {
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // of 8 bits
		bw.write(uint32(sym), 8)
	}
	vp8l := bw.bytes()
	chunk := append([]byte("VP8L"), binary.LittleEndian.AppendUint32(nil, uint32(len(vp8l)))...) //nolint:gosec // G115: test fixtures of a few pixels
	chunk = append(chunk, vp8l...)
	if len(vp8l)%2 == 1 {
		chunk = append(chunk, 0)
	}
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(chunk)))...) //nolint:gosec // G115: test fixtures of a few pixels
	out = append(out, "WEBP"...)
	return append(out, chunk...)
}

type bitWriter struct {
	buf   []byte
	acc   uint64
	nbits uint
}

// write appends the n low bits of v, least significant first, as VP8L
// reads them.
func (b *bitWriter) write(v uint32, n uint) {
	b.acc |= uint64(v) << b.nbits
	b.nbits += n
	for b.nbits >= 8 {
		b.buf = append(b.buf, byte(b.acc)) //nolint:gosec // G115: test fixtures of a few pixels
		b.acc >>= 8
		b.nbits -= 8
	}
}

func (b *bitWriter) bytes() []byte {
	if b.nbits > 0 {
		return append(b.buf, byte(b.acc)) //nolint:gosec // G115: test fixtures of a few pixels
	}
	return b.buf
}

// Bomb is a valid PNG header claiming w × h 8-bit grey pixels, followed by
// the start of their compressed (all zero) rows: a few hundred KB that
// would take w·h bytes once decoded.
func Bomb(w, h int) []byte {
	out := []byte("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w)) //nolint:gosec // G115: test fixtures of a few pixels
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h)) //nolint:gosec // G115: test fixtures of a few pixels
	ihdr = append(ihdr, 8, 0, 0, 0, 0)                    // 8 bits, grey, deflate, no filter, no interlace
	out = append(out, pngChunk("IHDR", ihdr)...)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	row := make([]byte, w+1)
	for y := 0; y < 100; y++ {
		_, _ = zw.Write(row)
	}
	_ = zw.Close()
	out = append(out, pngChunk("IDAT", z.Bytes())...)
	return append(out, pngChunk("IEND", nil)...)
}
