package ops

import (
	"time"

	"github.com/google/uuid"
)

// OpSearch is the full-text search over the tenant's messages, notes and customers (GET /api/search).
var OpSearch = Declare[SearchInput, SearchPage]("search")

// Search limits: the longest query (in characters), the most words in it, and the hits shown per
// conversation.
const (
	SearchMaxQueryRunes = 200
	SearchMaxWords      = 10
	SearchHitsPer       = 3
)

// SearchInput is the payload of OpSearch: the user's words (the HTTP layer bounds their length), a page
// size and the nextCursor of the previous page.
type SearchInput struct {
	Q      string `json:"q"`
	Limit  int    `json:"limit"`
	Cursor string `json:"cursor"`
}

// SearchPage answers OpSearch: conversations with hits, by latest activity (like the inbox).
type SearchPage struct {
	Data       []SearchConversation `json:"data"`
	NextCursor *string              `json:"nextCursor"`
}

// SearchConversation is one conversation of a search's answer, with its first hits.
type SearchConversation struct {
	ChatID        uuid.UUID      `json:"chatId"`
	ChannelID     uuid.UUID      `json:"channelId"`
	Platform      string         `json:"platform"`
	Status        string         `json:"status"`
	SnoozedUntil  *time.Time     `json:"snoozedUntil"`
	Assignee      *uuid.UUID     `json:"assignee"`
	LastMessageAt *time.Time     `json:"lastMessageAt"`
	StartedAt     time.Time      `json:"startedAt"`
	Customer      SearchCustomer `json:"customer"`
	// HitCount is how many messages and notes of the conversation match, plus one when its customer does;
	// Hits holds the first few (the customer first, then the newest).
	HitCount int         `json:"hitCount"`
	Hits     []SearchHit `json:"hits"`
}

// SearchCustomer is the customer of a conversation found by a search.
type SearchCustomer struct {
	CustomerID         uuid.UUID `json:"customerId"`
	FullName           *string   `json:"fullName"`
	Email              *string   `json:"email"`
	Phone              *string   `json:"phone"`
	PlatformCustomerID string    `json:"platformCustomerId"`
	AvatarURL          *string   `json:"avatarUrl"`
}

// Kinds of search hits.
const (
	SearchHitMessage  = "message"
	SearchHitNote     = "note"
	SearchHitCustomer = "customer"
)

// SearchHit is one match. Excerpt is HTML: the text is escaped and each matched word is wrapped in
// <mark>…</mark>; nothing else is markup. MessageID names the message or note (absent for a customer);
// CreatedAt is when it was written (for a customer, when they were first seen).
type SearchHit struct {
	Kind      string     `json:"kind"`
	MessageID *uuid.UUID `json:"messageId,omitempty"`
	Excerpt   string     `json:"excerpt"`
	CreatedAt time.Time  `json:"createdAt"`
}
