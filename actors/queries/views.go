package queries

import (
	"bytes"
	"encoding/json"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/persistence"
)

// Rows of the tenant's database become the views clients see (ops/view_*.go) here and nowhere else. Where
// a view has exactly a row's fields, the conversion is Go's struct conversion, so a column added to the row
// stops the build until the view decides about it; the others copy field by field, and views_test.go
// checks that every field a row would have shown is shown the same way.

// MessageView is the view of a message row.
func MessageView(m persistence.Message) ops.Message {
	v := ops.Message{MessageID: m.MessageID, ChatID: m.ChatID, PlatformMessageID: m.PlatformMessageID,
		SenderType: m.SenderType, ContentType: m.ContentType, Content: m.Content, Metadata: m.Metadata,
		Timestamp: m.Timestamp, Status: m.Status, IsRead: m.IsRead, Error: m.Error, Origin: m.Origin, Media: messageMediaView(m.Media),
		ReplyTo: messageReplyView(m.ReplyTo), EditedAt: m.EditedAt, RevokedAt: m.RevokedAt,
		Reactions: viewsOf(m.Reactions, func(r persistence.Reaction) ops.Reaction { return ops.Reaction(r) }),
		Versions:  viewsOf(m.Versions, func(v persistence.MessageVersion) ops.MessageVersion { return ops.MessageVersion(v) })}
	v.Location, v.Contacts = structuredContent(m.Metadata)
	return v
}

// structuredContent reads a message's shared place or contact card from its metadata (where channel
// sessions record them), without decoding the metadata of every other message.
func structuredContent(meta []byte) (*ops.MessageLocation, []ops.MessageContact) {
	if len(meta) == 0 || (!bytes.Contains(meta, []byte(`"location"`)) && !bytes.Contains(meta, []byte(`"contacts"`))) {
		return nil, nil
	}
	var s struct {
		Location *ops.MessageLocation `json:"location"`
		Contacts []ops.MessageContact `json:"contacts"`
	}
	if json.Unmarshal(meta, &s) != nil {
		return nil, nil
	}
	return s.Location, s.Contacts
}

func messageReplyView(r *persistence.MessageReply) *ops.MessageReply {
	if r == nil {
		return nil
	}
	return &ops.MessageReply{MessageID: r.MessageID, Excerpt: r.Excerpt}
}

func messageMediaView(m *persistence.MessageMedia) *ops.MessageMedia {
	if m == nil {
		return nil
	}
	v := ops.MessageMedia(*m)
	return &v
}

// MessageViews is MessageView of each row (nil stays nil).
func MessageViews(list []persistence.Message) []ops.Message { return viewsOf(list, MessageView) }

// ConversationView is the inbox's view of a chat.
func ConversationView(c persistence.Conversation) ops.Conversation {
	return ops.Conversation{ChatID: c.ChatID, ChannelID: c.ChannelID, CustomerID: c.CustomerID, Platform: c.Platform,
		ContactName: c.ContactName, ContactNumber: c.ContactNumber, ContactAvatarURL: c.ContactAvatarURL, PlatformCustomerID: c.PlatformCustomerID,
		PlatformChatID: c.PlatformChatID, UserID: c.UserID, Assignee: c.Assignee, LastMessage: c.LastMessage,
		LastMessageAt: c.LastMessageAt, UnreadCount: c.UnreadCount, Status: c.Status, SnoozedUntil: c.SnoozedUntil,
		StartedAt: c.StartedAt, Labels: LabelRefViews(c.Labels)}
}

// ConversationViews is ConversationView of each row (nil stays nil).
func ConversationViews(list []persistence.Conversation) []ops.Conversation {
	return viewsOf(list, ConversationView)
}

// ChatView is the view of a chat row (the REST resource).
func ChatView(c persistence.Chat) ops.Chat { return ops.Chat(c) }

// CustomerView is the view of a customer row.
func CustomerView(c persistence.Customer) ops.Customer { return ops.Customer(c) }

// OrderView is the view of an order row.
func OrderView(o persistence.Order) ops.Order { return ops.Order(o) }

// OrderItemView is the view of an order item row.
func OrderItemView(i persistence.OrderItem) ops.OrderItem { return ops.OrderItem(i) }

// ProductView is the view of a product row.
func ProductView(p persistence.Product) ops.Product { return ops.Product(p) }

// LabelView is the view of a label row.
func LabelView(l persistence.Label) ops.Label { return ops.Label(l) }

// LabelRefViews are the labels a conversation or a customer shows (nil stays nil).
func LabelRefViews(list []persistence.LabelRef) []ops.LabelRef {
	return viewsOf(list, func(l persistence.LabelRef) ops.LabelRef { return ops.LabelRef(l) })
}

// CannedReplyView is the view of a canned reply row.
func CannedReplyView(c persistence.CannedReply) ops.CannedReply { return ops.CannedReply(c) }

// SettingsView is the view of the tenant's settings row.
func SettingsView(s persistence.Settings) ops.Settings {
	return ops.Settings{AgentVisibility: s.AgentVisibility, AutoAssign: ops.AutoAssign(s.AutoAssign), UpdatedAt: s.UpdatedAt}
}

// ChannelView is the view of a channel row as stored; secrets must be masked before (see maskChannel). The
// previous webhook secret is never part of it.
func ChannelView(c persistence.Channel) ops.Channel {
	return ops.Channel{ChannelID: c.ChannelID, UserID: c.UserID, PlatformType: c.PlatformType,
		PlatformSpecificID: c.PlatformSpecificID, ChannelName: c.ChannelName, AccessToken: c.AccessToken,
		RefreshToken: c.RefreshToken, TokenExpiresAt: c.TokenExpiresAt, Scopes: c.Scopes, Metadata: c.Metadata,
		WebhookURL: c.WebhookURL, WebhookSecret: c.WebhookSecret, PreviousSecretExpiresAt: c.PreviousSecretExpiresAt,
		IsActive: c.IsActive, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// WebhookView is the view of an event webhook endpoint (never its secret).
func WebhookView(w persistence.Webhook) ops.Webhook {
	return ops.Webhook{WebhookID: w.WebhookID, URL: w.URL, Events: w.Events, IsActive: w.IsActive, DisabledReason: w.DisabledReason,
		ConsecutiveFailures: w.ConsecutiveFailures, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

// WebhookDeliveryView is the view of one delivery of an event webhook.
func WebhookDeliveryView(d persistence.WebhookDelivery) ops.WebhookDelivery {
	return ops.WebhookDelivery{DeliveryID: d.DeliveryID, WebhookID: d.WebhookID, Event: d.Event, EntityID: d.EntityID, State: d.State,
		Attempts: d.Attempts, NextAttemptAt: d.NextAttemptAt, LastStatus: d.LastStatus, LastError: d.LastError,
		CreatedAt: d.CreatedAt, DeliveredAt: d.DeliveredAt, Payload: d.Payload}
}

// viewsOf converts a list; nil stays nil, so that a list's JSON (null or []) does not change.
func viewsOf[R, V any](list []R, view func(R) V) []V {
	if list == nil {
		return nil
	}
	out := make([]V, len(list))
	for i, r := range list {
		out[i] = view(r)
	}
	return out
}
