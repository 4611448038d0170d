package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aezen/engine/internal/testkit"
)

// TestBadSignatureFloodStaysOffTheTenantMailbox: signed calls are decoded and verified off the tenant's
// mailbox, so a flood of large, badly signed calls (anyone who knows a channel id can send them) costs the
// tenant actor next to nothing, and its real messages keep flowing.
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

	before := mailboxSeconds(t, e, "channel.inbound")
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
	spent := mailboxSeconds(t, e, "channel.inbound") - before
	t.Logf("the tenant's mailbox spent %.3f ms on %d forged 900 KB calls", spent*1000, calls)
	if per := spent / calls; per > 0.001 {
		t.Fatalf("the tenant's mailbox spent %.2f ms per forged call (verification must run off it)", per*1000)
	}
	if _, r := ch.Inbound("after-flood", "cust", "still here"); r.Status != http.StatusAccepted {
		t.Fatalf("inbound after the flood: %d %s", r.Status, r.Body)
	}
}

// mailboxSeconds reads aezen_tenant_mailbox_seconds_sum for one op from /metrics (0 before any).
func mailboxSeconds(t *testing.T, e *testkit.Engine, op string) float64 {
	t.Helper()
	r := e.Do("GET", "/metrics", "", nil)
	sc := bufio.NewScanner(bytes.NewReader(r.Body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	prefix := `aezen_tenant_mailbox_seconds_sum{op="` + op + `"} `
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	return 0
}
