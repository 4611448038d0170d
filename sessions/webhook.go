package sessions

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// SignatureHeader carries the HMAC-SHA256 of a signed call, as "sha256=<hex>": of "<timestamp>.<body>"
// (see TimestampHeader), or of the body alone for integrations written before timestamps.
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

// ErrPrivateTarget is returned when a webhook points at an address that is not globally reachable (loopback,
// private, shared, reserved, ...: see Blocked) and that is not allowed.
var ErrPrivateTarget = errors.New("webhook target is a private, loopback or reserved address")

// Webhook posts signed events to API-channel webhook URLs.
type Webhook struct {
	client       *fasthttp.Client
	timeout      time.Duration
	allowPrivate bool
	// Untimed signs deliveries over the body alone, without X-Aezen-Timestamp, for receivers written before
	// timestamps (AEZEN_SIGNATURE_LEGACY). By default a delivery is signed over "<timestamp>.<body>".
	Untimed bool
}

// maxWebhookAnswer bounds how much of a webhook's answer body is read (it is dropped).
const maxWebhookAnswer = 1 << 20

// NewWebhook creates a webhook client. Unless allowPrivate, connections to loopback, private, link-local
// and unspecified addresses are refused at dial time, so DNS tricks cannot reach internal services.
//
// It is a fasthttp client: in the bench's send profile, net/http's client (two goroutines per connection,
// a fresh request and response each time) was about a tenth of the engine's CPU.
func NewWebhook(timeout time.Duration, allowPrivate bool) *Webhook {
	dialer := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			if blockedDialAddr(address) {
				return ErrPrivateTarget
			}
			return nil
		}
	}
	// Many API channels often point at one integration host, each delivering one message at a time: keep
	// a connection per channel idle rather than dialling again, and wait for one rather than fail when all
	// are busy.
	client := &fasthttp.Client{
		Dial:                     func(addr string) (net.Conn, error) { return dialer.Dial("tcp", addr) },
		MaxConnsPerHost:          512,
		MaxConnWaitTimeout:       timeout,
		MaxIdleConnDuration:      90 * time.Second,
		ReadTimeout:              timeout,
		WriteTimeout:             timeout,
		MaxResponseBodySize:      maxWebhookAnswer,
		NoDefaultUserAgentHeader: true,
		DisablePathNormalizing:   true,
	}
	return &Webhook{client: client, timeout: timeout, allowPrivate: allowPrivate}
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
	if blockedHost(u.Hostname()) {
		return ErrPrivateTarget
	}
	return nil
}

// Post delivers one event, within ctx's deadline (or the client's timeout). It succeeds only on a 2xx
// answer; redirects are not followed.
func (w *Webhook) Post(ctx context.Context, target, secret, eventID string, body []byte) error {
	_, err := w.Deliver(ctx, target, secret, eventID, body)
	return err
}

// Deliver is Post that also returns the HTTP status of the answer (0 when there was none).
func (w *Webhook) Deliver(ctx context.Context, target, secret, eventID string, body []byte) (int, error) {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.SetRequestURI(target)
	if scheme := string(req.URI().Scheme()); scheme != "http" && scheme != "https" {
		return 0, fmt.Errorf("webhook URL %q is not http or https", target)
	}
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	if w.Untimed {
		req.Header.Set(SignatureHeader, Sign(secret, body))
	} else {
		ts := time.Now().Unix()
		req.Header.Set(TimestampHeader, strconv.FormatInt(ts, 10))
		req.Header.Set(SignatureHeader, SignTimed(secret, ts, body))
	}
	req.Header.Set(EventIDHeader, eventID)
	req.Header.SetUserAgent("aezen-webhook/1")
	req.SetBodyRaw(body)
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(w.timeout)
	}
	// An answer body past maxWebhookAnswer ends the read (and the connection) but not the delivery: the
	// status, already read, decides, as it does for a small answer whose body is dropped.
	if err := w.client.DoDeadline(req, res, deadline); err != nil && !errors.Is(err, fasthttp.ErrBodyTooLarge) {
		return 0, err
	}
	if code := res.StatusCode(); code < 200 || code > 299 {
		return code, &StatusError{Code: code}
	}
	return res.StatusCode(), nil
}

// StatusError is a webhook's answer other than 2xx.
type StatusError struct{ Code int }

func (e *StatusError) Error() string {
	return fmt.Sprintf("webhook answered %d %s", e.Code, fasthttp.StatusMessage(e.Code))
}
