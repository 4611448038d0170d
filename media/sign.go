package media

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Signer makes and checks the signed, expiring URLs of media (GET /api/media/:mediaId?tenant=&expires=&
// signature=), so that an <img src> or a webhook receiver can fetch a file without a token. A URL names the
// tenant and the media id and is valid until expires; the signature is an HMAC-SHA256 of the three under a
// key derived from the node's JWT secret, so every member can check what any member signed.
type Signer struct {
	key  []byte
	ttl  time.Duration
	base string
}

// URL parameter names of a signed media URL.
const (
	ParamTenant    = "tenant"
	ParamExpires   = "expires"
	ParamSignature = "signature"
)

// NewSigner derives the signing key from secret. URLs live ttl, rounded up to the next whole hour so that
// the same file read twice within the hour gets the same URL (browsers and CDNs can cache it); base is the
// public origin put in front ("https://inbox.example.com"), or "" for URLs relative to the engine.
func NewSigner(secret string, ttl time.Duration, base string) *Signer {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("aezen media url v1"))
	return &Signer{key: mac.Sum(nil), ttl: ttl, base: strings.TrimRight(base, "/")}
}

// URL signs a link to a tenant's media, valid from now for the signer's lifetime.
func (s *Signer) URL(tenantID, mediaID uuid.UUID, now time.Time) string {
	exp := now.Add(s.ttl).Add(time.Hour - 1).Truncate(time.Hour).Unix()
	q := url.Values{}
	q.Set(ParamTenant, tenantID.String())
	q.Set(ParamExpires, strconv.FormatInt(exp, 10))
	q.Set(ParamSignature, s.sign(tenantID, mediaID, exp))
	return s.base + "/api/media/" + mediaID.String() + "?" + q.Encode()
}

// Sign fills o.URL.
func (s *Signer) Sign(tenantID uuid.UUID, o *Object, now time.Time) {
	o.URL = s.URL(tenantID, o.MediaID, now)
}

// Verify checks a signed URL's parameters for a media id and answers the tenant it grants access to.
func (s *Signer) Verify(mediaID uuid.UUID, tenant, expires, signature string, now time.Time) (uuid.UUID, bool) {
	tid, err := uuid.Parse(tenant)
	if err != nil {
		return uuid.Nil, false
	}
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil || now.Unix() > exp {
		return uuid.Nil, false
	}
	want := s.sign(tid, mediaID, exp)
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return uuid.Nil, false
	}
	return tid, true
}

func (s *Signer) sign(tenantID, mediaID uuid.UUID, exp int64) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write(tenantID[:])
	mac.Write(mediaID[:])
	mac.Write([]byte(strconv.FormatInt(exp, 10)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}
