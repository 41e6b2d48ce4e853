package diff

import (
	"math/rand"
	"testing"
)

func benchCompare(b *testing.B, size int) {
	r := rand.New(rand.NewSource(42))
	x := frenchText(r, size)
	y := mutate(r, x, 0.01)
	b.SetBytes(int64(len(x) + len(y)))
	b.ResetTimer()
	for b.Loop() {
		if res := Compare(x, y, Options{}); res.Truncated {
			b.Fatal("truncated")
		}
	}
}

func BenchmarkCompare50KB1Percent(b *testing.B) { benchCompare(b, 50<<10) }

func BenchmarkCompare1MB1Percent(b *testing.B) { benchCompare(b, 1<<20) }

func BenchmarkMerge3_20KB(b *testing.B) {
	r := rand.New(rand.NewSource(42))
	base := frenchText(r, 20<<10)
	mine, theirs := editParagraphs(r, base, 0), editParagraphs(r, base, 1)
	b.SetBytes(int64(len(base)))
	b.ResetTimer()
	for b.Loop() {
		if _, conflicts := Merge3(base, mine, theirs); len(conflicts) > 0 {
			b.Fatal("conflicts")
		}
	}
}
