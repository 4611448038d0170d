package main

import (
	"net/http"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// TestClusterRevocationReachesEveryMember: a user removed, or a tenant suspended, through one member is
// refused by the other members within seconds, though they had just served the same token, and the
// WebSockets on them are closed with 4401.
func TestClusterRevocationReachesEveryMember(t *testing.T) {
	c := startCluster(t, 2)
	m0, m1 := c.Member(0), c.Member(1)
	owner := m0.SignUp()
	admin := m0.AddUser(owner.Token, "ADMIN")
	m1.Must(http.StatusOK, "GET", "/api/users", admin.Token, nil, nil)
	ws := m1.DialWS(admin.Token)

	m0.Must(http.StatusNoContent, "DELETE", "/api/users/"+admin.UserID, owner.Token, nil, nil)
	start := time.Now()
	testkit.Eventually(t, 5*time.Second, "member 1 to refuse the removed admin", func() bool {
		return m1.Do("GET", "/api/users", admin.Token, nil).Status == http.StatusUnauthorized
	})
	t.Logf("removal reached member 1 after %s", time.Since(start).Round(time.Millisecond))
	ws.WaitClosed(4401, 5*time.Second)

	ownerWS := m1.DialWS(owner.Token)
	m1.Must(http.StatusOK, "GET", "/api/conversations", owner.Token, nil, nil)
	m0.Must(http.StatusOK, "PUT", "/api/ops/tenants/"+owner.TenantID+"/status", c.Cfg.OpsToken, map[string]any{"status": "SUSPENDED"}, nil)
	testkit.Eventually(t, 5*time.Second, "member 1 to refuse the suspended tenant", func() bool {
		return m1.Do("GET", "/api/conversations", owner.Token, nil).Status == http.StatusForbidden
	})
	ownerWS.WaitClosed(4401, 5*time.Second)
}
