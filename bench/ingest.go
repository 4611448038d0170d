package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"
	"golang.org/x/sync/errgroup"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/persistence"
	"github.com/aezen/engine/sessions"
)

// IngestResult is the inbound figure: messages committed and emitted to WebSocket subscribers.
type IngestResult struct {
	// HTTP: the messages came as signed POST /api/channels/:id/inbound over loopback HTTP; otherwise through
	// Node.Ingest in process.
	HTTP           bool    `json:"http"`
	Tenants        int     `json:"tenants"`
	ChatsPerTenant int     `json:"chatsPerTenant"`
	Producers      int     `json:"producers"`
	WindowSeconds  float64 `json:"windowSeconds"`
	Messages       int64   `json:"messages"`
	PerSecond      float64 `json:"messagesPerSecond"`
	Frames         int64   `json:"frames"`
	Errors         int64   `json:"errors"`
	// ToFrame is arrival → incoming_message frame read by a real WebSocket client; ToAck is arrival → commit
	// acknowledged to the producer.
	ToFrame Latency `json:"arrivalToFrame"`
	ToAck   Latency `json:"arrivalToAck"`
	// JobsPerCommit is the mean number of write jobs per group commit during the window.
	JobsPerCommit float64 `json:"jobsPerCommit"`
	// FirstContactPerSecond is the rate of the warm-up round, where every message is a chat's first.
	FirstContactPerSecond float64 `json:"firstContactPerSecond"`
	CPU                   *CPUUse `json:"cpu,omitempty"`
	// LoadShare is the share of the bench process's CPU that its own load generators took in the window,
	// from a CPU profile (loadshare.go); -1 when none was taken (over HTTP only, and not under -cpuprofile).
	LoadShare float64 `json:"loadShare"`
	// NewConnections counts the connections to tenant databases established during the run: with more
	// writing tenants than AEZEN_DB_MAX_CONNS, the node must close and reopen connections.
	NewConnections int64 `json:"newConnections"`
	// Pool counts the engine's tenant connections opened, dials that waited for the budget, and idle
	// connections closed to make room, during the run.
	Pool persistence.PoolCounters `json:"pool"`
}

// producer plays one customer writing in one chat: messages in order, the next once the last is committed.
type producer struct {
	t      *tenant
	ti, ci int
	seq    atomic.Int64
}

func (p *producer) input(at time.Time) ops.InboundInput {
	seq := int(p.seq.Add(1))
	name := "Customer " + strconv.Itoa(p.ci)
	return ops.InboundInput{
		PlatformMessageID: platformMessageID(p.ti, p.ci, seq, at),
		From:              ops.InboundSender{PlatformCustomerID: "cust-" + strconv.Itoa(p.ci), FullName: &name},
		Content:           "Hi, is my order " + strconv.Itoa(seq) + " on its way? Thanks!",
	}
}

func producersFor(list []*tenant, chats int) []*producer {
	var ps []*producer
	for ti, t := range list {
		t.chats = make([]uuid.UUID, chats)
		for ci := range chats {
			ps = append(ps, &producer{t: t, ti: ti, ci: ci})
		}
	}
	return ps
}

// warmUp sends every chat's first message: customers and chats are created, conversations start.
func (e *env) warmUp(ctx context.Context, ps []*producer) (float64, error) {
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(1024)
	for _, p := range ps {
		g.Go(func() error {
			res, err := e.eng.Node.Ingest(gctx, p.t.id, p.t.channel, p.input(time.Now()))
			if err != nil {
				return fmt.Errorf("first message of chat %d of tenant %d: %w", p.ci, p.ti, err)
			}
			p.t.chats[p.ci] = res.ChatID
			return nil
		})
	}
	err := g.Wait()
	return float64(len(ps)) / time.Since(start).Seconds(), err
}

// ingestInProcess hands a producer's message to the node in process (Node.Ingest: no HTTP, no signature).
func (e *env) ingestInProcess(ctx context.Context) func(*producer, time.Time) error {
	return func(p *producer, at time.Time) error {
		_, err := e.eng.Node.Ingest(ctx, p.t.id, p.t.channel, p.input(at))
		return err
	}
}

// ingestHTTP posts a producer's message as its integration would: a signed POST /api/channels/:id/inbound
// to the node's HTTP server, answered 202 once committed.
func (e *env) ingestHTTP() func(*producer, time.Time) error {
	client := &fasthttp.Client{MaxConnsPerHost: 16384, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	return func(p *producer, at time.Time) error {
		in := p.input(at)
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(res)
		req.Header.SetMethod("POST")
		req.SetRequestURI(e.baseURL + "/api/channels/" + p.t.channel.String() + "/inbound")
		req.Header.SetContentType("application/json")
		ts := time.Now().Unix()
		req.Header.Set(sessions.TimestampHeader, strconv.FormatInt(ts, 10))
		req.Header.Set(sessions.SignatureHeader, sessions.SignTimed(p.t.secret, ts, body))
		req.SetBodyRaw(body)
		if err := client.Do(req, res); err != nil {
			return err
		}
		if res.StatusCode() != http.StatusAccepted {
			return fmt.Errorf("inbound: %d %s", res.StatusCode(), res.Body())
		}
		return nil
	}
}

// runIngest runs every producer for warm+window, each sending with send (external: over HTTP, nothing of
// the engine on the producers' goroutines), and measures the window.
func (e *env) runIngest(ctx context.Context, ps []*producer, watch *atomic.Pointer[frameWatch], warm, window time.Duration,
	send func(*producer, time.Time) error, external bool) IngestResult {
	w := &frameWatch{}
	start := time.Now()
	from, to := start.Add(warm), start.Add(warm+window)
	w.setWindow(from, to)
	watch.Store(w)
	cpu := e.cpu.window(from, to)
	share := noLoadShare
	if external {
		share = loadShareWindow(from, to)
	}
	sum0, n0 := histogramSumCount("aezen_group_commit_jobs")
	conns0 := e.sessionsEstablished(ctx)
	pool0 := e.eng.Deps.Pools.Counters()

	var acks Samples
	var messages, errs atomic.Int64
	var wg sync.WaitGroup
	// A producer over HTTP is only load (asLoad); one in process runs the engine's Node.Ingest on its own
	// goroutine (and may start the dispatcher's workers from it, which would inherit a label), so it has none.
	run := func(f func()) { go f() }
	if external {
		run = func(f func()) { go asLoad(f) }
	}
	for _, p := range ps {
		wg.Add(1)
		run(func() {
			defer wg.Done()
			shard := acks.Shard()
			for {
				at := time.Now()
				if !at.Before(to) {
					return
				}
				err := send(p, at)
				if at.Before(from) {
					continue
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				shard.Add(time.Since(at))
				messages.Add(1)
			}
		})
	}
	wg.Wait()
	sum1, n1 := histogramSumCount("aezen_group_commit_jobs")
	// Frames of the last messages may still be on their way.
	deadline := time.Now().Add(5 * time.Second)
	for w.frames.Load() < messages.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	watch.Store(nil)
	res := IngestResult{Producers: len(ps), WindowSeconds: window.Seconds(), Messages: messages.Load(),
		PerSecond: perSecond(messages.Load(), window), Frames: w.frames.Load(), Errors: errs.Load(),
		ToFrame: w.samples.Summary(), ToAck: acks.Summary(), CPU: <-cpu, LoadShare: <-share}
	if n1 > n0 {
		res.JobsPerCommit = (sum1 - sum0) / float64(n1-n0)
	}
	res.NewConnections = e.sessionsEstablished(ctx) - conns0
	pool1 := e.eng.Deps.Pools.Counters()
	res.Pool = persistence.PoolCounters{Dials: pool1.Dials - pool0.Dials, Waits: pool1.Waits - pool0.Waits,
		Reclaimed: pool1.Reclaimed - pool0.Reclaimed}
	return res
}

// sessionsEstablished is the number of sessions PostgreSQL has started on tenant databases (pg_stat_database).
func (e *env) sessionsEstablished(ctx context.Context) int64 {
	var n int64
	_ = e.server.QueryRow(ctx, `SELECT coalesce(sum(sessions), 0)::bigint FROM pg_stat_database WHERE datname LIKE 'aezen\_t\_%'`).Scan(&n)
	return n
}

// histogramSumCount reads a histogram of the engine's default Prometheus registry.
func histogramSumCount(name string) (float64, uint64) {
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		return 0, 0
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if h := m.GetHistogram(); h != nil {
				return h.GetSampleSum(), h.GetSampleCount()
			}
		}
	}
	return 0, 0
}
