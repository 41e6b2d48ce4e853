package testutil

import (
	"context"
	"testing"
	"time"

	"atlas/internal/model"
	"atlas/internal/store"
)

// fixtureHash is a real argon2id hash of FixturePassword, computed once:
// hashing per fixture would make every test pay argon2's cost.
const fixtureHash = "$argon2id$v=19$m=19456,t=2,p=1$c2VsLWRlLWd1ZXJhbmRl$0Sce/OaiVYPuf50D+SaIf/9TZyzS9mGBAr1M6X8h7Q0"

// FixturePassword is the password of every fixture account.
const FixturePassword = "mot de passe de test"

// User stores an account with FixturePassword.
func User(t testing.TB, st *store.Store, username, role string) *model.User {
	t.Helper()
	now := time.Now().UTC()
	u := &model.User{
		Username: username, Email: username + "@example.org", DisplayName: "",
		PasswordHash: fixtureHash, Role: role, CreatedAt: now, UpdatedAt: now,
	}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}
