package httpapi

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
)

func TestEncodeFrameMatchesEncodingJSON(t *testing.T) {
	data, _ := json.Marshal(map[string]any{"message": map[string]any{"content": "<b>hi</b> \"there\" é", "n": 1}})
	for _, event := range []string{"incoming_message", "conversation_updated", `odd"event`, "tab\tevent", "é"} {
		want, _ := json.Marshal(frame{Event: event, Data: data})
		if got := encodeFrame(event, data); string(got) != string(want) {
			t.Errorf("encodeFrame(%q) = %s, want %s", event, got, want)
		}
	}
	if got := encodeFrame("x", nil); string(got) != `{"event":"x","data":null}` {
		t.Errorf("encodeFrame with no data = %s", got)
	}
}

// BenchmarkHubDeliver fans one event out to the clients of a tenant, as every committed message does twice.
func BenchmarkHubDeliver(b *testing.B) {
	for _, clients := range []int{1, 100} {
		b.Run(map[int]string{1: "1-client", 100: "100-clients"}[clients], func(b *testing.B) {
			h := NewHub()
			tenant := uuid.New()
			done := make(chan struct{})
			defer close(done)
			for range clients {
				c := newWSClient(tenant, uuid.New())
				h.add(c, wsLimits{perUser: 1 << 30, perTenant: 1 << 30})
				go func() {
					for {
						select {
						case <-c.ready:
							c.take(nil)
						case <-done:
							return
						}
					}
				}()
			}
			data, _ := json.Marshal(map[string]any{"message": map[string]any{"messageId": uuid.New(), "content": "Hi, is my order on its way?",
				"platformMessageId": "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzRUIwQjA5QjU5RkY5Q0E0RjY1MQA="}, "conversation": map[string]any{"chatId": uuid.New(), "unreadCount": 3}})
			b.ReportAllocs()
			for b.Loop() {
				h.Deliver(tenant, "incoming_message", data, nil)
			}
		})
	}
}
