package persistence

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/tern/v2/migrate"
)

// olderTenantDB is a tenant database left at an older schema version, for a migration's test.
type olderTenantDB struct {
	server, name, url string // the server's URL, the database's name, the database's URL
	conn              *pgx.Conn
}

// tenantDatabaseAt makes an empty database named after prefix and migrates it to the tenant schema's
// version: the state before a migration under test. The connection closes at the test's end.
func tenantDatabaseAt(t *testing.T, prefix string, version int32) olderTenantDB {
	t.Helper()
	ctx := context.Background()
	server, name := emptyDatabase(t, prefix)
	dbURL, _ := WithDatabase(server, name)
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	m, err := migrate.NewMigrator(ctx, conn, versionTable)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.LoadMigrations(TenantSchema.files()); err != nil {
		t.Fatal(err)
	}
	if err := m.MigrateTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	return olderTenantDB{server: server, name: name, url: dbURL, conn: conn}
}

// upgrade migrates the database to the latest tenant schema and opens a store on it (closed at the test's end).
func (db olderTenantDB) upgrade(t *testing.T) *TenantStore {
	t.Helper()
	ctx := context.Background()
	if err := MigrateDatabase(ctx, db.server, db.name, TenantSchema); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, db.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	cipher, _ := NewCipher(make([]byte, 32))
	return NewTenantStore(pool, cipher)
}
