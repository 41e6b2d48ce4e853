//go:build linux

package e2e_test

import (
	"os/exec"
	"syscall"
)

// dieWithTest has the kernel kill the server when the test process dies
// without running its cleanups (killed, or a closed output pipe), as
// chromedp does for Chromium, so no server outlives its test.
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
