package web

import (
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// clientIP is the address a request comes from: the TCP peer, unless the
// peer is the configured reverse proxy, whose X-Forwarded-For then names
// the client (its last entry: the one the proxy itself saw).
func (h *handler) clientIP(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP().String()
	if h.cfg.TrustedProxy == "" || peer != h.cfg.TrustedProxy {
		return peer
	}
	forwarded := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	last := strings.TrimSpace(forwarded[len(forwarded)-1])
	if ip := net.ParseIP(last); ip != nil {
		return ip.String()
	}
	return peer
}
