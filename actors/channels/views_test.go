package channels

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/sessions"
)

// TestWebhookMessageShowsWhatOutboundShowed: the webhook's message is ops.OutboundMessage now, and must
// encode exactly as sessions.Outbound did (receivers parse it), with and without the optional fields.
func TestWebhookMessageShowsWhatOutboundShowed(t *testing.T) {
	full := sessions.Outbound{MessageID: uuid.New(), ChatID: uuid.New(), PlatformMessageID: "aezen-1", To: "visitor-7",
		ContentType: "IMAGE", Content: "caption", Metadata: json.RawMessage(`{"k":1}`), Timestamp: time.Unix(1700000000, 5).UTC(),
		Media: &sessions.OutboundMedia{MediaID: uuid.New(), MimeType: "image/png", Size: 42, FileName: "a.png", URL: "/api/media/x"}}
	for _, m := range []sessions.Outbound{{}, full} {
		want, _ := json.Marshal(m)
		got, _ := json.Marshal(webhookMessage(m))
		if string(got) != string(want) {
			t.Errorf("webhook message\n%s\nwas\n%s", got, want)
		}
	}
}

// TestSignedCallHeadersAgree: the catalogue names the signed-call headers without importing sessions;
// they must be the ones sessions signs and verifies with.
func TestSignedCallHeadersAgree(t *testing.T) {
	if ops.SignatureHeader != sessions.SignatureHeader || ops.TimestampHeader != sessions.TimestampHeader {
		t.Fatalf("ops headers %q/%q, sessions %q/%q", ops.SignatureHeader, ops.TimestampHeader,
			sessions.SignatureHeader, sessions.TimestampHeader)
	}
}
