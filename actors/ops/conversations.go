package ops

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Conversation operations, answered by the chat's conversation actor (or, for reads, a query goroutine).
var (
	OpConversationList     = Declare[ConversationListInput, ConversationPage]("conversation.list")
	OpConversationGet      = Declare[ChatRef, Conversation]("conversation.get")
	OpConversationMessages = Declare[MessagesInput, MessagePage]("conversation.messages")
	OpConversationSend     = Declare[SendInput, SendResult]("conversation.send")
	OpConversationRead     = Declare[ChatRef, ReadResult]("conversation.read")
	OpConversationTyping   = Declare[TypingInput, None]("conversation.typing")
	OpConversationAssign   = Declare[AssignInput, Conversation]("conversation.assign")
	OpConversationNote     = Declare[NoteInput, NoteResult]("conversation.note")
	OpConversationStatus   = Declare[StatusInput, Conversation]("conversation.status")
)

// StatusInput is the payload of OpConversationStatus: a new status, and for a snooze (PENDING) the time the
// conversation opens again.
type StatusInput struct {
	ChatID       uuid.UUID  `json:"chatId"`
	Status       string     `json:"status"`
	SnoozedUntil *time.Time `json:"snoozedUntil,omitempty"`
}

// AssignInput is the payload of OpConversationAssign: the team member to assign the chat to, or nil for nobody.
type AssignInput struct {
	ChatID uuid.UUID  `json:"chatId"`
	UserID *uuid.UUID `json:"userId"`
}

// EventAssignmentChanged tells the inbox that a conversation changed hands.
const EventAssignmentChanged = "assignment_changed"

// AssignmentChangedEvent is the data of assignment_changed.
type AssignmentChangedEvent struct {
	ChatID           uuid.UUID    `json:"chatId"`
	Assignee         *uuid.UUID   `json:"assignee"`
	PreviousAssignee *uuid.UUID   `json:"previousAssignee"`
	AssignedBy       *uuid.UUID   `json:"assignedBy"`
	Conversation     Conversation `json:"conversation"`
}

// NoteInput is the payload of OpConversationNote: an internal note, and the team members it mentions.
type NoteInput struct {
	ChatID   uuid.UUID   `json:"chatId"`
	Content  string      `json:"content"`
	Mentions []uuid.UUID `json:"mentions,omitempty"`
}

// NoteResult answers OpConversationNote.
type NoteResult struct {
	Message Message `json:"message"`
}

// Events of internal notes: note_added goes to those who may see the conversation, mention to each
// mentioned user only.
const (
	EventNoteAdded = "note_added"
	EventMention   = "mention"
)

// NoteEvent is the data of note_added and mention.
type NoteEvent struct {
	ChatID    uuid.UUID   `json:"chatId"`
	Message   Message     `json:"message"`
	AuthorID  *uuid.UUID  `json:"authorId"`
	Mentioned []uuid.UUID `json:"mentioned,omitempty"`
}

// SendInput is the payload of OpConversationSend.
type SendInput struct {
	ChatID         uuid.UUID       `json:"chatId"`
	Content        string          `json:"content"`
	ContentType    string          `json:"contentType"`
	Metadata       json.RawMessage `json:"metadata,omitempty"`
	IdempotencyKey string          `json:"idempotencyKey,omitempty"`
	SenderType     string          `json:"senderType,omitempty"`
	// MediaID is the file of an IMAGE, VIDEO, AUDIO, FILE or STICKER message (checked by the API: it is the
	// tenant's and READY); Content is then the caption.
	MediaID *uuid.UUID `json:"mediaId,omitempty"`
	// ReplyToMessageID is the message this one quotes (checked by the API: a message of the same chat, not a
	// note, not revoked).
	ReplyToMessageID *uuid.UUID `json:"replyToMessageId,omitempty"`
}

// SendResult answers OpConversationSend.
type SendResult struct {
	Message Message `json:"message"`
}

// ChatRef is the payload of operations that name only a chat.
type ChatRef struct {
	ChatID uuid.UUID `json:"chatId"`
}

// ReadResult answers OpConversationRead.
type ReadResult struct {
	UnreadCount int `json:"unreadCount"`
}

// TypingInput is the payload of OpConversationTyping.
type TypingInput struct {
	ChatID uuid.UUID `json:"chatId"`
	On     bool      `json:"on"`
}

// ConversationListInput is the payload of OpConversationList.
type ConversationListInput struct {
	Limit  int     `json:"limit"`
	Cursor string  `json:"cursor"`
	Status *string `json:"status"`
	Search *string `json:"search"`
	// Assignee is "none" (unassigned only) or a user id; the HTTP layer turns "me" into the caller's id.
	Assignee *string `json:"assignee,omitempty"`
	// Label is a label id or name.
	Label *string `json:"label,omitempty"`
}

// ConversationPage answers OpConversationList.
type ConversationPage struct {
	Data       []Conversation `json:"data"`
	NextCursor *string        `json:"nextCursor"`
}

// MessagesInput is the payload of OpConversationMessages.
type MessagesInput struct {
	ChatID uuid.UUID `json:"chatId"`
	Limit  int       `json:"limit"`
	Before string    `json:"before"`
}

// MessagePage answers OpConversationMessages.
type MessagePage struct {
	Data       []Message `json:"data"`
	NextCursor *string   `json:"nextCursor"`
}
