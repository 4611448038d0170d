// Package persistence is the engine's only door to PostgreSQL: the master database (tenants, users), the
// tenant databases (one file per entity, SQL written out with $n parameters), migrations and the node-wide
// bound on open connections.
package persistence

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aezen/engine/domain"
)

// WithDatabase returns the server URL with its database name replaced.
func WithDatabase(serverURL, database string) (string, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", fmt.Errorf("parsing database URL: %w", err)
	}
	u.Path = "/" + database
	return u.String(), nil
}

// TenantDatabaseName derives a tenant's database name from its id, never from user input.
func TenantDatabaseName(tenantID uuid.UUID) string {
	return "aezen_t_" + strings.ReplaceAll(tenantID.String(), "-", "")
}

var safeIdent = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Admin runs server-level statements (CREATE/DROP DATABASE) on the maintenance database.
type Admin struct {
	pool *pgxpool.Pool
}

// NewAdmin connects to the server's maintenance database named in serverURL.
func NewAdmin(ctx context.Context, serverURL string) (*Admin, error) {
	cfg, err := pgxpool.ParseConfig(serverURL)
	if err != nil {
		return nil, fmt.Errorf("parsing DATABASE_URL: %w", err)
	}
	cfg.MaxConns = 2
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Admin{pool: pool}, nil
}

// Close releases the admin connections.
func (a *Admin) Close() { a.pool.Close() }

// Ping checks the server answers.
func (a *Admin) Ping(ctx context.Context) error { return a.pool.Ping(ctx) }

// EnsureDatabase creates the database when it does not exist and reports whether it did.
func (a *Admin) EnsureDatabase(ctx context.Context, name string) (created bool, err error) {
	if !safeIdent.MatchString(name) {
		return false, fmt.Errorf("unsafe database name %q", name)
	}
	var exists bool
	if err := a.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return false, err
	}
	if exists {
		return false, nil
	}
	_, err = a.pool.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "42P04" || pgErr.Code == "23505") { // created concurrently
		return false, nil
	}
	return err == nil, err
}

// IsMissingDatabase reports whether err is PostgreSQL refusing a connection because its database does not
// exist (invalid_catalog_name).
func IsMissingDatabase(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "3D000"
}

// DatabaseExists reports whether the named database exists.
func (a *Admin) DatabaseExists(ctx context.Context, name string) (bool, error) {
	var exists bool
	err := a.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists)
	return exists, err
}

// DropDatabase removes the database, closing other sessions on it.
func (a *Admin) DropDatabase(ctx context.Context, name string) error {
	if !safeIdent.MatchString(name) {
		return fmt.Errorf("unsafe database name %q", name)
	}
	_, err := a.pool.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

// MigrateDatabase connects to one database and migrates it to the latest version of schema.
func MigrateDatabase(ctx context.Context, serverURL, database string, schema Schema) error {
	dbURL, err := WithDatabase(serverURL, database)
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", database, err)
	}
	defer conn.Close(context.Background())
	return Migrate(ctx, conn, schema)
}

// translate turns driver errors that callers can act on into domain errors.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return domain.NotFound(what)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return domain.Conflict("%s already exists (%s)", what, constraintField(pgErr.ConstraintName))
		case "23503":
			return domain.Conflict("%s is still referenced by other records (%s)", what, pgErr.ConstraintName)
		case "22P02", "22003", "22021", "23514": // bad text, out of range, NUL or invalid UTF-8, check
			return domain.BadRequest("%s: %s", what, pgErr.Message)
		}
	}
	return err
}

func constraintField(constraint string) string {
	if constraint == "" {
		return "unique key"
	}
	return constraint
}
