package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

type user struct {
	UserID   string  `json:"userId"`
	Email    string  `json:"email"`
	Role     string  `json:"role"`
	FullName *string `json:"fullName"`
}

func login(t *testing.T, e *testkit.Engine, email, password string) string {
	t.Helper()
	var res struct {
		Token string `json:"token"`
	}
	e.Must(http.StatusOK, "POST", "/api/auth/login", "", map[string]string{"email": email, "password": password}, &res)
	return res.Token
}

func TestTeamManagement(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	other := e.SignUp()

	var admin, agent user
	e.Must(http.StatusCreated, "POST", "/api/users", owner.Token, map[string]any{"email": "admin-" + testkit.RandomID() + "@example.com",
		"password": "admin-password", "role": "ADMIN", "fullName": "Ada Admin"}, &admin)
	e.Must(http.StatusCreated, "POST", "/api/users", owner.Token, map[string]any{"email": "agent-" + testkit.RandomID() + "@example.com",
		"password": "agent-password", "role": "AGENT"}, &agent)
	adminToken := login(t, e, admin.Email, "admin-password")
	agentToken := login(t, e, agent.Email, "agent-password")

	var list struct {
		Data []user `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/users", agentToken, nil, &list)
	if len(list.Data) != 3 {
		t.Fatalf("team has %d members", len(list.Data))
	}

	cases := []struct {
		name         string
		method, path string
		token        string
		body         any
		want         int
	}{
		{"agent cannot create", "POST", "/api/users", agentToken, map[string]any{"email": "x@example.com", "password": "long-enough", "role": "AGENT"}, http.StatusForbidden},
		{"agent cannot delete", "DELETE", "/api/users/" + admin.UserID, agentToken, nil, http.StatusForbidden},
		{"agent cannot change roles", "PUT", "/api/users/" + agent.UserID, agentToken, map[string]any{"role": "ADMIN"}, http.StatusForbidden},
		{"agent may rename self", "PUT", "/api/users/" + agent.UserID, agentToken, map[string]any{"fullName": "Agent Smith"}, http.StatusOK},
		{"admin cannot make an owner", "POST", "/api/users", adminToken, map[string]any{"email": "o2@example.com", "password": "long-enough", "role": "OWNER"}, http.StatusForbidden},
		{"admin cannot demote the owner", "PUT", "/api/users/" + owner.UserID, adminToken, map[string]any{"role": "AGENT"}, http.StatusForbidden},
		{"last owner cannot be demoted", "PUT", "/api/users/" + owner.UserID, owner.Token, map[string]any{"role": "ADMIN"}, http.StatusConflict},
		{"last owner cannot be deleted", "DELETE", "/api/users/" + owner.UserID, owner.Token, nil, http.StatusConflict},
		{"other tenant's user is not found", "GET", "/api/users/" + other.UserID, owner.Token, nil, http.StatusNotFound},
		{"other tenant's user cannot be deleted", "DELETE", "/api/users/" + other.UserID, owner.Token, nil, http.StatusNotFound},
		{"bad uuid", "GET", "/api/users/12", owner.Token, nil, http.StatusBadRequest},
		{"bad role", "POST", "/api/users", owner.Token, map[string]any{"email": "r@example.com", "password": "long-enough", "role": "KING"}, http.StatusBadRequest},
		{"taken email", "POST", "/api/users", owner.Token, map[string]any{"email": other.Email, "password": "long-enough", "role": "AGENT"}, http.StatusConflict},
		{"admin deletes agent", "DELETE", "/api/users/" + agent.UserID, adminToken, nil, http.StatusNoContent},
		{"deleted agent is gone", "GET", "/api/users/" + agent.UserID, owner.Token, nil, http.StatusNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.Do(tc.method, tc.path, tc.token, tc.body)
			if r.Status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.want, r.Body)
			}
		})
	}
	// With a second owner, the first may step down.
	var second user
	e.Must(http.StatusCreated, "POST", "/api/users", owner.Token, map[string]any{"email": "owner2-" + testkit.RandomID() + "@example.com",
		"password": "owner-password", "role": "OWNER"}, &second)
	var demoted user
	e.Must(http.StatusOK, "PUT", "/api/users/"+owner.UserID, owner.Token, map[string]any{"role": "ADMIN"}, &demoted)
	if demoted.Role != "ADMIN" {
		t.Fatalf("role after demotion: %s", demoted.Role)
	}
	// A deleted user's token no longer answers /me.
	if r := e.Do("GET", "/api/auth/me", agentToken, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("deleted user's /me: %d", r.Status)
	}
}
