package sessions

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"
)

// TimestampHeader carries the Unix time (seconds) at which a call was signed. The signature covers it:
// X-Aezen-Signature is "sha256=" + hex(HMAC-SHA256(secret, timestamp + "." + body)), so a captured call
// cannot be replayed once it is older than the tolerance (AEZEN_SIGNATURE_TOLERANCE), in either direction:
// the engine checks the integration's calls, receivers check the engine's webhooks.
const TimestampHeader = "X-Aezen-Timestamp"

// SignTimed is the signature header value for body signed at unix time ts.
func SignTimed(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Signature verification failures; each explains what the caller must fix.
var (
	ErrSignatureMissing   = errors.New(SignatureHeader + " header is required")
	ErrTimestampMissing   = errors.New(TimestampHeader + " header is required: sign \"<timestamp>.<body>\" (see the README)")
	ErrTimestampMalformed = errors.New(TimestampHeader + " must be a Unix time in seconds")
	ErrTimestampStale     = errors.New(TimestampHeader + " is outside the accepted window: sign each call when it is sent")
	ErrSignatureMismatch  = errors.New("signature does not match the channel's secret")
)

// SignaturePolicy says which signed calls are accepted.
type SignaturePolicy struct {
	// Tolerance is how far a call's timestamp may be from now, either way.
	Tolerance time.Duration
	// AllowUntimed accepts calls without a timestamp, signed over the body alone (integrations written
	// before timestamps; replayable, so only for a migration: AEZEN_SIGNATURE_LEGACY).
	AllowUntimed bool
}

// VerifyCall checks a signed call against any of secrets (the channel's secret, and the one it replaced
// while the rotation's grace period lasts), in constant time per secret.
func VerifyCall(secrets []string, body []byte, signature, timestamp string, now time.Time, p SignaturePolicy) error {
	if signature == "" {
		return ErrSignatureMissing
	}
	if timestamp == "" {
		if !p.AllowUntimed {
			return ErrTimestampMissing
		}
		for _, s := range secrets {
			if s != "" && VerifySignature(s, body, signature) {
				return nil
			}
		}
		return ErrSignatureMismatch
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return ErrTimestampMalformed
	}
	if d := now.Sub(time.Unix(ts, 0)); d > p.Tolerance || d < -p.Tolerance {
		return ErrTimestampStale
	}
	for _, s := range secrets {
		if s != "" && hmac.Equal([]byte(SignTimed(s, ts, body)), []byte(signature)) {
			return nil
		}
	}
	return ErrSignatureMismatch
}
