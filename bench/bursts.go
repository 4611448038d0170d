package bench

import (
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
)

// slowTarget is the send latency target (issue 17): requests slower than it are kept to show when they came.
const slowTarget = 20 * time.Millisecond

// burstGap separates two bursts of slow requests: slow requests scheduled closer together are one burst.
const burstGap = 100 * time.Millisecond

// Burst is a run of slow requests (over slowTarget) scheduled within burstGap of each other: the p99 of a
// window is often a few such stalls rather than a spread, and their times say what to look for (a GC cycle
// of the bench process, which runs the engine, a PostgreSQL checkpoint, autovacuum).
type Burst struct {
	StartMs  float64 `json:"startMs"` // from the window's start
	LengthMs float64 `json:"lengthMs"`
	Requests int     `json:"requests"`
	WorstMs  float64 `json:"worstMs"`
	// GCEnded counts the bench process's garbage collections that ended during the burst or within
	// burstGap after it (Go records when each cycle's final pause ended).
	GCEnded int `json:"gcEnded"`
}

type slowRequest struct {
	at      time.Time
	latency time.Duration
}

// slowLog collects the window's slow requests from the load workers.
type slowLog struct {
	mu   sync.Mutex
	list []slowRequest
}

func (l *slowLog) add(at time.Time, latency time.Duration) {
	if latency <= slowTarget {
		return
	}
	l.mu.Lock()
	l.list = append(l.list, slowRequest{at, latency})
	l.mu.Unlock()
}

// bursts groups the slow requests into bursts, worst first (most requests), at most limit of them, with
// the GC cycles that ended in each (gcEnds: end times of recent collections).
func (l *slowLog) bursts(from time.Time, gcEnds []time.Time, limit int) []Burst {
	l.mu.Lock()
	list := slices.Clone(l.list)
	l.mu.Unlock()
	slices.SortFunc(list, func(a, b slowRequest) int { return a.at.Compare(b.at) })
	var out []Burst
	var first, last time.Time
	flush := func(b *Burst) {
		b.StartMs, b.LengthMs = ms(first.Sub(from)), ms(last.Sub(first))
		for _, g := range gcEnds {
			if !g.Before(first) && !g.After(last.Add(burstGap)) {
				b.GCEnded++
			}
		}
		out = append(out, *b)
	}
	var cur *Burst
	for _, r := range list {
		if cur != nil && r.at.Sub(last) > burstGap {
			flush(cur)
			cur = nil
		}
		if cur == nil {
			cur, first = &Burst{}, r.at
		}
		last = r.at
		cur.Requests++
		cur.WorstMs = max(cur.WorstMs, ms(r.latency))
	}
	if cur != nil {
		flush(cur)
	}
	slices.SortStableFunc(out, func(a, b Burst) int { return b.Requests - a.Requests })
	return out[:min(len(out), limit)]
}

// gcEnds is when the bench process's recent garbage collections ended.
func gcEnds() []time.Time {
	var s debug.GCStats
	debug.ReadGCStats(&s)
	return s.PauseEnd
}

// burstsLine prints bursts for the report: "3 bursts: at 2.1 s for 180 ms, 40 requests, worst 75 ms, 1 GC; …".
func burstsLine(total int, bs []Burst) string {
	if total == 0 {
		return fmt.Sprintf("no request over %d ms", slowTarget.Milliseconds())
	}
	parts := make([]string, len(bs))
	for i, b := range bs {
		parts[i] = fmt.Sprintf("at %.1f s for %.0f ms, %d requests, worst %.0f ms, %d GC", b.StartMs/1000, b.LengthMs, b.Requests, b.WorstMs, b.GCEnded)
	}
	return fmt.Sprintf("%d requests over %d ms; largest bursts: %s", total, slowTarget.Milliseconds(), strings.Join(parts, "; "))
}
