package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/aezen/engine/actors/node"
	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/persistence"
)

// TenantsResult covers activation, memory and connections with many tenants.
type TenantsResult struct {
	// Provisioned tenants are rows (and owners) in the master database; WithDatabase of them have their
	// database, copied from a migrated template database.
	Provisioned    int     `json:"provisioned"`
	WithDatabase   int     `json:"withDatabase"`
	RowsSeconds    float64 `json:"rowsSeconds"`
	DatabaseMsEach float64 `json:"createDatabaseMsEach"`
	// ColdActivation is never-activated tenants woken one at a time; ColdConcurrent as many others woken
	// all at once (each sample is one tenant's own activation time).
	ColdActivation Latency `json:"coldActivation"`
	ColdConcurrent Latency `json:"coldConcurrent"`
	// ColdCPU and ConcurrentCPU are the CPU used while they ran, and ColdRate and ConcurrentRate the
	// activations per second, for the CPU per activation (which other work on the machine disturbs less
	// than the latencies; with 200 at once it bounds the burst's p99 from below).
	ColdCPU        *CPUUse `json:"coldCPU,omitempty"`
	ConcurrentCPU  *CPUUse `json:"concurrentCPU,omitempty"`
	ColdRate       float64 `json:"coldPerSecond"`
	ConcurrentRate float64 `json:"concurrentPerSecond"`
	// Conversations and Clients are what each active tenant has open during the memory measurement: chats
	// with a live conversation actor (one inbound message each) and WebSocket clients (held by a child
	// process, so that only the engine's end is in this process's memory).
	Conversations   int     `json:"conversationsPerTenant"`
	Clients         int     `json:"clientsPerTenant"`
	Active          int     `json:"active"`
	ActivateSeconds float64 `json:"activateSeconds"`
	RSSBeforeMB     float64 `json:"rssBeforeMB"`
	RSSAfterMB      float64 `json:"rssAfterMB"`
	RSSPerTenantKB  float64 `json:"rssPerTenantKB"`
	HeapPerTenantKB float64 `json:"heapPerTenantKB"`
	// SpanFreePerTenantKB is the growth of the free space inside the heap's spans (runtime/metrics
	// /memory/classes/heap/unused) per tenant: resident pages of spans that hold a few live objects after the
	// collection, part of RSS that is neither live data nor returnable to the OS. The bench's own load
	// generators share the heap, so part of it is theirs.
	SpanFreePerTenantKB float64 `json:"spanFreePerTenantKB"`
	Goroutines          int     `json:"goroutinesPerTenant"`
	TenantDBConns       int     `json:"pgTenantConnections"`
	ServerConns         int     `json:"pgServerConnections"`
	EngineConns         int64   `json:"engineTenantConnections"`
	MaxConns            int     `json:"dbMaxConns"`
	EngineFixedConns    int     `json:"engineFixedConnections"`
	// Pool counts the tenant connections the node opened while activating, dials that waited for the
	// budget, and idle connections it closed to make room.
	Pool persistence.PoolCounters `json:"pool"`
}

// memSnapshot is the process's memory after a full collection with freed pages returned to the OS.
type memSnapshot struct {
	rss        uint64 // VmRSS from /proc/self/status
	heap       uint64 // live heap objects + goroutine stacks (runtime/metrics)
	spanFree   uint64 // free space inside the heap's spans
	goroutines int
}

func readMem() memSnapshot {
	runtime.GC()
	debug.FreeOSMemory()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	return memSnapshot{rss: vmRSS(), heap: s[0].Value.Uint64() + s[1].Value.Uint64(), spanFree: s[2].Value.Uint64(),
		goroutines: runtime.NumGoroutine()}
}

func vmRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// activate wakes one tenant's grain and returns how long it took.
func (e *env) activate(ctx context.Context, t *tenant) (time.Duration, error) {
	start := time.Now()
	_, err := node.Call(ctx, e.eng.Node, t.id, node.Caller{}, ops.OpTenantInfo, ops.None{})
	return time.Since(start), err
}

// Per active tenant during the memory measurement (issue 17).
const (
	memConversations = 10
	memClients       = 5
)

// runTenants activates cold tenants one at a time (coldSamples of them), then as many others all at once
// (of the first fresh, never activated, ones),
// then the rest 16 at a time; then gives every tenant memConversations open conversations and memClients
// WebSocket clients and measures memory and connections.
func (e *env) runTenants(ctx context.Context, withDB []*tenant, fresh, coldSamples int, res *TenantsResult) error {
	res.MaxConns = e.cfg.DBMaxConns
	res.EngineFixedConns = 16 + 2 // master pool + admin pool of a node (engine.OpenDeps)
	before := readMem()
	e.writeHeapProfiles("before")
	meter := newCPUMeter(ctx, e)
	r0 := meter.read()
	var cold Samples
	sh := cold.Shard()
	for _, t := range withDB[:coldSamples] {
		d, err := e.activate(ctx, t)
		if err != nil {
			return err
		}
		sh.Add(d)
	}
	res.ColdActivation = cold.Summary()
	res.ColdCPU, res.ColdRate = meter.since(r0), float64(coldSamples)/time.Since(r0.at).Seconds()
	// All at once: every activation starts together (a burst after a member restart or a failover). Only
	// never-activated tenants: the messaging tenants after them are woken by the node itself at its start
	// (they have pending work in tenant_wakeups).
	burst := withDB[coldSamples:max(coldSamples, min(fresh, 2*coldSamples))]
	var conc Samples
	var wg sync.WaitGroup
	var burstErr atomic.Value
	gate := make(chan struct{})
	for _, t := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sh := conc.Shard()
			<-gate
			d, err := e.activate(ctx, t)
			if err != nil {
				burstErr.CompareAndSwap(nil, err)
				return
			}
			sh.Add(d)
		}()
	}
	r0 = meter.read()
	close(gate)
	wg.Wait()
	res.ConcurrentCPU, res.ConcurrentRate = meter.since(r0), float64(len(burst))/time.Since(r0.at).Seconds()
	if err, _ := burstErr.Load().(error); err != nil {
		return fmt.Errorf("concurrent activations: %w", err)
	}
	res.ColdConcurrent = conc.Summary()
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	for _, t := range withDB[coldSamples+len(burst):] {
		g.Go(func() error {
			_, err := e.activate(gctx, t)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	res.ActivateSeconds = time.Since(start).Seconds()
	res.Active = len(withDB)
	say("tenants: %d conversations and %d WebSocket clients on each of the %d active tenants", memConversations, memClients, len(withDB))
	if err := e.prepareTenants(ctx, withDB); err != nil {
		return fmt.Errorf("logging in and creating channels: %w", err)
	}
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(64)
	tokens := make([]string, 0, len(withDB)*memClients)
	for ti, t := range withDB {
		for range memClients {
			tokens = append(tokens, t.token)
		}
		for ci := range memConversations {
			p := &producer{t: t, ti: ti, ci: ci}
			g.Go(func() error {
				_, err := e.eng.Node.Ingest(gctx, t.id, t.channel, p.input(time.Now()))
				return err
			})
		}
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("opening conversations: %w", err)
	}
	holder, err := holdWebSockets(ctx, e.baseURL, tokens)
	if err != nil {
		return err
	}
	defer holder.stop()
	res.Conversations, res.Clients = memConversations, memClients
	after := readMem()
	e.writeHeapProfiles("after")
	n := float64(len(withDB))
	res.RSSBeforeMB, res.RSSAfterMB = float64(before.rss)/(1<<20), float64(after.rss)/(1<<20)
	res.RSSPerTenantKB = (float64(after.rss) - float64(before.rss)) / n / 1024
	res.HeapPerTenantKB = (float64(after.heap) - float64(before.heap)) / n / 1024
	res.SpanFreePerTenantKB = (float64(after.spanFree) - float64(before.spanFree)) / n / 1024
	res.Goroutines = int((float64(after.goroutines-before.goroutines) / n) + 0.5)
	res.EngineConns = e.eng.Deps.Pools.OpenConns()
	res.Pool = e.eng.Deps.Pools.Counters()
	err = e.server.QueryRow(ctx, `SELECT count(*) FILTER (WHERE datname LIKE 'aezen\_t\_%'), count(*)
		FROM pg_stat_activity WHERE backend_type = 'client backend'`).Scan(&res.TenantDBConns, &res.ServerConns)
	return err
}

// writeHeapProfiles writes the live heap and the goroutines when -heapprofile is set (issue 17: what an
// active tenant holds); the heap is sampled every 4 KB from the start of the run then (phases.go).
func (e *env) writeHeapProfiles(when string) {
	if e.opts.HeapProfile == "" {
		return
	}
	prefix := strings.TrimSuffix(e.opts.HeapProfile, ".pprof")
	for _, name := range []string{"heap", "goroutine"} {
		f, err := os.Create(prefix + "-" + name + "-" + when + ".pprof")
		if err == nil {
			err = pprof.Lookup(name).WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			say("%s profile: %v", name, err)
		}
	}
}
