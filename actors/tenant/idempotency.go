package tenant

import (
	"github.com/google/uuid"

	"bytes"
	"encoding/json"
	"reflect"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

var errIdempotencyReused = &domain.Error{Code: domain.CodeIdempotencyReused,
	Message: "this Idempotency-Key was already used with a different request; use a new key for a new message"}

// sameSend reports whether a repeated send (its key already stored) asks for the message stored first: same
// chat, sender, content type, content and metadata. A key that comes back with another body is a client bug
// (or a key collision), and answering with the first message would hide that the new one was never sent.
func sameSend(stored persistence.Message, repeat persistence.NewOutbound) bool {
	return stored.ChatID == repeat.ChatID && stored.SenderType == repeat.SenderType &&
		stored.ContentType == repeat.ContentType && stored.Content == repeat.Content &&
		sameJSON(stored.Metadata, repeat.Metadata) && sameMedia(stored.Media, repeat.MediaID) &&
		sameReply(stored.ReplyTo, repeat.ReplyToMessageID)
}

// sameReply reports whether a repeat quotes the message the first send quoted (or neither quotes one).
func sameReply(stored *persistence.MessageReply, repeat *uuid.UUID) bool {
	if stored == nil || repeat == nil {
		return stored == nil && repeat == nil
	}
	return stored.MessageID == *repeat
}

// sameJSON compares two JSON values by meaning (PostgreSQL's jsonb reorders keys and spaces); absent and null
// are the same.
func sameJSON(a, b json.RawMessage) bool {
	a, b = bytes.TrimSpace(a), bytes.TrimSpace(b)
	if isNullJSON(a) || isNullJSON(b) {
		return isNullJSON(a) && isNullJSON(b)
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(va, vb)
}

func isNullJSON(b []byte) bool { return len(b) == 0 || string(b) == "null" }

// sameMedia reports whether a stored message carries the file a repeated send names.
func sameMedia(stored *persistence.MessageMedia, repeat *uuid.UUID) bool {
	if stored == nil || repeat == nil {
		return stored == nil && repeat == nil
	}
	return stored.MediaID == *repeat
}
