package httpapi_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

func TestOpsEndpoints(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	in, _ := ch.Inbound("ops-1", "watched", "hello")

	if r := e.Do("GET", "/api/ops/cluster", acct.Token, nil); r.Status != http.StatusUnauthorized {
		t.Fatalf("a user's token opened the ops API: %d", r.Status)
	}
	ops := e.Cfg.OpsToken
	var cl struct {
		Member  struct{ Address string } `json:"member"`
		Members []struct {
			Address string   `json:"address"`
			Kinds   []string `json:"kinds"`
		} `json:"members"`
		Provider string `json:"provider"`
	}
	e.Must(http.StatusOK, "GET", "/api/ops/cluster", ops, nil, &cl)
	if len(cl.Members) != 1 || cl.Members[0].Address != cl.Member.Address || cl.Provider != "none" || !slices.Contains(cl.Members[0].Kinds, "tenant") {
		t.Fatalf("cluster: %+v", cl)
	}
	var actors struct {
		Tenants []struct {
			TenantID      string `json:"tenantId"`
			Conversations []struct {
				ChatID string `json:"chatId"`
			} `json:"conversations"`
			Sessions []struct {
				Platform string `json:"platform"`
			} `json:"sessions"`
		} `json:"tenants"`
	}
	e.Must(http.StatusOK, "GET", "/api/ops/actors", ops, nil, &actors)
	if len(actors.Tenants) != 1 || actors.Tenants[0].TenantID != acct.TenantID || len(actors.Tenants[0].Conversations) != 1 ||
		actors.Tenants[0].Conversations[0].ChatID != in.ChatID {
		t.Fatalf("actors: %+v", actors)
	}
	var one struct {
		Tenant struct {
			Member string `json:"member"`
		} `json:"tenant"`
	}
	e.Must(http.StatusOK, "GET", "/api/ops/tenants/"+acct.TenantID, ops, nil, &one)
	if one.Tenant.Member != cl.Member.Address {
		t.Fatalf("tenant lives on %q", one.Tenant.Member)
	}
	if r := e.Do("GET", "/api/ops/tenants/0192f000-0000-7000-8000-000000000009", ops, nil); r.Status != http.StatusNotFound {
		t.Fatalf("unknown tenant: %d %s", r.Status, r.Body)
	}
}
