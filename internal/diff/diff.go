// Package diff compares and merges sheet bodies. It is pure: no I/O, no
// HTML, no database.
//
// Compare diffs two bodies in two passes built on go-diff: a line pass over
// lines mapped to runes, then a word pass inside each changed block over
// tokens mapped to runes. The op stream is cut into sections at "## "
// headings (see package document) and also turned into a row model that a
// template renders inline or side by side.
//
// Merge3 is a line-based three-way merge for concurrent edits of one base.
package diff

import "time"

// DefaultTimeout bounds a Compare or Words call when none is given.
const DefaultTimeout = time.Second

// Op kinds.
const (
	OpEqual  = "equal"
	OpInsert = "insert"
	OpDelete = "delete"
)

// Section statuses.
const (
	StatusSame    = "same"
	StatusChanged = "changed"
	StatusAdded   = "added"
	StatusRemoved = "removed"
)

// Op is one run of text that is kept, inserted or deleted. Concatenating
// the equal and delete ops of a diff gives the old text back exactly, and
// the equal and insert ops give the new text.
type Op struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// Stats counts the words (runs of letters and digits) in changed text.
type Stats struct {
	InsertedWords int `json:"inserted_words"`
	DeletedWords  int `json:"deleted_words"`
}

// SectionDiff is the part of a diff that falls in one section.
type SectionDiff struct {
	// Heading is the section's heading text in B, or in A when the section
	// was removed; "" for the preamble.
	Heading string `json:"heading"`
	Status  string `json:"status"`
	Ops     []Op   `json:"ops"`
	// Rows is the render model of the same ops, one row per line.
	Rows []Row `json:"-"`
}

// Result is the comparison of two bodies.
type Result struct {
	Stats    Stats         `json:"stats"`
	Sections []SectionDiff `json:"sections"` // sections without any text are left out
	// Truncated reports that the time bound was hit (or, in theory, that a
	// text had more distinct lines than runes exist) and the diff degraded
	// to a coarser one. It is still exact: the ops rebuild both texts.
	Truncated bool `json:"truncated"`
}

// Options tunes Compare.
type Options struct {
	// Timeout bounds the whole comparison; zero means DefaultTimeout.
	Timeout time.Duration
}

// Compare diffs body a (old) against body b (new).
func Compare(a, b string, opts Options) Result {
	c := newComparer(a, b, deadlineAfter(opts.Timeout))
	c.run()
	return c.result()
}

// Words diffs two short strings (titles, meta values) word by word.
func Words(a, b string, timeout time.Duration) []Op {
	w := wordDiffer{codec: newCodec(), deadline: deadlineAfter(timeout)}
	spans := w.spans(a, b, 0, 0)
	ops := make([]Op, 0, len(spans))
	for _, sp := range spans {
		ops = appendOp(ops, sp.op(a, b))
	}
	return ops
}

func deadlineAfter(d time.Duration) time.Time {
	if d <= 0 {
		d = DefaultTimeout
	}
	return time.Now().Add(d)
}

// appendOp adds op to ops, merging it into the previous op of the same kind
// and dropping it when empty.
func appendOp(ops []Op, op Op) []Op {
	if op.Text == "" {
		return ops
	}
	if n := len(ops); n > 0 && ops[n-1].Op == op.Op {
		ops[n-1].Text += op.Text
		return ops
	}
	return append(ops, op)
}

// span is one op expressed as byte ranges into the two texts, so that ops
// can be merged and sliced without copying text.
type span struct {
	kind   uint8
	a0, a1 int // range in A for equal and delete
	b0, b1 int // range in B for equal and insert
}

const (
	kindEqual uint8 = iota
	kindDelete
	kindInsert
)

func (sp span) empty() bool {
	if sp.kind == kindInsert {
		return sp.b0 == sp.b1
	}
	return sp.a0 == sp.a1
}

func (sp span) op(a, b string) Op {
	switch sp.kind {
	case kindDelete:
		return Op{Op: OpDelete, Text: a[sp.a0:sp.a1]}
	case kindInsert:
		return Op{Op: OpInsert, Text: b[sp.b0:sp.b1]}
	}
	return Op{Op: OpEqual, Text: a[sp.a0:sp.a1]}
}

// extend merges next into sp when both are the same kind and next starts
// where sp ends on every side it covers.
func (sp *span) extend(next span) bool {
	if sp.kind != next.kind {
		return false
	}
	switch sp.kind {
	case kindDelete:
		if sp.a1 != next.a0 {
			return false
		}
	case kindInsert:
		if sp.b1 != next.b0 {
			return false
		}
	default:
		if sp.a1 != next.a0 || sp.b1 != next.b0 {
			return false
		}
	}
	sp.a1, sp.b1 = next.a1, next.b1
	return true
}

// appendEqual appends the spans of a[a0:a1] kept as b[b0:b1], two texts
// that are the same once every "\r\n" is read as "\n" (lines or tokens
// matched by key). Where one side has "\r\n" and the other "\n", the "\r"
// becomes a delete or an insert of its own, so that the ops still rebuild
// both texts exactly; such a span changes no word and no line (see
// eolOnly). Should the texts differ otherwise, the rest is replaced, which
// keeps the rebuild exact whatever the input. da and db are added to the
// offsets of the spans, for texts that are slices of larger ones.
func appendEqual(out []span, a, b string, a0, a1, b0, b1, da, db int) []span {
	if a1-a0 == b1-b0 && a[a0:a1] == b[b0:b1] {
		return append(out, span{kind: kindEqual, a0: a0 + da, a1: a1 + da, b0: b0 + db, b1: b1 + db})
	}
	add := func(kind uint8, i0, i1, j0, j1 int) {
		if i1 > i0 || j1 > j0 {
			out = append(out, span{kind: kind, a0: i0 + da, a1: i1 + da, b0: j0 + db, b1: j1 + db})
		}
	}
	i, j := a0, b0
	i0, j0 := i, j
	for i < a1 && j < b1 {
		switch {
		case a[i] == b[j]:
			i, j = i+1, j+1
			continue
		case a[i] == '\r' && i+1 < a1 && a[i+1] == '\n' && b[j] == '\n':
			add(kindEqual, i0, i, j0, j)
			add(kindDelete, i, i+1, j, j)
			i++
		case b[j] == '\r' && j+1 < b1 && b[j+1] == '\n' && a[i] == '\n':
			add(kindEqual, i0, i, j0, j)
			add(kindInsert, i, i, j, j+1)
			j++
		default:
			add(kindEqual, i0, i, j0, j)
			add(kindDelete, i, a1, j, j)
			add(kindInsert, a1, a1, j, b1)
			return out
		}
		i0, j0 = i, j
	}
	add(kindEqual, i0, i, j0, j)
	add(kindDelete, i, a1, j, j)
	add(kindInsert, a1, a1, j, b1)
	return out
}

// eolOnly reports whether a delete or insert span is only the "\r" of a
// "\r\n" line ending that the other side writes "\n": a change of form
// that no reader sees.
func eolOnly(sp span, a, b string) bool {
	switch sp.kind {
	case kindDelete:
		return sp.a1 == sp.a0+1 && a[sp.a0] == '\r' && sp.a1 < len(a) && a[sp.a1] == '\n'
	case kindInsert:
		return sp.b1 == sp.b0+1 && b[sp.b0] == '\r' && sp.b1 < len(b) && b[sp.b1] == '\n'
	}
	return false
}
