package persistence

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// TestConnectionBudgetHoldsAcrossTenants runs more busy tenants than the node-wide budget allows
// connections, from many goroutines at once (under -race in make test): every query gets through, because
// idle connections of other tenants are reclaimed, and neither the manager's count nor PostgreSQL's own
// (pg_stat_activity) ever goes over the budget.
func TestConnectionBudgetHoldsAcrossTenants(t *testing.T) {
	const budget, tenants, workers, queries = 3, 6, 3, 15
	ctx := context.Background()
	var url string
	names := make([]string, tenants)
	for i := range names {
		url, names[i] = emptyDatabase(t, "aezen_test_budget_")
	}
	m := NewPoolManager(url, budget, 2)
	pools := make([]*pgxpool.Pool, tenants)
	for i, name := range names {
		p, err := m.Open(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		pools[i] = p
		t.Cleanup(func() { m.Close(p) })
	}
	admin, err := NewAdmin(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	// Samples both counts while the tenants work. PostgreSQL lists a backend until its process has exited,
	// a moment after the manager closed the connection, so its count may pass the budget in a sample while
	// a reclaimed connection is on its way out; a leak would keep it there.
	var maxOpen, maxServer, samples, overServer atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			if n := m.OpenConns(); n > maxOpen.Load() {
				maxOpen.Store(n)
			}
			var n int64
			if err := admin.pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = ANY($1)`, names).Scan(&n); err == nil {
				samples.Add(1)
				if n > budget {
					overServer.Add(1)
				}
				if n > maxServer.Load() {
					maxServer.Store(n)
				}
			}
		}
	}()

	var wg sync.WaitGroup
	var failures atomic.Int64
	var firstErr atomic.Value
	for _, p := range pools {
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range queries {
					qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					_, err := p.Exec(qctx, `SELECT pg_sleep(0.005)`)
					cancel()
					if err != nil {
						failures.Add(1)
						firstErr.CompareAndSwap(nil, err)
					}
				}
			}()
		}
	}
	wg.Wait()
	close(stop)
	<-sampled

	if n := failures.Load(); n > 0 {
		t.Fatalf("%d of %d queries failed, first: %v", n, tenants*workers*queries, firstErr.Load())
	}
	if maxOpen.Load() > budget {
		t.Fatalf("over the budget of %d: the manager counted up to %d open", budget, maxOpen.Load())
	}
	if over, all := overServer.Load(), samples.Load(); over*10 > all || maxServer.Load() > budget+2 {
		t.Fatalf("PostgreSQL saw more than the budget of %d in %d of %d samples (up to %d)", budget, over, all, maxServer.Load())
	}
	c := m.Counters()
	if c.Waits == 0 || c.Reclaimed == 0 {
		t.Fatalf("%d tenants on a budget of %d never waited or reclaimed: %+v", tenants, budget, c)
	}
	if maxOpen.Load() == 0 || maxServer.Load() == 0 {
		t.Fatal("the sampler saw no connection at all")
	}
}

// TestBusyTenantKeepsItsConnection: with the budget full, a dial takes the idle connection of the tenant
// that has been quiet longest, promptly and never the connection of a tenant that keeps querying (its
// connection is idle only between two queries).
func TestBusyTenantKeepsItsConnection(t *testing.T) {
	ctx := context.Background()
	var url string
	names := make([]string, 3)
	for i := range names {
		url, names[i] = emptyDatabase(t, "aezen_test_busy_")
	}
	m := NewPoolManager(url, 2, 1)
	pools := make([]*pgxpool.Pool, len(names))
	for i, name := range names {
		p, err := m.Open(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		pools[i] = p
		t.Cleanup(func() { m.Close(p) })
	}
	busy, quiet, newcomer := pools[0], pools[1], pools[2]
	if _, err := quiet.Exec(ctx, `SELECT 1`); err != nil {
		t.Fatal(err)
	}
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if _, err := busy.Exec(ctx, `SELECT pg_sleep(0.002)`); err != nil {
				done <- err
				return
			}
		}
	}()
	for deadline := time.Now().Add(10 * time.Second); busy.Stat().NewConnsCount() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the busy tenant never connected")
		}
	}
	start := time.Now()
	_, err := newcomer.Exec(ctx, `SELECT 1`)
	took := time.Since(start)
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := busy.Stat().NewConnsCount(); n != 1 {
		t.Fatalf("the busy tenant connected %d times: its connection was taken", n)
	}
	if quiet.Stat().TotalConns() != 0 || m.Counters().Reclaimed != 1 {
		t.Fatalf("the quiet tenant's connection was not the one reclaimed: %d open, %+v", quiet.Stat().TotalConns(), m.Counters())
	}
	if took >= reclaimPatience {
		t.Fatalf("the newcomer waited %s, as long as a dial waits before it takes a busy tenant's connection", took)
	}
}
