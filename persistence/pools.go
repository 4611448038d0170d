package persistence

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolManager opens the tenant pools of this node and bounds their total open connections. Every connection
// takes a token from one node-wide budget when it dials and gives it back when its socket closes; a dial that
// finds the budget empty first asks the other pools to close their idle connections, then waits.
type PoolManager struct {
	serverURL      string
	tenantMaxConns int32
	tokens         chan struct{}
	open           atomic.Int64

	mu    sync.Mutex
	pools map[*pgxpool.Pool]struct{}
}

// NewPoolManager creates a manager that keeps at most maxConns connections open to tenant databases.
func NewPoolManager(serverURL string, maxConns, tenantMaxConns int) *PoolManager {
	return &PoolManager{
		serverURL:      serverURL,
		tenantMaxConns: int32(tenantMaxConns),
		tokens:         make(chan struct{}, maxConns),
		pools:          make(map[*pgxpool.Pool]struct{}),
	}
}

// OpenConns is the number of tenant-database connections open on this node.
func (m *PoolManager) OpenConns() int64 { return m.open.Load() }

// OpenPools is the number of tenant pools open on this node.
func (m *PoolManager) OpenPools() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.pools)
}

// MaxConns is the node-wide bound.
func (m *PoolManager) MaxConns() int { return cap(m.tokens) }

// Open creates a pool for one tenant database. Connections are made lazily and closed when idle.
func (m *PoolManager) Open(ctx context.Context, database string) (*pgxpool.Pool, error) {
	dbURL, err := WithDatabase(m.serverURL, database)
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = m.tenantMaxConns
	cfg.MinConns = 0
	cfg.MaxConnIdleTime = 30 * time.Second
	cfg.HealthCheckPeriod = 10 * time.Second
	cfg.AfterConnect = afterConnect
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if err := m.acquire(ctx); err != nil {
			return nil, err
		}
		c, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			m.release()
			return nil, err
		}
		return &budgetConn{Conn: c, release: m.release}, nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.pools[pool] = struct{}{}
	m.mu.Unlock()
	return pool, nil
}

// Close closes a pool opened by Open.
func (m *PoolManager) Close(pool *pgxpool.Pool) {
	m.mu.Lock()
	delete(m.pools, pool)
	m.mu.Unlock()
	pool.Close()
}

func (m *PoolManager) acquire(ctx context.Context) error {
	select {
	case m.tokens <- struct{}{}:
		m.open.Add(1)
		return nil
	default:
	}
	m.reclaimIdle(ctx)
	timer := time.NewTimer(50 * time.Millisecond)
	defer timer.Stop()
	for {
		select {
		case m.tokens <- struct{}{}:
			m.open.Add(1)
			return nil
		case <-timer.C:
			m.reclaimIdle(ctx)
			timer.Reset(50 * time.Millisecond)
		case <-ctx.Done():
			return fmt.Errorf("waiting for a database connection (node limit %d reached): %w", cap(m.tokens), ctx.Err())
		}
	}
}

func (m *PoolManager) release() {
	m.open.Add(-1) // before the token is free, so OpenConns never exceeds the bound
	<-m.tokens
}

// reclaimIdle closes idle connections of every pool so that a busier tenant can connect.
func (m *PoolManager) reclaimIdle(ctx context.Context) {
	m.mu.Lock()
	pools := make([]*pgxpool.Pool, 0, len(m.pools))
	for p := range m.pools {
		pools = append(pools, p)
	}
	m.mu.Unlock()
	for _, p := range pools {
		for _, c := range p.AcquireAllIdle(ctx) {
			conn := c.Hijack()
			_ = conn.Close(ctx)
		}
	}
}

type budgetConn struct {
	net.Conn
	release func()
	once    sync.Once
}

func (c *budgetConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}
