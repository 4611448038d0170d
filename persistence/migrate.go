package persistence

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/tern/v2/migrate"
)

//go:embed migrations
var migrationFiles embed.FS

// Schema names one of the two independently versioned schemas.
type Schema string

// The two schemas: the master phonebook and the per-tenant data model.
const (
	MasterSchema Schema = "master"
	TenantSchema Schema = "tenant"
)

const versionTable = "public.schema_version"

func (s Schema) files() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations/"+string(s))
	if err != nil {
		panic(err)
	}
	return sub
}

// LatestVersion is the number of migrations embedded for the schema.
func (s Schema) LatestVersion() int32 {
	names, err := migrate.FindMigrations(s.files())
	if err != nil {
		panic(err)
	}
	return int32(len(names))
}

// Migrate brings the database behind conn to the latest version of the schema. It first reads the version
// table so an up-to-date database costs one query; otherwise tern migrates under its advisory lock, which
// makes concurrent activations on several nodes safe.
func Migrate(ctx context.Context, conn *pgx.Conn, schema Schema) error {
	var current int32
	err := conn.QueryRow(ctx, "SELECT version FROM "+versionTable).Scan(&current)
	var pgErr *pgconn.PgError
	switch {
	case err == nil && current == schema.LatestVersion():
		return nil
	case err == nil, errors.As(err, &pgErr) && pgErr.Code == "42P01": // undefined_table: a new database
	default:
		return fmt.Errorf("reading %s schema version: %w", schema, err)
	}
	m, err := migrate.NewMigrator(ctx, conn, versionTable)
	if err != nil {
		return fmt.Errorf("preparing %s migrations: %w", schema, err)
	}
	if err := m.LoadMigrations(schema.files()); err != nil {
		return fmt.Errorf("loading %s migrations: %w", schema, err)
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating %s schema: %w", schema, err)
	}
	return nil
}
