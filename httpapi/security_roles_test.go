package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// newMember adds a user with the role to the owner's team and logs them in.
func newMember(t *testing.T, e *testkit.Engine, owner testkit.Account, role string) string {
	t.Helper()
	email := role + "-" + testkit.RandomID() + "@example.com"
	e.Must(http.StatusCreated, "POST", "/api/users", owner.Token, map[string]any{"email": email, "password": "member-password", "role": role}, nil)
	return login(t, e, email, "member-password")
}

// Issue 13, item 6: an AGENT rotated a channel secret, repointed the webhook and created channels.
func TestAgentsCannotManageChannelsOrWhatsApp(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agent := newMember(t, e, owner, "AGENT")
	admin := newMember(t, e, owner, "ADMIN")
	ch := e.CreateAPIChannel(owner.Token, "http://127.0.0.1:9/hook")
	path := "/api/channels/" + ch.ID

	for _, tc := range []struct {
		name, method, path string
		body               any
	}{
		{"create a channel", "POST", "/api/channels", map[string]any{"platformType": "API", "channelName": "x", "webhookUrl": "http://127.0.0.1:9/evil"}},
		{"repoint the webhook", "PUT", path, map[string]any{"webhookUrl": "http://127.0.0.1:9/evil"}},
		{"rotate the secret", "PUT", path, map[string]any{"rotateWebhookSecret": true}},
		{"delete a channel", "DELETE", path, nil},
		{"connect WhatsApp", "POST", "/api/integrations/whatsapp/toggle", nil},
		{"pair WhatsApp by phone", "POST", "/api/integrations/whatsapp/pair-phone", map[string]any{"phone": "+15550001111"}},
		{"log WhatsApp out", "POST", "/api/integrations/whatsapp/logout", nil},
	} {
		t.Run("agent cannot "+tc.name, func(t *testing.T) {
			r := e.Do(tc.method, tc.path, agent, tc.body)
			if r.Status != http.StatusForbidden || r.ErrorCode() != "forbidden" {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
		})
	}

	// Nothing changed: the channel still signs with its secret and points where the owner set it.
	var got map[string]any
	e.Must(http.StatusOK, "GET", path, agent, nil, &got)
	if got["webhookUrl"] != "http://127.0.0.1:9/hook" {
		t.Fatalf("webhook repointed: %v", got)
	}
	if _, r := ch.Inbound("m-1", "visitor", "still signed with the first secret"); r.Status != http.StatusAccepted {
		t.Fatalf("inbound after the refused rotation: %d %s", r.Status, r.Body)
	}

	// Admins may.
	var rotated, shop map[string]any
	e.Must(http.StatusOK, "PUT", path, admin, map[string]any{"rotateWebhookSecret": true}, &rotated)
	if rotated["webhookSecret"] == nil {
		t.Fatalf("rotation by an admin showed no secret: %v", rotated)
	}
	e.Must(http.StatusCreated, "POST", "/api/channels", admin, map[string]any{"platformType": "SHOPIFY", "channelName": "shop"}, &shop)
	e.Must(http.StatusNoContent, "DELETE", "/api/channels/"+shop["channelId"].(string), admin, nil, nil)
}
