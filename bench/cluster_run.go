package bench

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// ingestAndFailover runs every producer in a closed loop (the next message once the last is answered),
// each sending its messages to the members in turn, and measures the window. Then it kills the member
// hosting the most tenants with SIGKILL while the producers' last messages are in flight, and measures,
// for each of its tenants, the time until a request through a survivor succeeds.
func (c *benchCluster) ingestAndFailover(ctx context.Context, e *env, ps []*clusterProducer, list []*clusterTenant,
	watch *atomic.Pointer[frameWatch], warm, window time.Duration, cr *ClusterResult) error {
	n := len(c.members)
	w := &frameWatch{}
	start := time.Now()
	from, to := start.Add(warm), start.Add(warm+window)
	w.setWindow(from, to)
	watch.Store(w)

	var stop atomic.Bool
	var killAt atomic.Int64 // unix nanoseconds, 0 until the kill
	var acks Samples
	var messages, errs, sent, cross, lateAcked, lateFailed, lateMax, past atomic.Int64
	var wg sync.WaitGroup
	for k, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			shard := acks.Shard()
			crossed := false
			defer func() {
				if !crossed {
					past.Add(1) // stopped early (interrupted)
				}
			}()
			for i := k; !stop.Load() && ctx.Err() == nil; i++ {
				m := c.members[i%n]
				at := time.Now()
				if !crossed && !at.Before(to) {
					// Closed loop: this producer's messages of the window are all answered.
					crossed = true
					past.Add(1)
				}
				id, status := c.inbound(m, p, at)
				ok := status == http.StatusAccepted
				if ok {
					p.acked = append(p.acked, id)
				}
				if killAt.Load() != 0 {
					// Answered after the kill: in flight when it happened.
					if ok {
						lateAcked.Add(1)
						for d := time.Since(at).Nanoseconds(); ; {
							if old := lateMax.Load(); d <= old || lateMax.CompareAndSwap(old, d) {
								break
							}
						}
					} else {
						lateFailed.Add(1)
					}
					continue
				}
				if at.Before(from) || !at.Before(to) {
					continue
				}
				sent.Add(1)
				if m.index != p.t.host {
					cross.Add(1)
				}
				if !ok {
					errs.Add(1)
					continue
				}
				shard.Add(time.Since(at))
				messages.Add(1)
			}
		}()
	}
	// CPU of the window: the bench process, PostgreSQL and the machine, and the members' processes.
	meter := newCPUMeter(ctx, e)
	if sleepUntil(ctx, from) != nil {
		stop.Store(true)
		wg.Wait()
		return ctx.Err()
	}
	r0, m0, t0 := meter.read(), c.cpuSeconds(), time.Now()
	if sleepUntil(ctx, to) != nil {
		stop.Store(true)
		wg.Wait()
		return ctx.Err()
	}
	cpu, m1, t1 := meter.since(r0), c.cpuSeconds(), time.Now()
	in := &cr.Ingest
	in.Producers, in.WindowSeconds, in.CPU = len(ps), window.Seconds(), cpu
	in.MembersCores = (m1 - m0) / t1.Sub(t0).Seconds()
	// Wait for the answers to the window's last messages, then for their frames (the producers go on).
	for deadline := time.Now().Add(15 * time.Second); past.Load() < int64(len(ps)) && time.Now().Before(deadline) && ctx.Err() == nil; {
		time.Sleep(10 * time.Millisecond)
	}
	for deadline := time.Now().Add(3 * time.Second); w.frames.Load() < messages.Load() && time.Now().Before(deadline) && ctx.Err() == nil; {
		time.Sleep(10 * time.Millisecond)
	}
	watch.Store(nil)
	in.Messages, in.Errors, in.Frames = messages.Load(), errs.Load(), w.frames.Load()
	in.PerSecond = perSecond(in.Messages, window)
	if s := sent.Load(); s > 0 {
		in.CrossMember = float64(cross.Load()) / float64(s)
	}
	in.ToAck, in.ToFrame = acks.Summary(), w.samples.Summary()
	if ctx.Err() != nil {
		stop.Store(true)
		wg.Wait()
		return ctx.Err()
	}

	victim := 0
	for i, k := range cr.TenantsPerMember {
		if k > cr.TenantsPerMember[victim] {
			victim = i
		}
	}
	var hosted []*clusterTenant
	for _, t := range list {
		if t.host == victim {
			hosted = append(hosted, t)
		}
	}
	var survivors []*member
	for _, m := range c.members {
		if m.index != victim {
			survivors = append(survivors, m)
		}
	}
	f := &FailoverStats{Member: victim, Tenants: len(hosted)}
	cr.Failover = f
	say("cluster: kill -9 of member %d (hosts %d tenants), waiting for them on the survivors", victim, len(hosted))
	stop.Store(true)
	killed := time.Now()
	killAt.Store(killed.UnixNano())
	c.members[victim].signal(syscall.SIGKILL, 10*time.Second)

	var pw sync.WaitGroup
	pw.Add(1)
	go func() {
		defer pw.Done()
		for deadline := killed.Add(60 * time.Second); time.Now().Before(deadline) && ctx.Err() == nil; {
			all := true
			for _, m := range survivors {
				all = all && c.seesMembers(m, n-1)
			}
			if all {
				f.SurvivorsSeeMs = ms(time.Since(killed))
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	served := make([]time.Duration, len(hosted))
	for i, t := range hosted {
		pw.Add(1)
		go func() {
			defer pw.Done()
			served[i] = c.timeToServe(ctx, t, survivors, killed, 60*time.Second)
		}()
	}
	pw.Wait()
	wg.Wait()
	var d []time.Duration
	for _, s := range served {
		if s > 0 {
			d = append(d, s)
		}
	}
	f.Served, f.TimeToServe = len(d), summarize(slices.Clone(d))
	if len(d) > 0 {
		f.FirstMs = ms(slices.Min(d))
	}
	f.InFlightAcked, f.InFlightFailed = lateAcked.Load(), lateFailed.Load()
	f.InFlight, f.InFlightMaxMs = f.InFlightAcked+f.InFlightFailed, ms(time.Duration(lateMax.Load()))
	acked := map[*clusterTenant][]string{}
	for _, p := range ps {
		acked[p.t] = append(acked[p.t], p.acked...)
	}
	return e.storedCheck(ctx, list, acked, f)
}

// timeToServe sends GET /api/conversations for tenant t through the survivors every 50 ms and returns the
// time from the kill to the first success, or 0 if none came within limit. A request sent just after the
// kill can wait for a whole attempt on the dead member (3 s, see node.Node.Ask), so the polls do not wait
// for each other: up to 100 are in flight, 5 s of polls, and the first to succeed is the time the tenant
// serves again.
func (c *benchCluster) timeToServe(ctx context.Context, t *clusterTenant, via []*member, killed time.Time, limit time.Duration) time.Duration {
	served := make(chan time.Duration, 1)
	var inflight atomic.Int32
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	timeout := time.After(time.Until(killed.Add(limit)))
	for i := 0; ; i++ {
		if inflight.Load() < 100 {
			inflight.Add(1)
			m := via[i%len(via)]
			go func() {
				defer inflight.Add(-1)
				if c.get(m, "/api/conversations?limit=1", t.token) == http.StatusOK {
					select {
					case served <- time.Since(killed):
					default:
					}
				}
			}()
		}
		select {
		case d := <-served:
			return d
		case <-tick.C:
		case <-timeout:
			return 0
		case <-ctx.Done():
			return 0
		}
	}
}

// sleepUntil sleeps until t or until ctx ends.
func sleepUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
