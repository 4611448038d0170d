package tenant

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
)

// TestIncomingJSONIsTheEventsEncoding: incoming_message's data assembled from the message and the
// conversation encoded apart (the conversation is encoded once for two events) is byte for byte what
// encoding the event struct gives.
func TestIncomingJSONIsTheEventsEncoding(t *testing.T) {
	name, preview := `Dana <b>&</b> "Ö"`, "Hi\u2028 <script>"
	at := time.Date(2026, 12, 3, 16, 0, 0, 123456789, time.UTC)
	pmid := "msg-1"
	ev := ops.IncomingMessageEvent{
		Message: ops.Message{MessageID: uuid.Must(uuid.NewV7()), ChatID: uuid.Must(uuid.NewV7()), PlatformMessageID: &pmid,
			SenderType: "CUSTOMER", ContentType: "TEXT", Content: preview, Metadata: json.RawMessage(`{"a": [1, 2]}`), Timestamp: at},
		Conversation: ops.Conversation{ChatID: uuid.Must(uuid.NewV7()), ChannelID: uuid.Must(uuid.NewV7()), Platform: "API",
			ContactName: &name, LastMessage: &preview, LastMessageAt: &at, UnreadCount: 3},
	}
	want, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := json.Marshal(ev.Message)
	view, _ := json.Marshal(ev.Conversation)
	if got := incomingJSON(msg, view); !bytes.Equal(got, want) {
		t.Fatalf("assembled:\n%s\nencoded:\n%s", got, want)
	}
}
