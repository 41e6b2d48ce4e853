package httpx

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"runtime/debug"
	"sync"
)

// ReleaseID names the running build. Cached pages and their ETags carry
// it: Go code (the Markdown renderer and its sanitizer, the messages, the
// HTML written in Go) shapes pages as much as templates do, so a page of
// one release must never pass for another's, in this process's cache, a
// browser's or a proxy's. The executable's own hash covers all of it,
// whatever the build had at hand (a container build has no Git metadata);
// it is read once, in a few milliseconds.
var ReleaseID = sync.OnceValue(func() string {
	if sum, err := hashExecutable(); err == nil {
		return sum
	}
	// Without the file, what the toolchain recorded of the build.
	if info, ok := debug.ReadBuildInfo(); ok {
		sum := sha256.Sum256([]byte(info.String()))
		return hex.EncodeToString(sum[:8])
	}
	return "unknown"
})

// hashExecutable is the start of the running binary's SHA-256, in hex.
func hashExecutable() (_ string, err error) {
	path, err := os.Executable()
	if err != nil {
		return "", err
	}
	f, err := os.Open(path) //nolint:gosec // G304: the running binary's own path, from the OS
	if err != nil {
		return "", err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil)[:8]), nil
}
