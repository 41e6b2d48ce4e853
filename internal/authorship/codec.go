package authorship

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"
)

// format is the first byte of an encoded attribution, so that a later layout
// can be told apart from this one.
const format = 1

// Errors of Decode and Valid.
var (
	ErrCorrupt = errors.New("authorship: corrupt attribution")
	ErrInvalid = errors.New("authorship: attribution does not fit the body")
)

// Encode writes a in a compact form for storage: the format byte, the number
// of spans, then each span's length and its revision as a difference from
// the previous span's (a sheet's revisions are near each other, so most take
// one or two bytes).
func Encode(a Attribution) []byte {
	b := make([]byte, 0, 2+3*len(a))
	b = append(b, format)
	b = binary.AppendUvarint(b, uint64(len(a)))
	prev := 0
	for _, s := range a {
		b = binary.AppendUvarint(b, length(s.Len))
		b = binary.AppendVarint(b, int64(s.Revision)-int64(prev))
		prev = s.Revision
	}
	return b
}

// length is n as written: a negative length, which no valid attribution
// has, is written as 0, which Decode refuses.
func length(n int) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

// Decode reads what Encode wrote. It refuses anything Encode cannot have
// written: another format, truncated or trailing bytes, an empty span, a
// revision below 1, two adjacent spans of one revision, lengths that overflow.
func Decode(b []byte) (Attribution, error) {
	if len(b) < 2 || b[0] != format {
		return nil, fmt.Errorf("%w: unknown format", ErrCorrupt)
	}
	r := reader{b: b[1:]}
	n := r.uvarint()
	// Each span takes at least two bytes, which bounds what we allocate.
	if r.err != nil || n > uint64(len(r.b))/2 {
		return nil, fmt.Errorf("%w: bad span count", ErrCorrupt)
	}
	a := make(Attribution, 0, n)
	total, prev := uint64(0), int64(0)
	for range n {
		l, d := r.uvarint(), r.varint()
		if r.err != nil {
			return nil, r.err
		}
		rev := prev + d
		if l == 0 || l > maxLen || d == 0 || rev < 1 || rev > maxRevision {
			return nil, fmt.Errorf("%w: bad span", ErrCorrupt)
		}
		if total += l; total > maxLen {
			return nil, fmt.Errorf("%w: too long", ErrCorrupt)
		}
		a = append(a, Span{Len: int(l), Revision: int(rev)})
		prev = rev
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: trailing bytes", ErrCorrupt)
	}
	return a, nil
}

// Bounds that hold on every platform Go runs on (int may be 32 bits).
const (
	maxLen      = 1<<31 - 1
	maxRevision = 1<<31 - 1
)

type reader struct {
	b   []byte
	err error
}

// uvarint and varint also refuse overlong forms (a last byte of zero),
// which Encode never writes: one attribution has one encoding.
func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || n > 1 && r.b[n-1] == 0 {
		r.err = fmt.Errorf("%w: truncated", ErrCorrupt)
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 || n > 1 && r.b[n-1] == 0 {
		r.err = fmt.Errorf("%w: truncated", ErrCorrupt)
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Valid tells whether a covers body exactly: positive lengths summing to
// len(body), revisions from 1, adjacent spans of different revisions, and no
// span boundary inside a UTF-8 rune.
func (a Attribution) Valid(body string) error {
	at := 0
	for i, s := range a {
		switch {
		case s.Len <= 0:
			return fmt.Errorf("%w: span %d is empty", ErrInvalid, i)
		case s.Revision < 1:
			return fmt.Errorf("%w: span %d has revision %d", ErrInvalid, i, s.Revision)
		case i > 0 && a[i-1].Revision == s.Revision:
			return fmt.Errorf("%w: spans %d and %d have the same revision", ErrInvalid, i-1, i)
		case s.Len > len(body)-at:
			return fmt.Errorf("%w: spans run past the body's %d bytes", ErrInvalid, len(body))
		}
		at += s.Len
		if at < len(body) && splitsRune(body, at) {
			return fmt.Errorf("%w: span %d ends inside a character", ErrInvalid, i)
		}
	}
	if at != len(body) {
		return fmt.Errorf("%w: spans cover %d of the body's %d bytes", ErrInvalid, at, len(body))
	}
	return nil
}

// splitsRune tells whether offset at falls inside a valid multi-byte rune.
// A stray continuation byte is a rune of its own, so cutting before it is fine.
func splitsRune(s string, at int) bool {
	if utf8.RuneStart(s[at]) {
		return false
	}
	// Back up to the byte that may start the rune covering at (at most 3).
	for back := 1; back <= utf8.UTFMax-1 && at-back >= 0; back++ {
		if utf8.RuneStart(s[at-back]) {
			r, n := utf8.DecodeRuneInString(s[at-back:])
			return !invalidByte(r, n) && n > back
		}
	}
	return false
}
