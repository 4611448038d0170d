package ops

import "github.com/google/uuid"

// What the team does to a message after it was sent: react, edit, delete for everyone. Each runs on the
// message's conversation actor (the API reads the message first, for its chat and the visibility rule) and
// answers the changed message; message_updated tells the clients, and the message.updated event webhook
// the integrations.
var (
	OpMessageReact  = Declare[ReactInput, Message]("message.react")
	OpMessageEdit   = Declare[EditInput, Message]("message.edit")
	OpMessageRevoke = Declare[MessageRef, Message]("message.revoke")
)

// MessageRef names a message of a chat.
type MessageRef struct {
	ChatID    uuid.UUID `json:"chatId"`
	MessageID uuid.UUID `json:"messageId"`
}

// ReactInput is the payload of OpMessageReact: the caller's emoji, or "" to take the reaction back.
type ReactInput struct {
	MessageRef
	Emoji string `json:"emoji"`
}

// EditInput is the payload of OpMessageEdit: the message's new text.
type EditInput struct {
	MessageRef
	Content string `json:"content"`
}
