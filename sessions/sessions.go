// Package sessions connects the engine to messaging platforms: the signed webhook of the API channel and
// the WhatsApp client. It knows nothing of actors; the session actors in package actors drive it.
package sessions

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Outbound is a committed message that a channel must deliver.
type Outbound struct {
	MessageID         uuid.UUID       `json:"messageId"`
	ChatID            uuid.UUID       `json:"chatId"`
	PlatformMessageID string          `json:"platformMessageId"`
	To                string          `json:"to"`
	ContentType       string          `json:"contentType"`
	Content           string          `json:"content"`
	Metadata          json.RawMessage `json:"metadata,omitempty"`
	Timestamp         time.Time       `json:"timestamp"`
	// Media is the file of a media message; URL is a signed link the receiver can fetch it from.
	Media *OutboundMedia `json:"media,omitempty"`
	// ReplyTo is the message this one quotes.
	ReplyTo *OutboundReply `json:"replyTo,omitempty"`
	// Action, when set, makes this a change to the message PlatformMessageID names (a reaction, an edit or a
	// revoke) rather than a message; MessageID is then the action's id (WhatsApp sessions only).
	Action *WAAction `json:"-"`
}

// OutboundReply is the message an outbound message quotes: its ids, whether it was the customer's, and its
// text (WhatsApp shows the quoted text from the quoting message itself).
type OutboundReply struct {
	MessageID         uuid.UUID `json:"messageId"`
	PlatformMessageID *string   `json:"platformMessageId"`
	FromCustomer      bool      `json:"-"`
	Excerpt           string    `json:"excerpt"`
	Content           string    `json:"-"`
}

// OutboundMedia is the file an outbound message carries.
type OutboundMedia struct {
	MediaID  uuid.UUID `json:"mediaId"`
	MimeType string    `json:"mimeType"`
	Size     int64     `json:"size"`
	FileName string    `json:"fileName"`
	URL      string    `json:"url"`
}

// NewPlatformMessageID chooses the platform message id of an outbound message before it is sent, so that a
// retried send carries the same id and the platform (or webhook receiver) can drop the repeat.
func NewPlatformMessageID(platform string) string {
	if platform == "WHATSAPP" {
		return NewWhatsAppMessageID()
	}
	return "aezen-" + uuid.Must(uuid.NewV7()).String()
}

// NewWhatsAppMessageID makes an id in the format WhatsApp Web clients use (3EB0 followed by hex).
func NewWhatsAppMessageID() string {
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	return "3EB0" + strings.ToUpper(hex.EncodeToString(b))
}
