package auth

import (
	_ "embed" // the list of common passwords
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxPasswordBytes bounds what is hashed: argon2 reads all of it.
const MaxPasswordBytes = 1024

//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords is the embedded list as a set, built once.
var commonPasswords = func() map[string]bool {
	set := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			set[line] = true
		}
	}
	return set
}()

// CheckNewPassword is the one rule for every password an account is given,
// whoever sets it (the account page, an admin, the command line): at least
// MinPasswordLength characters once the spaces around it are trimmed (nine
// spaces and a letter are one character, not ten), at most
// MaxPasswordBytes, and not one of the commonest passwords nor the
// account's own name. The password is stored as typed; only the checks
// look at it trimmed.
func CheckNewPassword(password, username, email string) error {
	trimmed := strings.TrimSpace(password)
	switch {
	case len(password) > MaxPasswordBytes:
		return &InvalidError{"password", "error.password_too_long", nil}
	case utf8.RuneCountInString(trimmed) < MinPasswordLength:
		return &InvalidError{"password", "error.password_too_short", []any{MinPasswordLength}}
	case guessable(trimmed, username, email):
		return &InvalidError{"password", "error.password_common", nil}
	}
	return nil
}

// guessable says whether a password is what a guesser tries first. It is
// compared lowercased and without the separators people put between
// words, then once more without the digits and signs around it, which is
// how most people lengthen a short password ("Azerty123!", "soleil2024").
// Passwords of one or two distinct characters ("aaaaaaaaaa") and the
// account's name or e-mail address are refused too.
func guessable(password, username, email string) bool {
	p := squeeze(password)
	core := strings.TrimFunc(p, func(r rune) bool { return !unicode.IsLetter(r) })
	if commonPasswords[p] || commonPasswords[core] || fewDistinct(p) {
		return true
	}
	for _, own := range []string{username, email, localPart(email)} {
		if own = squeeze(own); own != "" && (p == own || core == own) {
			return true
		}
	}
	return false
}

// squeeze lowercases s and drops its spaces, dashes, dots and underscores.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("-_.", r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

// fewDistinct is true for a text of at most two distinct characters.
func fewDistinct(s string) bool {
	var seen []rune
	for _, r := range s {
		if !strings.ContainsRune(string(seen), r) {
			if seen = append(seen, r); len(seen) > 2 {
				return false
			}
		}
	}
	return true
}

func localPart(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return ""
	}
	return email[:at]
}
