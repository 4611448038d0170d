package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// Issue 13, item 11: signed API-channel calls had no timestamp, so replaying a captured call re-created a
// message its tenant had deleted. The signature now covers X-Aezen-Timestamp, refused outside the window.
func TestReplayedSignedCallsAreRefused(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.SignatureTolerance = 10 * time.Second
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:9/hook")
	raw, _ := json.Marshal(obj{"platformMessageId": "wamid.replay", "from": obj{"platformCustomerId": "v"}, "content": "order 66"})

	signedAt := time.Now().Add(-9 * time.Second) // captured 9 s ago, still inside the window
	r := ch.PostSigned("inbound", raw, ch.Secret, signedAt)
	if r.Status != http.StatusAccepted {
		t.Fatalf("fresh call: %d %s", r.Status, r.Body)
	}
	var in testkit.InboundAnswer
	r.JSON(t, &in)
	e.Must(http.StatusNoContent, "DELETE", "/api/messages/"+in.MessageID, acct.Token, nil, nil)

	// The attacker replays the captured call. Inside the window a replay is possible (an integration's own
	// retries must work); the window is what bounds it, so wait until the capture is older than that.
	time.Sleep(time.Until(signedAt.Add(cfg.SignatureTolerance + time.Second)))
	r = ch.PostSigned("inbound", raw, ch.Secret, signedAt)
	if r.Status != http.StatusUnauthorized || !strings.Contains(string(r.Body), "outside the accepted window") {
		t.Fatalf("replay: %d %s", r.Status, r.Body)
	}
	if msgs, _ := messages(t, e, acct.Token, in.ChatID, ""); len(msgs) != 0 {
		t.Fatalf("the deleted message is back: %+v", msgs)
	}

	for name, at := range map[string]time.Time{"untimed (body only)": {}, "from the future": time.Now().Add(time.Minute),
		"an hour old": time.Now().Add(-time.Hour)} {
		r := ch.PostSigned("inbound", raw, ch.Secret, at)
		if r.Status != http.StatusUnauthorized || !strings.Contains(string(r.Body), "X-Aezen-Timestamp") {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	r = e.Do("POST", "/api/channels/"+ch.ID+"/inbound", "", raw, "X-Aezen-Timestamp: soon", "X-Aezen-Signature: sha256=00")
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("malformed timestamp: %d %s", r.Status, r.Body)
	}
}

// A rotated secret keeps verifying calls for AEZEN_SECRET_ROTATION_GRACE, so an integration can switch to the
// new one without refused calls in between; after that only the new one works.
func TestRotatedSecretOverlapsForTheGracePeriod(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.SecretRotationGrace = 3 * time.Second
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:9/hook")
	old := ch.Secret
	var rotated struct {
		WebhookSecret           string     `json:"webhookSecret"`
		PreviousSecretExpiresAt *time.Time `json:"previousSecretExpiresAt"`
	}
	e.Must(http.StatusOK, "PUT", "/api/channels/"+ch.ID, acct.Token, obj{"rotateWebhookSecret": true}, &rotated)
	if rotated.WebhookSecret == old || rotated.PreviousSecretExpiresAt == nil || time.Until(*rotated.PreviousSecretExpiresAt) > 3*time.Second {
		t.Fatalf("rotation answered %+v", rotated)
	}
	n := 0
	post := func(secret string) testkit.Response {
		n++
		raw, _ := json.Marshal(obj{"platformMessageId": "rot-" + strconv.Itoa(n), "from": obj{"platformCustomerId": "v"}, "content": "hi"})
		return ch.PostSigned("inbound", raw, secret, time.Now())
	}
	for name, secret := range map[string]string{"old": old, "new": rotated.WebhookSecret} {
		if r := post(secret); r.Status != http.StatusAccepted {
			t.Fatalf("%s secret during the grace period: %d %s", name, r.Status, r.Body)
		}
	}
	testkit.Eventually(t, 10*time.Second, "the old secret to expire", func() bool { return post(old).Status == http.StatusUnauthorized })
	if r := post(rotated.WebhookSecret); r.Status != http.StatusAccepted {
		t.Fatalf("new secret after the grace period: %d %s", r.Status, r.Body)
	}
}
