package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// EtherpadOptions say where a pad goes.
type EtherpadOptions struct {
	Title string // the new sheet's title; default: the pad's name
	Slug  string // the new sheet's address; default: made from the title
	Into  string // an existing sheet whose history the pad continues
	// Fallback signs the bursts of pad authors without an account of
	// their name (the importing account); their name is in the summary.
	Fallback *model.User
}

// AuthorMapping says who a pad author's bursts are credited to.
type AuthorMapping struct {
	PadAuthor string // the pad's author id ("" for the server or the API)
	Name      string // the name the pad gives them ("" for none)
	User      *model.User
	Matched   bool   // an account of that name; false: the fallback
	Why       string // when not matched: no name, no account, several
}

// EtherpadImport says what an Etherpad import did.
type EtherpadImport struct {
	Pad          string
	Slug         string
	Created      bool
	Unchanged    bool
	First, Head  int // the first revision added (0 for none) and the sheet's head
	PadRevisions int
	Bursts       int // in the pad's whole history
	Added        int // revisions added
	Skipped      int // bursts that changed no text (attributes only)
	Authors      []AuthorMapping
}

// ImportEtherpad turns an Etherpad export into a sheet's history: one
// revision per writing burst (see Pad.Bursts), dated by the burst's last
// change, signed by the account whose username or display name is the
// pad author's name (case aside) and otherwise by opt.Fallback, of origin
// import. It is all or nothing, in one transaction.
//
// The same file imported twice adds nothing: a burst already imported is
// found by its date and the SHA-256 of its text among the revisions of
// origin import (store.ImportedRevisionsNear), which an archive keeps. A
// later export of the same pad adds only the bursts after the last one
// found, to the sheet that holds it, if nobody has written on it since.
func ImportEtherpad(ctx context.Context, st *store.Store, sheets *sheet.Service, opt EtherpadOptions, data []byte) (EtherpadImport, error) {
	if opt.Fallback == nil {
		return EtherpadImport{}, errors.New("etherpad: no account to sign the bursts of authors without an account")
	}
	if opt.Into != "" && opt.Slug != "" {
		return EtherpadImport{}, errors.New("etherpad: a new sheet's address (slug) and a sheet to continue (into) exclude each other")
	}
	pad, err := ReadEtherpad(data)
	if err != nil {
		return EtherpadImport{}, err
	}
	bursts, err := pad.Bursts()
	if err != nil {
		return EtherpadImport{}, err
	}
	out := EtherpadImport{Pad: pad.Name, PadRevisions: len(pad.Revisions), Bursts: len(bursts)}
	authors, err := mapAuthors(ctx, st, pad, bursts, opt.Fallback)
	if err != nil {
		return out, err
	}
	for _, id := range authorIDs(bursts) {
		out.Authors = append(out.Authors, authors[id])
	}
	err = st.WithTx(ctx, func(ctx context.Context) error {
		done, at, err := importedUpTo(ctx, st, bursts)
		if err != nil {
			return err
		}
		var target *model.Sheet
		from, prev := 0, ""
		switch {
		case done >= 0:
			if target, err = st.SheetByID(ctx, at.SheetID); err != nil {
				return err
			}
			if (opt.Into != "" && opt.Into != target.Slug) || (opt.Slug != "" && opt.Slug != target.Slug) {
				return fmt.Errorf("etherpad: the pad %q is already imported into the sheet %q (its revision %d): nothing imported", pad.Name, target.Slug, at.Number)
			}
			from, prev = done+1, bursts[done].Body
		case opt.Into != "":
			if target, err = st.SheetBySlug(ctx, opt.Into); err != nil {
				return fmt.Errorf("etherpad: no sheet %q to continue: %w", opt.Into, err)
			}
			head, err := st.Revision(ctx, target.ID, target.HeadNumber)
			if err != nil {
				return err
			}
			prev = head.Body
		}
		title := opt.Title
		if target != nil && title == "" {
			title = target.Title
		} else if title == "" {
			title = padTitle(pad.Name)
		}
		var revs []sheet.HistoryRevision
		for i := from; i < len(bursts); i++ {
			b := bursts[i]
			if b.Body == prev {
				out.Skipped++
				continue
			}
			prev = b.Body
			a := authors[b.Author]
			revs = append(revs, sheet.HistoryRevision{Author: a.User, Title: title, Body: b.Body, At: b.At, Summary: burstSummary(pad.Name, b, i+1, len(bursts), a)})
		}
		if len(revs) == 0 {
			if target == nil {
				return fmt.Errorf("etherpad: the pad %q has no text", pad.Name)
			}
			out.Slug, out.Head, out.Unchanged = target.Slug, target.HeadNumber, true
			return nil
		}
		if done >= 0 && target.HeadNumber != at.Number {
			return fmt.Errorf("etherpad: the sheet %q has revisions after the pad's last import (its revision %d, the head is %d): the pad's later writing would undo them; nothing imported",
				target.Slug, at.Number, target.HeadNumber)
		}
		in := sheet.HistoryInput{Slug: opt.Slug, Revisions: revs, By: opt.Fallback}
		if target != nil {
			in.Into = target.Slug
			if target.ArchivedAt != nil {
				return fmt.Errorf("etherpad: the sheet %q is archived", target.Slug)
			}
		}
		sh, added, err := sheets.ImportHistory(ctx, in)
		if err != nil {
			return err
		}
		out.Slug, out.Created, out.Added = sh.Slug, target == nil, len(added)
		out.First, out.Head = added[0].Number, sh.HeadNumber
		return nil
	})
	return out, err
}

// importedUpTo finds the last burst already stored by an import: its
// index (-1 for none) and its revision.
func importedUpTo(ctx context.Context, st *store.Store, bursts []PadBurst) (int, store.ImportedRevision, error) {
	for i := len(bursts) - 1; i >= 0; i-- {
		b := bursts[i]
		sum := sha256.Sum256([]byte(b.Body))
		near, err := st.ImportedRevisionsNear(ctx, b.At, hex.EncodeToString(sum[:]))
		if err != nil {
			return -1, store.ImportedRevision{}, err
		}
		for _, r := range near {
			if r.CreatedAt.UnixMilli() == b.At.UnixMilli() {
				return i, r, nil
			}
		}
	}
	return -1, store.ImportedRevision{}, nil
}

// mapAuthors finds each burst author's account: the one whose username is
// their name, case aside, else the one whose display name is, if only one
// account has it. Accounts not yet accepted (pending, refused) are not
// candidates. Any other author falls back on fallback.
func mapAuthors(ctx context.Context, st *store.Store, pad *Pad, bursts []PadBurst, fallback *model.User) (map[string]AuthorMapping, error) {
	users, err := st.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]AuthorMapping{}
	for _, id := range authorIDs(bursts) {
		m := AuthorMapping{PadAuthor: id, Name: pad.Authors[id], User: fallback}
		var byName []*model.User
		for i := range users {
			u := &users[i]
			if u.State != "" && u.State != model.UserActive {
				continue
			}
			if m.Name != "" && strings.EqualFold(u.Username, m.Name) {
				m.User, m.Matched = u, true
				break
			}
			if m.Name != "" && strings.EqualFold(strings.TrimSpace(u.DisplayName), m.Name) {
				byName = append(byName, u)
			}
		}
		switch {
		case m.Matched:
		case m.Name == "":
			m.Why = "no name in the pad"
		case len(byName) == 1:
			m.User, m.Matched = byName[0], true
		case len(byName) > 1:
			m.Why = fmt.Sprintf("%d accounts have that display name", len(byName))
		default:
			m.Why = "no account of that name"
		}
		out[id] = m
	}
	return out, nil
}

// padTitle makes a title of a pad's name: a group pad's name without its
// group ("g.x$notes" is "notes"), at most a title's length.
func padTitle(name string) string {
	if i := strings.LastIndexByte(name, '$'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > sheet.MaxTitleRunes {
		name = string([]rune(name)[:sheet.MaxTitleRunes])
	}
	return name
}

// burstSummary names the pad and the burst, and the pad author when the
// revision is signed by the fallback account.
func burstSummary(padName string, b PadBurst, n, of int, a AuthorMapping) string {
	name := padName
	if r := []rune(name); len(r) > 80 {
		name = string(r[:80]) + "…"
	}
	s := i18n.T(i18n.Default, "summary.etherpad_burst", name, n, of, b.From, b.To)
	if b.From == b.To {
		s = i18n.T(i18n.Default, "summary.etherpad_burst_one", name, n, of, b.From)
	}
	if !a.Matched {
		who := a.Name
		switch {
		case who != "":
		case a.PadAuthor == "":
			who = i18n.T(i18n.Default, "summary.etherpad_server")
		default:
			who = i18n.T(i18n.Default, "summary.etherpad_unnamed", cleanName(a.PadAuthor))
		}
		s = i18n.T(i18n.Default, "summary.etherpad_by", s, who)
	}
	return s
}
