package bench

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/valyala/fasthttp"

	"github.com/aezen/engine/persistence"
)

// SendResult is one send run: agents posting messages through the HTTP API.
type SendResult struct {
	Mode string `json:"mode"` // "open" (fixed offered rate) or "closed" (workers back to back)
	// Offered is the scheduled rate (open loop); Workers the closed-loop concurrency.
	Offered       float64 `json:"offeredPerSecond,omitempty"`
	Workers       int     `json:"workers,omitempty"`
	WindowSeconds float64 `json:"windowSeconds"`
	Requests      int64   `json:"requests"`
	PerSecond     float64 `json:"requestsPerSecond"`
	Errors        int64   `json:"errors"`
	// Latency runs from the scheduled start of a request (open loop), so a stalled server cannot hide its
	// queue (no coordinated omission), or from its actual start (closed loop).
	Latency Latency `json:"latency"`
	// Delivered counts webhook deliveries of the run's messages that the receiver got within 15 s of the end.
	Delivered int64 `json:"webhookDelivered"`
	// ErrorKinds counts failures by HTTP status or client error.
	ErrorKinds map[string]int64 `json:"errorKinds,omitempty"`
	CPU        *CPUUse          `json:"cpu,omitempty"`
	// Pool counts the engine's tenant connections opened in the window, the dials that waited for the
	// budget and the idle connections reclaimed for them: each dial is a new PostgreSQL backend that a
	// request waits for.
	Pool persistence.PoolCounters `json:"pool"`
	// SlowRequests counts the open loop's requests over the 20 ms target, and SlowBursts are the largest
	// runs of them (bursts.go): when the tail came, and whether a garbage collection ended in it.
	SlowRequests int     `json:"slowRequests"`
	SlowBursts   []Burst `json:"slowBursts,omitempty"`
}

type sendTarget struct {
	path  string
	token string
}

type sender struct {
	client  *fasthttp.HostClient
	targets []sendTarget
	next    atomic.Int64
	body    []byte
	// pools reads the engine's connection counters (nil: not counted).
	pools func() persistence.PoolCounters
	// accepted counts every 202 (warm-up included); delivered is the webhook count last seen by drainWebhooks.
	accepted  atomic.Int64
	delivered int64
	errMu     sync.Mutex
	errKinds  map[string]int64
}

func (s *sender) fail(kind string) bool {
	s.errMu.Lock()
	if s.errKinds == nil {
		s.errKinds = make(map[string]int64)
	}
	s.errKinds[kind]++
	s.errMu.Unlock()
	return false
}

// takeErrors returns the failures counted since the last call.
func (s *sender) takeErrors() map[string]int64 {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	k := s.errKinds
	s.errKinds = nil
	return k
}

func newSender(baseURL string, list []*tenant) *sender {
	s := &sender{client: &fasthttp.HostClient{Addr: strings.TrimPrefix(baseURL, "http://"), MaxConns: 4096,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, MaxIdleConnDuration: time.Minute},
		body: []byte(`{"content":"Your order has shipped and will arrive tomorrow.","contentType":"TEXT"}`)}
	// Interleave tenants so that consecutive requests go to different tenants and chats.
	maxChats := 0
	for _, t := range list {
		maxChats = max(maxChats, len(t.chats))
	}
	for c := range maxChats {
		for _, t := range list {
			if c < len(t.chats) && t.chats[c] != uuid.Nil {
				s.targets = append(s.targets, sendTarget{path: "/api/conversations/" + t.chats[c].String() + "/send", token: "Bearer " + t.token})
			}
		}
	}
	return s
}

// do sends one request to the next target and reports whether it was accepted.
func (s *sender) do() bool {
	t := s.targets[int(s.next.Add(1))%len(s.targets)]
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.Header.SetMethod("POST")
	req.SetRequestURI("http://" + s.client.Addr + t.path)
	req.Header.Set("Authorization", t.token)
	req.Header.SetContentType("application/json")
	req.SetBodyRaw(s.body)
	if err := s.client.Do(req, res); err != nil {
		return s.fail(err.Error())
	}
	if res.StatusCode() != fasthttp.StatusAccepted {
		return s.fail(strconv.Itoa(res.StatusCode()) + " " + string(res.Body()))
	}
	s.accepted.Add(1)
	return true
}

// openLoopWorkers is how many requests the open loop can have in flight. A request scheduled while all
// are busy waits in the queue, and its latency, counted from its scheduled time, includes the wait.
const openLoopWorkers = 2048

// openLoop schedules rate requests per second for warm+window and measures those scheduled inside the
// window from their scheduled time. Long-lived workers send them: a goroutine per request would spend the
// bench process's CPU growing fresh stacks, not loading the engine.
func (s *sender) openLoop(cpu *cpuMeter, rate float64, warm, window time.Duration) SendResult {
	res := SendResult{Mode: "open", Offered: rate, WindowSeconds: window.Seconds()}
	var lat Samples
	var slow slowLog
	var reqs, errs atomic.Int64
	var wg sync.WaitGroup
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	from, to := start.Add(warm), start.Add(warm+window)
	cpuUse, poolUse := cpu.window(from, to), s.poolWindow(from, to)
	queue := make(chan time.Time, int(rate*(warm+window).Seconds())+1)
	for range openLoopWorkers {
		wg.Add(1)
		go asLoad(func() {
			defer wg.Done()
			sh := lat.Shard()
			for at := range queue {
				ok := s.do()
				if at.Before(from) {
					continue
				}
				took := time.Since(at)
				sh.Add(took)
				slow.add(at, took)
				reqs.Add(1)
				if !ok {
					errs.Add(1)
				}
			}
		})
	}
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if !at.Before(to) {
			break
		}
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		queue <- at
	}
	close(queue)
	wg.Wait()
	res.Requests, res.Errors = reqs.Load(), errs.Load()
	res.PerSecond = perSecond(res.Requests-res.Errors, window)
	res.Latency = lat.Summary()
	res.CPU, res.Pool = <-cpuUse, <-poolUse
	res.SlowRequests, res.SlowBursts = len(slow.list), slow.bursts(from, gcEnds(), 3)
	res.ErrorKinds = s.takeErrors()
	return res
}

// closedLoop runs workers that send back to back for warm+window and measures the window.
func (s *sender) closedLoop(cpu *cpuMeter, workers int, warm, window time.Duration) SendResult {
	res := SendResult{Mode: "closed", Workers: workers, WindowSeconds: window.Seconds()}
	var lat Samples
	var reqs, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	from, to := start.Add(warm), start.Add(warm+window)
	cpuUse, poolUse := cpu.window(from, to), s.poolWindow(from, to)
	for range workers {
		wg.Add(1)
		go asLoad(func() {
			defer wg.Done()
			sh := lat.Shard()
			for {
				at := time.Now()
				if !at.Before(to) {
					return
				}
				ok := s.do()
				if at.Before(from) {
					continue
				}
				sh.Add(time.Since(at))
				reqs.Add(1)
				if !ok {
					errs.Add(1)
				}
			}
		})
	}
	wg.Wait()
	res.Requests, res.Errors = reqs.Load(), errs.Load()
	res.PerSecond = perSecond(res.Requests-res.Errors, window)
	res.Latency = lat.Summary()
	res.CPU, res.Pool = <-cpuUse, <-poolUse
	res.ErrorKinds = s.takeErrors()
	return res
}

// poolWindow counts the engine's tenant connections between from and to in the background.
func (s *sender) poolWindow(from, to time.Time) <-chan persistence.PoolCounters {
	ch := make(chan persistence.PoolCounters, 1)
	if s.pools == nil {
		ch <- persistence.PoolCounters{}
		return ch
	}
	go func() {
		time.Sleep(time.Until(from))
		p0 := s.pools()
		time.Sleep(time.Until(to))
		p1 := s.pools()
		ch <- persistence.PoolCounters{Dials: p1.Dials - p0.Dials, Waits: p1.Waits - p0.Waits, Reclaimed: p1.Reclaimed - p0.Reclaimed}
	}()
	return ch
}
