package httpapi_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/sessions"
)

// BenchmarkSignedInbound posts signed POST /api/channels/:id/inbound calls (small bodies, one chat per
// client goroutine, 8 goroutines per core) to a real engine and reports, per call, the process's CPU
// (cpu-µs/op: engine and the Go HTTP client together, PostgreSQL apart) and write system calls
// (write-calls/op) beside allocs/op. "watched" has one WebSocket client of the tenant reading the events;
// "unwatched" none.
//
//	go test ./httpapi/ -run '^$' -bench SignedInbound -benchmem -benchtime 5000x
func BenchmarkSignedInbound(b *testing.B) {
	for _, watched := range []bool{false, true} {
		name := "unwatched"
		if watched {
			name = "watched"
		}
		b.Run(name, func(b *testing.B) {
			e := testkit.StartDefault(b)
			acct := e.SignUp()
			ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
			if watched {
				e.DialWS(acct.Token)
			}
			url := e.BaseURL + "/api/channels/" + ch.ID + "/inbound"
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
			var seq, failed atomic.Int64
			post := func(customer int, text string) {
				n := seq.Add(1)
				body := []byte(fmt.Sprintf(`{"platformMessageId":"b-%d-%d","from":{"platformCustomerId":"c-%d","fullName":"Customer %d"},"content":%q}`,
					time.Now().UnixNano(), n, customer, customer, text))
				req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
				at := time.Now().Unix()
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(sessions.TimestampHeader, strconv.FormatInt(at, 10))
				req.Header.Set(sessions.SignatureHeader, sessions.SignTimed(ch.Secret, at, body))
				res, err := client.Do(req)
				if err != nil || res.StatusCode != http.StatusAccepted {
					failed.Add(1)
				}
				if res != nil {
					_, _ = io.Copy(io.Discard, res.Body) // so that the connection is reused
					res.Body.Close()
				}
			}
			// Warm up: every customer's chat exists before the timer starts.
			const customers = 256
			for c := range customers {
				post(c, "hello")
			}
			var next atomic.Int64
			b.SetParallelism(8)
			cpu0, writes0 := processCPU(), writeCalls()
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				customer := int(next.Add(1)) % customers
				for pb.Next() {
					post(customer, "Hi, is my order on its way? Thanks!")
				}
			})
			b.StopTimer()
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			b.ReportMetric(float64(writeCalls()-writes0)/float64(b.N), "write-calls/op")
			if f := failed.Load(); f > 0 {
				b.Fatalf("%d calls failed", f)
			}
		})
	}
}

// writeCalls is the number of write system calls this process has made (syscw in /proc/self/io; 0 where
// there is none): every socket write of the engine, its database connections and the HTTP client.
func writeCalls() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "syscw: "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// processCPU is the CPU time (user and system) this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
