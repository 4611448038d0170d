package persistence

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// fenceInsert is a write to a fenced table of the tenant schema.
const fenceInsert = `INSERT INTO products (product_id, user_id, name, price, currency) VALUES (gen_random_uuid(), gen_random_uuid(), $1, 1, 'USD')`

// fencedDatabase makes a migrated tenant database and answers open, which gives a connection of an
// activation with the given epoch (released at the test's end).
func fencedDatabase(t *testing.T, prefix string) (open func(epoch int64) *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	url, name := emptyDatabase(t, prefix)
	if err := MigrateDatabase(ctx, url, name, TenantSchema); err != nil {
		t.Fatal(err)
	}
	pools := NewPoolManager(url, 8, 2)
	return func(epoch int64) *pgx.Conn {
		p, err := pools.OpenAt(ctx, name, epoch)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pools.Close(p) })
		c, err := p.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Release)
		return c.Conn()
	}
}

// TestFenceRefusesWritesOfAStaleActivation: once a newer activation moved the tenant database's fence, the
// connections of the older one cannot write; the newer one and connections without an epoch can.
func TestFenceRefusesWritesOfAStaleActivation(t *testing.T) {
	ctx := context.Background()
	open := fencedDatabase(t, "aezen_test_fence_")
	first := open(1)
	if ok, err := MoveFence(ctx, first, 1); !ok || err != nil {
		t.Fatalf("first activation moving the fence: %v %v", ok, err)
	}
	if _, err := first.Exec(ctx, fenceInsert, "by epoch 1"); err != nil {
		t.Fatalf("current activation's write: %v", err)
	}
	second := open(2)
	if ok, err := MoveFence(ctx, second, 2); !ok || err != nil {
		t.Fatalf("second activation moving the fence: %v %v", ok, err)
	}
	_, err := first.Exec(ctx, fenceInsert, "by stale epoch 1")
	if !IsStaleEpoch(err) {
		t.Fatalf("stale activation's write: %v, want SQLSTATE AZ001", err)
	}
	if _, err := second.Exec(ctx, fenceInsert, "by epoch 2"); err != nil {
		t.Fatalf("new activation's write: %v", err)
	}
	if ok, _ := MoveFence(ctx, first, 1); ok {
		t.Fatal("an older activation moved the fence back")
	}
	// A migration on the stale activation's connection is not held to its epoch, and the epoch is back after.
	if err := MigrateTenantUnfenced(ctx, first); err != nil {
		t.Fatalf("migrating on a fenced connection: %v", err)
	}
	if _, err := first.Exec(ctx, fenceInsert, "by stale epoch 1 again"); !IsStaleEpoch(err) {
		t.Fatalf("stale activation's write after a migration: %v, want SQLSTATE AZ001", err)
	}
	if _, err := open(0).Exec(ctx, fenceInsert, "by a tool"); err != nil {
		t.Fatalf("connection without an epoch: %v", err)
	}
	var n int
	if err := second.QueryRow(ctx, `SELECT count(*) FROM products WHERE name LIKE 'by stale%'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("stale rows: %d %v", n, err)
	}
}

// TestFenceIsCheckedOncePerTransaction: the fence is checked at a transaction's first write and holds until
// it ends (tenant migration 023 skips the later checks): a newer activation cannot move it meanwhile. A
// savepoint rolled back releases the check with its lock, so the next write checks again and is refused
// once the fence moved.
func TestFenceIsCheckedOncePerTransaction(t *testing.T) {
	ctx := context.Background()
	open := fencedDatabase(t, "aezen_test_fence_tx_")
	first, second := open(1), open(2)
	if ok, err := MoveFence(ctx, first, 1); !ok || err != nil {
		t.Fatalf("first activation moving the fence: %v %v", ok, err)
	}
	if _, err := second.Exec(ctx, "SET lock_timeout = '200ms'"); err != nil {
		t.Fatal(err)
	}
	lockedOut := func(err error) bool {
		var pe *pgconn.PgError
		return errors.As(err, &pe) && pe.Code == "55P03"
	}

	tx, err := first.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := tx.Exec(ctx, fenceInsert, "in one transaction"); err != nil {
			t.Fatalf("write %d of the current activation: %v", i, err)
		}
	}
	if _, err := MoveFence(ctx, second, 2); !lockedOut(err) {
		t.Fatalf("moving the fence under a transaction that checked it: %v, want lock_not_available", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	tx, err = first.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SAVEPOINT s"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, fenceInsert, "under a savepoint"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT s"); err != nil {
		t.Fatal(err)
	}
	if ok, err := MoveFence(ctx, second, 2); !ok || err != nil {
		t.Fatalf("moving the fence after the savepoint that checked it was rolled back: %v %v", ok, err)
	}
	if _, err := tx.Exec(ctx, fenceInsert, "by stale epoch 1"); !IsStaleEpoch(err) {
		t.Fatalf("stale activation's write after its checked savepoint was rolled back: %v, want SQLSTATE AZ001", err)
	}
}

// TestFenceCheckIsPlannedOnce: the fence check's SELECT is planned once per connection, not once per
// transaction (tenant migration 026; before it, the plan cache re-planned it for every transaction that
// wrote). debug_print_plan reports every plan the planner makes to the client.
func TestFenceCheckIsPlannedOnce(t *testing.T) {
	ctx := context.Background()
	url, name := emptyDatabase(t, "aezen_test_fence_plan_")
	if err := MigrateDatabase(ctx, url, name, TenantSchema); err != nil {
		t.Fatal(err)
	}
	dbURL, _ := WithDatabase(url, name)
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["aezen.epoch"] = "1"
	var fence string
	var plans atomic.Int32
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		if fence != "" && strings.Contains(n.Detail+n.Message, ":relid "+fence+" ") {
			plans.Add(1)
		}
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	if ok, err := MoveFence(ctx, conn, 1); !ok || err != nil {
		t.Fatalf("moving the fence: %v %v", ok, err)
	}
	if err := conn.QueryRow(ctx, `SELECT 'activation_fence'::regclass::oid::text`).Scan(&fence); err != nil {
		t.Fatal(err)
	}
	write := func() {
		t.Helper()
		if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, fenceInsert, "planned?")
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	write() // the connection's first check makes its plan
	if _, err := conn.Exec(ctx, `SET client_min_messages = log; SET debug_print_plan = on`); err != nil {
		t.Fatal(err)
	}
	for range 8 {
		write()
	}
	if _, err := conn.Exec(ctx, `SET debug_print_plan = off`); err != nil {
		t.Fatal(err)
	}
	if n := plans.Load(); n > 0 {
		t.Fatalf("eight transactions planned the fence check %d times, want 0 (planned by the first)", n)
	}
}
