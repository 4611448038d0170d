package persistence

import (
	"github.com/jackc/pgx/v5/pgxpool"
)

// TenantStore reads and writes one tenant's database. Its methods live in one file per entity.
type TenantStore struct {
	Pool   *pgxpool.Pool
	Cipher *Cipher
}

// NewTenantStore wraps a tenant pool.
func NewTenantStore(pool *pgxpool.Pool, c *Cipher) *TenantStore {
	return &TenantStore{Pool: pool, Cipher: c}
}
