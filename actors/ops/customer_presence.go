package ops

import (
	"time"

	"github.com/google/uuid"
)

// EventCustomerPresence is the customer's presence in a conversation, relayed as it comes (nothing is stored):
// the data is a CustomerPresence, sent to those who may see the conversation.
const EventCustomerPresence = "presence"

// CustomerPresence is the data of presence events: the customer of chatId is typing (or recording a voice
// note: recording) or stopped (typing false), or is online or offline (online, with lastSeenAt when
// WhatsApp tells it). typing or online is null when the event is about the other.
type CustomerPresence struct {
	ChatID     uuid.UUID  `json:"chatId"`
	ChannelID  uuid.UUID  `json:"channelId"`
	CustomerID uuid.UUID  `json:"customerId"`
	Typing     *bool      `json:"typing"`
	Recording  bool       `json:"recording"`
	Online     *bool      `json:"online"`
	LastSeenAt *time.Time `json:"lastSeenAt"`
	At         time.Time  `json:"at"`
}
