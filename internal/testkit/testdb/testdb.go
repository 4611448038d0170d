// Package testdb makes throwaway tenant databases for the actor-level tests of the packages below the
// engine (actors/tenant, actors/channels). Those tests cannot use the test kit, which starts whole engines
// and so imports them; this package imports persistence only.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/aezen/engine/persistence"
)

// URL is the test PostgreSQL server (AEZEN_TEST_DATABASE_URL); without one the test fails, saying how to run it.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("AEZEN_TEST_DATABASE_URL")
	if url == "" {
		t.Fatal("AEZEN_TEST_DATABASE_URL is not set: run the tests with `make test`, which starts a private PostgreSQL")
	}
	return url
}

// Tenant creates a tenant database at the latest schema and returns a store on it, through a pool of the
// engine's own PoolManager (so the engine's types are registered). Both go when the test ends.
func Tenant(t testing.TB) *persistence.TenantStore {
	t.Helper()
	ctx := context.Background()
	url := URL(t)
	admin, err := persistence.NewAdmin(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, 6)
	_, _ = rand.Read(raw)
	name := "aezen_test_actor_" + hex.EncodeToString(raw)
	if _, err := admin.EnsureDatabase(ctx, name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	pools := persistence.NewPoolManager(url, 8, 4)
	t.Cleanup(func() {
		_ = admin.DropDatabase(context.Background(), name)
		admin.Close()
	})
	if err := persistence.MigrateDatabase(ctx, url, name, persistence.TenantSchema); err != nil {
		t.Fatal(err)
	}
	pool, err := pools.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pools.Close(pool) })
	cipher, err := persistence.NewCipher(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	return persistence.NewTenantStore(pool, cipher)
}
