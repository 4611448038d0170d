package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

type webhookView struct {
	WebhookID           string   `json:"webhookId"`
	URL                 string   `json:"url"`
	Events              []string `json:"events"`
	IsActive            bool     `json:"isActive"`
	DisabledReason      *string  `json:"disabledReason"`
	ConsecutiveFailures int      `json:"consecutiveFailures"`
	Secret              string   `json:"secret"`
}

type deliveryView struct {
	DeliveryID string          `json:"deliveryId"`
	Event      string          `json:"event"`
	State      string          `json:"state"`
	Attempts   int             `json:"attempts"`
	LastStatus *int            `json:"lastStatus"`
	LastError  *string         `json:"lastError"`
	Payload    json.RawMessage `json:"payload"`
}

// eventBody is what an endpoint receives.
type eventBody struct {
	EventID string `json:"eventId"`
	Event   string `json:"event"`
	Data    struct {
		ChatID  string `json:"chatId"`
		Message *struct {
			MessageID  string `json:"messageId"`
			SenderType string `json:"senderType"`
			Content    string `json:"content"`
			Status     string `json:"status"`
		} `json:"message"`
		Conversation *struct {
			Status string  `json:"status"`
			UserID *string `json:"userId"`
		} `json:"conversation"`
		Customer *struct {
			FullName *string `json:"fullName"`
		} `json:"customer"`
		Order *struct {
			OrderID string `json:"orderId"`
		} `json:"order"`
	} `json:"data"`
}

func createWebhook(t *testing.T, e *testkit.Engine, token string, body map[string]any) webhookView {
	t.Helper()
	var w webhookView
	e.Must(http.StatusCreated, "POST", "/api/webhooks", token, body, &w)
	return w
}

func deliveries(t *testing.T, e *testkit.Engine, token, webhookID string) []deliveryView {
	t.Helper()
	var page struct {
		Data []deliveryView `json:"data"`
	}
	e.Must(http.StatusOK, "GET", "/api/webhooks/"+webhookID+"/deliveries?limit=200", token, nil, &page)
	return page.Data
}

// received decodes what a receiver accepted, failing on a bad signature.
func received(t *testing.T, recv *testkit.WebhookReceiver) []eventBody {
	t.Helper()
	var out []eventBody
	for _, d := range recv.Deliveries() {
		if !d.Valid {
			t.Fatalf("delivery %s is not signed with the webhook's secret over its timestamp: %s", d.EventID, d.Body)
		}
		var b eventBody
		if err := json.Unmarshal(d.Body, &b); err != nil {
			t.Fatalf("delivery body %s: %v", d.Body, err)
		}
		if b.EventID != d.EventID {
			t.Fatalf("X-Aezen-Event-Id %s but eventId %s", d.EventID, b.EventID)
		}
		out = append(out, b)
	}
	return out
}

// messageContents lists, in arrival order, the contents of a chat's message.created events.
func messageContents(events []eventBody, chatID string) []string {
	var out []string
	for _, ev := range events {
		if ev.Event == "message.created" && ev.Data.ChatID == chatID && ev.Data.Message != nil {
			out = append(out, ev.Data.Message.Content)
		}
	}
	return out
}

// TestEventWebhooksArriveOnceSignedInOrder: every kind of change reaches the endpoint once, signed over a
// timestamp, in order per conversation; internal notes never do; the delivery log shows each one; a
// delivery sent again carries the same id and body.
func TestEventWebhooksArriveOnceSignedInOrder(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	recv := testkit.NewWebhookReceiver(t)
	hook := createWebhook(t, e, owner.Token, map[string]any{"url": recv.URL})
	if !strings.HasPrefix(hook.Secret, "whsec_") || !hook.IsActive || len(hook.Events) != 0 || hook.DisabledReason != nil {
		t.Fatalf("created webhook: %+v", hook)
	}
	recv.SetSecret(hook.Secret)
	var list struct {
		Data []webhookView `json:"data"`
	}
	r := e.Must(http.StatusOK, "GET", "/api/webhooks", owner.Token, nil, &list)
	if len(list.Data) != 1 || strings.Contains(string(r.Body), hook.Secret) || strings.Contains(string(r.Body), `"secret"`) {
		t.Fatalf("list shows the secret: %s", r.Body)
	}

	channelHook := testkit.NewWebhookReceiver(t)
	ch := e.CreateAPIChannel(owner.Token, channelHook.URL)
	a1, _ := ch.Inbound("wa-1", "ana", "ana one")
	ch.Inbound("wb-1", "ben", "ben one")
	ch.Inbound("wa-2", "ana", "ana two")
	ch.Inbound("wb-2", "ben", "ben two")
	ch.Inbound("wa-3", "ana", "ana three")
	const secretNote = "internal: this customer is a VIP, never tell them"
	e.Must(http.StatusCreated, "POST", "/api/conversations/"+a1.ChatID+"/notes", owner.Token, map[string]any{"content": secretNote}, nil)
	var sent struct {
		Message message `json:"message"`
	}
	e.Must(http.StatusAccepted, "POST", "/api/conversations/"+a1.ChatID+"/send", owner.Token, map[string]any{"content": "ana reply"}, &sent)
	e.Must(http.StatusOK, "POST", "/api/conversations/"+a1.ChatID+"/assign", owner.Token, map[string]any{"userId": owner.UserID}, nil)
	conv := getConversation(t, e, owner.Token, a1.ChatID)
	var cust struct {
		CustomerID string `json:"customerId"`
	}
	e.Must(http.StatusOK, "GET", "/api/conversations/"+a1.ChatID, owner.Token, nil, &cust)
	e.Must(http.StatusOK, "PUT", "/api/customers/"+cust.CustomerID, owner.Token, map[string]any{"fullName": "Ana Maria"}, nil)
	var product struct {
		ProductID string `json:"productId"`
	}
	e.Must(http.StatusCreated, "POST", "/api/products", owner.Token, map[string]any{"name": "Mug", "price": "12.50", "currency": "USD"}, &product)
	var order struct {
		OrderID string `json:"orderId"`
	}
	e.Must(http.StatusCreated, "POST", "/api/orders", owner.Token, map[string]any{"customerId": cust.CustomerID, "currency": "USD",
		"items": []map[string]any{{"productId": product.ProductID, "quantity": 2}}}, &order)
	e.Must(http.StatusOK, "PUT", "/api/orders/"+order.OrderID, owner.Token, map[string]any{"orderStatus": "PROCESSING"}, nil)
	_ = conv

	has := func(events []eventBody, event string, match func(eventBody) bool) bool {
		return slices.ContainsFunc(events, func(ev eventBody) bool { return ev.Event == event && match(ev) })
	}
	testkit.Eventually(t, 15*time.Second, "every event delivered", func() bool {
		evs := received(t, recv)
		return len(messageContents(evs, a1.ChatID)) == 4 &&
			has(evs, "message.updated", func(ev eventBody) bool {
				return ev.Data.Message != nil && ev.Data.Message.MessageID == sent.Message.MessageID && ev.Data.Message.Status == "SENT"
			}) &&
			has(evs, "conversation.updated", func(ev eventBody) bool {
				return ev.Data.Conversation != nil && ev.Data.Conversation.UserID != nil && *ev.Data.Conversation.UserID == owner.UserID
			}) &&
			has(evs, "customer.updated", func(ev eventBody) bool {
				return ev.Data.Customer != nil && ev.Data.Customer.FullName != nil && *ev.Data.Customer.FullName == "Ana Maria"
			}) &&
			has(evs, "order.created", func(ev eventBody) bool { return ev.Data.Order != nil && ev.Data.Order.OrderID == order.OrderID }) &&
			has(evs, "order.updated", func(ev eventBody) bool { return ev.Data.Order != nil && ev.Data.Order.OrderID == order.OrderID })
	})
	// Events of other keys (ben's conversation) may still be on their way: wait until the log is all delivered.
	testkit.Eventually(t, 15*time.Second, "the log all delivered", func() bool {
		log := deliveries(t, e, owner.Token, hook.WebhookID)
		return len(log) == len(recv.Deliveries()) && !slices.ContainsFunc(log, func(d deliveryView) bool { return d.State != "DELIVERED" })
	})
	evs := received(t, recv)
	if got := messageContents(evs, a1.ChatID); !slices.Equal(got, []string{"ana one", "ana two", "ana three", "ana reply"}) {
		t.Fatalf("ana's messages arrived as %q", got)
	}
	var benChat string
	for _, ev := range evs {
		if ev.Event == "message.created" && ev.Data.ChatID != a1.ChatID {
			benChat = ev.Data.ChatID
		}
	}
	if got := messageContents(evs, benChat); !slices.Equal(got, []string{"ben one", "ben two"}) {
		t.Fatalf("ben's messages arrived as %q", got)
	}
	seen := map[string]bool{}
	for i, d := range recv.Deliveries() {
		if seen[d.EventID] {
			t.Fatalf("event %s delivered twice", d.EventID)
		}
		seen[d.EventID] = true
		if strings.Contains(string(d.Body), secretNote) || strings.Contains(string(d.Body), `"NOTE"`) {
			t.Fatalf("a note reached the webhook: %s", d.Body)
		}
		if evs[i].Event == "message.created" && evs[i].Data.Message.SenderType == "AGENT" && evs[i].Data.Message.Content != "ana reply" {
			t.Fatalf("unexpected outbound message: %s", d.Body)
		}
	}

	// The log shows each delivery, and one sent again arrives with the same id and body.
	log := deliveries(t, e, owner.Token, hook.WebhookID)
	if len(log) != len(recv.Deliveries()) {
		t.Fatalf("log has %d deliveries, the receiver got %d", len(log), len(recv.Deliveries()))
	}
	for _, d := range log {
		if d.State != "DELIVERED" || d.Attempts != 1 || d.LastStatus == nil || *d.LastStatus != 200 || len(d.Payload) == 0 {
			t.Fatalf("log entry: %+v", d)
		}
	}
	first := recv.Deliveries()[0]
	var again deliveryView
	e.Must(http.StatusAccepted, "POST", "/api/webhooks/"+hook.WebhookID+"/deliveries/"+first.EventID+"/retry", owner.Token, nil, &again)
	if again.State != "PENDING" {
		t.Fatalf("retried delivery: %+v", again)
	}
	testkit.Eventually(t, 10*time.Second, "the retried delivery", func() bool { return len(recv.Deliveries()) == len(log)+1 })
	last := recv.Deliveries()[len(log)]
	if last.EventID != first.EventID || string(last.Body) != string(first.Body) || !last.Valid {
		t.Fatalf("redelivery differs: %s %s", last.EventID, last.Body)
	}
	e.Must(http.StatusNotFound, "POST", "/api/webhooks/"+hook.WebhookID+"/deliveries/"+hook.WebhookID+"/retry", owner.Token, nil, nil)
}

// TestEventWebhooksSurviveReceiverDownAndRestart: events wait in the outbox while the receiver refuses them,
// across a restart of the node (nobody calls the API afterwards: the tenant's wakeup brings it back), and
// then arrive in order.
func TestEventWebhooksSurviveReceiverDownAndRestart(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.WebhookMaxAttempts = 1000
	e := testkit.Start(t, cfg)
	owner := e.SignUp()
	recv := testkit.NewWebhookReceiver(t)
	recv.SetDown(true)
	hook := createWebhook(t, e, owner.Token, map[string]any{"url": recv.URL, "events": []string{"message.created"}})
	recv.SetSecret(hook.Secret)
	ch := e.CreateAPIChannel(owner.Token, testkit.NewWebhookReceiver(t).URL)
	in, _ := ch.Inbound("r-1", "rita", "first")
	ch.Inbound("r-2", "rita", "second")
	ch.Inbound("r-3", "rita", "third")
	testkit.Eventually(t, 10*time.Second, "refused attempts", func() bool {
		log := deliveries(t, e, owner.Token, hook.WebhookID)
		return len(log) == 3 && slices.ContainsFunc(log, func(d deliveryView) bool {
			return d.Attempts >= 1 && d.LastStatus != nil && *d.LastStatus == 503 && d.LastError != nil && strings.Contains(*d.LastError, "503")
		})
	})
	if n := len(recv.Deliveries()); n != 0 {
		t.Fatalf("%d deliveries accepted while down", n)
	}
	e.Stop()

	recv.SetDown(false)
	testkit.Start(t, cfg)
	testkit.Eventually(t, 20*time.Second, "deliveries after the restart", func() bool { return len(recv.Deliveries()) >= 3 })
	evs := received(t, recv)
	var firsts []string
	seen := map[string]bool{}
	for _, ev := range evs {
		if !seen[ev.EventID] {
			seen[ev.EventID] = true
			firsts = append(firsts, ev.Data.Message.Content)
		}
		if ev.Event != "message.created" || ev.Data.ChatID != in.ChatID {
			t.Fatalf("filtered webhook got %s", ev.Event)
		}
	}
	if !slices.Equal(firsts, []string{"first", "second", "third"}) {
		t.Fatalf("after the restart: %q", firsts)
	}
}

// TestEventWebhookDisabledAfterRepeatedFailures: an endpoint that keeps failing is turned off with a visible
// reason; turning it back on clears the reason and delivers what waited.
func TestEventWebhookDisabledAfterRepeatedFailures(t *testing.T) {
	cfg := testkit.Config(t)
	cfg.EventWebhookDisableAfter = 3
	cfg.WebhookMaxAttempts = 1000
	e := testkit.Start(t, cfg)
	owner := e.SignUp()
	recv := testkit.NewWebhookReceiver(t)
	recv.SetDown(true)
	hook := createWebhook(t, e, owner.Token, map[string]any{"url": recv.URL, "events": []string{"message.created"}})
	recv.SetSecret(hook.Secret)
	ch := e.CreateAPIChannel(owner.Token, testkit.NewWebhookReceiver(t).URL)
	ch.Inbound("d-1", "dora", "waiting")
	var got webhookView
	testkit.Eventually(t, 10*time.Second, "the webhook turned off", func() bool {
		e.Must(http.StatusOK, "GET", "/api/webhooks/"+hook.WebhookID, owner.Token, nil, &got)
		return !got.IsActive
	})
	if got.DisabledReason == nil || !strings.Contains(*got.DisabledReason, "3 failed deliveries") || !strings.Contains(*got.DisabledReason, "503") {
		t.Fatalf("disabledReason: %v", got.DisabledReason)
	}
	calls := recv.Calls()
	ch.Inbound("d-2", "dora", "while off") // not recorded for a disabled endpoint
	time.Sleep(300 * time.Millisecond)     // a window in which a disabled endpoint must not be called
	if recv.Calls() != calls {
		t.Fatalf("a disabled webhook was called")
	}

	recv.SetDown(false)
	e.Must(http.StatusOK, "PUT", "/api/webhooks/"+hook.WebhookID, owner.Token, map[string]any{"isActive": true}, &got)
	if !got.IsActive || got.DisabledReason != nil || got.ConsecutiveFailures != 0 {
		t.Fatalf("re-enabled: %+v", got)
	}
	testkit.Eventually(t, 10*time.Second, "the waiting delivery", func() bool { return len(recv.Deliveries()) == 1 })
	if evs := received(t, recv); evs[0].Data.Message.Content != "waiting" {
		t.Fatalf("delivered %+v", evs[0])
	}
}

// TestEventWebhookRulesAndSSRF: only owners and admins manage webhooks; URLs that point into private or
// reserved blocks are refused when created or changed (as API channels' are); bad input is a 400.
func TestEventWebhookRulesAndSSRF(t *testing.T) {
	cfg := testkit.Config(t)
	no := false
	cfg.WebhookAllowPrivate = &no
	e := testkit.Start(t, cfg)
	owner := e.SignUp()
	agent := e.AddUser(owner.Token, "AGENT")
	for _, req := range []struct{ method, path string }{{"GET", "/api/webhooks"}, {"POST", "/api/webhooks"},
		{"GET", "/api/webhooks/" + owner.UserID + "/deliveries"}} {
		if r := e.Do(req.method, req.path, agent.Token, map[string]any{"url": "https://example.com/hook"}); r.Status != http.StatusForbidden {
			t.Fatalf("agent %s %s: %d %s", req.method, req.path, r.Status, r.Body)
		}
	}
	for _, url := range []string{"http://127.0.0.1:8080/hook", "http://10.0.0.5/hook", "http://169.254.169.254/latest/meta-data",
		"http://100.100.100.200/", "http://[::1]/hook", "http://[fd00::1]/x", "http://192.168.1.1/", "ftp://example.com/x", "not a url"} {
		r := e.Do("POST", "/api/webhooks", owner.Token, map[string]any{"url": url})
		if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "url") {
			t.Fatalf("webhook to %s: %d %s", url, r.Status, r.Body)
		}
	}
	for _, bad := range []map[string]any{{}, {"url": "https://example.com/h", "events": []string{"message.deleted"}},
		{"url": "https://example.com/h", "secret": "mine"}, {"url": "https://example.com/h", "isActive": "yes"}} {
		if r := e.Do("POST", "/api/webhooks", owner.Token, bad); r.Status != http.StatusBadRequest {
			t.Fatalf("bad webhook %v: %d %s", bad, r.Status, r.Body)
		}
	}
	// A public URL is accepted (nothing is delivered: no change happens in this tenant), and cannot be
	// changed into a private one.
	hook := createWebhook(t, e, owner.Token, map[string]any{"url": "https://example.com/hook", "events": []string{"order.created"}})
	if r := e.Do("PUT", "/api/webhooks/"+hook.WebhookID, owner.Token, map[string]any{"url": "http://127.0.0.1/x"}); r.Status != http.StatusBadRequest {
		t.Fatalf("changed to loopback: %d %s", r.Status, r.Body)
	}
	e.Must(http.StatusNoContent, "DELETE", "/api/webhooks/"+hook.WebhookID, owner.Token, nil, nil)
	e.Must(http.StatusNotFound, "GET", "/api/webhooks/"+hook.WebhookID, owner.Token, nil, nil)
}
