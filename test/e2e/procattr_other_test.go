//go:build !linux

package e2e_test

import "os/exec"

// dieWithTest has no portable equivalent; the cleanup kills the server.
func dieWithTest(*exec.Cmd) {}
