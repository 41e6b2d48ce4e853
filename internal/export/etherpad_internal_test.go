package export

import (
	"strings"
	"testing"
	"time"
)

// TestBurstsCutAtPausesAndAuthors: a pause of exactly 30 minutes keeps a
// burst, one second more starts the next; a clock set back is no pause;
// another author starts a burst.
func TestBurstsCutAtPausesAndAuthors(t *testing.T) {
	at := time.Date(2024, 6, 14, 9, 0, 0, 0, time.UTC)
	rev := func(n int, cs, author string, d time.Duration) PadRevision {
		return PadRevision{Number: n, Changeset: cs, Author: author, At: at.Add(d)}
	}
	pad := &Pad{Name: "p", Text: "abcdef\n", pool: map[int]bool{}, Revisions: []PadRevision{
		rev(0, "Z:1>1+1$a", "a.1", 0),
		rev(1, "Z:2>1=1+1$b", "a.1", 30*time.Minute),             // exactly 30 min: same burst
		rev(2, "Z:3>1=2+1$c", "a.1", 60*time.Minute+time.Second), // over: a new one
		rev(3, "Z:4>1=3+1$d", "a.1", 50*time.Minute),             // clock set back: no pause
		rev(4, "Z:5>1=4+1$e", "", 61*time.Minute),                // the server: another author
		rev(5, "Z:6>1=5+1$f", "a.1", 62*time.Minute),
	}}
	bursts, err := pad.Bursts()
	if err != nil {
		t.Fatal(err)
	}
	want := []PadBurst{
		{From: 0, To: 1, Author: "a.1", At: at.Add(30 * time.Minute), Body: "ab"},
		{From: 2, To: 3, Author: "a.1", At: at.Add(60*time.Minute + time.Second), Body: "abcd"},
		{From: 4, To: 4, Author: "", At: at.Add(61 * time.Minute), Body: "abcde"},
		{From: 5, To: 5, Author: "a.1", At: at.Add(62 * time.Minute), Body: "abcdef"},
	}
	if len(bursts) != len(want) {
		t.Fatalf("bursts %+v", bursts)
	}
	for i := range want {
		if bursts[i] != want[i] {
			t.Errorf("burst %d: %+v, want %+v", i+1, bursts[i], want[i])
		}
	}
	// The server's change is credited to the fallback, and said so.
	s := burstSummary("p", bursts[2], 3, 4, AuthorMapping{})
	if s != "Pad « p », écriture 3 sur 4 (révision 4 du pad) ; écrite par le serveur du pad ou son API, sans compte dans l'atlas" {
		t.Errorf("summary %q", s)
	}
	long := burstSummary(strings.Repeat("x", 300), bursts[0], 1, 4, AuthorMapping{Name: strings.Repeat("é", 80)})
	if n := len([]rune(long)); n > 500 {
		t.Errorf("summary of %d characters", n)
	}
}
