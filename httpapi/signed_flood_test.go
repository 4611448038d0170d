package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/sessions"
)

// TestBadSignatureFloodStaysOffTheTenantMailbox: signed calls are decoded and verified off the tenant's
// mailbox, so a flood of large, badly signed calls (anyone who knows a channel id can send them) costs the
// tenant actor next to nothing, and its real messages keep flowing.
//
// The bound is relative, so that a slow machine cannot fail it: verifying a forged call's signature costs
// at least one HMAC of its body, measured here (verify); on the mailbox, most forged calls must take less
// than that (or 1 ms, whichever is more), as the mailbox histogram's buckets count them. A mailbox that
// verified would spend at least the HMAC on every call. Each forged call must cross the mailbox exactly
// once (the histogram's count), so the calls counted are the flood's.
func TestBadSignatureFloodStaysOffTheTenantMailbox(t *testing.T) {
	e := testkit.StartDefault(t)
	acct := e.SignUp()
	ch := e.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")
	if _, r := ch.Inbound("warm-up", "cust", "hello"); r.Status != http.StatusAccepted {
		t.Fatalf("inbound: %d %s", r.Status, r.Body)
	}
	body, _ := json.Marshal(map[string]any{"platformMessageId": "flood", "from": map[string]any{"platformCustomerId": "x"},
		"content": strings.Repeat("A", 900_000)})
	forged := ch
	forged.Secret = "not-the-channel-secret"

	verify := hmacCost(body)
	before := mailboxHistogram(t, e, "channel.inbound")
	const calls, workers = 30, 3
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < calls/workers; i++ {
				s := forged.PostQuiet("inbound", json.RawMessage(body))
				mu.Lock()
				statuses[s]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if statuses[http.StatusUnauthorized] != calls {
		t.Fatalf("forged calls answered %v, want %d × 401", statuses, calls)
	}
	after := mailboxHistogram(t, e, "channel.inbound")
	if n := after.count - before.count; n != calls {
		t.Fatalf("%d mailbox deliveries of channel.inbound for %d forged calls", n, calls)
	}
	bound := 0.0
	for _, le := range after.bounds() {
		if le <= max(verify.Seconds(), 0.001) {
			bound = le
		}
	}
	quick := after.buckets[bound] - before.buckets[bound]
	t.Logf("one HMAC of the body: %s; %d of %d forged calls took at most %g s on the tenant's mailbox (%.3f ms in all)",
		verify, quick, calls, bound, (after.sum-before.sum)*1000)
	if quick < calls/2 {
		t.Fatalf("only %d of %d forged calls took at most %g s on the tenant's mailbox, where one HMAC of the body takes %s: "+
			"verification must run off it", quick, calls, bound, verify)
	}
	if _, r := ch.Inbound("after-flood", "cust", "still here"); r.Status != http.StatusAccepted {
		t.Fatalf("inbound after the flood: %d %s", r.Status, r.Body)
	}
}

// hmacCost is the least time one signature of body took over a few tries: what verifying a call costs.
func hmacCost(body []byte) time.Duration {
	best := time.Duration(math.MaxInt64)
	for range 5 {
		start := time.Now()
		sessions.SignTimed("secret", 1, body)
		best = min(best, time.Since(start))
	}
	return best
}

// histogram is one op's aezen_tenant_mailbox_seconds as /metrics shows it: cumulative bucket counts by
// upper bound, the count and the sum.
type histogram struct {
	buckets map[float64]int
	count   int
	sum     float64
}

func (h histogram) bounds() []float64 { return slices.Sorted(maps.Keys(h.buckets)) }

// mailboxHistogram reads aezen_tenant_mailbox_seconds for one op from /metrics (zeros before any).
func mailboxHistogram(t *testing.T, e *testkit.Engine, op string) histogram {
	t.Helper()
	r := e.Do("GET", "/metrics", "", nil)
	sc := bufio.NewScanner(bytes.NewReader(r.Body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	h := histogram{buckets: map[float64]int{}}
	bucket := `aezen_tenant_mailbox_seconds_bucket{op="` + op + `",le="`
	count := `aezen_tenant_mailbox_seconds_count{op="` + op + `"} `
	sum := `aezen_tenant_mailbox_seconds_sum{op="` + op + `"} `
	for sc.Scan() {
		line := sc.Text()
		var err error
		if rest, ok := strings.CutPrefix(line, bucket); ok {
			le, n, _ := strings.Cut(rest, `"} `)
			var bound float64
			var c int
			if bound, err = strconv.ParseFloat(le, 64); err == nil && le != "+Inf" {
				c, err = strconv.Atoi(n)
				h.buckets[bound] = c
			}
		} else if v, ok := strings.CutPrefix(line, count); ok {
			h.count, err = strconv.Atoi(v)
		} else if v, ok := strings.CutPrefix(line, sum); ok {
			h.sum, err = strconv.ParseFloat(v, 64)
		}
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	if len(h.buckets) == 0 {
		// Before the op's first call: the buckets of the histogram (actors/tenant/metrics.go), all empty.
		for _, le := range []float64{0.00001, 0.0001, 0.001, 0.005, 0.02, 0.1} {
			h.buckets[le] = 0
		}
	}
	return h
}
