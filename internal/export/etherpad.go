package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"atlas/internal/sheet"
)

// An Etherpad export (".etherpad", what a pad's "Export → Etherpad" menu
// or /p/NAME/export/etherpad gives) is one JSON object of the pad's
// database records:
//
//	"pad:NAME"              the pad: "atext" {text, attribs}, "pool"
//	                        {numToAttrib, nextNum}, "head" (last revision)
//	"pad:NAME:revs:N"       revision N: "changeset" and "meta" {author,
//	                        timestamp in ms; every hundredth revision also
//	                        "atext", the text at that point}
//	"globalAuthor:a.XXX"    an author: "name" (may be null), "colorId"…
//	"pad:NAME:chat:N" and plugins' records, which the import ignores.
//
// Revision 0 applies to the text "\n", Etherpad's empty pad.

// Bounds of what an Etherpad import reads.
const (
	// MaxEtherpadFileBytes bounds the export file: years of a busy pad.
	MaxEtherpadFileBytes = 64 << 20
	// MaxPadRevisions bounds the pad's revisions.
	MaxPadRevisions = 50000
	// maxPadText bounds the pad's text at every revision, in UTF-16 code
	// units: a sheet's body and the final newline a pad always has.
	maxPadText = sheet.MaxBodyBytes + 1
	// maxReplayUnits bounds the characters a replay copies in all, so a
	// file at the bounds above cannot keep the command busy for hours.
	maxReplayUnits = 1 << 32
	// maxBurstBytes bounds the texts of all bursts, held until written.
	maxBurstBytes = 256 << 20
)

// BurstPause is the pause that ends a writing burst: a longer one, or a
// change of author, starts the next.
const BurstPause = 30 * time.Minute

// Pad is an Etherpad export, read and checked.
type Pad struct {
	Name      string
	Text      string // the pad's text as the export gives it (atext.text)
	Revisions []PadRevision
	// Authors names the pad's authors by id; "" for one without a name
	// (or without a globalAuthor record).
	Authors map[string]string
	pool    map[int]bool
}

// PadRevision is one revision of a pad.
type PadRevision struct {
	Number    int
	Changeset string
	Author    string // "" for a change made by the server or the API
	At        time.Time
	keyText   *string
}

// PadBurst is a writing burst: consecutive revisions of one author, none
// more than BurstPause after the one before.
type PadBurst struct {
	From, To int // the pad's revision numbers, inclusive
	Author   string
	At       time.Time // the last change's time
	Body     string    // the text at the end, without the pad's final newline
}

// EtherpadError is an export refused, saying which record is wrong.
type EtherpadError struct {
	Record string // "" for the file as a whole
	Err    error
}

func (e *EtherpadError) Error() string {
	if e.Record == "" {
		return "etherpad: " + e.Err.Error()
	}
	return fmt.Sprintf("etherpad: record %q: %v", e.Record, e.Err)
}

func (e *EtherpadError) Unwrap() error { return e.Err }

func padErr(record string, format string, args ...any) error {
	return &EtherpadError{Record: record, Err: fmt.Errorf(format, args...)}
}

type padRecord struct {
	AText *struct {
		Text string `json:"text"`
	} `json:"atext"`
	Pool *struct {
		NumToAttrib map[string][]string `json:"numToAttrib"`
	} `json:"pool"`
	Head *int `json:"head"`
}

type revRecord struct {
	Changeset *string `json:"changeset"`
	Meta      *struct {
		Author    *string      `json:"author"`
		Timestamp *json.Number `json:"timestamp"`
		AText     *struct {
			Text string `json:"text"`
		} `json:"atext"`
	} `json:"meta"`
}

type authorRecord struct {
	Name *string `json:"name"`
}

// ReadEtherpad reads an export and checks its records' shapes; Bursts
// replays its history.
func ReadEtherpad(data []byte) (*Pad, error) {
	var records map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&records); err != nil {
		return nil, padErr("", "not an Etherpad export (.etherpad): a JSON object is expected: %v", err)
	}
	if dec.More() {
		return nil, padErr("", "not an Etherpad export: more than one JSON value")
	}
	pad := &Pad{Authors: map[string]string{}, pool: map[int]bool{}}
	revs := map[int]json.RawMessage{}
	var padKey string
	for key := range records {
		parts := strings.Split(key, ":")
		if parts[0] == "pad" && len(parts) == 2 {
			if padKey != "" {
				first, second := padKey, key
				if second < first {
					first, second = second, first
				}
				return nil, padErr("", "it holds two pads (%q and %q); an export holds one", first, second)
			}
			padKey, pad.Name = key, parts[1]
		}
	}
	if padKey == "" {
		return nil, padErr("", `not an Etherpad export: no pad record (a key "pad:NAME")`)
	}
	for key, raw := range records {
		parts := strings.Split(key, ":")
		switch {
		case parts[0] == "globalAuthor" && len(parts) == 2:
			var a authorRecord
			if err := json.Unmarshal(raw, &a); err != nil {
				return nil, padErr(key, "not an author: %v", err)
			}
			if a.Name != nil {
				pad.Authors[parts[1]] = cleanName(*a.Name)
			}
		case parts[0] == "pad" && len(parts) > 2:
			if parts[1] != pad.Name {
				return nil, padErr(key, "a record of another pad than %q", pad.Name)
			}
			if parts[2] != "revs" {
				continue // chat messages
			}
			n, err := strconv.Atoi(parts[len(parts)-1])
			if len(parts) != 4 || err != nil || n < 0 || strconv.Itoa(n) != parts[3] {
				return nil, padErr(key, "not a revision number")
			}
			if n >= MaxPadRevisions {
				return nil, padErr(key, "the pad has more than %d revisions, the most an import reads", MaxPadRevisions)
			}
			revs[n] = raw
		}
	}
	var p padRecord
	if err := json.Unmarshal(records[padKey], &p); err != nil {
		return nil, padErr(padKey, "not a pad: %v", err)
	}
	if p.AText == nil || p.Pool == nil || p.Head == nil {
		return nil, padErr(padKey, "not a pad: it lacks atext, pool or head")
	}
	pad.Text = p.AText.Text
	for num, attrib := range p.Pool.NumToAttrib {
		n, err := strconv.Atoi(num)
		if err != nil || n < 0 || len(attrib) != 2 {
			return nil, padErr(padKey, "pool entry %q is not a number and a [key, value] pair", num)
		}
		pad.pool[n] = true
	}
	head := *p.Head
	switch {
	case head < 0:
		return nil, padErr(padKey, "the pad has no revision (head %d)", head)
	case head >= MaxPadRevisions:
		return nil, padErr(padKey, "the pad has %d revisions, more than the %d an import reads", head+1, MaxPadRevisions)
	case len(revs) > head+1:
		return nil, padErr(padKey, "the file holds %d revisions, the pad's head is %d", len(revs), head)
	}
	pad.Revisions = make([]PadRevision, head+1)
	for n := 0; n <= head; n++ {
		key := fmt.Sprintf("%s:revs:%d", padKey, n)
		raw, ok := revs[n]
		if !ok {
			return nil, padErr(key, "missing: the pad's head is revision %d", head)
		}
		r, err := readRevision(n, raw)
		if err != nil {
			return nil, &EtherpadError{Record: key, Err: err}
		}
		pad.Revisions[n] = r
	}
	return pad, nil
}

func readRevision(n int, raw json.RawMessage) (PadRevision, error) {
	var rec revRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return PadRevision{}, fmt.Errorf("not a revision: %w", err)
	}
	if rec.Changeset == nil || rec.Meta == nil || rec.Meta.Timestamp == nil {
		return PadRevision{}, errors.New("not a revision: it lacks its changeset, meta or meta.timestamp")
	}
	ms, err := rec.Meta.Timestamp.Float64()
	// Etherpad's dates are milliseconds since 1970; before 2000 or after
	// 9999 is no date a pad was written at.
	if err != nil || ms < 946684800000 || ms > 253402300799000 || ms != math.Trunc(ms) {
		return PadRevision{}, fmt.Errorf("meta.timestamp %s is not a date in milliseconds", rec.Meta.Timestamp.String())
	}
	r := PadRevision{Number: n, Changeset: *rec.Changeset, At: time.UnixMilli(int64(ms)).UTC()}
	if rec.Meta.Author != nil {
		r.Author = *rec.Meta.Author
	}
	if rec.Meta.AText != nil {
		r.keyText = &rec.Meta.AText.Text
	}
	return r, nil
}

// cleanName makes a pad author's name one line of at most 80 characters.
func cleanName(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}

// Bursts replays the pad's history, revision by revision, from Etherpad's
// empty pad, and cuts it into writing bursts. The replay must end on the
// pad's own text, and pass through the texts its key revisions hold, or
// the export is refused.
func (p *Pad) Bursts() ([]PadBurst, error) {
	text := padText{'\n'}
	var bursts []PadBurst
	work, held := 0, 0
	var last time.Time
	for i, r := range p.Revisions {
		key := fmt.Sprintf("pad:%s:revs:%d", p.Name, r.Number)
		cs, err := parseChangeset(r.Changeset, func(n int) bool { return p.pool[n] })
		if err != nil {
			return nil, &EtherpadError{Record: key, Err: err}
		}
		if work += len(text) + cs.newLen; work > maxReplayUnits {
			return nil, padErr(key, "replaying the pad this far copies more than %d characters: the pad is too large to import", maxReplayUnits)
		}
		if text, err = cs.apply(text, maxPadText); err != nil {
			return nil, &EtherpadError{Record: key, Err: err}
		}
		if r.keyText != nil && !textIs(text, *r.keyText) {
			return nil, padErr(key, "the text this revision makes differs from the one its meta.atext holds")
		}
		// A clock set back is read as no pause: dates never go back.
		at := r.At
		if at.Before(last) {
			at = last
		}
		if i == 0 || r.Author != bursts[len(bursts)-1].Author || at.Sub(last) > BurstPause {
			bursts = append(bursts, PadBurst{From: r.Number, Author: r.Author})
		}
		last = at
		b := &bursts[len(bursts)-1]
		b.To, b.At = r.Number, at
		if i == len(p.Revisions)-1 || p.Revisions[i+1].Author != r.Author || p.Revisions[i+1].At.Sub(at) > BurstPause {
			s, ok := text.String()
			if !ok {
				return nil, padErr(key, "the text cuts a character in two (an unpaired UTF-16 surrogate)")
			}
			if held += len(s); held > maxBurstBytes {
				return nil, padErr(key, "the pad's history holds more than %d MiB of text in all: too large to import", maxBurstBytes>>20)
			}
			b.Body = strings.TrimSuffix(s, "\n")
		}
	}
	if !textIs(text, p.Text) {
		return nil, padErr("pad:"+p.Name, "replaying its %d revisions gives another text than the pad's own (atext.text), first different at line %d: the export is damaged",
			len(p.Revisions), firstDifferentLine(text, p.Text))
	}
	return bursts, nil
}

func textIs(t padText, s string) bool {
	got, ok := t.String()
	return ok && got == s
}

func firstDifferentLine(t padText, s string) int {
	got, _ := t.String()
	a, b := strings.Split(got, "\n"), strings.Split(s, "\n")
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i + 1
		}
	}
	return min(len(a), len(b)) + 1
}

// authorIDs lists the bursts' authors, each once, in id order.
func authorIDs(bursts []PadBurst) []string {
	seen := map[string]bool{}
	var ids []string
	for _, b := range bursts {
		if !seen[b.Author] {
			seen[b.Author] = true
			ids = append(ids, b.Author)
		}
	}
	sort.Strings(ids)
	return ids
}
