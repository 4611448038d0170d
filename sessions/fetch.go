package sessions

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"time"
)

// Fetcher downloads the files an API channel's integration names by URL (inbound media `url`), under the
// same guard as webhooks: unless private targets are allowed (AEZEN_WEBHOOK_ALLOW_PRIVATE), a URL whose
// host is a private, loopback or reserved address is refused before any dial, and every dial (redirects
// and names that resolve or rebind to such an address included) is checked again on the resolved address.
type Fetcher struct {
	client       *http.Client
	allowPrivate bool
}

// maxFetchRedirects bounds the redirects a fetch follows.
const maxFetchRedirects = 3

// NewFetcher creates a fetcher whose dials, TLS handshakes and response headers each take at most timeout.
// It is a net/http client: it streams the body, which the media store consumes piece by piece.
func NewFetcher(timeout time.Duration, allowPrivate bool) *Fetcher {
	dialer := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			if blockedDialAddr(address) {
				return ErrPrivateTarget
			}
			return nil
		}
	}
	transport := &http.Transport{DialContext: dialer.DialContext, Proxy: nil, TLSHandshakeTimeout: timeout,
		ResponseHeaderTimeout: timeout, MaxIdleConns: 16, IdleConnTimeout: 30 * time.Second, ForceAttemptHTTP2: true}
	f := &Fetcher{allowPrivate: allowPrivate}
	f.client = &http.Client{Transport: transport, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxFetchRedirects {
			return errors.New("too many redirects")
		}
		return f.CheckURL(req.URL.String())
	}}
	return f
}

// CheckURL refuses what a fetch must not try: not an absolute http(s) URL, or a private host when those are
// not allowed.
func (f *Fetcher) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ErrNotHTTPURL
	}
	if !f.allowPrivate && blockedHost(u.Hostname()) {
		return ErrPrivateTarget
	}
	return nil
}

// ErrNotHTTPURL is a URL a fetch does not try: not absolute, or not http(s).
var ErrNotHTTPURL = errors.New("must be an absolute http or https URL")

// ErrFileTooLarge is a file whose answer declares more bytes than the caller's limit.
var ErrFileTooLarge = errors.New("the file is larger than the limit")

// Fetch GETs raw and answers its body for the caller to stream and close. A Content-Length above max is
// ErrFileTooLarge before any byte is read (the caller bounds the stream too: a length may be absent).
func (f *Fetcher) Fetch(ctx context.Context, raw string, max int64) (io.ReadCloser, error) {
	if err := f.CheckURL(raw); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "aezen-media/1")
	res, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		res.Body.Close()
		return nil, &StatusError{Code: res.StatusCode}
	}
	if max > 0 && res.ContentLength > max {
		res.Body.Close()
		return nil, ErrFileTooLarge
	}
	return res.Body, nil
}

// FetchError is the reason a fetch failed as an integration may read it: a category, never the addresses
// tried (see DeliveryError).
func FetchError(err error) string {
	switch {
	case errors.Is(err, ErrPrivateTarget):
		return "points at a private or reserved address"
	case errors.Is(err, ErrNotHTTPURL):
		return ErrNotHTTPURL.Error()
	case errors.Is(err, ErrFileTooLarge):
		return "names a file larger than the media size limit"
	}
	var status *StatusError
	if errors.As(err, &status) {
		return fmt.Sprintf("answered %d", status.Code)
	}
	msg := DeliveryError(err)
	if msg == "the webhook could not be reached" {
		return "could not be fetched"
	}
	return "could not be fetched: " + trimWebhook(msg)
}

func trimWebhook(s string) string {
	const p = "the webhook"
	if len(s) > len(p) && s[:len(p)] == p {
		return "the server" + s[len(p):]
	}
	return s
}
