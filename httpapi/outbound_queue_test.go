package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// TestOutboundQueueIsBoundedAndDrainsFromOutbox: while a webhook is down, API channel sessions hold at most
// AEZEN_OUTBOUND_QUEUE_PER_CHANNEL ids each and AEZEN_OUTBOUND_QUEUE_PER_TENANT together (the rest wait in
// the outbox); when it comes back, every message is delivered exactly once and becomes SENT.
func TestOutboundQueueIsBoundedAndDrainsFromOutbox(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.OutboundQueuePerChannel, cfg.OutboundQueuePerTenant = 5, 8
	cfg.WebhookMaxAttempts = 1000
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	hook.SetDown(true)
	const perChannel = 15
	content := strings.Repeat("x", 10_000)
	for c := 0; c < 2; c++ {
		ch := e.CreateAPIChannel(acct.Token, hook.URL+"/hook")
		in, r := ch.Inbound(fmt.Sprintf("in-%d", c), "cust", "hi")
		if r.Status != http.StatusAccepted {
			t.Fatalf("inbound: %d %s", r.Status, r.Body)
		}
		for i := 0; i < perChannel; i++ {
			e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", acct.Token,
				map[string]any{"content": fmt.Sprintf("%d-%d %s", c, i, content)}, nil)
		}
	}
	// Let the sessions settle while the receiver refuses everything.
	testkit.Eventually(t, 10*time.Second, "deliveries to be attempted", func() bool { return hook.Calls() >= 4 })
	var d struct {
		Tenant struct {
			Sessions []struct {
				Status struct {
					QueuedIDs    int  `json:"queuedIds"`
					MoreInOutbox bool `json:"moreInOutbox"`
				} `json:"status"`
			} `json:"sessions"`
		} `json:"tenant"`
	}
	e.Must(http.StatusOK, "GET", "/api/ops/tenants/"+acct.TenantID, e.Cfg.OpsToken, nil, &d)
	total, more := 0, false
	for _, s := range d.Tenant.Sessions {
		if s.Status.QueuedIDs > 5 {
			t.Fatalf("a session holds %d ids, bound 5", s.Status.QueuedIDs)
		}
		total += s.Status.QueuedIDs
		more = more || s.Status.MoreInOutbox
	}
	if len(d.Tenant.Sessions) != 2 || total > 8 || !more {
		t.Fatalf("sessions %d, ids held %d (bound 8), more in the outbox %v", len(d.Tenant.Sessions), total, more)
	}

	hook.SetDown(false)
	testkit.Eventually(t, 30*time.Second, "every message delivered", func() bool { return len(hook.Deliveries()) >= 2*perChannel })
	time.Sleep(500 * time.Millisecond) // any repeat would arrive now
	seen := map[string]int{}
	for _, dl := range hook.Deliveries() {
		seen[dl.EventID]++
		if seen[dl.EventID] > 1 {
			t.Fatalf("message %s delivered twice", dl.EventID)
		}
		if !bytes.Contains(dl.Body, []byte(content)) {
			t.Fatalf("delivery %s without its content", dl.EventID)
		}
	}
	if len(seen) != 2*perChannel {
		t.Fatalf("%d messages delivered, want %d", len(seen), 2*perChannel)
	}
}

// TestFailingMessageDoesNotBlockTheOthers: a message the receiver keeps refusing is retried on its own
// schedule while the messages behind it are delivered.
func TestFailingMessageDoesNotBlockTheOthers(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.WebhookMaxAttempts = 1000
	cfg.WebhookMaxBackoff = 2 * time.Second
	e := testkit.Start(t, cfg)
	acct := e.SignUp()
	hook := testkit.NewWebhookReceiver(t)
	hook.FailIf(func(body []byte) bool { return bytes.Contains(body, []byte("poison")) })
	ch := e.CreateAPIChannel(acct.Token, hook.URL+"/hook")
	in, r := ch.Inbound("in-1", "cust", "hi")
	if r.Status != http.StatusAccepted {
		t.Fatalf("inbound: %d %s", r.Status, r.Body)
	}
	send := func(text string) {
		e.Must(http.StatusAccepted, "POST", "/api/conversations/"+in.ChatID+"/send", acct.Token, map[string]any{"content": text}, nil)
	}
	send("poison")
	testkit.Eventually(t, 5*time.Second, "the poison message to be refused", func() bool { return hook.Calls() >= 1 })
	for i := 0; i < 3; i++ {
		send(fmt.Sprintf("fine %d", i))
	}
	testkit.Eventually(t, 5*time.Second, "the messages behind the failing one", func() bool { return len(hook.Deliveries()) >= 3 })
	for _, d := range hook.Deliveries() {
		if bytes.Contains(d.Body, []byte("poison")) {
			t.Fatal("the poison message was accepted")
		}
	}
}
