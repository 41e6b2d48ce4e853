package httpx

import "github.com/gofiber/fiber/v2"

// BuildCSP forbids inline script and every third-party origin but the map
// tiles' images and, when the host set one, the address search service
// the editor queries. Pages work without JavaScript; the scripts that
// enhance them are served from 'self'.
func BuildCSP(tileOrigin, geocoderOrigin string) string {
	img := "img-src 'self' data:"
	if tileOrigin != "" {
		img += " " + tileOrigin
	}
	connect := ""
	if geocoderOrigin != "" {
		connect = "connect-src 'self' " + geocoderOrigin + "; "
	}
	return "default-src 'self'; " + img + "; " + connect + "style-src 'self'; script-src 'self'; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
}

// Headers are headers every response carries, kept as bytes in
// their canonical spelling: they are set on every answer.
type Headers [][2][]byte

// SecurityHeaders lists the headers of every response: the CSP, no
// sniffing, no framing, and HSTS when served over https.
func SecurityHeaders(csp string, https bool) Headers {
	list := [][2]string{
		{"Content-Security-Policy", csp},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "same-origin"},
		{"X-Frame-Options", "DENY"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
	}
	if https {
		list = append(list, [2]string{"Strict-Transport-Security", "max-age=31536000; includeSubDomains"})
	}
	out := make(Headers, len(list))
	for i, kv := range list {
		out[i] = [2][]byte{[]byte(kv[0]), []byte(kv[1])}
	}
	return out
}

// Set puts the headers on c's answer.
func (hs Headers) Set(c *fiber.Ctx) {
	header := &c.Response().Header
	for _, kv := range hs {
		header.SetCanonical(kv[0], kv[1])
	}
}
