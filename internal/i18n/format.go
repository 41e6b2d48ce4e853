package i18n

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris even on a machine without a zone database
)

// style is how a language writes days, hours and numbers, read once from
// its catalogue's "format." keys: a page formats dozens of dates, so each
// costs no lookup and no fmt.
type style struct {
	months    [12]string
	firstDay  string  // the first of a month: "1er" in French
	date      pattern // day, month, year
	dateTime  pattern // date, hour
	clock     string  // Go layout of the hour: "15h04", "3:04 pm"
	thousands string
}

func newStyle(messages map[string]string) style {
	s := style{
		firstDay: messages["format.first_day"], clock: messages["format.clock"],
		thousands: messages["format.thousands"],
		date:      compile(messages["format.date"]), dateTime: compile(messages["format.date_time"]),
	}
	for i := range s.months {
		s.months[i] = messages["format.month."+strconv.Itoa(i+1)]
	}
	return s
}

// pattern is a format whose arguments are numbered (%[1]s), cut into
// literal text and argument positions, so that filling it needs no fmt.
type pattern struct {
	text []string // len(args)+1 pieces around the arguments
	args []int
}

var numbered = regexp.MustCompile(`%\[([1-3])\][sd]`)

func compile(format string) pattern {
	var p pattern
	last := 0
	for _, m := range numbered.FindAllStringSubmatchIndex(format, -1) {
		p.text = append(p.text, format[last:m[0]])
		n, _ := strconv.Atoi(format[m[2]:m[3]])
		p.args = append(p.args, n-1)
		last = m[1]
	}
	p.text = append(p.text, format[last:])
	return p
}

// fill writes the pattern with its arguments (at most three).
func (p pattern) fill(a, b, c string) string {
	args := [3]string{a, b, c}
	n := len(a) + len(b) + len(c)
	for _, text := range p.text {
		n += len(text)
	}
	var out strings.Builder
	out.Grow(n)
	for i, text := range p.text {
		out.WriteString(text)
		if i < len(p.args) && p.args[i] < len(args) {
			out.WriteString(args[p.args[i]])
		}
	}
	return out.String()
}

func styleOf(lang string) *style {
	if c := catalogues[lang]; c != nil {
		return &c.style
	}
	return &catalogues[Default].style
}

// Date formats a day the way each language writes it: "25 février 2020" or
// "February 25, 2020". Times are shown in Europe/Paris, the atlas's home.
func Date(lang string, t time.Time) string {
	s := styleOf(lang)
	t = t.In(home)
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = s.firstDay
	}
	return s.date.fill(day, s.months[t.Month()-1], strconv.Itoa(t.Year()))
}

// DateTime adds the hour to Date: "25 février 2020 à 15h05".
func DateTime(lang string, t time.Time) string {
	s := styleOf(lang)
	return s.dateTime.fill(Date(lang, t), t.In(home).Format(s.clock), "")
}

// Number groups thousands: "12 345" in French (narrow no-break space),
// "12,345" in English.
func Number(lang string, n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := styleOf(lang).thousands
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

var home = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()
