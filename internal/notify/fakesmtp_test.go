package notify_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Ways the fake relay speaks.
const (
	relayPlain    = "plain"    // no TLS at all
	relayImplicit = "implicit" // TLS from the first byte (smtps)
	relayStartTLS = "starttls" // plain, offering STARTTLS
	relaySilent   = "silent"   // accepts the connection, never says a word
)

// fakeMail is one message the fake relay accepted.
type fakeMail struct {
	rcpt string
	data string
	tls  bool   // the message came over TLS
	auth string // "user:password" from AUTH PLAIN, if any
}

// fakeRelay is an SMTP server on 127.0.0.1 speaking just enough of the
// protocol for net/smtp: EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, QUIT.
type fakeRelay struct {
	addr string
	mode string
	cert tls.Certificate

	mu        sync.Mutex
	mails     []fakeMail
	conns     int
	sawAuth   bool
	failNext  int           // DATA answers 451 this many more times
	failCode  string        // reply used by failNext, "451 try again later" by default
	dataDelay time.Duration // pause before accepting a message
}

func startRelay(t *testing.T, mode string, cert tls.Certificate) *fakeRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &fakeRelay{addr: ln.Addr().String(), mode: mode, cert: cert, failCode: "451 try again later"}
	done := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		close(done)
		_ = ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			r.mu.Lock()
			r.conns++
			r.mu.Unlock()
			wg.Go(func() {
				defer func() { _ = conn.Close() }()
				stop := closeWhenDone(done, conn)
				defer stop()
				r.serve(conn)
			})
		}
	})
	return r
}

// closeWhenDone closes conn when done closes, so no handler outlives
// its test.
func closeWhenDone(done <-chan struct{}, conn net.Conn) func() {
	quit := make(chan struct{})
	go func() {
		select {
		case <-done:
			_ = conn.Close()
		case <-quit:
		}
	}()
	return func() { close(quit) }
}

func (r *fakeRelay) serve(conn net.Conn) {
	if r.mode == relaySilent {
		_, _ = io.Copy(io.Discard, conn) // until the client or the test hangs up
		return
	}
	secure := r.mode == relayImplicit
	if secure {
		conn = tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{r.cert}})
	}
	rd := bufio.NewReader(conn)
	reply := func(lines ...string) {
		for _, l := range lines {
			_, _ = io.WriteString(conn, l+"\r\n")
		}
	}
	reply("220 fake ESMTP")
	var cur fakeMail
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		cmd := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			lines := []string{"250-fake"}
			if r.mode == relayStartTLS && !secure {
				lines = append(lines, "250-STARTTLS")
			}
			if secure {
				lines = append(lines, "250-AUTH PLAIN")
			}
			reply(append(lines, "250 8BITMIME")...)
		case cmd == "STARTTLS" && r.mode == relayStartTLS && !secure:
			reply("220 go ahead")
			conn = tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{r.cert}})
			rd = bufio.NewReader(conn)
			secure = true
		case strings.HasPrefix(cmd, "AUTH PLAIN "):
			r.mu.Lock()
			r.sawAuth = true
			r.mu.Unlock()
			raw, _ := base64.StdEncoding.DecodeString(line[len("AUTH PLAIN "):])
			parts := strings.Split(string(raw), "\x00")
			if !secure || len(parts) != 3 {
				reply("535 no")
				continue
			}
			cur.auth = parts[1] + ":" + parts[2]
			reply("235 welcome")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			cur = fakeMail{auth: cur.auth, tls: secure}
			reply("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			cur.rcpt = strings.Trim(line[len("RCPT TO:"):], "<> ")
			reply("250 ok")
		case cmd == "DATA":
			reply("354 go ahead")
			var msg strings.Builder
			for {
				l, err := rd.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				msg.WriteString(l)
			}
			cur.data = msg.String()
			reply(r.accept(cur))
		case cmd == "QUIT":
			reply("221 bye")
			return
		case cmd == "RSET" || cmd == "NOOP":
			reply("250 ok")
		default:
			reply("502 not implemented")
		}
	}
}

// accept records a message, or refuses it while failNext lasts.
func (r *fakeRelay) accept(m fakeMail) string {
	r.mu.Lock()
	delay := r.dataDelay
	if r.failNext > 0 {
		r.failNext--
		r.mu.Unlock()
		return r.failCode
	}
	r.mu.Unlock()
	time.Sleep(delay)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mails = append(r.mails, m)
	return "250 queued"
}

func (r *fakeRelay) received() []fakeMail {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]fakeMail(nil), r.mails...)
}

func (r *fakeRelay) connections() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conns
}

// testCA makes a certificate authority and a server certificate it signed
// for 127.0.0.1; the pool trusts only that authority.
func testCA(t *testing.T) (*x509.CertPool, tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "atlas test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "relay"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return pool, tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: key}
}

// notTLS is the certificate of a relay that never uses TLS.
var notTLS tls.Certificate

func (r *fakeRelay) authSeen() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sawAuth
}
