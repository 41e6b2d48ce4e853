package i18n

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// problems lists what keeps cats from being complete and consistent: a key
// one language has and another lacks, a message plain in one and counted
// in another, a counted message without exactly the plural forms of its
// language's CLDR rule, and placeholders that differ from the default
// language's.
func problems(cats map[string]*catalogue) []string {
	var out []string
	ref := cats[Default]
	for lang, c := range cats {
		for other, o := range cats {
			for key := range o.messages {
				if _, ok := c.messages[key]; !ok {
					out = append(out, fmt.Sprintf("%s lacks %q (in %s)", lang, key, other))
				}
			}
			for key := range o.counted {
				if _, ok := c.counted[key]; !ok {
					out = append(out, fmt.Sprintf("%s lacks the counted message %q (in %s)", lang, key, other))
				}
			}
		}
		for key, msg := range c.messages {
			if _, ok := c.counted[key]; ok {
				out = append(out, fmt.Sprintf("%s: %q is both plain and counted", lang, key))
			}
			if strings.HasPrefix(key, "format.") && len(compile(msg).args) != strings.Count(msg, "%") {
				out = append(out, fmt.Sprintf("%s %q: a format's arguments are numbered, as %%[1]s", lang, key))
			}
			if want, ok := ref.messages[key]; ok && placeholders(msg) != placeholders(want) {
				out = append(out, fmt.Sprintf("%s %q takes %s, %s takes %s", lang, key, placeholders(msg), Default, placeholders(want)))
			}
		}
		used := usedForms(c.tag)
		for key, f := range c.counted {
			want := placeholders(ref.counted[key][plural.Other])
			for form, name := range formNames {
				switch text, needed := f[form], used[form]; {
				case needed && text == "":
					out = append(out, fmt.Sprintf("%s %q lacks its %q form", lang, key, name))
				case !needed && text != "":
					out = append(out, fmt.Sprintf("%s %q has a %q form its plural rule never picks", lang, key, name))
				case text != "" && placeholders(text) != want:
					out = append(out, fmt.Sprintf("%s %q %q form takes %s, %s takes %s", lang, key, name, placeholders(text), Default, want))
				case text != "" && !strings.HasPrefix(placeholders(text), "[1:d"):
					out = append(out, fmt.Sprintf("%s %q %q form does not show the count", lang, key, name))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

var formNames = func() map[plural.Form]string {
	names := map[plural.Form]string{}
	for name, form := range categories {
		names[form] = name
	}
	return names
}()

// usedForms are the categories a language's CLDR rule gives whole numbers:
// the forms its counted messages need. Counts up to 2,000 and whole
// millions reach every category of every rule (Breton's "many" is for
// millions).
func usedForms(tag language.Tag) map[plural.Form]bool {
	used := map[plural.Form]bool{}
	for n := 0; n <= 2000; n++ {
		used[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)] = true
	}
	for n := 1_000_000; n <= 5_000_000; n += 1_000_000 {
		used[plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)] = true
	}
	return used
}

var verb = regexp.MustCompile(`%[-+# 0]*(?:\[(\d+)\])?\d*(?:\.(?:\[(\d+)\])?\d*)?(?:\[(\d+)\])?([a-zA-Z%])`)

// placeholders describes the arguments a format takes, as sorted
// "index:verb" pairs, so that two languages may order them differently
// (with %[2]s) but not take different ones.
func placeholders(format string) string {
	var args []string
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[4] == "%" {
			continue
		}
		for _, index := range m[1:4] {
			if index != "" {
				next, _ = strconv.Atoi(index)
			}
		}
		args = append(args, strconv.Itoa(next)+":"+m[4])
		next++
	}
	sort.Strings(args)
	return "[" + strings.Join(args, " ") + "]"
}
