package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
)

// FanoutResult is the delivery latency of events with many WebSocket clients connected.
type FanoutResult struct {
	Clients          int     `json:"clients"`
	Tenants          int     `json:"tenants"`
	ConnectSeconds   float64 `json:"connectSeconds"`
	MessagesPerSec   float64 `json:"messagesPerSecond"`
	WindowSeconds    float64 `json:"windowSeconds"`
	Messages         int64   `json:"messages"`
	FramesExpected   int64   `json:"framesExpected"`
	Frames           int64   `json:"frames"`
	Errors           int64   `json:"errors"`
	ToFrame          Latency `json:"arrivalToFrame"`
	CommitToFrame    Latency `json:"commitToFrame"`
	ToAck            Latency `json:"arrivalToAck"`
	OpenFilesLimit   uint64  `json:"openFilesLimit"`
	ClientsPerTenant int     `json:"clientsPerTenant"`
	CPU              *CPUUse `json:"cpu,omitempty"`
}

// raiseOpenFiles lifts the soft limit on open files to the hard limit: each client is two descriptors here.
func raiseOpenFiles() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	return lim.Cur
}

// runFanout connects clients spread evenly over the tenants (on top of those already connected), then
// sends rate messages per second, round-robin over the tenants' chats, and measures arrival → frame over
// every client of the message's tenant.
func (e *env) runFanout(ctx context.Context, ps []*producer, conns *wsConns, watch *atomic.Pointer[frameWatch],
	clients, existing int, rate float64, warm, window time.Duration) (FanoutResult, error) {
	tenants := map[*tenant]bool{}
	var list []*tenant
	for _, p := range ps {
		if !tenants[p.t] {
			tenants[p.t] = true
			list = append(list, p.t)
		}
	}
	res := FanoutResult{Clients: clients, Tenants: len(list), MessagesPerSec: rate, WindowSeconds: window.Seconds(),
		OpenFilesLimit: raiseOpenFiles(), ClientsPerTenant: clients / len(list)}
	start := time.Now()
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(32)
	for i := range clients - existing {
		t := list[i%len(list)]
		g.Go(func() error { return conns.dial(e.baseURL, t.token, watch) })
	}
	if err := g.Wait(); err != nil {
		return res, err
	}
	// The hub registers a client just after its handshake: wait until it sees them all.
	for deadline := time.Now().Add(10 * time.Second); e.eng.Hub.Count() < clients && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	res.ConnectSeconds = time.Since(start).Seconds()
	if n := e.eng.Hub.Count(); n != clients {
		return res, fmt.Errorf("the hub sees %d clients, %d connected", n, clients)
	}

	w := &frameWatch{keepArrivals: true}
	var ackMu sync.Mutex
	acked := make(map[int64]int64)
	start = time.Now()
	from, to := start.Add(warm), start.Add(warm+window)
	w.setWindow(from, to)
	watch.Store(w)
	cpu := e.cpu.window(from, to)
	var acks Samples
	var messages, errs atomic.Int64
	shards := make(chan *Shard, 32)
	for range 32 {
		shards <- acks.Shard()
	}
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / rate)
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if !at.Before(to) {
			break
		}
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		// Round-robin over tenants first, so consecutive messages reach different clients.
		p := ps[(i%len(list))*(len(ps)/len(list))+(i/len(list))%(len(ps)/len(list))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.eng.Node.Ingest(ctx, p.t.id, p.t.channel, p.input(at))
			if at.Before(from) {
				return
			}
			if err != nil {
				errs.Add(1)
				return
			}
			messages.Add(1)
			ackMu.Lock()
			acked[at.UnixNano()] = time.Now().UnixNano()
			ackMu.Unlock()
			sh := <-shards
			sh.Add(time.Since(at))
			shards <- sh
		}()
	}
	wg.Wait()
	perTenant := int64(clients / len(list))
	res.Messages, res.Errors = messages.Load(), res.Errors+errs.Load()
	res.FramesExpected = res.Messages * perTenant
	deadline := time.Now().Add(5 * time.Second)
	for w.frames.Load() < res.FramesExpected && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	watch.Store(nil)
	res.Frames = w.frames.Load()
	res.ToFrame, res.ToAck, res.CPU = w.samples.Summary(), acks.Summary(), <-cpu
	res.CommitToFrame = w.fromCommit(acked)
	return res, nil
}
