package httpapi_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// Issue 13, item 11: one token opened 1,000 WebSockets. Connections are capped per user and per tenant
// (AEZEN_WS_MAX_PER_USER, AEZEN_WS_MAX_PER_TENANT); over a cap the upgrade is refused with 429 and a reason.
func TestWebSocketsAreCappedPerUserAndTenant(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.WSMaxPerUser, cfg.WSMaxPerTenant = 2, 3
	e := testkit.Start(t, cfg)
	owner := e.SignUp()
	agent := newMember(t, e, owner, "AGENT")
	other := e.SignUp()

	refused := func(token, want string) {
		t.Helper()
		_, err := e.DialWSRaw(token)
		var de *testkit.DialError
		if !errors.As(err, &de) || de.Status != http.StatusTooManyRequests || !strings.Contains(de.Body, want) {
			t.Fatalf("dial over the cap: %v", err)
		}
	}
	first := e.DialWS(owner.Token)
	e.DialWS(owner.Token)
	testkit.Eventually(t, 5*time.Second, "two clients", func() bool { return e.Hub.Count() == 2 })
	refused(owner.Token, "this user (at most 2)")
	e.DialWS(agent)
	testkit.Eventually(t, 5*time.Second, "three clients", func() bool { return e.Hub.Count() == 3 })
	refused(agent, "this tenant (at most 3)")
	e.DialWS(other.Token) // another tenant is not affected

	first.Conn.Close()
	testkit.Eventually(t, 5*time.Second, "a slot to free up", func() bool {
		c, err := e.DialWSRaw(agent)
		if err == nil {
			c.Conn.Close()
		}
		return err == nil
	})
}
