package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/persistence"
)

// TestTenantsNeverSeeEachOthersData: each tenant has its own database; ids of one are unknown to the other.
func TestTenantsNeverSeeEachOthersData(t *testing.T) {
	e := testkit.StartDefault(t)
	a, b := e.SignUp(), e.SignUp()
	chA := e.CreateAPIChannel(a.Token, "http://127.0.0.1:1/unused")
	in, _ := chA.Inbound("iso-1", "only-a", "secret of A")

	var listB struct {
		Data []conversation `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations", b.Token, nil, &listB)
	if len(listB.Data) != 0 {
		t.Fatalf("tenant B sees %d conversations", len(listB.Data))
	}
	for _, path := range []string{"/api/conversations/" + in.ChatID, "/api/conversations/" + in.ChatID + "/messages", "/api/channels/" + chA.ID} {
		if r := e.Do("GET", path, b.Token, nil); r.Status != http.StatusNotFound {
			t.Fatalf("tenant B GET %s: %d %s", path, r.Status, r.Body)
		}
	}
	if r := e.Do("POST", "/api/conversations/"+in.ChatID+"/send", b.Token, map[string]any{"content": "x"}); r.Status != http.StatusNotFound {
		t.Fatalf("tenant B send into A's chat: %d", r.Status)
	}
	// The databases are separate: A's message is in A's database only.
	for acct, want := range map[testkit.Account]int{a: 1, b: 0} {
		if n := countRows(t, e, acct.TenantID, "messages"); n != want {
			t.Fatalf("tenant %s database has %d messages, want %d", acct.TenantID, n, want)
		}
	}
}

func tenantConn(t *testing.T, e *testkit.Engine, tenantID string) *pgx.Conn {
	t.Helper()
	url, _ := persistence.WithDatabase(e.Cfg.DatabaseURL, persistence.TenantDatabaseName(uuid.MustParse(tenantID)))
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func countRows(t *testing.T, e *testkit.Engine, tenantID, table string) int {
	t.Helper()
	var n int
	if err := tenantConn(t, e, tenantID).QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIdleTenantsPassivateAndComeBack: an idle tenant closes its pool; the next request re-activates it.
func TestIdleTenantsPassivateAndComeBack(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.TenantIdleTimeout = 300 * time.Millisecond
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	in, _ := ch.Inbound("p-1", "sleepy", "before sleep")
	if e.Deps.Pools.OpenPools() != 1 {
		t.Fatalf("%d pools open while active", e.Deps.Pools.OpenPools())
	}
	// The pool leaves the manager before its connections finish closing: wait for both.
	testkit.Eventually(t, 15*time.Second, "tenant to passivate and its connections to close", func() bool {
		return e.Deps.Pools.OpenPools() == 0 && e.Deps.Pools.OpenConns() == 0
	})
	if msgs, _ := messages(t, e, acct.Token, in.ChatID, ""); len(msgs) != 1 || msgs[0].Content != "before sleep" {
		t.Fatalf("after re-activation: %+v", msgs)
	}
}

// TestADrainingNodeActivatesNoTenant: once a member stops (Node.Stop drains first), a request for one of
// its passivated tenants does not activate the tenant there again (it would hold a lease nobody renews or
// releases): the caller retries until its request times out, 503.
func TestADrainingNodeActivatesNoTenant(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.TenantIdleTimeout = 300 * time.Millisecond
	cfg.RequestTimeout = time.Second
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	e.Must(http.StatusOK, "GET", "/api/conversations", acct.Token, nil, nil)
	testkit.Eventually(t, 5*time.Second, "tenant to passivate", func() bool { return e.Deps.Pools.OpenPools() == 0 })

	e.Node.Drain()
	if r := e.Do("GET", "/api/conversations", acct.Token, nil); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("a request on a draining node: %d %s, want 503", r.Status, r.Body)
	}
	if n := e.Deps.Pools.OpenPools(); n != 0 {
		t.Fatalf("the tenant activated on a draining node (%d pools open)", n)
	}
}

// TestMissingTenantDatabaseIsRecreated: a tenant whose database vanished gets a fresh one on activation.
func TestMissingTenantDatabaseIsRecreated(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.TenantIdleTimeout = 300 * time.Millisecond
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	e.Must(http.StatusOK, "GET", "/api/conversations", acct.Token, nil, nil)
	testkit.Eventually(t, 5*time.Second, "tenant to passivate", func() bool { return e.Deps.Pools.OpenPools() == 0 })

	dbName := persistence.TenantDatabaseName(uuid.MustParse(acct.TenantID))
	if err := e.Deps.Admin.DropDatabase(context.Background(), dbName); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Data []conversation `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations", acct.Token, nil, &list)
	if exists, _ := e.Deps.Admin.DatabaseExists(context.Background(), dbName); !exists || len(list.Data) != 0 {
		t.Fatalf("database exists=%v, conversations=%d", exists, len(list.Data))
	}
	// And it is usable: the schema is migrated.
	e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
}

// TestConnectionBoundHoldsWithManyTenants runs many busy tenants on a node allowed only a few connections.
func TestConnectionBoundHoldsWithManyTenants(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.DBMaxConns = 4
	cfg.TenantMaxConns = 2
	e := testkit.Start(t, cfg)
	const tenants = 12
	accts := make([]testkit.Account, tenants)
	chans := make([]testkit.APIChannel, tenants)
	for i := range accts {
		accts[i] = e.SignUp()
		chans[i] = e.CreateAPIChannel(accts[i].Token, "http://127.0.0.1:1/unused")
	}
	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if n := e.Deps.Pools.OpenConns(); n > peak.Load() {
				peak.Store(n)
			}
			time.Sleep(time.Millisecond)
		}
	}()
	var wg sync.WaitGroup
	var failures atomic.Int64
	for i := range accts {
		for w := 0; w < 3; w++ {
			wg.Add(1)
			go func(i, w int) {
				defer wg.Done()
				for k := 0; k < 10; k++ {
					if _, r := chans[i].Inbound(fmt.Sprintf("b-%d-%d", w, k), fmt.Sprintf("c-%d", w), "hi"); r.Status != http.StatusAccepted {
						failures.Add(1)
					}
					if r := e.Do("GET", "/api/conversations", accts[i].Token, nil); r.Status != http.StatusOK {
						failures.Add(1)
					}
				}
			}(i, w)
		}
	}
	wg.Wait()
	close(stop)
	<-sampled
	if failures.Load() > 0 {
		t.Fatalf("%d requests failed", failures.Load())
	}
	if p := peak.Load(); p > int64(cfg.DBMaxConns) || p == 0 {
		t.Fatalf("peak open tenant connections %d, bound %d", p, cfg.DBMaxConns)
	}
	// Postgres agrees: no more than the bound are open to tenant databases. A backend whose client has just
	// hung up can linger in pg_stat_activity for a moment on a loaded machine, so the count may settle.
	admin, _ := pgx.Connect(context.Background(), cfg.DatabaseURL)
	defer admin.Close(context.Background())
	var open int
	testkit.Eventually(t, 5*time.Second, "tenant connections within the bound", func() bool {
		_ = admin.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE datname LIKE 'aezen_t_%' AND datname = ANY($1)`,
			tenantDatabases(accts)).Scan(&open)
		return open <= cfg.DBMaxConns
	})
	for _, a := range accts {
		if n := countRows(t, e, a.TenantID, "messages"); n != 30 {
			t.Fatalf("tenant %s stored %d messages, want 30", a.TenantID, n)
		}
	}
}

func tenantDatabases(accts []testkit.Account) []string {
	var out []string
	for _, a := range accts {
		out = append(out, persistence.TenantDatabaseName(uuid.MustParse(a.TenantID)))
	}
	return out
}

func TestOperatorEndpoints(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	e.Must(http.StatusOK, "GET", "/api/conversations", acct.Token, nil, nil)
	e.Must(http.StatusOK, "GET", "/healthz", "", nil, nil)
	e.Must(http.StatusOK, "GET", "/readyz", "", nil, nil)
	r := e.Must(http.StatusOK, "GET", "/metrics", "", nil, nil)
	for _, want := range []string{`aezen_http_requests_total{method="GET",route="/api/conversations",status="200"}`,
		"aezen_tenant_actors_active", `aezen_tenant_pools_open{server="default"} 1`, "aezen_tenant_connections_open", "aezen_actor_restarts_total"} {
		if !strings.Contains(string(r.Body), want) {
			t.Fatalf("metrics lack %q", want)
		}
	}
	if r := e.Do("GET", "/api/nothing-here", acct.Token, nil); r.Status != http.StatusNotFound || r.ErrorCode() == "" {
		t.Fatalf("unknown route: %d %s", r.Status, r.Body)
	}
}

// TestReadinessFailsWithoutMaster: /readyz answers 503 when the master database is unreachable.
func TestReadinessFailsWithoutMaster(t *testing.T) {
	e := testkit.StartDefault(t)
	e.Deps.Master.Pool.Close()
	if r := e.Do("GET", "/readyz", "", nil); r.Status != http.StatusServiceUnavailable || r.ErrorCode() != "unavailable" {
		t.Fatalf("readyz with master closed: %d %s", r.Status, r.Body)
	}
	e.Must(http.StatusOK, "GET", "/healthz", "", nil, nil)
}
