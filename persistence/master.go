package persistence

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Master is the master database: the phonebook of tenants and their users.
type Master struct {
	Pool *pgxpool.Pool
}

// OpenMaster creates the master database when missing, migrates it and connects.
func OpenMaster(ctx context.Context, admin *Admin, serverURL, name string, maxConns int) (*Master, error) {
	if _, err := admin.EnsureDatabase(ctx, name); err != nil {
		return nil, fmt.Errorf("creating master database %s: %w", name, err)
	}
	if err := MigrateDatabase(ctx, serverURL, name, MasterSchema); err != nil {
		return nil, err
	}
	dbURL, err := WithDatabase(serverURL, name)
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(maxConns)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &Master{Pool: pool}, nil
}

// Close closes the master pool.
func (m *Master) Close() { m.Pool.Close() }

// InTx runs fn in one transaction of the master database.
func (m *Master) InTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, m.Pool, fn)
}

// OpenMasterExisting connects to an existing master database without migrating it (for tools and cleanup).
func OpenMasterExisting(ctx context.Context, dbURL string) (*Master, error) {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	return &Master{Pool: pool}, nil
}
