package sessions

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"
)

// SignatureHeader carries the HMAC-SHA256 of a request body, as "sha256=<hex>".
const SignatureHeader = "X-Aezen-Signature"

// EventIDHeader lets a webhook receiver drop a delivery it has already seen.
const EventIDHeader = "X-Aezen-Event-Id"

// Sign returns the signature header value for body under secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks a signature header value in constant time.
func VerifySignature(secret string, body []byte, header string) bool {
	return header != "" && hmac.Equal([]byte(Sign(secret, body)), []byte(header))
}

// ErrPrivateTarget is returned when a webhook points at a loopback or private address that is not allowed.
var ErrPrivateTarget = errors.New("webhook target is a private or loopback address")

// Webhook posts signed events to API-channel webhook URLs.
type Webhook struct {
	client       *http.Client
	allowPrivate bool
}

// NewWebhook creates a webhook client. Unless allowPrivate, connections to loopback, private, link-local
// and unspecified addresses are refused at dial time, so DNS tricks cannot reach internal services.
func NewWebhook(timeout time.Duration, allowPrivate bool) *Webhook {
	dialer := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || isPrivate(ip) {
				return ErrPrivateTarget
			}
			return nil
		}
	}
	// Many API channels often point at one integration host, each delivering one message at a time: keep a
	// connection per channel idle rather than dialling again (16 per host made 100 channels reconnect).
	transport := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 256, IdleConnTimeout: 90 * time.Second}
	return &Webhook{client: &http.Client{Timeout: timeout, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, allowPrivate: allowPrivate}
}

// CheckURL validates a webhook URL when a channel is created: http(s), a host, and not private unless allowed.
func (w *Webhook) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an absolute http or https URL")
	}
	if w.allowPrivate {
		return nil
	}
	host := u.Hostname()
	if host == "localhost" {
		return ErrPrivateTarget
	}
	if ip := net.ParseIP(host); ip != nil && isPrivate(ip) {
		return ErrPrivateTarget
	}
	return nil
}

// Post delivers one event. It succeeds only on a 2xx answer.
func (w *Webhook) Post(ctx context.Context, target, secret, eventID string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(secret, body))
	req.Header.Set(EventIDHeader, eventID)
	req.Header.Set("User-Agent", "aezen-webhook/1")
	res, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", res.Status)
	}
	return nil
}

func isPrivate(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast()
}
