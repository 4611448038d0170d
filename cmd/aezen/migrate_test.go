package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/persistence"
)

// TestMigrateUpgradesEveryTenant runs `aezen migrate` against tenants whose schema was wiped.
func TestMigrateUpgradesEveryTenant(t *testing.T) {
	cfg := testkit.Config(t)
	e := testkit.Start(t, cfg)
	a, b := e.SignUp(), e.SignUp()
	e.Stop()
	for _, acct := range []testkit.Account{a, b} {
		url, _ := persistence.WithDatabase(cfg.DatabaseURL, persistence.TenantDatabaseName(uuid.MustParse(acct.TenantID)))
		conn := connect(t, url)
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA public CASCADE; CREATE SCHEMA public"); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(binary(t), "migrate")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+cfg.DatabaseURL, "AEZEN_MASTER_DB="+cfg.MasterDB,
		"AEZEN_JWT_SECRET="+cfg.JWTSecret, "AEZEN_ENCRYPTION_KEY="+cfg.EncryptionKey, "AEZEN_OPS_TOKEN="+cfg.OpsToken,
		"AEZEN_DATA_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aezen migrate: %v\n%s", err, out)
	}
	for _, acct := range []testkit.Account{a, b} {
		if !strings.Contains(string(out), "tenant "+acct.TenantID) {
			t.Fatalf("migrate output does not mention tenant %s:\n%s", acct.TenantID, out)
		}
		url, _ := persistence.WithDatabase(cfg.DatabaseURL, persistence.TenantDatabaseName(uuid.MustParse(acct.TenantID)))
		var version int32
		if err := connect(t, url).QueryRow(context.Background(), "SELECT version FROM schema_version").Scan(&version); err != nil {
			t.Fatal(err)
		}
		if version != persistence.TenantSchema.LatestVersion() {
			t.Fatalf("tenant %s at version %d", acct.TenantID, version)
		}
	}
}
