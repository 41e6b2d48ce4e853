package stress_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestManyEditorsOwnParagraphs has many editors save one sheet at once,
// each its own paragraph, always from the head they just read. Their edits
// touch different lines, so every save must end up merged in: no edit
// lost, one revision per acknowledged save, no 5xx.
func TestManyEditorsOwnParagraphs(t *testing.T) {
	editors, saves := 50, 40
	if testing.Short() {
		editors, saves = 10, 10
	}
	eachDatabase(t, func(t *testing.T, d database) {
		began := time.Now()
		token := d.account(t, "foule")
		srv := startServer(t, d)
		c := newClient(srv.base, token)
		ctx := context.Background()

		prefixes := make([]string, editors)
		for e := range prefixes {
			prefixes[e] = fmt.Sprintf("editor-%02d: ", e)
		}
		slug, _, err := c.createSheet(ctx, "Fiche à cinquante mains", paragraphs(prefixes))
		if err != nil {
			t.Fatal(err)
		}

		const maxAttempts = 200 // per save; a 409 costs one attempt
		deadline := time.Now().Add(3 * time.Minute)
		var (
			bad       problems
			acked     atomic.Int64
			conflicts atomic.Int64
			merged    atomic.Int64
			mu        sync.Mutex
			numbers   = map[int]int{} // revision number → editor that got it
			last      = make([]string, editors)
			start     = make(chan struct{})
			wg        sync.WaitGroup
		)
		for e := 0; e < editors; e++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				for s := 1; s <= saves; s++ {
					text := fmt.Sprintf("save %d of editor %d", s, e)
					ok := false
					for attempt := 0; attempt < maxAttempts && !ok; attempt++ {
						if time.Now().After(deadline) {
							bad.add("editor %d: out of time at save %d", e, s)
							return
						}
						v, err := c.sheet(ctx, slug)
						if err != nil {
							bad.add("editor %d: read: %v", e, err)
							return
						}
						body, err := setLine(v.Body, prefixes[e], text)
						if err != nil {
							bad.add("editor %d: head %d: %v", e, v.Head, err)
							return
						}
						ans, err := c.save(ctx, slug, v.Head, v.Title, body)
						switch {
						case err != nil:
							// No answer or a garbled one: the save's fate is
							// unknown and the head count below would lie.
							bad.add("editor %d: save %d: %v (status %d)", e, s, err, ans.Status)
							return
						case ans.Status == 409:
							conflicts.Add(1)
						case ans.Status != 200:
							bad.add("editor %d: save %d answered %d: %.300s", e, s, ans.Status, ans.Raw)
							return
						case ans.Unchanged:
							bad.add("editor %d: save %d of new text answered unchanged", e, s)
							return
						default:
							ok = true
							acked.Add(1)
							if ans.Merged {
								merged.Add(1)
							} else if ans.Revision.SHA256 != sha(body) {
								bad.add("editor %d: unmerged save stored as sha256 %s, sent body hashes to %s", e, ans.Revision.SHA256, sha(body))
							}
							mu.Lock()
							if other, dup := numbers[ans.Revision.Number]; dup {
								bad.add("revision %d acknowledged to editors %d and %d", ans.Revision.Number, other, e)
							}
							numbers[ans.Revision.Number] = e
							last[e] = text
							mu.Unlock()
						}
					}
					if !ok {
						bad.add("editor %d: save %d not acknowledged after %d attempts", e, s, maxAttempts)
						return
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		elapsed := time.Since(began)

		byNumber, head, hist := checkHistory(ctx, c, slug)
		for _, p := range hist {
			bad.add("history: %s", p)
		}
		final, err := c.sheet(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		for e, want := range last {
			got, found := lineOf(final.Body, prefixes[e])
			if want == "" {
				want = "version initiale"
			}
			if !found || got != want {
				bad.add("editor %d: final body holds %q (found %v), last acknowledged %q: edit lost", e, got, found, want)
			}
		}
		if want := int(acked.Load()) + 1; head != want {
			bad.add("head is %d, want %d (1 creation + %d acknowledged saves)", head, want, acked.Load())
		}
		if len(byNumber) != head {
			bad.add("history lists %d revisions for head %d", len(byNumber), head)
		}
		for _, l := range logLines(srv.log.String(), serverTrouble...) {
			bad.add("server log: %s", l)
		}
		srv.stopClean(t, c)
		bad.report(t, d.name)
		if bad.count() > 0 {
			t.Logf("server log:\n%s", srv.log.String())
		}
		t.Logf("%d editors × %d saves in %v: %d acknowledged (%d merged), %d conflicts (409) retried",
			editors, saves, elapsed.Round(time.Millisecond), acked.Load(), merged.Load(), conflicts.Load())
	})
}

// TestEditorsOverwritingOneLine has many editors rewrite the same line at
// once. Only 200 and 409 are acceptable answers, two saves never share a
// number, and the sheet ends as the last acknowledged save left it.
func TestEditorsOverwritingOneLine(t *testing.T) {
	editors, saves := 50, 4
	if testing.Short() {
		editors, saves = 50, 2
	}
	eachDatabase(t, func(t *testing.T, d database) {
		began := time.Now()
		token := d.account(t, "meme-ligne")
		srv := startServer(t, d)
		c := newClient(srv.base, token)
		ctx := context.Background()

		const prefix = "shared: "
		slug, _, err := c.createSheet(ctx, "Une ligne disputée", "## Une ligne\n\n"+prefix+"version initiale\n\n## Fin\n\nRien.\n")
		if err != nil {
			t.Fatal(err)
		}

		type lineAck struct {
			editor int
			rev    revision
			body   string // what was sent
			merged bool
		}
		var (
			bad       problems
			conflicts atomic.Int64
			mu        sync.Mutex
			acks      []lineAck
			start     = make(chan struct{})
			wg        sync.WaitGroup
		)
		deadline := time.Now().Add(2 * time.Minute)
		for e := 0; e < editors; e++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start // all at once, so that they really collide
				for s := 1; s <= saves && time.Now().Before(deadline); s++ {
					v, err := c.sheet(ctx, slug)
					if err != nil {
						bad.add("editor %d: read: %v", e, err)
						return
					}
					body, err := setLine(v.Body, prefix, fmt.Sprintf("editor %d save %d", e, s))
					if err != nil {
						bad.add("editor %d: head %d: %v", e, v.Head, err)
						return
					}
					ans, err := c.save(ctx, slug, v.Head, v.Title, body)
					switch {
					case err != nil:
						bad.add("editor %d: save %d: %v (status %d)", e, s, err, ans.Status)
						return
					case ans.Status == 409:
						conflicts.Add(1)
					case ans.Status != 200:
						bad.add("editor %d: save %d answered %d, want 200 or 409: %.300s", e, s, ans.Status, ans.Raw)
					case ans.Unchanged:
						bad.add("editor %d: save %d of new text answered unchanged", e, s)
					default:
						mu.Lock()
						acks = append(acks, lineAck{editor: e, rev: ans.Revision, body: body, merged: ans.Merged})
						mu.Unlock()
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		elapsed := time.Since(began)

		sort.Slice(acks, func(i, j int) bool { return acks[i].rev.Number < acks[j].rev.Number })
		for i := 1; i < len(acks); i++ {
			if acks[i].rev.Number == acks[i-1].rev.Number {
				bad.add("revision %d acknowledged to editors %d and %d", acks[i].rev.Number, acks[i-1].editor, acks[i].editor)
			}
		}
		for _, a := range acks {
			if !a.merged && a.rev.SHA256 != sha(a.body) {
				bad.add("editor %d: unmerged revision %d stored as sha256 %s, sent body hashes to %s", a.editor, a.rev.Number, a.rev.SHA256, sha(a.body))
			}
		}
		_, head, hist := checkHistory(ctx, c, slug)
		for _, p := range hist {
			bad.add("history: %s", p)
		}
		final, err := c.sheet(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		if len(acks) == 0 {
			bad.add("no save was acknowledged")
		} else {
			lastAck := acks[len(acks)-1]
			if head != lastAck.rev.Number {
				bad.add("head is %d, but the last acknowledged save is revision %d", head, lastAck.rev.Number)
			}
			if sha(final.Body) != lastAck.rev.SHA256 {
				bad.add("final body hashes to %s, last acknowledged revision %d has %s", sha(final.Body), lastAck.rev.Number, lastAck.rev.SHA256)
			}
			if !lastAck.merged && final.Body != lastAck.body {
				bad.add("final body differs from the one editor %d sent in revision %d:\n%s\n---\n%s", lastAck.editor, lastAck.rev.Number, final.Body, lastAck.body)
			}
		}
		if head != len(acks)+1 {
			bad.add("head is %d, want %d (1 creation + %d acknowledged saves)", head, len(acks)+1, len(acks))
		}
		// 50 editors released together on one line must collide; without
		// a single 409 this test would not have tested anything.
		if conflicts.Load() == 0 {
			bad.add("no 409 at all: the editors never collided")
		}
		for _, l := range logLines(srv.log.String(), serverTrouble...) {
			bad.add("server log: %s", l)
		}
		srv.stopClean(t, c)
		bad.report(t, d.name)
		t.Logf("%d editors × %d saves on one line in %v: %d acknowledged, %d conflicts (409)",
			editors, saves, elapsed.Round(time.Millisecond), len(acks), conflicts.Load())
	})
}
