package web

import (
	"crypto/sha1" //nolint:gosec // UUID version 5 is defined on SHA-1; nothing secret here
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Atom ids are URNs derived from the atlas's identity (store.AtlasID), a
// UUID kept across exports and moves: they name an entry whatever Host a
// reader used and whichever database the atlas lives in. Each is a name-
// based UUID (RFC 9562 version 5) of the atlas's UUID and what the entry
// is, by numbers a restore keeps (sheet ids, revision numbers, review ids).
type feedIDs struct{ namespace [16]byte }

func newFeedIDs(atlasID string) (feedIDs, error) {
	raw, err := hex.DecodeString(strings.ReplaceAll(atlasID, "-", ""))
	if err != nil || len(raw) != 16 {
		return feedIDs{}, fmt.Errorf("web: atlas id %q is not a UUID", atlasID)
	}
	var ids feedIDs
	copy(ids.namespace[:], raw)
	return ids, nil
}

// atlas names the atlas's feed of recent changes.
func (ids feedIDs) atlas() string { return ids.named("changes") }

// sheet names a sheet's feed.
func (ids feedIDs) sheet(sheetID int64) string { return ids.named(fmt.Sprintf("sheet/%d", sheetID)) }

// entry names one change: a revision by its sheet and number, a board
// event by its review and action (each happens once per review), or by
// its audit entry when it has no review.
func (ids feedIDs) entry(it changeItem) string {
	switch {
	case it.Type == "revision" && it.Revision != nil:
		return ids.named(fmt.Sprintf("revision/%d/%d", it.SheetID, *it.Revision))
	case it.Review != nil:
		return ids.named(fmt.Sprintf("review/%d/%s", *it.Review, it.Action))
	}
	return ids.named(fmt.Sprintf("audit/%d", it.EventID))
}

func (ids feedIDs) named(name string) string {
	h := sha1.New() //nolint:gosec // see the import
	h.Write(ids.namespace[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return urnUUID(u)
}

func urnUUID(u [16]byte) string {
	s := hex.EncodeToString(u[:])
	return "urn:uuid:" + s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// feedIDs reads the atlas's identity: one indexed row, read per feed so a
// restore into a running atlas's database is seen at once.
func (h *handler) feedIDs(c *fiber.Ctx) (feedIDs, error) {
	id, err := h.read.AtlasID(c.UserContext())
	if err != nil {
		return feedIDs{}, err
	}
	return newFeedIDs(id)
}
