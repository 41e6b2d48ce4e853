//go:build !(linux || darwin || freebsd)

package httpx

// diskFree is not known on this system: the health check leaves it out.
func diskFree(string) (uint64, error) { return 0, errDiskUnknown }
