// Package auth owns accounts, passwords, sessions and API tokens.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters, after OWASP's advice for interactive logins: 19 MiB,
// two passes, one lane. They are written into every hash, so raising them
// later leaves old hashes verifiable.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
	// argonMaxKeyLen bounds the key length read back from a stored hash:
	// far above argonKeyLen, and small enough for argon2's uint32.
	argonMaxKeyLen = 1024
)

var errBadHash = errors.New("auth: malformed password hash")

// deriveKey is argon2id; tests count its calls and how many run at once.
var deriveKey = argon2.IDKey

// HashPassword returns a PHC-style argon2id string with a fresh salt. It
// waits for a slot of the hashing gate as long as it takes: it serves the
// command line and imports; requests go through the service, which waits
// only briefly.
func HashPassword(password string) (string, error) {
	leave, err := enterHashing(context.Background(), 0)
	if err != nil {
		return "", err
	}
	defer leave()
	return hashPassword(password)
}

// VerifyPassword checks password against a hash made by HashPassword, in
// constant time, waiting for a slot of the hashing gate as HashPassword
// does.
func VerifyPassword(hash, password string) (bool, error) {
	leave, err := enterHashing(context.Background(), 0)
	if err != nil {
		return false, err
	}
	defer leave()
	return verifyPassword(hash, password)
}

// hashPassword and verifyPassword compute; their caller holds a slot.
func hashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := deriveKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

func verifyPassword(hash, password string) (bool, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var memory, passes uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &passes, &threads); err != nil {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	keyLen := len(want)
	if keyLen == 0 || keyLen > argonMaxKeyLen {
		return false, errBadHash
	}
	got := deriveKey([]byte(password), salt, passes, memory, threads, uint32(keyLen))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
