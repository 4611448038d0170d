package persistence

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolManager opens the tenant pools of this node and bounds their total open connections. Every connection
// takes a token from one node-wide budget when it dials and gives it back when its socket closes. A dial
// that finds the budget empty closes one idle connection: a spare one of a pool that has several, else one
// of the pool used least recently provided it has been quiet for reclaimQuiet; then it waits for the
// token, looking again every 50 ms. A tenant that
// keeps writing keeps its connection; only after each reclaimPatience of waiting does a dial take the
// least recently used idle connection whatever its age: with more busy tenants than the budget, tenants
// take turns instead of starving, at the price of one reconnection per turn.
type PoolManager struct {
	serverURL      string
	tenantMaxConns int32
	tokens         chan struct{}
	open           atomic.Int64
	dials          atomic.Int64
	reclaimed      atomic.Int64
	waits          atomic.Int64

	mu    sync.Mutex
	pools map[*pgxpool.Pool]*poolUse
}

// poolUse records when a pool last had a connection returned: the pool unused the longest gives up a
// connection first.
type poolUse struct {
	lastRelease atomic.Int64 // unix nanoseconds
}

// TraceRelease is pgxpool.ReleaseTracer.
func (u *poolUse) TraceRelease(*pgxpool.Pool, pgxpool.TraceReleaseData) {
	u.lastRelease.Store(time.Now().UnixNano())
}

// TraceQueryStart and TraceQueryEnd do nothing; pgx only takes a tracer that traces queries.
func (u *poolUse) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

// TraceQueryEnd is part of pgx.QueryTracer.
func (u *poolUse) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

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

// PoolCounters are cumulative counts of a PoolManager, for metrics and the benchmark.
type PoolCounters struct {
	Dials     int64 // connections opened
	Waits     int64 // dials that found the budget exhausted
	Reclaimed int64 // idle connections closed to make room for another tenant
}

// Counters returns the counts since the manager was created.
func (m *PoolManager) Counters() PoolCounters {
	return PoolCounters{Dials: m.dials.Load(), Waits: m.waits.Load(), Reclaimed: m.reclaimed.Load()}
}

// MaxConns is the node-wide bound.
func (m *PoolManager) MaxConns() int { return cap(m.tokens) }

// Open creates a pool for one tenant database. Connections are made lazily and closed when idle.
func (m *PoolManager) Open(ctx context.Context, database string) (*pgxpool.Pool, error) {
	return m.OpenAt(ctx, database, 0)
}

// OpenAt is Open for a tenant activation of the given epoch (its lease): every connection carries the
// epoch (the aezen.epoch setting), and the tenant database refuses its writes once a newer activation has
// moved the fence. Epoch 0 sets nothing.
func (m *PoolManager) OpenAt(ctx context.Context, database string, epoch int64) (*pgxpool.Pool, error) {
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
	// The description cache serves only QueryExecModeCacheDescribe, which the engine does not use; pgx
	// still made one per connection, a map sized for 512 statements (about 30 KB of a connection's 70 in the
	// bench's heap profile, issue 17).
	cfg.ConnConfig.DescriptionCacheCapacity = 0
	if epoch > 0 {
		cfg.ConnConfig.RuntimeParams["aezen.epoch"] = strconv.FormatInt(epoch, 10)
	}
	use := &poolUse{}
	use.lastRelease.Store(time.Now().UnixNano())
	// A release tracer runs inline; an AfterRelease hook would make pgxpool return every connection to
	// the pool on a goroutine of its own, and a writer acquiring right after its commit would dial anew.
	cfg.ConnConfig.Tracer = use
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
	m.dials.Add(1)
	select {
	case m.tokens <- struct{}{}:
		m.open.Add(1)
		return nil
	default:
	}
	m.waits.Add(1)
	start := time.Now()
	next := m.reclaimOne(ctx, reclaimQuiet)
	timer := time.NewTimer(next)
	defer timer.Stop()
	for {
		select {
		case m.tokens <- struct{}{}:
			m.open.Add(1)
			return nil
		case <-timer.C:
			// Past its patience, a dial takes a busy tenant's idle connection, once per patience period:
			// the token may go to another waiting dial, which is served as well.
			if time.Since(start) >= reclaimPatience {
				start = time.Now()
				next = m.reclaimOne(ctx, 0)
			} else {
				next = m.reclaimOne(ctx, reclaimQuiet)
			}
			timer.Reset(next)
		case <-ctx.Done():
			return fmt.Errorf("waiting for a database connection (node limit %d reached): %w", cap(m.tokens), ctx.Err())
		}
	}
}

func (m *PoolManager) release() {
	m.open.Add(-1) // before the token is free, so OpenConns never exceeds the bound
	<-m.tokens
}

// How long a pool must have been quiet before a waiting dial takes one of its idle connections, and how
// long a dial waits before it takes one anyway.
// A tenant that writes returns its connection every few milliseconds; one that was just activated and does
// nothing else has been quiet for longer than reclaimQuiet. It was 100 ms, and a waiting dial looked again
// every 50 ms: in a burst of activations every connection belonged to a tenant activated a moment ago, and
// each wave of activations waited up to 150 ms for the one before it (issue 17, cold activation). A
// waiting dial now looks again when the oldest idle pool becomes quiet (reclaimRetry at most).
const (
	reclaimQuiet    = 25 * time.Millisecond
	reclaimPatience = time.Second
	reclaimRetry    = 50 * time.Millisecond
)

// reclaimOne closes one idle connection so that another tenant can connect: a spare one of a pool that has
// several, else one of the pool whose connections were returned least recently, if that was at least quiet
// ago. (It used to close every idle connection of every pool: each dial then cut the connections of all
// the tenants between two commits, and they all reconnected.) It returns when to look again: when that
// pool becomes quiet, else after reclaimRetry.
func (m *PoolManager) reclaimOne(ctx context.Context, quiet time.Duration) time.Duration {
	m.mu.Lock()
	pools := make([]*pgxpool.Pool, 0, len(m.pools))
	uses := make([]*poolUse, 0, len(m.pools))
	for p, u := range m.pools {
		pools, uses = append(pools, p), append(uses, u)
	}
	m.mu.Unlock()
	for range 3 { // another dial may take the idle connection first; look again
		best, spare := -1, false
		var oldest int64
		for i, p := range pools {
			st := p.Stat()
			if st.IdleConns() == 0 {
				continue
			}
			// A pool with more than one connection keeps one: take from those first, then the least recently used.
			extra, at := st.TotalConns() > 1, uses[i].lastRelease.Load()
			if best < 0 || (extra && !spare) || (extra == spare && at < oldest) {
				best, spare, oldest = i, extra, at
			}
		}
		if best < 0 {
			return reclaimRetry
		}
		if age := time.Since(time.Unix(0, oldest)); !spare && age < quiet {
			return max(quiet-age, time.Millisecond)
		}
		idle := pools[best].AcquireAllIdle(ctx)
		if len(idle) == 0 {
			continue
		}
		conn := idle[0].Hijack()
		_ = conn.Close(ctx)
		m.reclaimed.Add(1)
		for _, c := range idle[1:] {
			c.Release()
		}
		uses[best].lastRelease.Store(oldest) // putting the others back is not a use
		return reclaimRetry
	}
	return reclaimRetry
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
