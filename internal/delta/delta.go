// Package delta writes one text as copies from another plus the bytes that
// are new. The store keeps most revisions this way: a small edit of a long
// sheet costs tens of bytes instead of the whole sheet.
//
// A delta is a format byte, the target's length, then operations, each a
// uvarint header (length<<1 | kind): a copy carries the uvarint offset of
// its bytes in the base, an insert carries its bytes. Apply checks every
// bound, so a damaged delta is an error, never a panic or a wrong length.
package delta

import (
	"bytes"
	"encoding/binary"
	"errors"
)

const (
	format byte = 1

	opInsert = 0
	opCopy   = 1

	// block is the length of the base windows the matcher indexes: long
	// enough that a match is rarely chance, short enough to resume soon
	// after an edit.
	block = 32
)

// ErrCorrupt reports a delta that does not apply to the base it is given.
var ErrCorrupt = errors.New("delta: corrupt or not made for this base")

// Encode returns a delta that rebuilds target from base. Common head and
// tail are one copy each; in between, runs of the target found in the base
// (moved paragraphs included) become copies.
func Encode(base, target []byte) []byte {
	out := make([]byte, 0, 64)
	out = append(out, format)
	out = binary.AppendUvarint(out, uint64(len(target)))

	head := commonPrefix(base, target)
	tail := commonSuffix(base[head:], target[head:])
	out = appendCopy(out, 0, head)
	out = encodeMiddle(out, base, target[:len(target)-tail], head)
	out = appendCopy(out, len(base)-tail, tail)
	return out
}

// encodeMiddle matches target[from:] against blocks of base with a rolling
// hash, extending each hit both ways, and emits inserts for what is left.
func encodeMiddle(out, base, target []byte, from int) []byte {
	if len(target)-from < block || len(base) < block {
		return appendInsert(out, target[from:])
	}
	index := make(map[uint64]int, len(base)/block)
	for off := 0; off+block <= len(base); off += block {
		h := hashOf(base[off : off+block])
		if _, seen := index[h]; !seen {
			index[h] = off
		}
	}

	pending := from // start of bytes not yet emitted
	i := from
	h := hashOf(target[i : i+block])
	for {
		if off, ok := index[h]; ok && bytes.Equal(base[off:off+block], target[i:i+block]) {
			// Grow the match backwards into the pending insert, then forwards.
			start, bstart := i, off
			for start > pending && bstart > 0 && target[start-1] == base[bstart-1] {
				start--
				bstart--
			}
			end, bend := i+block, off+block
			for end < len(target) && bend < len(base) && target[end] == base[bend] {
				end++
				bend++
			}
			out = appendInsert(out, target[pending:start])
			out = appendCopy(out, bstart, end-start)
			pending, i = end, end
			if i+block > len(target) {
				break
			}
			h = hashOf(target[i : i+block])
			continue
		}
		if i+block >= len(target) {
			break
		}
		h = roll(h, target[i], target[i+block])
		i++
	}
	return appendInsert(out, target[pending:])
}

// Apply rebuilds the target from base and a delta made by Encode.
func Apply(base, d []byte) ([]byte, error) { return AppendApply(nil, base, d) }

// AppendApply is Apply writing into dst's storage when it is large enough,
// so a chain of deltas can alternate between two buffers. dst must not
// overlap base.
func AppendApply(dst, base, d []byte) ([]byte, error) {
	if len(d) == 0 || d[0] != format {
		return nil, ErrCorrupt
	}
	d = d[1:]
	size, n := binary.Uvarint(d)
	// Each operation takes two bytes of the delta at least and yields at
	// most the whole base or its own bytes: a larger stated length is a lie
	// that must not allocate.
	if n <= 0 || size > uint64(len(d))*(uint64(len(base))+1) {
		return nil, ErrCorrupt
	}
	d = d[n:]
	out := dst[:0]
	if uint64(cap(out)) < size {
		out = make([]byte, 0, size)
	}
	for len(d) > 0 {
		header, n := binary.Uvarint(d)
		if n <= 0 {
			return nil, ErrCorrupt
		}
		d = d[n:]
		length := header >> 1
		if length > size-uint64(len(out)) {
			return nil, ErrCorrupt
		}
		switch header & 1 {
		case opCopy:
			off, n := binary.Uvarint(d)
			if n <= 0 || off > uint64(len(base)) || length > uint64(len(base))-off {
				return nil, ErrCorrupt
			}
			d = d[n:]
			out = append(out, base[off:off+length]...)
		case opInsert:
			if length > uint64(len(d)) {
				return nil, ErrCorrupt
			}
			out = append(out, d[:length]...)
			d = d[length:]
		}
	}
	if uint64(len(out)) != size {
		return nil, ErrCorrupt
	}
	return out, nil
}

//nolint:gosec // G115: an offset and a length within a slice are never negative
func appendCopy(out []byte, off, length int) []byte {
	if length == 0 {
		return out
	}
	out = binary.AppendUvarint(out, uint64(length)<<1|opCopy)
	return binary.AppendUvarint(out, uint64(off))
}

func appendInsert(out, b []byte) []byte {
	if len(b) == 0 {
		return out
	}
	out = binary.AppendUvarint(out, uint64(len(b))<<1|opInsert)
	return append(out, b...)
}

func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}

// The rolling hash is a polynomial over the window's bytes, modulo 2^64:
// sliding one byte removes the oldest term and adds the newest.
const prime = 1099511628211

// outgoing is prime^(block-1), the weight of a window's oldest byte.
var outgoing = func() uint64 {
	p := uint64(1)
	for range block - 1 {
		p *= prime
	}
	return p
}()

func hashOf(b []byte) uint64 {
	var h uint64
	for _, c := range b {
		h = h*prime + uint64(c)
	}
	return h
}

func roll(h uint64, out, in byte) uint64 {
	return (h-uint64(out)*outgoing)*prime + uint64(in)
}
