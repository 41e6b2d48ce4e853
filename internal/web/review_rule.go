package web

import (
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/review"
)

// ruleText says how a board decides, as its review page, board page and
// decision record show it: "majorité des sièges", or "majorité des
// présents (votes exprimés), quorum 4, égalité : rejet", and its deadline.
func ruleText(lang string, r model.Rule) string {
	s := i18n.T(lang, "rule.seats")
	if r.Kind == review.RuleCast {
		s = i18n.T(lang, "rule.cast", r.Quorum)
		if r.Tie == review.TieOpen {
			s += i18n.T(lang, "rule.tie_open")
		} else {
			s += i18n.T(lang, "rule.tie_reject")
		}
	}
	if r.DeadlineDays != nil {
		s += i18n.N(lang, "rule.deadline", *r.DeadlineDays)
	}
	return s
}
