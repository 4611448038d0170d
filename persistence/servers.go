package persistence

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// DefaultServer is the server of DATABASE_URL (config.DefaultServer).
const DefaultServer = "default"

// ServerSpec names one PostgreSQL server and the URL of its maintenance database.
type ServerSpec struct {
	Name string
	URL  string
}

// Server is one PostgreSQL server that holds tenant databases: its admin connection (CREATE/DROP DATABASE)
// and the pools of the tenants active on this node, under a connection budget of its own.
type Server struct {
	Name  string
	URL   string
	Admin *Admin
	Pools *PoolManager
}

// Servers are the tenant database servers this node knows, by name.
type Servers struct {
	byName map[string]*Server
	names  []string
}

// OpenServers connects the admin pool of every server (lazily: pgxpool dials on first use) and gives each a
// PoolManager of maxConns connections, tenantMaxConns per tenant.
func OpenServers(ctx context.Context, specs []ServerSpec, maxConns, tenantMaxConns int) (*Servers, error) {
	s := &Servers{byName: make(map[string]*Server, len(specs))}
	for _, spec := range specs {
		admin, err := NewAdmin(ctx, spec.URL)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("server %s: %w", spec.Name, err)
		}
		s.byName[spec.Name] = &Server{Name: spec.Name, URL: spec.URL, Admin: admin,
			Pools: NewPoolManager(spec.URL, maxConns, tenantMaxConns)}
		s.names = append(s.names, spec.Name)
	}
	return s, nil
}

// Get returns the named server, or an error saying the node is not configured for it.
func (s *Servers) Get(name string) (*Server, error) {
	if name == "" {
		name = DefaultServer
	}
	if srv, ok := s.byName[name]; ok {
		return srv, nil
	}
	return nil, fmt.Errorf("tenant database server %q is not configured on this node (AEZEN_DB_SERVERS)", name)
}

// Names lists the servers in configuration order ("default" first).
func (s *Servers) Names() []string { return append([]string(nil), s.names...) }

// Close closes every admin pool (tenant pools are closed by their tenants).
func (s *Servers) Close() {
	for _, srv := range s.byName {
		srv.Admin.Close()
	}
}

// RegisterServers records the configured server names in the master database, so that tenants may
// reference them.
func (m *Master) RegisterServers(ctx context.Context, names []string) error {
	_, err := m.Pool.Exec(ctx, `INSERT INTO db_servers (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING`, names)
	return err
}

// TenantsPerServer counts the tenants of each server (servers without tenants are absent).
func (m *Master) TenantsPerServer(ctx context.Context) (map[string]int, error) {
	rows, err := m.Pool.Query(ctx, `SELECT server, count(*) FROM tenants GROUP BY server`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, rows.Err()
}

// PlaceTenant picks the server of a new tenant: the named one, or with policy "least-tenants" the configured
// server holding the fewest tenants (ties: the first in configuration order).
func (m *Master) PlaceTenant(ctx context.Context, policy string, servers []string) (string, error) {
	if policy != "least-tenants" {
		return policy, nil
	}
	counts, err := m.TenantsPerServer(ctx)
	if err != nil {
		return "", err
	}
	order := make(map[string]int, len(servers))
	for i, s := range servers {
		order[s] = i
	}
	sorted := append([]string(nil), servers...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if counts[sorted[i]] != counts[sorted[j]] {
			return counts[sorted[i]] < counts[sorted[j]]
		}
		return order[sorted[i]] < order[sorted[j]]
	})
	if len(sorted) == 0 {
		return DefaultServer, nil
	}
	return sorted[0], nil
}

// SwitchTenantServer records that the tenant's database now lives on server, ends the move and releases
// the move's lease, in one transaction: the next activation anywhere connects to the new server.
func (m *Master) SwitchTenantServer(ctx context.Context, tenantID uuid.UUID, server string, epoch int64) error {
	return m.InTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE tenants SET server = $2, updated_at = now() WHERE tenant_id = $1`, tenantID, server)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("tenant %s is gone", tenantID)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM tenant_moves WHERE tenant_id = $1`, tenantID); err != nil {
			return err
		}
		// The lease must still be the move's: had it expired, another activation may have written to the old
		// database since the copy.
		if tag, err := tx.Exec(ctx, sqlReleaseTenantLease, tenantID, epoch); err != nil {
			return err
		} else if tag.RowsAffected() != 1 {
			return fmt.Errorf("the move's lease of tenant %s expired before the switch; the tenant stays where it was", tenantID)
		}
		_, err = tx.Exec(ctx, sqlEndActivation, tenantID, epoch)
		return err
	})
}
