package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// TestDeletedAdminLosesAccessAtOnce: an admin's token stops working as soon as the admin is removed: no
// listing, no creating another admin who could log in.
func TestDeletedAdminLosesAccessAtOnce(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	admin := e.AddUser(owner.Token, "ADMIN")
	e.Must(http.StatusOK, "GET", "/api/users", admin.Token, nil, nil)
	ws := e.DialWS(admin.Token)

	e.Must(http.StatusNoContent, "DELETE", "/api/users/"+admin.UserID, owner.Token, nil, nil)
	if r := e.Do("GET", "/api/users", admin.Token, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("deleted admin lists the team: %d %s", r.Status, r.Body)
	}
	r := e.Do("POST", "/api/users", admin.Token, map[string]any{"email": "backdoor-" + testkit.RandomID() + "@example.com",
		"password": "correct-horse-battery", "role": "ADMIN"})
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("deleted admin created a user: %d %s", r.Status, r.Body)
	}
	ws.WaitClosed(4401, 5*time.Second)
	if _, err := e.DialWSRaw(admin.Token); err == nil {
		t.Fatal("deleted admin opened a WebSocket")
	}
}

// TestDemotedOwnerCannotPromoteThemselfBack: permissions follow the user's current role, not the role in
// their token.
func TestDemotedOwnerCannotPromoteThemselfBack(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	second := e.AddUser(owner.Token, "OWNER")
	e.Must(http.StatusOK, "PUT", "/api/users/"+second.UserID, owner.Token, map[string]any{"role": "AGENT"}, nil)

	r := e.Do("PUT", "/api/users/"+second.UserID, second.Token, map[string]any{"role": "OWNER"})
	if r.Status != http.StatusForbidden {
		t.Fatalf("demoted owner promoted themself with the old token: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/users", second.Token, map[string]any{"email": "x-" + testkit.RandomID() + "@example.com",
		"password": "correct-horse-battery", "role": "AGENT"}); r.Status != http.StatusForbidden {
		t.Fatalf("demoted owner (now agent) added a user: %d %s", r.Status, r.Body)
	}
	var me struct {
		User struct {
			Role string `json:"role"`
		} `json:"user"`
	}
	e.Must(http.StatusOK, "GET", "/api/auth/me", second.Token, nil, &me)
	if me.User.Role != "AGENT" {
		t.Fatalf("me says %s", me.User.Role)
	}
}

// TestPasswordChangeRevokesOldTokens: after a password change the tokens issued before it are refused
// (and their WebSockets closed); a new login works.
func TestPasswordChangeRevokesOldTokens(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	agent := e.AddUser(owner.Token, "AGENT")
	ws := e.DialWS(agent.Token)
	e.Must(http.StatusOK, "PUT", "/api/users/"+agent.UserID, agent.Token, map[string]any{"password": "a-brand-new-secret"}, nil)

	if r := e.Do("GET", "/api/conversations", agent.Token, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("token from before the password change: %d %s", r.Status, r.Body)
	}
	ws.WaitClosed(4401, 5*time.Second)
	fresh := e.Login(agent.Email, "a-brand-new-secret")
	e.Must(http.StatusOK, "GET", "/api/conversations", fresh, nil, nil)
	e.Must(http.StatusOK, "GET", "/api/conversations", owner.Token, nil, nil)
}

// TestWebSocketClosedWhenTokenExpires: a WebSocket does not outlive its token.
func TestWebSocketClosedWhenTokenExpires(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.TokenTTL = 2 * time.Second
	e := testkit.Start(t, cfg)
	owner := e.SignUp()
	ws := e.DialWS(owner.Token)
	ws.WaitClosed(4401, 6*time.Second)
}

// TestSuspendedTenantIsRefusedEverywhere: suspending a tenant refuses its users' requests, logins and
// WebSockets and its channels' signed calls, though its actor was active; re-admitting it restores them.
func TestSuspendedTenantIsRefusedEverywhere(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	other := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	if _, r := ch.Inbound("before", "cust", "hello"); r.Status != http.StatusAccepted {
		t.Fatalf("inbound: %d %s", r.Status, r.Body)
	}
	ws := e.DialWS(acct.Token)

	e.Must(http.StatusOK, "PUT", "/api/ops/tenants/"+acct.TenantID+"/status", e.Cfg.OpsToken, map[string]any{"status": "SUSPENDED"}, nil)
	if r := e.Do("GET", "/api/conversations", acct.Token, nil); r.Status != http.StatusForbidden {
		t.Fatalf("suspended tenant's request: %d %s", r.Status, r.Body)
	}
	ws.WaitClosed(4401, 5*time.Second)
	if _, r := ch.Inbound("during", "cust", "hello?"); r.Status != http.StatusForbidden {
		t.Fatalf("suspended tenant's signed inbound call: %d %s", r.Status, r.Body)
	}
	if r := e.Do("POST", "/api/auth/login", "", map[string]any{"email": acct.Email, "password": acct.Password}); r.Status != http.StatusForbidden {
		t.Fatalf("suspended tenant's login: %d %s", r.Status, r.Body)
	}
	e.Must(http.StatusOK, "GET", "/api/conversations", other.Token, nil, nil)

	e.Must(http.StatusOK, "PUT", "/api/ops/tenants/"+acct.TenantID+"/status", e.Cfg.OpsToken, map[string]any{"status": "ACTIVE"}, nil)
	e.Must(http.StatusOK, "GET", "/api/conversations", acct.Token, nil, nil)
	if _, r := ch.Inbound("after", "cust", "back"); r.Status != http.StatusAccepted {
		t.Fatalf("re-admitted tenant's inbound: %d %s", r.Status, r.Body)
	}
}
