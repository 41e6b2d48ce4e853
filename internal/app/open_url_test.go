package app

import (
	"net"
	"testing"

	"atlas/internal/config"
)

func TestOpenURLNamesWhatAPersonOpens(t *testing.T) {
	cases := []struct {
		base string
		addr net.Addr
		want string
	}{
		{"", &net.TCPAddr{IP: net.IPv6unspecified, Port: 8080}, "http://localhost:8080"},
		{"", &net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "http://localhost:8080"},
		{"", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9000}, "http://127.0.0.1:9000"},
		{"", &net.TCPAddr{IP: net.IPv6loopback, Port: 9000}, "http://[::1]:9000"},
		{"https://atlas.example.org", &net.TCPAddr{IP: net.IPv4zero, Port: 8080}, "https://atlas.example.org"},
	}
	for _, c := range cases {
		cfg := config.Defaults
		cfg.BaseURL = c.base
		if got := OpenURL(cfg, c.addr); got != c.want {
			t.Errorf("OpenURL(%q, %v) = %q, want %q", c.base, c.addr, got, c.want)
		}
	}
}
