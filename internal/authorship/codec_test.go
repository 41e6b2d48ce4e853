package authorship

import (
	"errors"
	"reflect"
	"testing"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, a := range []Attribution{
		nil,
		{{Len: 1, Revision: 1}},
		{{Len: 300, Revision: 7}, {Len: 5, Revision: 2}, {Len: 70000, Revision: 9000}, {Len: 1, Revision: 1}},
	} {
		got, err := Decode(Encode(a))
		if err != nil {
			t.Fatalf("Decode(Encode(%v)): %v", a, err)
		}
		if len(a) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("round trip: got %v, want %v", got, a)
		}
	}
}

func TestDecodeRefusesCorruptInput(t *testing.T) {
	good := Encode(Attribution{{Len: 3, Revision: 2}, {Len: 4, Revision: 1}})
	cases := map[string][]byte{
		"empty":           {},
		"unknown format":  append([]byte{9}, good[1:]...),
		"truncated":       good[:len(good)-1],
		"trailing byte":   append(append([]byte{}, good...), 0),
		"count too big":   {format, 100, 3, 2},
		"empty span":      {format, 1, 0, 2},
		"revision zero":   {format, 1, 3, 0},
		"same revision":   {format, 2, 3, 2, 3, 0},
		"negative":        {format, 2, 3, 2, 3, 3},
		"overlong varint": {format, 1, 0x83, 0x00, 2},
		"huge varint":     {format, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 2},
	}
	for name, b := range cases {
		if _, err := Decode(b); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: Decode(%v) = %v, want ErrCorrupt", name, b, err)
		}
	}
}

func TestValid(t *testing.T) {
	body := "Déjà vu" // "é" and "à" are two bytes each
	cases := []struct {
		name string
		a    Attribution
		ok   bool
	}{
		{"exact", Attribution{{Len: 6, Revision: 1}, {Len: 3, Revision: 2}}, true},
		{"short", Attribution{{Len: 8, Revision: 1}}, false},
		{"long", Attribution{{Len: 10, Revision: 1}}, false},
		{"inside a rune", Attribution{{Len: 2, Revision: 1}, {Len: 7, Revision: 2}}, false},
		{"same revision twice", Attribution{{Len: 6, Revision: 1}, {Len: 3, Revision: 1}}, false},
		{"revision zero", Attribution{{Len: 9, Revision: 0}}, false},
		{"empty span", Attribution{{Len: 0, Revision: 2}, {Len: 9, Revision: 1}}, false},
	}
	for _, c := range cases {
		if err := c.a.Valid(body); (err == nil) != c.ok {
			t.Errorf("%s: Valid = %v, want ok=%v", c.name, err, c.ok)
		}
	}
	if err := Attribution(nil).Valid(""); err != nil {
		t.Errorf("empty body: %v", err)
	}
}
