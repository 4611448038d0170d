package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/internal/testkit"
	"github.com/aezen/engine/persistence"
)

// TestClusterOneActivationPerTenant hammers one tenant through every member of a fresh three-member
// cluster while members leave and join again. Polling every member's ops endpoint, no two members ever
// host the tenant at once; the master database's activation record shows each activation ended before the
// next began; and every acknowledged message is stored once, in order in its chat.
func TestClusterOneActivationPerTenant(t *testing.T) {
	c := testkit.NewCluster(t, binary(t), 3)
	for i := 0; i < 3; i++ {
		c.Start(i)
	}
	m0 := c.Member(0)
	acct := m0.SignUp()
	ch := m0.CreateAPIChannel(acct.Token, "http://127.0.0.1:1/unused")

	var alive [3]atomic.Bool
	for i := range alive {
		alive[i].Store(true)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup

	// One sender per member, each writing to its own chat one message at a time, through its member while
	// it is up and through the next live one while it is not.
	acked := make([][]string, 3)
	for s := 0; s < 3; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			for i := 0; ; i++ {
				id := fmt.Sprintf("hammer-%d-%04d", s, i)
				body := map[string]any{"platformMessageId": id, "from": map[string]any{"platformCustomerId": fmt.Sprintf("cust-%d", s)}, "content": id}
				first := time.Now()
				for {
					select {
					case <-stop:
						return
					default:
					}
					via := s
					for !alive[via].Load() {
						via = (via + 1) % 3
					}
					if ch.Via(c.Member(via).Client).PostQuiet("inbound", body) == http.StatusAccepted {
						acked[s] = append(acked[s], id)
						break
					}
					if time.Since(first) > 30*time.Second {
						t.Errorf("message %s not acknowledged within 30s", id)
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		}(s)
	}

	// The ops endpoints of all live members, asked at once, every 50 ms.
	var sweeps, doubles atomic.Int64
	var doubleSeen atomic.Value
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			var hosts sync.Map
			var sw sync.WaitGroup
			for i := 0; i < 3; i++ {
				if !alive[i].Load() {
					continue
				}
				sw.Add(1)
				go func(i int) {
					defer sw.Done()
					if epoch, ok := hostsTenant(c, i, acct.TenantID); ok {
						hosts.Store(i, epoch)
					}
				}(i)
			}
			sw.Wait()
			sweeps.Add(1)
			n := 0
			desc := ""
			hosts.Range(func(k, v any) bool { n++; desc += fmt.Sprintf(" member %d (epoch %d)", k, v); return true })
			if n > 1 {
				doubles.Add(1)
				doubleSeen.Store(desc)
			}
		}
	}()

	// Members leave (SIGTERM) and join again, one after another, while the senders run.
	time.Sleep(3 * time.Second)
	for round := 0; round < 3; round++ {
		i := (round + 1) % 3
		alive[i].Store(false)
		c.Terminate(i)
		time.Sleep(2 * time.Second)
		c.Start(i)
		alive[i].Store(true)
		time.Sleep(2 * time.Second)
	}
	close(stop)
	wg.Wait()

	if d := doubles.Load(); d > 0 {
		t.Fatalf("in %d of %d sweeps of the ops endpoints two members hosted the tenant, e.g.%v", d, sweeps.Load(), doubleSeen.Load())
	}
	assertActivationsDisjoint(t, c, acct.TenantID)
	assertStoredOnceInOrder(t, c, acct.TenantID, acked)
}

// hostsTenant asks member i whether it hosts the tenant and with which lease epoch.
func hostsTenant(c *testkit.Cluster, i int, tenantID string) (int64, bool) {
	req, _ := http.NewRequest("GET", c.Member(i).BaseURL+"/api/ops/actors", nil)
	req.Header.Set("Authorization", "Bearer "+c.Cfg.OpsToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, false
	}
	defer res.Body.Close()
	var body struct {
		Tenants []struct {
			TenantID string `json:"tenantId"`
			Epoch    int64  `json:"epoch"`
		} `json:"tenants"`
	}
	if json.NewDecoder(res.Body).Decode(&body) != nil {
		return 0, false
	}
	for _, tn := range body.Tenants {
		if tn.TenantID == tenantID {
			return tn.Epoch, true
		}
	}
	return 0, false
}

// assertActivationsDisjoint checks the master database's record of the tenant's activations: each one
// ended before the next one started.
func assertActivationsDisjoint(t *testing.T, c *testkit.Cluster, tenantID string) {
	t.Helper()
	url, _ := persistence.WithDatabase(c.Cfg.DatabaseURL, c.Cfg.MasterDB)
	conn := connect(t, url)
	rows, err := conn.Query(context.Background(), `SELECT epoch, holder, started_at, ended_at FROM tenant_activations WHERE tenant_id = $1 ORDER BY epoch`, tenantID)
	if err != nil {
		t.Fatal(err)
	}
	type activation struct {
		epoch  int64
		holder string
		start  time.Time
		end    *time.Time
	}
	acts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (activation, error) {
		var a activation
		return a, r.Scan(&a.epoch, &a.holder, &a.start, &a.end)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) < 2 {
		t.Fatalf("only %d activations recorded: the tenant never moved", len(acts))
	}
	for k := 1; k < len(acts); k++ {
		prev, next := acts[k-1], acts[k]
		if prev.end == nil || next.start.Before(*prev.end) {
			t.Fatalf("activation %d on %s began at %s while activation %d on %s (ended %v) was active",
				next.epoch, next.holder, next.start, prev.epoch, prev.holder, prev.end)
		}
	}
	t.Logf("%d activations, none overlapping", len(acts))
}

// assertStoredOnceInOrder checks every acknowledged message is stored once, and each chat's messages are in
// the order they were acknowledged.
func assertStoredOnceInOrder(t *testing.T, c *testkit.Cluster, tenantID string, acked [][]string) {
	t.Helper()
	url, _ := persistence.WithDatabase(c.Cfg.DatabaseURL, persistence.TenantDatabaseName(uuid.MustParse(tenantID)))
	conn := connect(t, url)
	for s, ids := range acked {
		if len(ids) < 10 {
			t.Fatalf("sender %d had only %d messages acknowledged", s, len(ids))
		}
		rows, err := conn.Query(context.Background(), `SELECT m.platform_message_id FROM messages m JOIN chats ch ON ch.chat_id = m.chat_id
			JOIN customers cu ON cu.customer_id = ch.customer_id WHERE cu.platform_customer_id = $1 ORDER BY m.seq`, fmt.Sprintf("cust-%d", s))
		if err != nil {
			t.Fatal(err)
		}
		stored, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, id := range stored {
			seen[id]++
		}
		for _, id := range ids {
			if seen[id] != 1 {
				t.Fatalf("acknowledged message %s stored %d times", id, seen[id])
			}
		}
		// The acknowledged messages appear in the chat in the order they were acknowledged (a message that
		// was stored but whose acknowledgement was lost may sit between them).
		pos := 0
		for _, id := range stored {
			if pos < len(ids) && id == ids[pos] {
				pos++
			}
		}
		if pos != len(ids) {
			t.Fatalf("chat of sender %d: acknowledged messages out of order at %s", s, ids[pos])
		}
	}
}
