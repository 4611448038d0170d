package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/persistence"
)

// TestTenantMoveAcrossServers: in a two-member cluster with two PostgreSQL servers, a tenant placed on the
// default server receives signed inbound messages through the member where it is not active, without a
// break, while `aezen tenant move` moves its database to the second server. Every acknowledged message is
// on the new server exactly once, the last one intact, the old database is gone, the master database names
// the new server, and the tenant keeps serving from there.
func TestTenantMoveAcrossServers(t *testing.T) {
	url2 := testkit.SecondDatabaseURL(t)
	c := testkit.NewCluster(t, binary(t), 2)
	c.UseServers("second=" + url2)
	c.Start(0)
	c.Start(1)
	c.WaitMembers(0, 2, 30*time.Second)
	c.WaitMembers(1, 2, 30*time.Second)
	ctx := context.Background()

	acct := c.Member(0).SignUp()
	tenantID := uuid.MustParse(acct.TenantID)
	master := connect(t, mustURL(t, c.Cfg.DatabaseURL, c.Cfg.MasterDB))
	serverOfTenant := func(id uuid.UUID) string {
		var s string
		if err := master.QueryRow(ctx, `SELECT server FROM tenants WHERE tenant_id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	serverOf := func() string { return serverOfTenant(tenantID) }
	if s := serverOf(); s != "default" {
		t.Fatalf("least-tenants placed the first tenant on %q, want default (first in order)", s)
	}
	host := c.IndexOf(c.HostOf(0, acct.TenantID))
	ch := c.Member(1-host).CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	s := startStream(t, ch, "mv")
	testkit.Eventually(t, 30*time.Second, "messages before the move", func() bool { return s.count() >= 30 })

	cmd := exec.Command(binary(t), "tenant", "move", acct.TenantID, "second")
	cmd.Env = append(append(os.Environ(), c.Env()...), "AEZEN_DATA_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aezen tenant move: %v\n%s", err, out)
	}
	t.Logf("aezen tenant move:\n%s", out)
	if !strings.Contains(string(out), "moved tenant "+acct.TenantID+" from default to second") {
		t.Fatalf("move output:\n%s", out)
	}
	after := s.count()
	testkit.Eventually(t, 30*time.Second, "messages after the move", func() bool { return s.count() >= after+30 })
	acked, worst := s.finish()
	t.Logf("%d messages acknowledged; longest wait for one %s", len(acked), worst)

	if s := serverOf(); s != "second" {
		t.Fatalf("master database says server %q after the move", s)
	}
	var moves int
	if err := master.QueryRow(ctx, `SELECT count(*) FROM tenant_moves`).Scan(&moves); err != nil || moves != 0 {
		t.Fatalf("tenant_moves rows after the move: %d (%v)", moves, err)
	}
	old := connect(t, c.Cfg.DatabaseURL)
	var exists bool
	if err := old.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, persistence.TenantDatabaseName(tenantID)).Scan(&exists); err != nil || exists {
		t.Fatalf("the old database still exists (%v) after the move", err)
	}
	moved := mustURL(t, url2, persistence.TenantDatabaseName(tenantID))
	assertStoredOnceAt(t, moved, acked)
	db := connect(t, moved)
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM messages WHERE sender_type = 'CUSTOMER'`).Scan(&n); err != nil || n != len(acked) {
		t.Fatalf("%d customer messages on the new server for %d acknowledged (%v)", n, len(acked), err)
	}
	last := acked[len(acked)-1]
	var content string
	if err := db.QueryRow(ctx, `SELECT content FROM messages WHERE platform_message_id = $1`, last).Scan(&content); err != nil || content != "streamed "+last {
		t.Fatalf("last message %s: %q (%v)", last, content, err)
	}
	// Indexes left out of the copy were built after the switch: the moved database has the same valid
	// indexes as a tenant database created on that server by sign-up.
	other := c.Member(0).SignUp()
	indexes := func(url string) string {
		var names string
		if err := connect(t, url).QueryRow(ctx, `SELECT string_agg(i.relname, ',' ORDER BY i.relname) FROM pg_index x
			JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
			WHERE n.nspname = 'public' AND x.indisvalid`).Scan(&names); err != nil {
			t.Fatal(err)
		}
		return names
	}
	otherID := uuid.MustParse(other.TenantID)
	otherServer := c.Cfg.DatabaseURL
	if serverOfTenant(otherID) == "second" {
		otherServer = url2
	}
	fresh := mustURL(t, otherServer, persistence.TenantDatabaseName(otherID))
	if got, want := indexes(moved), indexes(fresh); got != want || !strings.Contains(got, "messages_search_idx") {
		t.Fatalf("indexes after the move:\n%s\nof a new tenant database:\n%s", got, want)
	}
	if worst > 15*time.Second {
		t.Fatalf("a message waited %s across the move", worst)
	}
}

func mustURL(t *testing.T, serverURL, db string) string {
	t.Helper()
	u, err := persistence.WithDatabase(serverURL, db)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
