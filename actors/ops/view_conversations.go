package ops

import (
	"time"

	"github.com/google/uuid"
)

// Conversation is a chat as the inbox shows it: the chat, its customer and its channel's platform.
type Conversation struct {
	ChatID        uuid.UUID `json:"chatId"`
	ChannelID     uuid.UUID `json:"channelId"`
	CustomerID    uuid.UUID `json:"customerId"`
	Platform      string    `json:"platform"`
	ContactName   *string   `json:"contactName"`
	ContactNumber *string   `json:"contactNumber"`
	// ContactAvatarURL is the customer's avatarUrl (the fetched profile picture's signed link when there is one).
	ContactAvatarURL   *string    `json:"contactAvatarUrl"`
	PlatformCustomerID string     `json:"platformCustomerId"`
	PlatformChatID     *string    `json:"platformChatId"`
	UserID             *uuid.UUID `json:"userId"`
	// Assignee is the team member the conversation is assigned to (the seed's chats.userId), or null.
	Assignee      *uuid.UUID `json:"assignee"`
	LastMessage   *string    `json:"lastMessage"`
	LastMessageAt *time.Time `json:"lastMessageAt"`
	UnreadCount   int        `json:"unreadCount"`
	Status        string     `json:"status"`
	// SnoozedUntil is set while the conversation is snoozed (PENDING until then).
	SnoozedUntil *time.Time `json:"snoozedUntil"`
	StartedAt    time.Time  `json:"startedAt"`
	Labels       []LabelRef `json:"labels"`
}

// Chat is a conversation with a customer on a channel (seed chats), as the REST resource shows it. The
// conversation actor keeps lastMessage, lastMessageAt and unreadCount; clients read them only.
type Chat struct {
	ChatID         uuid.UUID  `json:"chatId"`
	CustomerID     uuid.UUID  `json:"customerId"`
	ChannelID      uuid.UUID  `json:"channelId"`
	UserID         *uuid.UUID `json:"userId"`
	PlatformChatID *string    `json:"platformChatId"`
	Status         string     `json:"status"`
	StartedAt      time.Time  `json:"startedAt"`
	LastMessageAt  *time.Time `json:"lastMessageAt"`
	LastMessage    *string    `json:"lastMessage"`
	UnreadCount    int        `json:"unreadCount"`
}
