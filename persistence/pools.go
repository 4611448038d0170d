package persistence

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolManager opens the tenant pools of this node and bounds their total open connections. Every connection
// takes a token from one node-wide budget when it dials and gives it back when its socket closes; a dial that
// finds the budget empty closes one idle connection, the one of the pool used least recently, and waits
// for the token (trying again every 50 ms while none is idle).
type PoolManager struct {
	serverURL      string
	tenantMaxConns int32
	tokens         chan struct{}
	open           atomic.Int64

	mu    sync.Mutex
	pools map[*pgxpool.Pool]*poolUse
}

// poolUse records when a pool last had a connection returned: the pool unused the longest gives up a
// connection first.
type poolUse struct {
	lastRelease atomic.Int64 // unix nanoseconds
}

// NewPoolManager creates a manager that keeps at most maxConns connections open to tenant databases.
func NewPoolManager(serverURL string, maxConns, tenantMaxConns int) *PoolManager {
	return &PoolManager{
		serverURL:      serverURL,
		tenantMaxConns: int32(tenantMaxConns),
		tokens:         make(chan struct{}, maxConns),
		pools:          make(map[*pgxpool.Pool]*poolUse),
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
	use := &poolUse{}
	use.lastRelease.Store(time.Now().UnixNano())
	cfg.AfterRelease = func(*pgx.Conn) bool {
		use.lastRelease.Store(time.Now().UnixNano())
		return true
	}
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
	m.pools[pool] = use
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
	m.reclaimOne(ctx)
	timer := time.NewTimer(50 * time.Millisecond)
	defer timer.Stop()
	for {
		select {
		case m.tokens <- struct{}{}:
			m.open.Add(1)
			return nil
		case <-timer.C:
			m.reclaimOne(ctx)
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

// reclaimOne closes one idle connection, of the pool whose connections were returned least recently, so
// that another tenant can connect. It used to close every idle connection of every pool: with more busy
// tenants than the budget, each dial then cut the connections of all the tenants between two commits,
// and they all had to reconnect.
func (m *PoolManager) reclaimOne(ctx context.Context) {
	m.mu.Lock()
	pools := make([]*pgxpool.Pool, 0, len(m.pools))
	uses := make([]*poolUse, 0, len(m.pools))
	for p, u := range m.pools {
		pools, uses = append(pools, p), append(uses, u)
	}
	m.mu.Unlock()
	for range 3 { // another dial may take the idle connection first; look again
		best := -1
		var oldest int64
		for i, p := range pools {
			if at := uses[i].lastRelease.Load(); (best < 0 || at < oldest) && p.Stat().IdleConns() > 0 {
				best, oldest = i, at
			}
		}
		if best < 0 {
			return
		}
		idle := pools[best].AcquireAllIdle(ctx)
		if len(idle) == 0 {
			continue
		}
		conn := idle[0].Hijack()
		_ = conn.Close(ctx)
		for _, c := range idle[1:] {
			c.Release()
		}
		uses[best].lastRelease.Store(oldest) // putting the others back is not a use
		return
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
