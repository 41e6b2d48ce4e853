package export

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
)

// Etherpad keeps a pad's history as changesets in its Easysync format:
//
//	Z:<old length>(>|<)<length change><ops>$<char bank>
//
// Numbers are base 36. Each op is any number of attribute references
// (*N, an entry of the pad's attribute pool), an optional line count
// (|L) and an opcode with its length: =N keeps N characters, -N deletes
// them, +N inserts the next N characters of the char bank. An op with
// |L spans exactly L newlines and ends on one; an op without spans none.
// Whatever the ops leave of the old text is kept. Lengths count UTF-16
// code units, JavaScript's string length, so a pad's text is replayed
// here as UTF-16. Every text, before and after, ends with a newline.
//
// This decoder is strict: a changeset that does not fit the text it is
// applied to, or breaks a rule above, is refused with where and why.

// padText is a pad's text as Etherpad counts it: UTF-16 code units.
type padText []uint16

func padTextOf(s string) padText { return utf16.Encode([]rune(s)) }

// String decodes the text; ok is false when a surrogate is left unpaired
// (a changeset cut a character in two).
func (t padText) String() (s string, ok bool) {
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= 0xD800 && c < 0xDC00:
			if i+1 >= len(t) || t[i+1] < 0xDC00 || t[i+1] >= 0xE000 {
				return "", false
			}
			i++
		case c >= 0xDC00 && c < 0xE000:
			return "", false
		}
	}
	return string(utf16.Decode(t)), true
}

// csOp is one operation of a changeset.
type csOp struct {
	code    byte // '=', '-' or '+'
	chars   int
	lines   int
	attribs []int
}

// changeset is a decoded changeset.
type changeset struct {
	oldLen, newLen int
	ops            []csOp
	bank           padText
}

// maxCSNumber bounds every number a changeset carries: far above any
// text an import accepts, far below an overflow.
const maxCSNumber = 1 << 40

var errNotChangeset = errors.New(`not an Easysync changeset (it must start with "Z:")`)

// parseChangeset decodes s. attrib says whether a pool entry exists.
func parseChangeset(s string, attrib func(int) bool) (changeset, error) {
	var cs changeset
	if len(s) < 2 || s[:2] != "Z:" {
		return cs, errNotChangeset
	}
	p := csParser{s: s, i: 2}
	old, err := p.number("the old length")
	if err != nil {
		return cs, err
	}
	if p.i >= len(s) || (s[p.i] != '>' && s[p.i] != '<') {
		return cs, p.fail(`">" or "<" after the old length`)
	}
	sign := s[p.i]
	p.i++
	change, err := p.number("the length change")
	if err != nil {
		return cs, err
	}
	cs.oldLen, cs.newLen = old, old+change
	if sign == '<' {
		if cs.newLen = old - change; cs.newLen < 0 {
			return cs, fmt.Errorf("changeset: it shortens a text of %d characters by %d", old, change)
		}
	}
	for p.i < len(s) && s[p.i] != '$' {
		op := csOp{}
		for p.i < len(s) && s[p.i] == '*' {
			at := p.i + 1
			p.i++
			n, err := p.number("an attribute number")
			if err != nil {
				return cs, err
			}
			if attrib != nil && !attrib(n) {
				return cs, fmt.Errorf("changeset: attribute *%s (at character %d) is not in the pad's attribute pool", strconv.FormatInt(int64(n), 36), at)
			}
			op.attribs = append(op.attribs, n)
		}
		if p.i < len(s) && s[p.i] == '|' {
			p.i++
			if op.lines, err = p.number("a line count"); err != nil {
				return cs, err
			}
		}
		if p.i >= len(s) {
			return cs, p.fail("an operation (=, - or +)")
		}
		switch s[p.i] {
		case '=', '-', '+':
			op.code = s[p.i]
		default:
			return cs, p.fail("an operation (=, - or +)")
		}
		p.i++
		if op.chars, err = p.number("an operation's length"); err != nil {
			return cs, err
		}
		if op.lines > op.chars {
			return cs, fmt.Errorf("changeset: an operation of %d characters cannot span %d lines", op.chars, op.lines)
		}
		cs.ops = append(cs.ops, op)
	}
	if p.i >= len(s) {
		return cs, errors.New(`changeset: no "$" before the char bank`)
	}
	cs.bank = padTextOf(s[p.i+1:])
	return cs, nil
}

type csParser struct {
	s string
	i int
}

func (p *csParser) fail(want string) error {
	if p.i >= len(p.s) {
		return fmt.Errorf("changeset: it ends where %s is expected", want)
	}
	return fmt.Errorf("changeset: %q at character %d where %s is expected", p.s[p.i], p.i+1, want)
}

// number reads a base-36 number (digits and lowercase letters).
func (p *csParser) number(what string) (int, error) {
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] >= '0' && p.s[p.i] <= '9' || p.s[p.i] >= 'a' && p.s[p.i] <= 'z') {
		p.i++
		if p.i-start > 8 {
			return 0, fmt.Errorf("changeset: %s at character %d is too large", what, start+1)
		}
	}
	if p.i == start {
		return 0, p.fail(what)
	}
	n, err := strconv.ParseInt(p.s[start:p.i], 36, 64)
	if err != nil || n > maxCSNumber {
		return 0, fmt.Errorf("changeset: %s at character %d is too large", what, start+1)
	}
	return int(n), nil
}

// apply returns the text the changeset makes of text, which it must fit
// exactly; the result is at most maxLen code units long.
func (cs changeset) apply(text padText, maxLen int) (padText, error) {
	if len(text) != cs.oldLen {
		return nil, fmt.Errorf("changeset: it applies to a text of %d characters, the pad's has %d", cs.oldLen, len(text))
	}
	if cs.newLen > maxLen {
		return nil, fmt.Errorf("changeset: it makes a text of %d characters, more than the %d an import accepts", cs.newLen, maxLen)
	}
	out := make(padText, 0, cs.newLen)
	pos, bank := 0, 0
	for i, op := range cs.ops {
		var part padText
		switch op.code {
		case '=', '-':
			if op.chars > len(text)-pos {
				return nil, fmt.Errorf("changeset: operation %d (%c%d) runs past the end of the text", i+1, op.code, op.chars)
			}
			part = text[pos : pos+op.chars]
			pos += op.chars
		case '+':
			if op.chars > len(cs.bank)-bank {
				return nil, fmt.Errorf("changeset: operation %d inserts %d characters, the char bank has %d left", i+1, op.chars, len(cs.bank)-bank)
			}
			part = cs.bank[bank : bank+op.chars]
			bank += op.chars
		}
		if err := checkLines(part, op); err != nil {
			return nil, fmt.Errorf("changeset: operation %d (%c%d): %w", i+1, op.code, op.chars, err)
		}
		if op.code != '-' {
			if len(out)+len(part) > cs.newLen {
				return nil, fmt.Errorf("changeset: its text grows past the %d characters it announces", cs.newLen)
			}
			out = append(out, part...)
		}
	}
	if bank != len(cs.bank) {
		return nil, fmt.Errorf("changeset: %d characters of its char bank are not inserted", len(cs.bank)-bank)
	}
	if len(out)+len(text)-pos != cs.newLen {
		return nil, fmt.Errorf("changeset: it makes a text of %d characters, not the %d it announces", len(out)+len(text)-pos, cs.newLen)
	}
	out = append(out, text[pos:]...)
	if len(out) == 0 || out[len(out)-1] != '\n' {
		return nil, errors.New("changeset: the text it makes does not end with a newline")
	}
	return out, nil
}

// checkLines checks an operation's line count against the characters it
// spans: exactly that many newlines, the last character one of them.
func checkLines(part padText, op csOp) error {
	n := 0
	for _, c := range part {
		if c == '\n' {
			n++
		}
	}
	switch {
	case n != op.lines:
		return fmt.Errorf("it spans %d newline(s), it announces %d", n, op.lines)
	case n > 0 && part[len(part)-1] != '\n':
		return errors.New("it spans lines but does not end with a newline")
	}
	return nil
}
