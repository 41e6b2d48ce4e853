package request

import (
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/web/httpx"
)

// CheckJSONText refuses a JSON body that is not valid UTF-8 or whose
// \u escapes name a lone surrogate (half of a UTF-16 pair): Go's decoder
// would turn either into U+FFFD and the atlas would store a text nobody
// sent. A U+FFFD actually sent is kept.
func CheckJSONText(body []byte) error {
	if !utf8.Valid(body) || hasLoneSurrogate(body) {
		return httpx.NewError(fiber.StatusBadRequest, "invalid_utf8", "error.invalid_utf8")
	}
	return nil
}

// hasLoneSurrogate walks the escapes of a JSON text: a high surrogate must
// be followed at once by an escaped low one, and a low one never comes
// alone. Malformed escapes are left to the decoder to report.
func hasLoneSurrogate(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+1 >= len(b) || b[i+1] != 'u' {
			i++ // a two-character escape such as \\ or \"
			continue
		}
		r, ok := hex4(b, i+2)
		if !ok {
			return false
		}
		i += 5
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		case r >= 0xD800 && r <= 0xDBFF:
			if i+2 >= len(b) || b[i+1] != '\\' || b[i+2] != 'u' {
				return true
			}
			low, ok := hex4(b, i+3)
			if !ok {
				return false
			}
			if low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 6
		}
	}
	return false
}

// hex4 reads the four hexadecimal digits of a \u escape starting at b[at].
func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}
