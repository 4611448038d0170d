package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aezen/engine/internal/testkit"
)

// TestEventWebhookLatencyOfQueryChanges logs how long a change made by a query (a conversation's labels,
// not a message) takes to reach an endpoint. No bound is asserted (the machine's load decides); the log
// line is the measure for docs/performance.md.
func TestEventWebhookLatencyOfQueryChanges(t *testing.T) {
	e := testkit.StartDefault(t)
	owner := e.SignUp()
	recv := testkit.NewWebhookReceiver(t)
	hook := createWebhook(t, e, owner.Token, map[string]any{"url": recv.URL, "events": []string{"conversation.updated"}})
	recv.SetSecret(hook.Secret)
	var label struct {
		LabelID string `json:"labelId"`
	}
	e.Must(http.StatusCreated, "POST", "/api/labels", owner.Token, map[string]any{"name": "VIP", "color": "#d4a017"}, &label)
	ch := e.CreateAPIChannel(owner.Token, "http://127.0.0.1:1/unused")
	in, _ := ch.Inbound("lat-1", "cust-lat", "hello")

	var took []time.Duration
	for i := 0; i < 10; i++ {
		ids := []string{}
		if i%2 == 0 {
			ids = []string{label.LabelID}
		}
		before := len(recv.Deliveries())
		start := time.Now()
		e.Must(http.StatusOK, "PUT", "/api/conversations/"+in.ChatID+"/labels", owner.Token, map[string]any{"labelIds": ids}, nil)
		testkit.Eventually(t, 5*time.Second, "the labels change delivered", func() bool { return len(recv.Deliveries()) > before })
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	t.Logf("label change -> delivered: median %s, max %s over %d changes", took[len(took)/2].Round(time.Millisecond),
		took[len(took)-1].Round(time.Millisecond), len(took))
}
