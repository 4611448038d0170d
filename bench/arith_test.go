package bench

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSummarizePercentiles: nearest-rank percentiles (the smallest sample with at least p of the samples at
// or below it), on unsorted input, in milliseconds rounded to the microsecond.
func TestSummarizePercentiles(t *testing.T) {
	var d []time.Duration
	for i := 1000; i >= 1; i-- { // 1..1000 ms, reversed
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	l := summarize(d)
	if l.Count != 1000 || l.P50 != 500 || l.P99 != 990 || l.P999 != 999 || l.Max != 1000 || l.Mean != 500.5 {
		t.Fatalf("1..1000 ms: %+v", l)
	}
	l = summarize([]time.Duration{7 * time.Millisecond})
	if l.P50 != 7 || l.P99 != 7 || l.P999 != 7 || l.Max != 7 {
		t.Fatalf("one sample: %+v", l)
	}
	// Two samples: p50 is the first, p99 the second.
	l = summarize([]time.Duration{3 * time.Millisecond, 1500 * time.Microsecond})
	if l.P50 != 1.5 || l.P99 != 3 || l.Mean != 2.25 {
		t.Fatalf("two samples: %+v", l)
	}
	if l := summarize(nil); l.Count != 0 || l.P99 != 0 {
		t.Fatalf("no samples: %+v", l)
	}
	if got := ms(1234567 * time.Nanosecond); got != 1.235 {
		t.Fatalf("ms rounding: %v", got)
	}
	var s Samples
	a, b := s.Shard(), s.Shard()
	for i := 1; i <= 100; i++ {
		if i%2 == 0 {
			a.Add(time.Duration(i) * time.Millisecond)
		} else {
			b.Add(time.Duration(i) * time.Millisecond)
		}
	}
	if l := s.Summary(); l.Count != 100 || l.P50 != 50 || l.P99 != 99 || l.Max != 100 {
		t.Fatalf("shards merged: %+v", l)
	}
}

// TestRateArithmetic: rates over a window, CPU per operation, and the ratios the targets compare.
func TestRateArithmetic(t *testing.T) {
	if got := perSecond(3000, 1500*time.Millisecond); got != 2000 {
		t.Fatalf("3000 in 1.5 s: %v/s", got)
	}
	if got := perSecond(10, 0); got != 0 {
		t.Fatalf("empty window: %v", got)
	}
	// 0.5 cores busy at 2,000 operations per second is 250 µs of CPU per operation.
	if got := microsPerOp(0.5, 2000); math.Abs(got-250) > 1e-9 {
		t.Fatalf("0.5 cores at 2000/s: %v µs", got)
	}
	if got := microsPerOp(1, 0); got != 0 {
		t.Fatalf("no operations: %v", got)
	}
	c := &CPUUse{Process: 0.2, Postgres: 0.5, Machine: 1.9}
	if got := c.perOp(1000, "message"); got != "cpu per message: bench process 200 µs, postgres 500 µs" {
		t.Fatalf("perOp: %q", got)
	}
	if got := c.String(); got != "cpu cores: bench process 0.20, postgres 0.50, machine busy 1.90 (other work 1.20: noisy)" {
		t.Fatalf("String: %q", got)
	}
	c.Checkpoints, c.CheckpointSyncMs = 1, 6877
	if got := c.String(); !strings.HasSuffix(got, "noisy); 1 checkpoint(s) ended, syncing files for 6877 ms") {
		t.Fatalf("String with a checkpoint: %q", got)
	}
	c.Checkpointing = 0.64
	if got := c.String(); !strings.HasSuffix(got, "for 6877 ms; a checkpoint ran during 64% of the window") {
		t.Fatalf("String with a checkpoint running: %q", got)
	}
	if pct(0.634) != "63%" || thousands(1234567) != "1,234,567" || thousands(999) != "999" || rate(2500) != "2,500/s" {
		t.Fatal("formatting")
	}
}

// TestPhaseErrorsFail: a phase that failed, or whose requests failed, is a FAIL line whatever its figures.
func TestPhaseErrorsFail(t *testing.T) {
	r := &Results{Ingest: &IngestResult{PerSecond: 100, Errors: 3}, Fanout: &FanoutResult{}, Errors: []string{"tenants: boom"}}
	r.evaluate()
	want := map[string]bool{"ingest: errors": false, "tenants: phase failed": false}
	for _, tg := range r.Targets {
		if _, ok := want[tg.Name]; ok {
			if tg.Passed {
				t.Fatalf("%s passed", tg.Name)
			}
			want[tg.Name] = true
		}
		if tg.Name == "fan-out: errors" {
			t.Fatal("a phase without errors got an errors line")
		}
	}
	for name, seen := range want {
		if !seen {
			t.Fatalf("no %q target in %+v", name, r.Targets)
		}
	}
}

// TestSlowBursts: slow requests scheduled within 100 ms of each other are one burst; fast ones are not kept;
// a collection that ended within a burst (or 100 ms after it) is counted in it.
func TestSlowBursts(t *testing.T) {
	from := time.Date(2026, 12, 3, 19, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return from.Add(time.Duration(ms) * time.Millisecond) }
	var l slowLog
	l.add(at(520), 30*time.Millisecond)
	l.add(at(0), 25*time.Millisecond)
	l.add(at(50), 80*time.Millisecond)
	l.add(at(60), 5*time.Millisecond) // under the target: not kept
	l.add(at(150), 21*time.Millisecond)
	l.add(at(500), 40*time.Millisecond)
	got := l.bursts(from, []time.Time{at(230), at(700)}, 3)
	want := []Burst{{StartMs: 0, LengthMs: 150, Requests: 3, WorstMs: 80, GCEnded: 1}, {StartMs: 500, LengthMs: 20, Requests: 2, WorstMs: 40, GCEnded: 0}}
	if !slices.Equal(got, want) {
		t.Fatalf("bursts: %+v, want %+v", got, want)
	}
	if line := burstsLine(len(l.list), got); line != "5 requests over 20 ms; largest bursts: at 0.0 s for 150 ms, 3 requests, worst 80 ms, 1 GC; at 0.5 s for 20 ms, 2 requests, worst 40 ms, 0 GC" {
		t.Fatalf("line: %q", line)
	}
	if got := l.bursts(from, nil, 1); len(got) != 1 || got[0].Requests != 3 {
		t.Fatalf("limit 1: %+v", got)
	}
	if line := burstsLine(0, nil); line != "no request over 20 ms" {
		t.Fatalf("no slow request: %q", line)
	}
}
