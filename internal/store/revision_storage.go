package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"

	"atlas/internal/delta"
	"atlas/internal/model"
)

// How a revision's body is kept (migration 0005).
const (
	storagePlain = "plain" // in the body column, as written before 0005
	storageFull  = "full"  // zstd of the body in data: a keyframe
	storageDelta = "delta" // delta.Encode(body of number-1, body) in data
)

// Chains are bounded so rebuilding any revision applies at most
// maxChain deltas (about a millisecond for a 35 KB sheet).
const maxChain = 50

// A delta longer than this is compared with a keyframe, which is kept
// instead when it is no larger.
const deltaCheckBytes = 1 << 10

// ErrCorruptRevision means a stored revision did not rebuild to its own
// SHA-256. It is never hidden: the caller gets an error, not a wrong text.
var ErrCorruptRevision = model.ErrCorruptRevision

// revisionRow is a revisions row as stored: the revision plus how its body
// is kept. Only this file sees the difference.
type revisionRow struct {
	model.Revision `gorm:"embedded"`
	Storage        string
	Keyframe       *int // first number of the chain this row belongs to
	Data           []byte
}

func (revisionRow) TableName() string { return "revisions" }

// chainStart is the number a chain continuing after r starts at.
func (r *revisionRow) chainStart() int {
	if r.Storage == storageDelta && r.Keyframe != nil {
		return *r.Keyframe
	}
	return r.Number
}

var (
	compressor = sync.OnceValue(func() *zstd.Encoder {
		enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
		if err != nil {
			panic(err) // only on invalid options
		}
		return enc
	})
	decompressor = sync.OnceValue(func() *zstd.Decoder {
		dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(64<<20))
		if err != nil {
			panic(err)
		}
		return dec
	})
)

// encodeRevision chooses how r's body is kept: a delta against revision
// number-1 when there is one and the chain is short, a keyframe otherwise.
func (s *Store) encodeRevision(ctx context.Context, r *model.Revision) (*revisionRow, error) {
	if check([]byte(r.Body), r.SHA256) != nil {
		return nil, fmt.Errorf("store: revision %d of sheet %d: %w", r.Number, r.SheetID, ErrCorruptRevision)
	}
	row := &revisionRow{Revision: *r}
	row.Body = ""
	keyframe := func() *revisionRow {
		row.Storage, row.Keyframe = storageFull, &row.Number
		row.Data = compressor().EncodeAll([]byte(r.Body), nil)
		return row
	}
	if r.Number <= 1 {
		return keyframe(), nil
	}
	var prev revisionRow
	err := s.conn(ctx).Where("sheet_id = ? AND number = ?", r.SheetID, r.Number-1).Take(&prev).Error
	if isNotFound(err) {
		return keyframe(), nil // a gap, as an old archive may have: start a chain
	}
	if err != nil {
		return nil, translate(err, "revision %d of sheet %d", r.Number-1, r.SheetID)
	}
	start := prev.chainStart()
	if r.Number-start >= maxChain {
		return keyframe(), nil
	}
	prevBody, err := s.body(ctx, &prev)
	if err != nil {
		return nil, err
	}
	d := delta.Encode([]byte(prevBody), []byte(r.Body))
	if len(d) > deltaCheckBytes {
		if full := compressor().EncodeAll([]byte(r.Body), nil); len(full) <= len(d) {
			row.Storage, row.Keyframe, row.Data = storageFull, &row.Number, full
			return row, nil
		}
	}
	// Check before storing what is checked on every read: an encoder
	// mistake must refuse the save, not surface later as a corrupt history.
	if back, err := delta.Apply([]byte(prevBody), d); err != nil || string(back) != r.Body {
		return nil, fmt.Errorf("store: revision %d of sheet %d: the delta does not give back the body: %w", r.Number, r.SheetID, ErrCorruptRevision)
	}
	row.Storage, row.Keyframe, row.Data = storageDelta, &start, d
	return row, nil
}

// body returns a row's text, rebuilding it if need be, and checks it
// against the row's SHA-256 once, when it enters the cache: every read
// after that is of a text already proved to be the revision's. Rows of the
// old plain format are checked too: a body changed behind the store's back
// is an error, never a wrong text.
func (s *Store) body(ctx context.Context, row *revisionRow) (string, error) {
	if b, ok := s.bodies.Get(row.SHA256); ok {
		return b, nil
	}
	var text []byte
	var err error
	switch row.Storage {
	case storagePlain, "":
		if err := check([]byte(row.Body), row.SHA256); err != nil {
			return "", fmt.Errorf("store: revision %d of sheet %d: %w", row.Number, row.SheetID, err)
		}
		return s.bodies.Add(row.SHA256, row.Body), nil
	case storageFull:
		text, err = decompressor().DecodeAll(row.Data, nil)
	case storageDelta:
		text, err = s.rebuild(ctx, row)
	default:
		err = fmt.Errorf("unknown storage %q", row.Storage)
	}
	if err == nil {
		err = check(text, row.SHA256)
	}
	if err != nil {
		return "", fmt.Errorf("store: revision %d of sheet %d: %w", row.Number, row.SheetID, err)
	}
	return s.bodies.Add(row.SHA256, string(text)), nil
}

// rebuild applies a delta row's chain, from its keyframe or from the
// latest revision of the chain still in memory.
//
//	SELECT number, sha256 FROM revisions WHERE sheet_id = ? AND number >= ? AND number < ?
//	SELECT … data FROM revisions WHERE sheet_id = ? AND number >= ? AND number < ? ORDER BY number
func (s *Store) rebuild(ctx context.Context, row *revisionRow) ([]byte, error) {
	if row.Keyframe == nil || *row.Keyframe >= row.Number {
		return nil, errors.New("delta without a chain")
	}
	// First the chain's hashes only, to start from the newest link already
	// in memory (a walk through the history has the one just before).
	var links []struct {
		Number int
		SHA256 string `gorm:"column:sha256"`
	}
	err := s.conn(ctx).Model(&revisionRow{}).Select("number", "sha256").
		Where("sheet_id = ? AND number >= ? AND number < ?", row.SheetID, *row.Keyframe, row.Number).
		Order("number").Find(&links).Error
	if err != nil {
		return nil, err
	}
	if len(links) != row.Number-*row.Keyframe {
		return nil, fmt.Errorf("chain from %d has %d rows", *row.Keyframe, len(links))
	}
	from := *row.Keyframe // the first number whose content must be read
	var text []byte
	for i := len(links) - 1; i >= 0; i-- {
		if b, ok := s.bodies.Get(links[i].SHA256); ok {
			from, text = links[i].Number+1, []byte(b)
			break
		}
	}
	var chain []revisionRow
	if from < row.Number {
		err = s.conn(ctx).Select("sheet_id", "number", "storage", "sha256", "body", "data").
			Where("sheet_id = ? AND number >= ? AND number < ?", row.SheetID, from, row.Number).
			Order("number").Find(&chain).Error
		if err != nil {
			return nil, err
		}
		if len(chain) != row.Number-from {
			return nil, fmt.Errorf("chain from %d has %d rows", from, len(chain))
		}
	}
	chain = append(chain, *row)
	if text == nil { // nothing in memory: start from the keyframe
		b, err := s.body(ctx, &chain[0])
		if err != nil {
			return nil, err
		}
		text, chain = []byte(b), chain[1:]
	}
	var spare []byte // the two buffers take turns as base and result
	for i := range chain {
		if chain[i].Storage != storageDelta {
			return nil, fmt.Errorf("revision %d inside a chain is %s", chain[i].Number, chain[i].Storage)
		}
		next, err := delta.AppendApply(spare, text, chain[i].Data)
		if err != nil {
			return nil, fmt.Errorf("revision %d: %w", chain[i].Number, err)
		}
		spare, text = text, next
	}
	return text, nil
}

// check compares a text with the SHA-256 its revision states.
func check(text []byte, want string) error {
	sum := sha256.Sum256(text)
	if hex.EncodeToString(sum[:]) != want {
		return ErrCorruptRevision
	}
	return nil
}

// decode fills a loaded row's body.
func (s *Store) decode(ctx context.Context, row *revisionRow) (*model.Revision, error) {
	b, err := s.body(ctx, row)
	if err != nil {
		return nil, err
	}
	r := row.Revision
	r.Body = b
	return &r, nil
}

// decodeAfter is decode for a walk through the history: when prev is the
// revision the row's delta applies to, no chain is read.
func (s *Store) decodeAfter(ctx context.Context, row *revisionRow, prev *model.Revision) (*model.Revision, error) {
	if row.Storage != storageDelta || prev == nil || prev.SheetID != row.SheetID || prev.Number != row.Number-1 {
		return s.decode(ctx, row)
	}
	text, err := delta.Apply([]byte(prev.Body), row.Data)
	if err == nil {
		err = check(text, row.SHA256)
	}
	if err != nil {
		return nil, fmt.Errorf("store: revision %d of sheet %d: %w", row.Number, row.SheetID, err)
	}
	r := row.Revision
	r.Body = s.bodies.Add(row.SHA256, string(text))
	return &r, nil
}
