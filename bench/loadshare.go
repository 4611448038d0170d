package bench

import (
	"bytes"
	"runtime/pprof"
	"time"

	"github.com/google/pprof/profile"
)

// The bench process runs the engine and its own load generators, so its CPU per operation counts both. A
// CPU profile taken over a phase's window splits them: the samples of goroutines labelled bench=load
// (asLoad) are the load generators', everything else (the runtime's collector and scheduler included, so
// the split leans against the engine) is the engine's. The phase's process CPU times the engine's share is
// the engine's CPU.

// noLoadShare answers -1: no profile was taken.
var noLoadShare = func() <-chan float64 {
	ch := make(chan float64, 1)
	ch <- -1
	close(ch)
	return ch
}()

// loadShareWindow profiles the process from from to to and answers the share of its CPU samples that the
// load generators took, or -1 when no profile could be taken (another one runs: -cpuprofile).
func loadShareWindow(from, to time.Time) <-chan float64 {
	ch := make(chan float64, 1)
	go func() {
		time.Sleep(time.Until(from))
		var buf bytes.Buffer
		if err := pprof.StartCPUProfile(&buf); err != nil {
			ch <- -1
			return
		}
		time.Sleep(time.Until(to))
		pprof.StopCPUProfile()
		ch <- loadShare(buf.Bytes())
	}()
	return ch
}

// loadShare reads a CPU profile and answers the share of its CPU time in samples labelled bench=load; -1
// when it cannot be read or holds no samples.
func loadShare(data []byte) float64 {
	p, err := profile.ParseData(data)
	if err != nil {
		return -1
	}
	cpu := len(p.SampleType) - 1 // the last value is CPU nanoseconds
	if cpu < 0 {
		return -1
	}
	var load, all int64
	for _, s := range p.Sample {
		v := s.Value[cpu]
		all += v
		if labels := s.Label["bench"]; len(labels) > 0 && labels[0] == "load" {
			load += v
		}
	}
	if all == 0 {
		return -1
	}
	return float64(load) / float64(all)
}
