package auth_test

import (
	"errors"
	"testing"

	"atlas/internal/auth"
)

func TestCheckNewPassword(t *testing.T) {
	for _, tc := range []struct {
		password string
		want     string // the refusal's catalogue key, "" when accepted
	}{
		{"un mot de passe", ""},
		{"         a", "error.password_too_short"},
		{"  court  \t\n      ", "error.password_too_short"},
		{"neuf car.", "error.password_too_short"},
		{"évidemment", ""}, // ten characters, more bytes
		{"azertyuiop", "error.password_common"},
		{"AZERTY1234", "error.password_common"},
		{"Azerty123!", "error.password_common"},
		{"motdepasse", "error.password_common"},
		{"Mot de passe 2026", "error.password_common"},
		{"mot-de-passe!!", "error.password_common"},
		{"soleil1234", "error.password_common"},
		{"1234567890", "error.password_common"},
		{"qwertyuiop", "error.password_common"},
		{"jetaime123", "error.password_common"},
		{"aaaaaaaaaaaa", "error.password_common"},
		{"abababababab", "error.password_common"},
		{"marie-2026!", "error.password_common"}, // the account's own name
		{"marie@example.org", "error.password_common"},
		{"soleil de novembre", ""},
		{"motdepasse-cli-1", ""},
		{string(make([]byte, auth.MaxPasswordBytes+1)), "error.password_too_long"},
	} {
		err := auth.CheckNewPassword(tc.password, "marie", "marie@example.org")
		var invalid *auth.InvalidError
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q refused: %v", tc.password, err)
		case tc.want != "" && (!errors.As(err, &invalid) || invalid.Key != tc.want || invalid.Field != "password"):
			t.Errorf("%q: %v, want %s", tc.password, err, tc.want)
		}
	}
}
