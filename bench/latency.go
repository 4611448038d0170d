package bench

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Samples collects latencies from many goroutines. Each goroutine should use its own Shard, so that
// recording costs an append and no lock; Merge gathers the shards when the phase is over.
type Samples struct {
	mu     sync.Mutex
	shards []*Shard
}

// Shard is one goroutine's share of a Samples. Its lock is never contended while the phase runs; it makes
// reading the shards safe if a straggler records after the phase.
type Shard struct {
	mu sync.Mutex
	d  []time.Duration
}

// Add records one latency.
func (s *Shard) Add(d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
}

// Shard returns a new shard of s.
func (s *Samples) Shard() *Shard {
	sh := &Shard{d: make([]time.Duration, 0, 256)}
	s.mu.Lock()
	s.shards = append(s.shards, sh)
	s.mu.Unlock()
	return sh
}

// Summary merges the shards (call it once every writer has stopped) and returns the distribution.
func (s *Samples) Summary() Latency {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []time.Duration
	for _, sh := range s.shards {
		sh.mu.Lock()
		all = append(all, sh.d...)
		sh.mu.Unlock()
	}
	return summarize(all)
}

// Latency is a latency distribution in milliseconds.
type Latency struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50Ms"`
	P99   float64 `json:"p99Ms"`
	P999  float64 `json:"p999Ms"`
	Max   float64 `json:"maxMs"`
	Mean  float64 `json:"meanMs"`
}

func summarize(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	slices.Sort(d)
	var sum time.Duration
	for _, v := range d {
		sum += v
	}
	q := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(d)))) - 1
		i = max(0, min(i, len(d)-1))
		return ms(d[i])
	}
	return Latency{Count: len(d), P50: q(0.50), P99: q(0.99), P999: q(0.999), Max: ms(d[len(d)-1]),
		Mean: ms(sum / time.Duration(len(d)))}
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
