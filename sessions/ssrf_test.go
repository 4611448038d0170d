package sessions

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 13, item 8: the guard let 100.64.0.0/10 (cloud metadata at 100.100.100.200), 192.0.0.0/24,
// 198.18.0.0/15, 240.0.0.0/4, 0.0.0.0/8 and NAT64 64:ff9b::/96 through. The classifier is tested directly:
// nothing here connects anywhere.
func TestBlockedCoversTheSpecialPurposeRegistries(t *testing.T) {
	blocked := []string{
		"0.0.0.0", "0.1.2.3", "10.0.0.1", "100.64.0.1", "100.100.100.200", "100.127.255.255", "127.0.0.1", "127.8.9.10",
		"169.254.169.254", "172.16.0.1", "172.31.255.255", "192.0.0.1", "192.0.0.170", "192.0.2.5", "192.88.99.1",
		"192.168.1.1", "198.18.0.1", "198.19.255.255", "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.255.255.250",
		"240.0.0.1", "255.255.255.255",
		"::", "::1", "::127.0.0.1", "::ffff:127.0.0.1", "::ffff:100.100.100.200", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
		"64:ff9b::a9fe:a9fe", "64:ff9b::808:808", "64:ff9b:1::1", "100::1", "2001::1", "2001:2::1", "2001:db8::1",
		"2002:a00:1::1", "3fff::1", "5f00::1", "fc00::1", "fd12:3456::1", "fe80::1", "fe80::1%eth0", "fec0::1", "ff02::1",
	}
	for _, s := range blocked {
		ip := netip.MustParseAddr(s)
		if p, ok := Blocked(ip); !ok {
			t.Errorf("%s is allowed", s)
		} else if !p.Contains(ip.WithZone("").Unmap()) && !p.Contains(ip.WithZone("")) {
			t.Errorf("%s blocked by %s, which does not contain it", s, p)
		}
	}
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.32.0.1", "198.20.0.1",
		"223.255.255.255", "::ffff:8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001::200e", "2620:4f:8000::1"} {
		if p, ok := Blocked(netip.MustParseAddr(s)); ok {
			t.Errorf("public %s blocked by %s", s, p)
		}
	}
}

func TestCheckURLRefusesEverySpecialPurposeLiteral(t *testing.T) {
	strict := NewWebhook(time.Second, false)
	for _, u := range []string{"http://100.100.100.200/latest/meta-data", "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/",
		"http://[64:ff9b::a9fe:a9fe]/", "http://192.0.0.170/", "http://198.18.0.1/", "http://240.0.0.1/", "http://0.0.0.0:8080/",
		"http://localhost./", "http://api.localhost/", "https://[fe80::1%25eth0]/"} {
		if err := strict.CheckURL(u); !errors.Is(err, ErrPrivateTarget) {
			t.Errorf("CheckURL(%s) = %v", u, err)
		}
	}
	if err := strict.CheckURL("https://8.8.8.8/hook"); err != nil {
		t.Errorf("public literal refused: %v", err)
	}
}

// A failed delivery shows the tenant a category, not internal hosts, addresses or the DNS server.
func TestDeliveryErrorIsACategory(t *testing.T) {
	dns := &net.DNSError{Err: "no such host", Name: "hooks.internal.corp", Server: "10.0.0.2:53", IsNotFound: true}
	if got := DeliveryError(dns); strings.Contains(got, "10.0.0.2") || strings.Contains(got, "internal.corp") || got == "" {
		t.Fatalf("DNS failure shown as %q", got)
	}
	// A real refused connection, on loopback: the category, without the address.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	perr := NewWebhook(time.Second, true).Post(context.Background(), "http://"+addr+"/hook", "s", "e", []byte("{}"))
	if got := DeliveryError(perr); got != "the webhook refused the connection" {
		t.Fatalf("refused connection (%v) shown as %q", perr, got)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	serr := NewWebhook(time.Second, true).Post(context.Background(), srv.URL, "s", "e", []byte("{}"))
	if got := DeliveryError(serr); got != "webhook answered 503 Service Unavailable" {
		t.Fatalf("503 shown as %q", got)
	}
	if got := DeliveryError(ErrPrivateTarget); !strings.Contains(got, "private") {
		t.Fatalf("private target shown as %q", got)
	}
}

// A WhatsApp connection failure shown to the tenant (the session's lastError) names WhatsApp's host and a
// category, not the DNS server or this network's addresses; the log keeps the detail.
func TestConnectErrorsHideTheLocalNetwork(t *testing.T) {
	dns := &net.DNSError{Err: "no such host", Name: "web.whatsapp.com", Server: "10.0.0.2:53", IsNotFound: true}
	err := describeConnectError(&net.OpError{Op: "dial", Net: "tcp", Err: dns})
	if got := err.Error(); strings.Contains(got, "10.0.0.2") || !strings.Contains(got, "DNS") || !strings.Contains(got, "web.whatsapp.com") {
		t.Fatalf("shown: %q", got)
	}
	var kept *net.DNSError
	if !errors.As(err, &kept) || !strings.Contains(ErrorDetail(err), "10.0.0.2:53") {
		t.Fatalf("the cause is lost: %q", ErrorDetail(err))
	}
	refused := &net.OpError{Op: "dial", Net: "tcp", Source: &net.TCPAddr{IP: net.ParseIP("10.1.2.3"), Port: 40000},
		Addr: &net.TCPAddr{IP: net.ParseIP("157.240.1.1"), Port: 443}, Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	if got := describeConnectError(refused).Error(); got != "cannot connect to WhatsApp: refused the connection" {
		t.Fatalf("refused shown as %q", got)
	}
}
