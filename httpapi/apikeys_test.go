package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

type apiKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Prefix     string     `json:"prefix"`
	CreatedBy  string     `json:"createdBy"`
	CreatedAt  time.Time  `json:"createdAt"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	LastUsedAt *time.Time `json:"lastUsedAt"`
	Key        string     `json:"key"`
}

func createKey(e *testkit.Engine, token, role string, expiresAt *time.Time) apiKey {
	var k apiKey
	body := map[string]any{"name": "key " + testkit.RandomID(), "role": role}
	if expiresAt != nil {
		body["expiresAt"] = expiresAt.Format(time.RFC3339Nano)
	}
	e.Must(http.StatusCreated, "POST", "/api/api-keys", token, body, &k)
	return k
}

func listKeys(t *testing.T, e *testkit.Engine, token string) (keys []apiKey, raw string) {
	t.Helper()
	var page struct {
		Data []apiKey `json:"data"`
	}
	r := e.Must(http.StatusOK, "GET", "/api/api-keys", token, nil, &page)
	return page.Data, string(r.Body)
}

// mustBeRefused401 checks that a credential is refused with 401 in the one error envelope.
func mustBeRefused401(t *testing.T, e *testkit.Engine, key, why string) testkit.Response {
	t.Helper()
	r := e.Do("GET", "/api/conversations", key, nil)
	if r.Status != http.StatusUnauthorized || r.ErrorCode() != "unauthorized" {
		t.Fatalf("%s: %d %s", why, r.Status, r.Body)
	}
	return r
}

// TestAPIKeyWorksLikeAToken: a key is shown once, listed without itself, works on REST and on the WebSocket
// (Authorization header) like its creator's token, records its last use, and stops working at once when
// revoked (the WebSocket is closed with 4401).
func TestAPIKeyWorksLikeAToken(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	k := createKey(e, owner.Token, "ADMIN", nil)
	if !strings.HasPrefix(k.Key, "aezk_") || !strings.HasPrefix(k.Key, k.Prefix) || len(k.Prefix) < 8 || k.ID == "" ||
		k.Role != "ADMIN" || k.CreatedBy != owner.UserID || k.ExpiresAt != nil || k.LastUsedAt != nil {
		t.Fatalf("created key: %+v", k)
	}
	keys, raw := listKeys(t, e, owner.Token)
	if len(keys) != 1 || keys[0].ID != k.ID || keys[0].Key != "" || strings.Contains(raw, k.Key) || strings.Contains(raw, `"key"`) {
		t.Fatalf("list shows the key: %s", raw)
	}

	// REST: reads, and what an ADMIN may do.
	e.Must(http.StatusOK, "GET", "/api/conversations", k.Key, nil, nil)
	e.Must(http.StatusCreated, "POST", "/api/users", k.Key, map[string]any{"email": "via-key-" + testkit.RandomID() + "@example.com",
		"password": "correct-horse-battery", "role": "AGENT"}, nil)
	var me struct {
		User struct {
			UserID string `json:"userId"`
		} `json:"user"`
	}
	e.Must(http.StatusOK, "GET", "/api/auth/me", k.Key, nil, &me)
	if me.User.UserID != owner.UserID {
		t.Fatalf("a key acts as its creator; me is %s", me.User.UserID)
	}

	// WebSocket with Authorization: Bearer <key>: events arrive.
	ws, err := e.DialWSBearer(k.Key)
	if err != nil {
		t.Fatal(err)
	}
	ch := e.CreateAPIChannel(owner.Token, testkit.NewWebhookReceiver(t).URL)
	if _, r := ch.Inbound("key-1", "cust-1", "hello over a key"); r.Status != http.StatusAccepted {
		t.Fatalf("inbound: %d %s", r.Status, r.Body)
	}
	ws.WaitFrames("incoming_message", 1, 10*time.Second)

	testkit.Eventually(t, 5*time.Second, "lastUsedAt recorded", func() bool {
		keys, _ := listKeys(t, e, owner.Token)
		return len(keys) == 1 && keys[0].LastUsedAt != nil && time.Since(*keys[0].LastUsedAt) < time.Minute
	})

	// Wrong keys: well formed but unknown, malformed, another tenant's.
	mustBeRefused401(t, e, "aezk_"+strings.Repeat("A", 43), "an unknown key")
	mustBeRefused401(t, e, "aezk_short", "a malformed key")
	other := e.SignUp()
	otherKey := createKey(e, other.Token, "OWNER", nil)
	if r := e.Do("GET", "/api/api-keys/"+k.ID, otherKey.Key, nil); r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
		t.Fatalf("another tenant's key reached this key: %d", r.Status)
	}
	if r := e.Do("DELETE", "/api/api-keys/"+k.ID, otherKey.Key, nil); r.Status != http.StatusNotFound {
		t.Fatalf("another tenant's key revoked this one: %d %s", r.Status, r.Body)
	}

	// Revocation: at once on REST, and the WebSocket closes with 4401.
	e.Must(http.StatusNoContent, "DELETE", "/api/api-keys/"+k.ID, owner.Token, nil, nil)
	r := mustBeRefused401(t, e, k.Key, "a revoked key")
	if !strings.Contains(string(r.Body), "revoked") {
		t.Fatalf("revoked key's message: %s", r.Body)
	}
	ws.WaitClosed(4401, 5*time.Second)
	if _, err := e.DialWSBearer(k.Key); err == nil {
		t.Fatal("a revoked key opened a WebSocket")
	}
	if keys, _ := listKeys(t, e, owner.Token); len(keys) != 0 {
		t.Fatalf("revoked key still listed: %+v", keys)
	}
	e.Must(http.StatusNotFound, "DELETE", "/api/api-keys/"+k.ID, owner.Token, nil, nil)
	e.Must(http.StatusOK, "GET", "/api/conversations", owner.Token, nil, nil)
}

// TestAPIKeyRolesAndExpiry: agents cannot manage keys; a key's role is no higher than its creator's, when it
// is made and after the creator is demoted; an AGENT key cannot do what an agent may not; an expired key and
// the key of a removed user are refused.
func TestAPIKeyRolesAndExpiry(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	admin := e.AddUser(owner.Token, "ADMIN")
	agent := e.AddUser(owner.Token, "AGENT")

	for _, req := range []struct{ method, path string }{{"GET", "/api/api-keys"}, {"POST", "/api/api-keys"}, {"DELETE", "/api/api-keys/" + owner.UserID}} {
		r := e.Do(req.method, req.path, agent.Token, map[string]any{"name": "mine", "role": "AGENT"})
		if r.Status != http.StatusForbidden || r.ErrorCode() != "forbidden" {
			t.Fatalf("agent %s %s: %d %s", req.method, req.path, r.Status, r.Body)
		}
	}
	if r := e.Do("POST", "/api/api-keys", admin.Token, map[string]any{"name": "too strong", "role": "OWNER"}); r.Status != http.StatusForbidden {
		t.Fatalf("admin made an OWNER key: %d %s", r.Status, r.Body)
	}
	for _, bad := range []map[string]any{{"role": "ADMIN"}, {"name": "x", "role": "ROOT"}, {"name": "x", "role": "AGENT", "expiresAt": "yesterday"},
		{"name": "x", "role": "AGENT", "expiresAt": time.Now().Add(-time.Hour).Format(time.RFC3339)}, {"name": "x", "role": "AGENT", "extra": 1}} {
		if r := e.Do("POST", "/api/api-keys", owner.Token, bad); r.Status != http.StatusBadRequest {
			t.Fatalf("bad key request %v: %d %s", bad, r.Status, r.Body)
		}
	}
	ownerKey := createKey(e, owner.Token, "OWNER", nil)
	if r := e.Do("DELETE", "/api/api-keys/"+ownerKey.ID, admin.Token, nil); r.Status != http.StatusForbidden {
		t.Fatalf("admin revoked an OWNER key: %d %s", r.Status, r.Body)
	}

	// An AGENT key works the inbox and is refused what agents may not do, keys included.
	agentKey := createKey(e, admin.Token, "AGENT", nil)
	e.Must(http.StatusOK, "GET", "/api/conversations", agentKey.Key, nil, nil)
	for _, req := range []struct{ method, path string }{{"POST", "/api/channels"}, {"GET", "/api/api-keys"}, {"POST", "/api/api-keys"}} {
		r := e.Do(req.method, req.path, agentKey.Key, map[string]any{"name": "x", "role": "AGENT", "platformType": "API", "channelName": "x"})
		if r.Status != http.StatusForbidden {
			t.Fatalf("AGENT key %s %s: %d %s", req.method, req.path, r.Status, r.Body)
		}
	}

	// An ADMIN key of an admin who is demoted acts as an AGENT; when the admin is removed it stops working.
	adminKey := createKey(e, admin.Token, "ADMIN", nil)
	e.Must(http.StatusOK, "GET", "/api/api-keys", adminKey.Key, nil, nil)
	e.Must(http.StatusOK, "PUT", "/api/users/"+admin.UserID, owner.Token, map[string]any{"role": "AGENT"}, nil)
	if r := e.Do("GET", "/api/api-keys", adminKey.Key, nil); r.Status != http.StatusForbidden {
		t.Fatalf("the key of a demoted admin still manages keys: %d %s", r.Status, r.Body)
	}
	e.Must(http.StatusNoContent, "DELETE", "/api/users/"+admin.UserID, owner.Token, nil, nil)
	mustBeRefused401(t, e, adminKey.Key, "the key of a removed user")
	mustBeRefused401(t, e, agentKey.Key, "another key of a removed user")

	// Expiry.
	soon := time.Now().Add(1500 * time.Millisecond)
	expiring := createKey(e, owner.Token, "AGENT", &soon)
	if expiring.ExpiresAt == nil || expiring.ExpiresAt.Sub(soon).Abs() > time.Millisecond {
		t.Fatalf("expiresAt: %v", expiring.ExpiresAt)
	}
	e.Must(http.StatusOK, "GET", "/api/conversations", expiring.Key, nil, nil)
	testkit.Eventually(t, 10*time.Second, "the key expires", func() bool {
		r := e.Do("GET", "/api/conversations", expiring.Key, nil)
		return r.Status == http.StatusUnauthorized && strings.Contains(string(r.Body), "expired")
	})
}

// TestAPIKeyRevocationReachesAnotherMember: two nodes on one master database; a key revoked through one is
// refused by the other, which had it cached, within accounts.AccessCacheTTL.
func TestAPIKeyRevocationReachesAnotherMember(t *testing.T) {
	cfg := testkit.Config(t)
	a := testkit.Start(t, cfg)
	b := testkit.Start(t, cfg)
	owner := a.SignUp()
	k := createKey(a, owner.Token, "ADMIN", nil)
	b.Must(http.StatusOK, "GET", "/api/users", k.Key, nil, nil) // cached on b
	a.Must(http.StatusNoContent, "DELETE", "/api/api-keys/"+k.ID, owner.Token, nil, nil)
	start := time.Now()
	testkit.Eventually(t, 10*time.Second, "the other member refuses the revoked key", func() bool {
		return b.Do("GET", "/api/users", k.Key, nil).Status == http.StatusUnauthorized
	})
	// The cache lasts 2 s; the slack is for a loaded machine's request latency.
	if waited := time.Since(start); waited > 6*time.Second {
		t.Fatalf("revocation took %v on the other member", waited)
	}
}
