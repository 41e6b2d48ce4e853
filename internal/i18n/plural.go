package i18n

import (
	"fmt"
	"strings"
)

// Plural is a message that changes with a count: its form for the "one"
// category of the language's plural rule, and for every other count.
type Plural struct {
	One, Other string
}

// N translates a counted message: the form of key that the language's
// plural rule picks for n, formatted with n first, then args. A form may
// take its arguments out of order with %[2]s and the like. A missing key
// shows itself, as T does; a test keeps both catalogues complete.
func N(lang, key string, n int, args ...any) string {
	p, ok := plurals[lang][key]
	if !ok {
		p, ok = plurals["fr"][key]
		lang = "fr"
	}
	if !ok {
		return "[" + key + "]"
	}
	msg := p.Other
	if PluralOne(lang, n) {
		msg = p.One
	}
	return fmt.Sprintf(msg, append([]any{n}, args...)...)
}

// PluralOne is each language's rule (CLDR, for whole numbers): in French 0
// and 1 take the singular ("0 mot retiré", "1 abstention"); in English only
// 1 does ("0 words removed").
func PluralOne(lang string, n int) bool {
	if lang == "fr" {
		return n == 0 || n == 1
	}
	return n == 1
}

// HasN reports whether lang's catalogue has the counted message key.
func HasN(lang, key string) bool {
	_, ok := plurals[lang][key]
	return ok
}

// List joins names the way a sentence does: "A", "A et B", "A, B et C";
// more names not shown end it as "et 4 autres" ("A, B and 4 others").
func List(lang string, names []string, more int) string {
	and := " " + T(lang, "list.and") + " "
	switch {
	case more > 0:
		return strings.Join(names, ", ") + and + N(lang, "list.more", more)
	case len(names) <= 1:
		return strings.Join(names, "")
	default:
		return strings.Join(names[:len(names)-1], ", ") + and + names[len(names)-1]
	}
}

// plurals are the counted messages, French first. Every form takes the
// count (a %d, or %[1]d), then the arguments the caller passes.
var plurals = map[string]map[string]Plural{
	"fr": {
		"list.more":            {"%d autre", "%d autres"},
		"sheet.revisions":      {"%d version", "%d versions"},
		"sheet.validated_on":   {"Validée par le CA le %[2]s (%[1]d voix sur %[3]d).", "Validée par le CA le %[2]s (%[1]d voix sur %[3]d)."},
		"diff.words_added":     {"%d mot ajouté", "%d mots ajoutés"},
		"diff.words_removed":   {"%d mot retiré", "%d mots retirés"},
		"diff.unchanged_lines": {"%d ligne identique", "%d lignes identiques"},
		"search.count":         {"%d fiche trouvée.", "%d fiches trouvées."},
		"map.list":             {"%d lieu", "Les %d lieux"},
		"board.box_members":    {"%d membre :", "%d membres :"},
		"review.board":         {"Conseil (%d siège) :", "Conseil (%d sièges) :"},
		"review.abstentions":   {"%d abstention", "%d abstentions"},
		"review.votes_count":   {"%d voix", "%d voix"},
		"review.seats":         {"%d siège", "%d sièges"},
	},
	"en": {
		"list.more":            {"%d other", "%d others"},
		"sheet.revisions":      {"%d version", "%d versions"},
		"sheet.validated_on":   {"Validated by the board on %[2]s (%[1]d vote of %[3]d).", "Validated by the board on %[2]s (%[1]d votes of %[3]d)."},
		"diff.words_added":     {"%d word added", "%d words added"},
		"diff.words_removed":   {"%d word removed", "%d words removed"},
		"diff.unchanged_lines": {"%d unchanged line", "%d unchanged lines"},
		"search.count":         {"%d sheet found.", "%d sheets found."},
		"map.list":             {"%d place", "The %d places"},
		"board.box_members":    {"%d member:", "%d members:"},
		"review.board":         {"Board (%d seat):", "Board (%d seats):"},
		"review.abstentions":   {"%d abstention", "%d abstentions"},
		"review.votes_count":   {"%d vote", "%d votes"},
		"review.seats":         {"%d seat", "%d seats"},
	},
}
