// Package authorship attributes each word of a sheet's body to the revision
// that introduced it ("qui a écrit quoi"). It is pure: texts and
// attributions in, attribution out, with no database and no HTTP, so the
// store computes a revision's attribution once, when it saves it, from its
// parent's stored one, and a blame never walks the history.
//
// # Units
//
// A body is cut into tokens: words (letters, digits and combining marks,
// with inner apostrophes and hyphens, "aujourd'hui", "peut-être", and
// numbers such as "3,5") and runs of one punctuation character ("**",
// "---", "."). Blanks are not tokens: each token owns the blanks after it,
// so a span always holds whole words, re-wrapping lines or turning LF into
// CRLF changes no token, and a boundary never falls inside a UTF-8 rune
// (invalid bytes are one-byte tokens). Tokens group into sentences (after
// ". ! ? …", or at a line break that starts a Markdown line: a list item, a
// heading, a table row) and sentences into paragraphs (at blank lines).
//
// # Matching
//
// As WikiWho does, Attribute matches from the coarsest unit down, every
// unit by a hash of its tokens (blanks left out) confirmed by comparing the
// texts:
//
//  1. The paragraphs before and after the place that changed are the
//     parent's bytes and keep the parent's spans as they are, even where
//     an older source credits them otherwise (the parent's spans went
//     through these same steps when it was saved). Only the middle goes on:
//     a one-paragraph edit of 50 KB costs tens of microseconds. When the
//     parent is the only source, the middle's paragraphs that the parent
//     holds byte for byte (moved ones) take its spans too, and only the
//     rest is tokenized. Tests check these shortcuts give the words the
//     revisions full matching would (of two equal paragraphs, they may
//     credit the other copy).
//  2. Whole paragraphs of the middle are looked up in every source (the
//     parent, and the versions a restore, an undo or a manual revert brings
//     back): a moved or restored paragraph keeps its authors. When several
//     sources hold it, the one with the oldest attribution wins (the lowest
//     sum of revision numbers), so words a revert missed once come back to
//     their first authors.
//  3. Whole sentences, the same way.
//  4. The words left are diffed against the parent's words left, in order
//     (a longest common subsequence, anchored on words that occur once in
//     each on big regions, with a work budget so no history goes
//     quadratic). Fixing one letter gives the editor that word only. Short
//     words ("le", "de") and punctuation matched alone among new words are
//     taken back: a rewritten sentence does not keep its old "le".
//  5. Whatever is still unmatched is the new revision's.
//
// Older sources give words back only by whole sentences or paragraphs:
// single common words would match almost anywhere in them.
//
// # Storage
//
// Encode writes an attribution in a few bytes per span (varints); Decode
// refuses anything Encode could not have written. Version names the
// algorithm: attributions stored under another version may be recomputed.
package authorship
