package persistence

import (
	"context"
	"encoding/base64"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
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
	ContactAvatarURL *string `json:"contactAvatarUrl"`
	// ContactAvatarMediaID is internal: ContactAvatarURL shows its signed link.
	ContactAvatarMediaID *uuid.UUID `json:"-"`
	PlatformCustomerID   string     `json:"platformCustomerId"`
	PlatformChatID       *string    `json:"platformChatId"`
	UserID               *uuid.UUID `json:"userId"`
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

// ConversationFilter selects and pages the inbox.
type ConversationFilter struct {
	Status *string
	Search *string
	// Unassigned keeps only conversations assigned to nobody; Assignee only those of one user.
	Unassigned bool
	Assignee   *uuid.UUID
	// VisibleTo, when set, hides the conversations assigned to anyone else (an agent under the
	// ASSIGNED_AND_UNASSIGNED visibility setting).
	VisibleTo *uuid.UUID
	// Label keeps only conversations with this label.
	Label  *uuid.UUID
	Limit  int
	Cursor string
}

// effectiveStatus is a chat's status as the inbox shows it: a snoozed chat whose time has passed is OPEN
// again, without a timer (the row itself is set OPEN by the next change, a customer's message first).
const effectiveStatus = `(CASE WHEN c.snoozed_until <= now() THEN 'OPEN'::chat_status ELSE c.status END)`

// effectiveStatusIs is effectiveStatus = $1, written on the columns themselves: PostgreSQL has no statistics
// on the CASE expression and guessed it at 0.5 % of the chats, so an inbox filtered by status (the web app's
// tabs) sorted every chat instead of walking the activity index (23 ms at 10,000 chats, against 1 ms). With
// the status column's statistics it estimates the real share.
const effectiveStatusIs = `(c.status = $1 AND (c.snoozed_until IS NULL OR c.snoozed_until > now())
		OR $1 = 'OPEN'::chat_status AND c.snoozed_until <= now())`

// chatLabelRefs is the labels of chat c, as JSON.
var chatLabelRefs = labelRefsOf("chat_labels", "chat_id", "c.chat_id")

var conversationSelect = `SELECT c.chat_id, c.channel_id, c.customer_id, ch.platform_type::text, cu.full_name,
	coalesce(cu.phone, cu.platform_customer_id), cu.platform_customer_id, c.platform_chat_id, c.user_id,
	a.last_message, a.last_message_at, a.unread_count, ` + effectiveStatus + `::text,
	CASE WHEN c.snoozed_until > now() THEN c.snoozed_until END, c.started_at,
	` + chatLabelRefs + `, cu.avatar_url, cu.avatar_media_id
	FROM chat_activity a JOIN chats c ON c.chat_id = a.chat_id JOIN customers cu ON cu.customer_id = c.customer_id
	JOIN channels ch ON ch.channel_id = c.channel_id`

// activityOrder is the inbox's order, newest activity first, for chat_activity a: its index holds the minute
// of the activity (tenant migration 025, so that a bump within the minute is a HOT update), PostgreSQL sorts
// the chats of each minute, and the order is the same as by activity alone. activityBefore is the condition
// of the page after the cursor ($3 the activity, $4 the chat id), with the minute for the index.
const (
	activityOrder  = `a.activity_minute DESC, coalesce(a.last_message_at, a.started_at) DESC, a.chat_id DESC`
	activityBefore = `($3::timestamptz IS NULL OR (a.activity_minute <= date_bin('1 minute', $3::timestamptz, timestamptz '2000-01-01 00:00:00+00')
		AND (coalesce(a.last_message_at, a.started_at), a.chat_id) < ($3, $4::uuid)))`
)

var (
	sqlGetConversation   = conversationSelect + ` WHERE c.chat_id = $1`
	sqlListConversations = conversationSelect + `
		WHERE ($1::chat_status IS NULL OR ` + effectiveStatusIs + `)
		  AND ($2::text IS NULL OR cu.full_name ILIKE $2 OR cu.phone ILIKE $2 OR cu.platform_customer_id ILIKE $2 OR a.last_message ILIKE $2)
		  AND ` + activityBefore + `
		  AND (NOT $6 OR c.user_id IS NULL)
		  AND ($7::uuid IS NULL OR c.user_id = $7)
		  AND ($8::uuid IS NULL OR c.user_id IS NULL OR c.user_id = $8)
		  AND ($9::uuid IS NULL OR EXISTS (SELECT 1 FROM chat_labels cl WHERE cl.chat_id = c.chat_id AND cl.label_id = $9))
		ORDER BY ` + activityOrder + `
		LIMIT $5`
)

func scanConversation(row pgx.Row) (Conversation, error) {
	var c Conversation
	err := row.Scan(&c.ChatID, &c.ChannelID, &c.CustomerID, &c.Platform, &c.ContactName, &c.ContactNumber,
		&c.PlatformCustomerID, &c.PlatformChatID, &c.UserID, &c.LastMessage, &c.LastMessageAt, &c.UnreadCount,
		&c.Status, &c.SnoozedUntil, &c.StartedAt, &c.Labels, &c.ContactAvatarURL, &c.ContactAvatarMediaID)
	c.Assignee = c.UserID
	return c, translate(err, "conversation")
}

// GetConversation loads one chat as the inbox shows it.
func (s *TenantStore) GetConversation(ctx context.Context, chatID uuid.UUID) (Conversation, error) {
	c, err := scanConversation(s.Pool.QueryRow(ctx, sqlGetConversation, chatID))
	s.signConversation(&c)
	return c, err
}

// signConversation shows the customer's fetched profile picture as a signed link.
func (s *TenantStore) signConversation(c *Conversation) {
	if s != nil && s.MediaURL != nil && c.ContactAvatarMediaID != nil {
		u := s.MediaURL(*c.ContactAvatarMediaID)
		c.ContactAvatarURL = &u
	}
}

// ListConversations pages the inbox, newest activity first. It returns the cursor of the next page, or "".
func (s *TenantStore) ListConversations(ctx context.Context, f ConversationFilter) ([]Conversation, string, error) {
	var at *time.Time
	var after *uuid.UUID
	if f.Cursor != "" {
		t, id, err := decodeActivityCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		at, after = &t, &id
	}
	var search *string
	if f.Search != nil && *f.Search != "" {
		p := "%" + escapeLike(*f.Search) + "%"
		search = &p
	}
	// Planned for each call with its values (an unnamed statement): the filters are optional, and a plan
	// cached for all values walks the whole inbox whatever the filter (35–47 ms at 10,000 chats, where the
	// call's own plan reads one page in 0.3–2 ms). PostgreSQL switches a prepared statement to that cached
	// plan once it estimates it cheaper than the calls' own, as it did after a few calls filtered by status.
	rows, err := s.Pool.Query(ctx, sqlListConversations, pgx.QueryExecModeDescribeExec, f.Status, search, at, after, f.Limit+1,
		f.Unassigned, f.Assignee, f.VisibleTo, f.Label)
	if err != nil {
		return nil, "", err
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Conversation, error) { return scanConversation(r) })
	if err != nil {
		return nil, "", err
	}
	for i := range list {
		s.signConversation(&list[i])
	}
	next := ""
	if len(list) > f.Limit {
		list = list[:f.Limit]
		last := list[len(list)-1]
		activity := last.StartedAt
		if last.LastMessageAt != nil {
			activity = *last.LastMessageAt
		}
		next = encodeActivityCursor(activity, last.ChatID)
	}
	return list, next, nil
}

func encodeActivityCursor(t time.Time, id uuid.UUID) string {
	return base64.RawURLEncoding.EncodeToString([]byte(t.UTC().Format(time.RFC3339Nano) + "|" + id.String()))
}

func decodeActivityCursor(c string) (time.Time, uuid.UUID, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, uuid.Nil, badCursor()
	}
	ts, id, ok := strings.Cut(string(raw), "|")
	if !ok {
		return time.Time{}, uuid.Nil, badCursor()
	}
	t, err1 := time.Parse(time.RFC3339Nano, ts)
	u, err2 := uuid.Parse(id)
	if err1 != nil || err2 != nil {
		return time.Time{}, uuid.Nil, badCursor()
	}
	return t, u, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
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

// ChatFilter narrows a chat list; nil fields do not filter.
type ChatFilter struct {
	Status     *string
	ChannelID  *uuid.UUID
	CustomerID *uuid.UUID
	UserID     *uuid.UUID
	// VisibleTo, when set, hides the chats assigned to anyone else (see ConversationFilter).
	VisibleTo *uuid.UUID
	Page
}

// chatColumns are a chat's columns from chats c and its activity a (tenant migration 024); chatsWithActivity
// is the join they are read from.
const (
	chatColumns = `c.chat_id, c.customer_id, c.channel_id, c.user_id, c.platform_chat_id, c.status::text, c.started_at,
	a.last_message_at, a.last_message, a.unread_count`
	chatsWithActivity = `chats c JOIN chat_activity a ON a.chat_id = c.chat_id`
)

const (
	// A new chat has no message yet: its activity row (added by the insert's trigger) is all empty.
	sqlInsertChat = `INSERT INTO chats AS c (chat_id, customer_id, channel_id, user_id, platform_chat_id, status)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING c.chat_id, c.customer_id, c.channel_id, c.user_id, c.platform_chat_id,
		c.status::text, c.started_at, NULL::timestamptz, NULL::text, 0`
	sqlGetChat   = `SELECT ` + chatColumns + ` FROM ` + chatsWithActivity + ` WHERE c.chat_id = $1`
	sqlListChats = `SELECT ` + chatColumns + ` FROM ` + chatsWithActivity + `
		WHERE ($1::chat_status IS NULL OR c.status = $1) AND ($2::uuid IS NULL OR c.channel_id = $2)
		  AND ($3::uuid IS NULL OR c.customer_id = $3) AND ($4::uuid IS NULL OR c.user_id = $4)
		  AND ($7::uuid IS NULL OR c.user_id IS NULL OR c.user_id = $7)
		ORDER BY c.started_at, c.chat_id LIMIT $5 OFFSET $6`
	sqlUpdateChat = `UPDATE chats AS c SET user_id = $2, platform_chat_id = $3, status = $4 FROM chat_activity a
		WHERE c.chat_id = $1 AND a.chat_id = c.chat_id RETURNING ` + chatColumns
	sqlDeleteChat = `DELETE FROM chats WHERE chat_id = $1`
	// sqlChatsOfCustomers embeds the most recently active chats of each customer.
	sqlChatsOfCustomers = `SELECT chat_id, customer_id, channel_id, user_id, platform_chat_id, status, started_at,
			last_message_at, last_message, unread_count FROM (
			SELECT ` + chatColumns + `, row_number() OVER (PARTITION BY c.customer_id
				ORDER BY coalesce(a.last_message_at, a.started_at) DESC, c.chat_id DESC) AS n
			FROM ` + chatsWithActivity + ` WHERE c.customer_id = ANY($1)) x
		WHERE n <= $2 ORDER BY customer_id, started_at, chat_id`
)

var chatRules = []constraintRule{
	unique("chats_channel_id_platform_chat_id_key", "platformChatId", "is already used by another chat of this channel"),
	reference("chats_customer_id_fkey", "customerId", "does not name a customer of this tenant"),
	reference("chats_channel_id_fkey", "channelId", "does not name a channel of this tenant"),
}

func scanChat(row pgx.Row) (Chat, error) {
	var c Chat
	err := row.Scan(&c.ChatID, &c.CustomerID, &c.ChannelID, &c.UserID, &c.PlatformChatID, &c.Status, &c.StartedAt,
		&c.LastMessageAt, &c.LastMessage, &c.UnreadCount)
	return c, translate(err, "chat")
}

// CreateChat inserts a chat; a platform chat id already known on the channel is a conflict.
func (s *TenantStore) CreateChat(ctx context.Context, c Chat) (Chat, error) {
	return scanExplained(s.Pool.QueryRow(ctx, sqlInsertChat, c.ChatID, c.CustomerID, c.ChannelID, c.UserID,
		c.PlatformChatID, c.Status), scanChat, "chat", chatRules...)
}

// GetChat loads one chat.
func (s *TenantStore) GetChat(ctx context.Context, id uuid.UUID) (Chat, error) {
	return scanChat(s.Pool.QueryRow(ctx, sqlGetChat, id))
}

// ListChats lists chats in the order they started.
func (s *TenantStore) ListChats(ctx context.Context, f ChatFilter) ([]Chat, error) {
	rows, err := s.Pool.Query(ctx, sqlListChats, f.Status, f.ChannelID, f.CustomerID, f.UserID, f.Limit, f.Offset, f.VisibleTo)
	return collect(rows, err, scanChat)
}

// UpdateChat writes the fields people change on a chat: its assignee, platform id and status.
func (s *TenantStore) UpdateChat(ctx context.Context, c Chat) (Chat, error) {
	return scanExplained(s.Pool.QueryRow(ctx, sqlUpdateChat, c.ChatID, c.UserID, c.PlatformChatID, c.Status),
		scanChat, "chat", chatRules...)
}

// DeleteChat removes a chat and its messages.
func (s *TenantStore) DeleteChat(ctx context.Context, id uuid.UUID) error {
	return execOne(ctx, s.Pool, "chat", sqlDeleteChat, id)
}

// ChatsOfCustomers loads the EmbedLimit most recently active chats of each given customer.
func (s *TenantStore) ChatsOfCustomers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]Chat, error) {
	rows, err := s.Pool.Query(ctx, sqlChatsOfCustomers, ids, EmbedLimit)
	list, err := collect(rows, err, scanChat)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID][]Chat, len(ids))
	for _, c := range list {
		out[c.CustomerID] = append(out[c.CustomerID], c)
	}
	return out, nil
}
