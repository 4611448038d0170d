package sessions

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"strings"
	"syscall"
)

// blockedRanges are the address blocks a webhook may not reach (unless AEZEN_WEBHOOK_ALLOW_PRIVATE): every
// block of the IANA IPv4 and IPv6 Special-Purpose Address Registries that is not globally reachable, plus
// multicast. Source: https://www.iana.org/assignments/iana-ipv4-special-registry and
// https://www.iana.org/assignments/iana-ipv6-special-registry (2024 editions). The few registry entries that
// are globally reachable (AS112 and AMT anycast, 192.0.0.9-10) stay allowed only where they are not inside
// a larger blocked block.
var blockedRanges = mustPrefixes(
	// IPv4
	"0.0.0.0/8",       // "this network"
	"10.0.0.0/8",      // private use
	"100.64.0.0/10",   // shared address space (carrier-grade NAT; cloud metadata at 100.100.100.200)
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link local (cloud metadata at 169.254.169.254)
	"172.16.0.0/12",   // private use
	"192.0.0.0/24",    // IETF protocol assignments (DS-Lite, NAT64 discovery, ...)
	"192.0.2.0/24",    // documentation (TEST-NET-1)
	"192.88.99.0/24",  // deprecated 6to4 relay anycast
	"192.168.0.0/16",  // private use
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // documentation (TEST-NET-2)
	"203.0.113.0/24",  // documentation (TEST-NET-3)
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, and 255.255.255.255 limited broadcast
	// IPv6
	"::/128",         // unspecified
	"::1/128",        // loopback
	"::/96",          // deprecated IPv4-compatible addresses
	"::ffff:0:0/96",  // IPv4-mapped (checked as IPv4 too, see Blocked)
	"64:ff9b::/96",   // IPv4/IPv6 translation (NAT64): reaches any IPv4 address, internal ones included
	"64:ff9b:1::/48", // local-use IPv4/IPv6 translation
	"100::/64",       // discard-only
	"2001::/23",      // IETF protocol assignments (Teredo, benchmarking, ORCHID, ...)
	"2001:db8::/32",  // documentation
	"2002::/16",      // 6to4: embeds any IPv4 address
	"3fff::/20",      // documentation
	"5f00::/16",      // segment routing (SRv6) SIDs
	"fc00::/7",       // unique local
	"fe80::/10",      // link local
	"fec0::/10",      // deprecated site local
	"ff00::/8",       // multicast
)

func mustPrefixes(list ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(list))
	for i, s := range list {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// Blocked reports whether a webhook may not connect to ip, and the registry block that says so. An
// IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as the IPv4 address it is.
func Blocked(ip netip.Addr) (netip.Prefix, bool) {
	ip = ip.WithZone("")
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	for _, p := range blockedRanges {
		if p.Contains(ip) {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

// blockedHost reports whether a URL host (a name or a literal address) is refused before any lookup.
func blockedHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false // a name: judged by the address it resolves to, when dialling
	}
	_, blocked := Blocked(ip)
	return blocked
}

// blockedDialAddr is the dialer's check of the resolved address, so that a name that resolves (or
// rebinds) to an internal address is refused too.
func blockedDialAddr(address string) bool {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return true
	}
	_, blocked := Blocked(ip)
	return blocked
}

// DeliveryError is the reason a delivery failed as a tenant's users may see it (stored on the message): a
// category, never internal host names, addresses or the DNS server's address. The full error is logged.
func DeliveryError(err error) string {
	var status *StatusError
	var dnsErr *net.DNSError
	var tlsErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &status):
		return status.Error()
	case errors.Is(err, ErrPrivateTarget):
		return "the webhook URL points at a private or reserved address"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "the webhook's host name does not exist"
		}
		return "the webhook's host name could not be resolved"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "the webhook did not answer in time"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the webhook refused the connection"
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		return "the webhook closed the connection"
	case errors.As(err, &tlsErr) || errors.As(err, &recErr) || strings.Contains(err.Error(), "tls:"):
		return "the TLS handshake with the webhook failed"
	}
	return "the webhook could not be reached"
}

func isTimeout(err error) bool {
	var ne net.Error
	return (errors.As(err, &ne) && ne.Timeout()) || strings.Contains(strings.ToLower(err.Error()), "timeout")
}
