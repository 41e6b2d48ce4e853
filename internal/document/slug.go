package document

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxSlugLength keeps URLs readable; a longer title is cut at a word.
const maxSlugLength = 80

// ligatures are letters that decomposition does not fold to ASCII.
var ligatures = map[rune]string{
	'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss", 'ø': "o", 'Ø': "o",
	'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'þ': "th", 'ð': "d",
}

// Slug makes a URL name from a title: lowercase ASCII, accents folded, words
// joined by "-". It returns "" when the title has no letter or digit at all;
// callers choose a fallback.
func Slug(title string) string {
	var b strings.Builder
	pendingDash := false
	for _, r := range norm.NFKD.String(title) {
		var piece string
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			piece = string(r)
		case r >= 'A' && r <= 'Z':
			piece = string(unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r):
			continue // a combining accent: dropping it folds é to e
		default:
			if l, ok := ligatures[r]; ok {
				piece = l
			}
		}
		if piece == "" {
			pendingDash = b.Len() > 0
			continue
		}
		if pendingDash {
			if b.Len()+1+len(piece) > maxSlugLength {
				break
			}
			b.WriteByte('-')
			pendingDash = false
		}
		if b.Len()+len(piece) > maxSlugLength {
			break
		}
		b.WriteString(piece)
	}
	return b.String()
}
