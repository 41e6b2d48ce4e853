package media_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"runtime"
	"testing"

	"atlas/internal/media"
	"atlas/internal/media/mediatest"
)

// secrets are the metadata the fixtures carry; none may be stored.
var secrets = []string{mediatest.GPSMarker, mediatest.CommentMarker, mediatest.XMPMarker, "Exif", "tEXt", "xmpmeta"}

func checkClean(t *testing.T, data []byte) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("stored file still holds %q", s)
		}
	}
}

func TestPhotoLosesItsMetadataAndStandsUp(t *testing.T) {
	// Orientation 6: the camera was turned; the 40 × 20 pixels show as a
	// 20 × 40 portrait.
	photo := mediatest.JPEG(40, 20, 6)
	if !bytes.Contains(photo, []byte(mediatest.GPSMarker)) || !bytes.Contains(photo, []byte(mediatest.XMPMarker)) {
		t.Fatal("the fixture carries no GPS position or XMP")
	}
	p, err := media.Process(photo)
	if err != nil {
		t.Fatal(err)
	}
	if p.Type != media.TypeJPEG || p.Width != 20 || p.Height != 40 {
		t.Fatalf("got %s %d×%d, want image/jpeg 20×40", p.Type, p.Width, p.Height)
	}
	checkClean(t, p.Data)
	if segs := mediatest.Segments(p.Data); bytes.IndexByte(segs, 0xE1) >= 0 || bytes.IndexByte(segs, 0xFE) >= 0 {
		t.Errorf("stored JPEG keeps an APP1 or COM segment: % x", segs)
	}
}

func TestEachTypeIsStoredClean(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		data       []byte
		w, h       int
	}{
		{"png", media.TypePNG, mediatest.PNG(30, 10), 30, 10},
		{"gif", media.TypeGIF, mediatest.GIF(16, 12), 16, 12},
		{"webp", media.TypePNG, mediatest.WebP(9, 7, color.NRGBA{200, 40, 90, 255}), 9, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := media.Process(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if p.Type != tc.want || p.Width != tc.w || p.Height != tc.h {
				t.Fatalf("got %s %d×%d, want %s %d×%d", p.Type, p.Width, p.Height, tc.want, tc.w, tc.h)
			}
			if media.Sniff(p.Data) != tc.want {
				t.Errorf("stored bytes sniff as %q", media.Sniff(p.Data))
			}
			checkClean(t, p.Data)
		})
	}
}

func TestOnlyPicturesAreTaken(t *testing.T) {
	png := mediatest.PNG(8, 8)
	for name, data := range map[string][]byte{
		"html":          []byte("<!doctype html><script>alert(1)</script>"),
		"svg":           []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"polyglot":      append(append([]byte{}, png...), "<html><script>alert(1)</script>"...),
		"png header":    png[:40],
		"empty":         nil,
		"svg in a gif":  append([]byte("GIF89a<svg onload=alert(1)>"), png...),
		"truncated gif": mediatest.GIF(8, 8)[:30],
	} {
		if _, err := media.Process(data); !errors.Is(err, media.ErrUnsupported) {
			t.Errorf("%s: got %v, want ErrUnsupported", name, err)
		}
	}
}

func TestBombIsRefusedBeforeDecoding(t *testing.T) {
	bomb := mediatest.Bomb(20000, 20000)
	if len(bomb) > 200<<10 {
		t.Fatalf("the bomb weighs %d bytes", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := media.Process(bomb)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, media.ErrTooManyPixels) {
		t.Fatalf("got %v, want ErrTooManyPixels", err)
	}
	// Decoding would take 400 MB; reading the header, almost nothing.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 4<<20 {
		t.Errorf("refusing the bomb allocated %d bytes", grew)
	}
	for _, size := range [][2]int{{media.MaxSide + 1, 10}, {7000, 7000}} {
		if _, err := media.Process(mediatest.Bomb(size[0], size[1])); !errors.Is(err, media.ErrTooManyPixels) {
			t.Errorf("%v: got %v, want ErrTooManyPixels", size, err)
		}
	}
}

func TestSmallerCopies(t *testing.T) {
	p, err := media.Process(mediatest.PNG(1000, 500))
	if err != nil {
		t.Fatal(err)
	}
	var widths []int
	for _, v := range p.Variants {
		widths = append(widths, v.Width)
		cfg, _, err := image.DecodeConfig(bytes.NewReader(v.Data))
		if err != nil || cfg.Width != v.Width || cfg.Height != v.Width/2 {
			t.Errorf("copy %d: %v %d×%d", v.Width, err, cfg.Width, cfg.Height)
		}
	}
	if len(widths) != 2 || widths[0] != 320 || widths[1] != 640 {
		t.Errorf("copies %v, want 320 and 640 (no 1280 of a 1000 px picture)", widths)
	}
	// The same bytes give the same name.
	q, err := media.Process(mediatest.PNG(1000, 500))
	if err != nil || q.SHA256 != p.SHA256 {
		t.Errorf("same file, other hash: %v %s %s", err, q.SHA256, p.SHA256)
	}
}
