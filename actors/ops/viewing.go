package ops

import (
	"time"

	"github.com/google/uuid"
)

// OpConversationViewing publishes a collision hint: who is looking at (or typing in) a conversation, for
// the teammates who may see it. Nothing is stored: each hint holds until its expiresAt unless refreshed.
var OpConversationViewing = Declare[ViewingInput, None]("conversation.viewing")

// ViewingTTL is how long a viewing hint holds without a refresh; clients refresh at least every 5 s.
const ViewingTTL = 8 * time.Second

// ViewingInput is the payload of OpConversationViewing: the viewer's display name (the WebSocket gateway
// looks it up), whether they still view the conversation (false: they left it) and whether they type.
type ViewingInput struct {
	ChatID  uuid.UUID `json:"chatId"`
	Name    string    `json:"name"`
	Viewing bool      `json:"viewing"`
	Typing  bool      `json:"typing"`
}

// EventViewing is the collision hint event.
const EventViewing = "viewing"

// ViewingEvent is the data of viewing.
type ViewingEvent struct {
	ChatID    uuid.UUID `json:"chatId"`
	UserID    uuid.UUID `json:"userId"`
	Name      string    `json:"name"`
	Viewing   bool      `json:"viewing"`
	Typing    bool      `json:"typing"`
	At        time.Time `json:"at"`
	ExpiresAt time.Time `json:"expiresAt"`
}
