package httpx

import (
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Client reads who a request comes from and the address it was sent to,
// believing forwarded headers from the trusted proxy alone.
type Client struct {
	// TrustedProxy is ATLAS_TRUSTED_PROXY's address ("" for none).
	TrustedProxy string
	// BaseURL is ATLAS_BASE_URL ("" to guess it from each request).
	BaseURL string
}

// IP is the address a request comes from: the TCP peer, unless the
// peer is the configured reverse proxy, whose X-Forwarded-For then names
// the client (its last entry: the one the proxy itself saw).
func (cl Client) IP(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP().String()
	if !cl.FromTrustedProxy(c) {
		return peer
	}
	forwarded := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	last := strings.TrimSpace(forwarded[len(forwarded)-1])
	if ip := net.ParseIP(last); ip != nil {
		return ip.String()
	}
	return peer
}

// FromTrustedProxy reports whether the request comes from the reverse
// proxy named by ATLAS_TRUSTED_PROXY: only its X-Forwarded-* headers are
// believed, anyone may send them.
func (cl Client) FromTrustedProxy(c *fiber.Ctx) bool {
	return cl.TrustedProxy != "" && c.Context().RemoteIP().String() == cl.TrustedProxy
}

// BaseURLOf is the scheme and host that absolute links (feeds) start with:
// ATLAS_BASE_URL when set. Else it is guessed from the request: its Host,
// or the trusted proxy's X-Forwarded-Host and X-Forwarded-Proto; a host
// that is not a plain name or address gives "" (links stay relative).
// Fiber's BaseURL believed X-Forwarded-Host and X-Url-Scheme from anyone,
// so a cached answer could carry another site's or a javascript: link.
func (cl Client) BaseURLOf(c *fiber.Ctx) string {
	if cl.BaseURL != "" {
		return strings.TrimSuffix(cl.BaseURL, "/")
	}
	scheme, host := "http", string(c.Request().Host())
	if c.Context().IsTLS() {
		scheme = "https"
	}
	if cl.FromTrustedProxy(c) {
		if fh := strings.TrimSpace(strings.Split(c.Get(fiber.HeaderXForwardedHost), ",")[0]); fh != "" {
			host = fh
		}
		if proto := strings.ToLower(strings.TrimSpace(c.Get(fiber.HeaderXForwardedProto))); proto == "https" || proto == "http" {
			scheme = proto
		}
	}
	if !plainHost(host) {
		return ""
	}
	return scheme + "://" + host
}

// plainHost accepts a host name or address with an optional port, and
// nothing that could end the authority (a slash, an @, a quote, a space).
func plainHost(host string) bool {
	if host == "" || len(host) > 255 {
		return false
	}
	for _, r := range host {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == ':', r == '[', r == ']':
		default:
			return false
		}
	}
	return true
}

// TrustedProxies is Fiber's list of trusted proxies for one address.
func TrustedProxies(proxy string) []string {
	if proxy == "" {
		return nil
	}
	return []string{proxy}
}
