package bench

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"
)

// messagingPhases runs, on one node, the phases that share the messaging tenants: the ceiling, ingest,
// send and fan-out. Every tenant gets one WebSocket subscriber.
func (e *env) messagingPhases(ctx context.Context, o Options, sz sizes, res *Results) error {
	list, err := e.provision(ctx, sz.tenants, true, true)
	if err != nil {
		return err
	}
	if err := e.startEngine(ctx, messagingConns(o, sz, e.cfg.DBMaxConns)); err != nil {
		return err
	}
	defer e.stopEngine()
	e.cpu = newCPUMeter(ctx, e)
	if err := e.prepareTenants(ctx, list); err != nil {
		return fmt.Errorf("logging in and creating channels: %w", err)
	}
	conns := &wsConns{}
	defer conns.close()
	var watch atomic.Pointer[frameWatch]
	for _, t := range list {
		if err := conns.dial(e.baseURL, t.token, &watch); err != nil {
			return fmt.Errorf("connecting a WebSocket subscriber: %w", err)
		}
	}
	ps := producersFor(list, sz.chats)
	say("warming up: the first message of each of %d chats", len(ps))
	firstRate, err := e.warmUp(ctx, ps)
	if err != nil {
		return err
	}
	pause := func() { time.Sleep(sz.phasePause) }
	if o.wants("ceiling") {
		// As many connections as the engine can have transactions in flight during ingest: each tenant's
		// writer commits one group at a time, within the node's connection budget.
		conns := min(len(list), e.eng.Deps.Config.DBMaxConns)
		say("ceiling: the inbound write pattern straight from pgx, %d connections, 1 then %d messages per tx", conns, sz.batchRows)
		var c CeilingResult
		var err error
		e.profiled("ceiling", func() { c, err = e.runCeiling(ctx, list, conns, sz.batchRows, sz.ceilingWindow) })
		if err != nil {
			return fmt.Errorf("ceiling: %w", err)
		}
		res.Ceiling = &c
		pause()
	}
	if o.wants("ingest") && ctx.Err() == nil {
		say("ingest: %d producers (one per chat) for %s", len(ps), sz.ingestWarm+sz.ingestWindow)
		var in IngestResult
		e.profiled("ingest", func() {
			in = e.runIngest(ctx, ps, &watch, sz.ingestWarm, sz.ingestWindow, e.ingestInProcess(ctx), false)
		})
		in.Tenants, in.ChatsPerTenant, in.FirstContactPerSecond = len(list), sz.chats, firstRate
		res.Ingest = &in
		pause()
		say("ingest over HTTP: %d producers posting signed POST /api/channels/:id/inbound for %s", len(ps), sz.ingestWarm+sz.ingestWindow)
		var hin IngestResult
		e.profiled("ingest-http", func() { hin = e.runIngest(ctx, ps, &watch, sz.ingestWarm, sz.ingestWindow, e.ingestHTTP(), true) })
		hin.Tenants, hin.ChatsPerTenant, hin.HTTP = len(list), sz.chats, true
		res.IngestHTTP = &hin
		pause()
	}
	// Settle only after phases that wrote a lot: vacuuming tables that hold just the warm-up's messages would
	// record them as tiny, and the generic plans PostgreSQL caches next would scan them while the send phase
	// grows them (docs/performance.md, "Noticed": a quick send-only run paid 1.1–1.7 ms of PostgreSQL CPU
	// per send after its saturation window for it).
	wrote := o.wants("ceiling") || o.wants("ingest")
	if o.wants("send") && ctx.Err() == nil {
		if wrote {
			e.settle(ctx, list, "send")
		}
		s := newSender(e.baseURL, list)
		s.pools = e.eng.Deps.Pools.Counters
		// Saturation first: the open-loop run is offered half of what it measured (issue 17), unless
		// -send-rate fixes the rate.
		say("send: saturation with %d workers for %s", sz.satWorkers, sz.sendWarm+sz.satWindow)
		var sat SendResult
		e.profiled("send-saturation", func() { sat = s.closedLoop(e.cpu, sz.satWorkers, sz.sendWarm, sz.satWindow) })
		sat.Delivered = e.drainWebhooks(s, sz.webhookDrain)
		res.SendSat = &sat
		pause()
		offered := sz.sendRate
		if o.SendRate == 0 && sat.PerSecond > 0 {
			offered = sat.PerSecond / 2
		}
		say("send: open loop at %.0f req/s for %s", offered, sz.sendWarm+sz.sendWindow)
		var open SendResult
		e.profiled("send-open", func() { open = s.openLoop(e.cpu, offered, sz.sendWarm, sz.sendWindow) })
		open.Delivered = e.drainWebhooks(s, sz.webhookDrain)
		res.SendOpen = &open
		pause()
		// Lower offered loads, shorter: where the p99 target holds on this machine.
		for _, rate := range sz.sendSteps {
			say("send: open loop at %.0f req/s for %s", rate, sz.stepWarm+sz.stepWindow)
			step := s.openLoop(e.cpu, rate, sz.stepWarm, sz.stepWindow)
			step.Delivered = e.drainWebhooks(s, sz.webhookDrain)
			res.SendSteps = append(res.SendSteps, step)
			pause()
		}
	}
	if o.wants("fanout") && ctx.Err() == nil {
		if wrote || o.wants("send") {
			e.settle(ctx, list, "fan-out")
		}
		say("fan-out: connecting %d WebSocket clients, then %.0f messages/s for %s", sz.fanClients, sz.fanRate, sz.fanWarm+sz.fanWindow)
		var f FanoutResult
		var err error
		e.profiled("fanout", func() {
			f, err = e.runFanout(ctx, ps, conns, &watch, sz.fanClients, len(list), sz.fanRate, sz.fanWarm, sz.fanWindow)
		})
		if err != nil {
			return fmt.Errorf("fan-out: %w", err)
		}
		res.Fanout = &f
	}
	return nil
}

// settle vacuums the messaging tenants' databases before a phase that measures latency or PostgreSQL CPU
// per request, when earlier phases wrote to them: the ingest phases store 100,000+ messages in seconds, and
// the autovacuum of those tables would otherwise run during the next window, charged to its requests (the
// 2026-12-03 full run's send phase paid 1.5–2.3 ms of PostgreSQL CPU per send for it, against 0.7 ms alone).
// It is the work autovacuum would do anyway, done before the clock starts; no CHECKPOINT (issue 17).
func (e *env) settle(ctx context.Context, list []*tenant, phase string) {
	start := time.Now()
	e.vacuum(ctx, list)
	waited := e.waitAutovacuum(ctx, 30*time.Second)
	say("%s: vacuumed the %d messaging tenants' databases first (%.1f s, then %.1f s for autovacuum workers)",
		phase, len(list), time.Since(start).Seconds()-waited.Seconds(), waited.Seconds())
}

// drainWebhooks waits until the receiver has had a delivery for every send accepted so far (or the
// timeout passes) and returns the deliveries made since the last call.
func (e *env) drainWebhooks(s *sender, timeout time.Duration) int64 {
	deadline := time.Now().Add(timeout)
	for e.hook.calls.Load() < s.accepted.Load() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	n := e.hook.calls.Load()
	d := n - s.delivered
	s.delivered = n
	return d
}

// tenantPhases provisions up to sz.provisioned tenants (sz.withDB of them with a database) and measures
// activation, memory and connections on a fresh node.
func (e *env) tenantPhases(ctx context.Context, sz sizes, res *Results) error {
	tr := TenantsResult{}
	have := len(e.tenants)
	if have > 0 {
		say("tenants: vacuuming the %d messaging tenants' databases first, so that autovacuum does not run during the measurements", have)
		e.vacuum(ctx, e.tenants[:have])
	}
	say("tenants: provisioning %d tenant rows, %d databases from the template", sz.provisioned-have, max(0, sz.withDB-have))
	start := time.Now()
	if _, err := e.provision(ctx, sz.provisioned-max(sz.withDB, have), false, false); err != nil {
		return err
	}
	tr.RowsSeconds = time.Since(start).Seconds()
	start = time.Now()
	fresh, err := e.provision(ctx, max(0, sz.withDB-have), true, false)
	if err != nil {
		return err
	}
	if len(fresh) > 0 {
		tr.DatabaseMsEach = float64(time.Since(start).Milliseconds()) / float64(len(fresh))
	}
	tr.Provisioned = len(e.tenants)
	tr.WithDatabase = len(e.databases)
	// No CHECKPOINT here (issue 17): the activations run in whatever state the provisioning left, as they
	// would after a burst of sign-ups.
	// Never-activated tenants first: they are the cold activation samples.
	withDB := append(fresh, e.tenants[:have]...)
	if err := e.startEngine(ctx, e.cfg.DBMaxConns); err != nil {
		return err
	}
	defer e.stopEngine()
	// A node wakes the tenants with pending work at its start, one after the other (the messaging tenants'
	// API sessions); activations timed one at a time must not run beside them.
	start = time.Now()
	select {
	case <-e.eng.Node.WokeUp():
	case <-time.After(time.Minute):
	}
	say("tenants: the node's wake-up pass at its start took %.1f s", time.Since(start).Seconds())
	say("tenants: %d cold activations one at a time, as many at once, then %d active", min(sz.cold, len(withDB)), len(withDB))
	e.profiled("tenants", func() { err = e.runTenants(ctx, withDB, len(fresh), min(sz.cold, len(fresh)), &tr) })
	res.Tenants = &tr
	return err
}

// profiled runs one phase, under a CPU profile of its own when -cpuprofile is set.
func (e *env) profiled(phase string, run func()) {
	if e.opts.CPUProfile == "" {
		run()
		return
	}
	f, err := os.Create(strings.TrimSuffix(e.opts.CPUProfile, ".pprof") + "-" + phase + ".pprof")
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		say("cpu profile of %s: %v", phase, err)
		run()
		return
	}
	run()
	pprof.StopCPUProfile()
	_ = f.Close()
}

// startProfiles starts the profiles asked for and returns the function that writes them.
func startProfiles(o Options) (func() error, error) {
	if o.HeapProfile != "" {
		runtime.MemProfileRate = 4096
	}
	if o.MutexProfile != "" {
		runtime.SetMutexProfileFraction(5)
	}
	if o.BlockProfile != "" {
		runtime.SetBlockProfileRate(int(time.Microsecond * 100))
	}
	return func() error {
		for name, path := range map[string]string{"mutex": o.MutexProfile, "block": o.BlockProfile, "allocs": o.AllocProfile} {
			if path == "" {
				continue
			}
			f, err := os.Create(path)
			if err != nil {
				return err
			}
			err = pprof.Lookup(name).WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
		return nil
	}, nil
}
