package export

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func applyString(t *testing.T, text, cs string) (string, error) {
	t.Helper()
	c, err := parseChangeset(cs, func(n int) bool { return n < 8 })
	if err != nil {
		return "", err
	}
	out, err := c.apply(padTextOf(text), 1<<20)
	if err != nil {
		return "", err
	}
	s, ok := out.String()
	if !ok {
		t.Fatalf("%s on %q cuts a character", cs, text)
	}
	return s, nil
}

// TestChangesetApplies: changesets written by hand from the format's
// rules (the example of Etherpad's documentation among them), each on a
// text it fits.
func TestChangesetApplies(t *testing.T) {
	cases := []struct{ text, cs, want string }{
		// The documentation's example: keep two lines (22 characters),
		// keep 11 more, insert a newline with attribute 0.
		{"abcdefghij\nabcdefghij\n0123456789xy\n", "Z:z>1|2=m=b*0|1+1$\n", "abcdefghij\nabcdefghij\n0123456789x\ny\n"},
		// Etherpad's first revision: the empty pad "\n" gets its text.
		{"\n", "Z:1>6*0|1+6$Titre\n", "Titre\n\n"},
		// A deletion across lines, then an insertion, in the middle.
		{"un\ndeux\ntrois\n", "Z:e<2|1=3|1-5-1*1+4$2 et", "un\n2 etrois\n"},
		// Bold on kept text changes no character.
		{"gras\n", "Z:5>0*1=4$", "gras\n"},
		// An emoji is two characters to Etherpad (UTF-16).
		{"ab\n", "Z:3>3=1*0+3$🌱 ", "a🌱 b\n"},
		{"a🌱 b\n", "Z:6<2=1-2$", "a b\n"},
		// Nothing at all.
		{"x\n", "Z:2>0$", "x\n"},
	}
	for _, c := range cases {
		got, err := applyString(t, c.text, c.cs)
		if err != nil || got != c.want {
			t.Errorf("%s on %q: got %q, %v; want %q", c.cs, c.text, got, err, c.want)
		}
	}
}

// TestChangesetRefusesMalformed: each rule broken is refused, saying why.
func TestChangesetRefusesMalformed(t *testing.T) {
	cases := []struct{ text, cs, want string }{
		{"x\n", "", "not an Easysync changeset"},
		{"x\n", "Z:2", `it ends where ">" or "<" after the old length is expected`},
		{"x\n", "Z:2>", "it ends where the length change is expected"},
		{"x\n", "Z:2>0=1", `no "$" before the char bank`},
		{"x\n", "Z:2>0=", "it ends where an operation's length is expected"},
		{"x\n", "Z:2>0|1$", "'$' at character 8 where an operation (=, - or +) is expected"},
		{"x\n", "Z:2>0|1", "it ends where an operation (=, - or +) is expected"},
		{"x\n", "Z:2>0*$", "'$' at character 7 where an attribute number is expected"},
		{"x\n", "Z:2>0*9=1$", "attribute *9 (at character 6) is not in the pad's attribute pool"},
		{"x\n", "Z:2>0=zzzzzzzzz$", "an operation's length at character 7 is too large"},
		{"x\n", "Z:2<3$", "it shortens a text of 2 characters by 3"},
		{"x\n", "Z:3>0$", "it applies to a text of 3 characters, the pad's has 2"},
		{"x\n", "Z:2>0=3$", "operation 1 (=3) runs past the end of the text"},
		{"x\n", "Z:2>0=2$", "operation 1 (=2): it spans 1 newline(s), it announces 0"},
		{"x\n", "Z:2>0|3=2$", "an operation of 2 characters cannot span 3 lines"},
		{"x\ny\n", "Z:4>0|1=3$", "operation 1 (=3): it spans lines but does not end with a newline"},
		{"x\n", "Z:2>1+2$a", "inserts 2 characters, the char bank has 1 left"},
		{"x\n", "Z:2>1+1$ab", "1 characters of its char bank are not inserted"},
		{"x\n", "Z:2>2+1$a", "makes a text of 3 characters, not the 4 it announces"},
		{"x\n", "Z:2<2|1-2$", "does not end with a newline"},
		{"x\n", "Z:2>1|1=2+1$a", "does not end with a newline"},
		{"x\n", "Z:2>1=1+1$\n", "operation 2 (+1): it spans 1 newline(s), it announces 0"},
		{"x\n", "Z:2>0?$", "'?' at character 6 where an operation"},
	}
	for _, c := range cases {
		_, err := applyString(t, c.text, c.cs)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q on %q: got %v, want %q", c.cs, c.text, err, c.want)
		}
	}
	// A changeset may cut an emoji in two: the text is then refused.
	c, err := parseChangeset("Z:4<1=1-1$", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.apply(padTextOf("a🌱\n"), 100)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out.String(); ok {
		t.Error("half an emoji read as text")
	}
	// A text larger than the bound is not made.
	c, _ = parseChangeset("Z:2>5+5$abcde", nil)
	if _, err := c.apply(padTextOf("x\n"), 4); err == nil || !strings.Contains(err.Error(), "more than the 4 an import accepts") {
		t.Errorf("over the bound: %v", err)
	}
}

// FuzzChangeset: no changeset, on any text, makes the decoder panic; one
// it accepts makes a text of the length it announces, ending with a
// newline.
func FuzzChangeset(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "etherpad", "kerinou.etherpad"))
	if err != nil {
		f.Fatal(err)
	}
	var records map[string]struct {
		Changeset string `json:"changeset"`
	}
	if err := json.Unmarshal(data, &records); err != nil {
		f.Fatal(err)
	}
	for _, r := range records {
		if r.Changeset != "" {
			f.Add("Jardin partagé de Kerinou\n\nUn jardin\n", r.Changeset)
		}
	}
	f.Add("abcdefghij\nabcdefghij\n0123456789xy", "Z:z>1|2=m=b*0|1+1$\n")
	f.Add("a🌱", "Z:4<1=1-1$")
	f.Fuzz(func(t *testing.T, text, cs string) {
		c, err := parseChangeset(cs, func(n int) bool { return n < 8 })
		if err != nil {
			return
		}
		out, err := c.apply(padTextOf(text+"\n"), 1<<16)
		if err != nil {
			return
		}
		if len(out) != c.newLen || out[len(out)-1] != '\n' {
			t.Fatalf("%q on %q made %d characters, announced %d", cs, text, len(out), c.newLen)
		}
		_, _ = out.String()
	})
}
