package persistence

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/aezen/engine/domain"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Message is one message of a chat (seed messages, plus delivery status and read flag).
type Message struct {
	MessageID         uuid.UUID       `json:"messageId"`
	ChatID            uuid.UUID       `json:"chatId"`
	PlatformMessageID *string         `json:"platformMessageId"`
	SenderType        string          `json:"senderType"`
	ContentType       string          `json:"contentType"`
	Content           string          `json:"content"`
	Metadata          json.RawMessage `json:"metadata"`
	Timestamp         time.Time       `json:"timestamp"`
	Status            string          `json:"status"`
	IsRead            bool            `json:"isRead"`
	Error             *string         `json:"error,omitempty"`
	// Origin says where a business message was sent from (domain.MessageOrigins): AEZEN through the engine,
	// PHONE from the WhatsApp phone or another linked device; nil on customers' messages and notes.
	Origin *string `json:"origin"`
	// Media is the file of an IMAGE, VIDEO, AUDIO, FILE or STICKER message (Content is then its caption).
	Media *MessageMedia `json:"media,omitempty"`
	// ReplyTo is the message this one quotes.
	ReplyTo *MessageReply `json:"replyTo,omitempty"`
	// Reactions are the customer's and the business's reactions (one each at most).
	Reactions []Reaction `json:"reactions,omitempty"`
	// EditedAt is the last edit; Versions what the message said before, oldest first.
	EditedAt *time.Time       `json:"editedAt,omitempty"`
	Versions []MessageVersion `json:"versions,omitempty"`
	// RevokedAt is when the message was deleted for everyone (its content stays readable by the team).
	RevokedAt *time.Time `json:"revokedAt,omitempty"`
	Seq       int64      `json:"-"`
}

// MessageReply is the message a reply quotes: its id and an excerpt of it (empty once it is revoked), plus
// what a channel session needs to quote it (read from message_reply's JSON, never shown).
type MessageReply struct {
	MessageID         uuid.UUID `json:"messageId"`
	Excerpt           string    `json:"excerpt"`
	PlatformMessageID *string   `json:"-"`
	SenderType        string    `json:"-"`
	Content           string    `json:"-"`
}

// UnmarshalJSON reads message_reply's JSON, hidden fields included.
func (r *MessageReply) UnmarshalJSON(b []byte) error {
	var w struct {
		MessageID         uuid.UUID `json:"messageId"`
		Excerpt           string    `json:"excerpt"`
		PlatformMessageID *string   `json:"platformMessageId"`
		SenderType        string    `json:"senderType"`
		Content           string    `json:"content"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = MessageReply{MessageID: w.MessageID, Excerpt: w.Excerpt, PlatformMessageID: w.PlatformMessageID,
		SenderType: w.SenderType, Content: w.Content}
	return nil
}

// Reaction is one side's reaction to a message. By is "CUSTOMER", a team member's id, or "PHONE" (the
// business reacting from its WhatsApp phone or another linked device).
type Reaction struct {
	Emoji string    `json:"emoji"`
	By    string    `json:"by"`
	At    time.Time `json:"at"`
}

// MessageVersion is what a message said before an edit, and since when.
type MessageVersion struct {
	Content string    `json:"content"`
	At      time.Time `json:"at"`
}

// MessageMedia is a message's file in the tenant's media store. URL is a signed, expiring link to it, filled
// by TenantStore.SignMedia on the way out (the database does not know the signing key).
type MessageMedia struct {
	MediaID  uuid.UUID `json:"mediaId"`
	MimeType string    `json:"mimeType"`
	Size     int64     `json:"size"`
	FileName string    `json:"fileName"`
	URL      string    `json:"url"`
	// State is PENDING while a received file downloads, READY when it is stored, FAILED if it could not be.
	State string `json:"state"`
	// Error says why a FAILED file could not be downloaded.
	Error *string `json:"error,omitempty"`
}

// PendingMedia is the file of an inbound message that is still to be downloaded: its media row is recorded
// PENDING with the message (same batch), under MediaID, and completed once the bytes are in the store.
type PendingMedia struct {
	MimeType string
	FileName string
}

// sqlPendingMedia records the PENDING media row of an inbound message, unless the message is stored already
// (a re-delivery, or the echo of a message the engine sent with its own file). Its id is derived from the
// message's platform id.
const sqlPendingMedia = `INSERT INTO media (media_id, mime_type, file_name, state)
	SELECT $1, $2, $3, 'PENDING' WHERE NOT EXISTS (SELECT 1 FROM messages WHERE platform_message_id = $4)
	ON CONFLICT (media_id) DO NOTHING`

// queuePendingMedia adds the statement that records an inbound message's PENDING file, when it has one.
func queuePendingMedia(b *pgx.Batch, in NewInbound) {
	if in.PendingMedia != nil && in.MediaID != nil {
		b.Queue(sqlPendingMedia, *in.MediaID, in.PendingMedia.MimeType, in.PendingMedia.FileName, in.PlatformMessageID)
	}
}

const messageColumns = `message_id, chat_id, platform_message_id, sender_type::text, content_type::text, content, metadata,
	timestamp, status::text, is_read, last_error, seq, CASE WHEN media_id IS NULL THEN NULL ELSE message_media(media_id) END,
	coalesce(origin::text, CASE WHEN sender_type IN ('AGENT', 'SYSTEM') THEN 'AEZEN' END),
	CASE WHEN reply_to_message_id IS NULL THEN NULL ELSE message_reply(reply_to_message_id) END, reactions, edited_at, versions, revoked_at`

func scanMessage(row pgx.Row) (Message, error) { return scanMessageAfter(row) }

// scanMessageAfter reads the columns of lead, then messageColumns.
func scanMessageAfter(row pgx.Row, lead ...any) (Message, error) {
	var m Message
	err := row.Scan(append(lead, messageFields(&m)...)...)
	return m, translate(err, "message")
}

// messageFields are the scan targets of messageColumns.
func messageFields(m *Message) []any {
	return []any{&m.MessageID, &m.ChatID, &m.PlatformMessageID, &m.SenderType, &m.ContentType, &m.Content,
		&m.Metadata, &m.Timestamp, &m.Status, &m.IsRead, &m.Error, &m.Seq, &m.Media, &m.Origin,
		&m.ReplyTo, &m.Reactions, &m.EditedAt, &m.Versions, &m.RevokedAt}
}

// NewInbound is a customer's message to store.
type NewInbound struct {
	MessageID         uuid.UUID
	ChatID            uuid.UUID
	PlatformMessageID string
	ContentType       string
	Content           string
	Metadata          json.RawMessage
	Timestamp         time.Time
	// MediaID is the stored file of a media message.
	MediaID *uuid.UUID
	// FromPhone makes it a message the business sent from its phone (QueuePhoneSent), not a customer's.
	FromPhone bool
	// PendingMedia, with MediaID, records the file as PENDING, to be downloaded after the commit.
	PendingMedia *PendingMedia
	// ReplyToPlatformID is the platform id of the message this one quotes; a message of another chat, or
	// one not stored, leaves the reply out.
	ReplyToPlatformID string
	// History makes it a message of a history import (QueueHistory): read, reopening nothing.
	History bool
}

// InboundResult is what storing an inbound message did. A duplicate stored nothing and carries the id (and
// seq and time) of the copy stored first. ChatStatus is the chat's status after the message: a customer's
// message reopens a RESOLVED or snoozed chat.
type InboundResult struct {
	Message     Message
	Duplicate   bool
	UnreadCount int
	ChatStatus  string
}

// The statements that store a received message answer (sqlStoredColumns, or sqlStoredDuplicate): whether it was a duplicate, the
// chat's unread count and status after it, then what the engine does not know of the stored row (its seq,
// its time and metadata as stored, its file and its quote); the engine fills in the rest from what it
// stored (storedKind). The duplicate's row is the first copy's (its id, seq and time). Returning only these
// instead of every column of the row, twice (messageColumns for the stored row and for the duplicate),
// spared the executor about twenty projected expressions per message, and the CTE its widest tuples.
const (
	sqlStoredReturning = `RETURNING message_id, seq, timestamp, metadata, media_id, reply_to_message_id`
	sqlStoredColumns   = `ins.message_id, ins.seq, ins.timestamp, ins.metadata,
		CASE WHEN ins.media_id IS NULL THEN NULL ELSE message_media(ins.media_id) END,
		CASE WHEN ins.reply_to_message_id IS NULL THEN NULL ELSE message_reply(ins.reply_to_message_id) END FROM ins`
	sqlStoredDuplicate = `UNION ALL
		SELECT true, 0, '', message_id, seq, timestamp, NULL, NULL, NULL FROM messages WHERE platform_message_id = $3 AND NOT EXISTS (SELECT 1 FROM ins)`
)

const (
	// sqlInsertInbound stores the message unless its platform id is known, and only then bumps the chat, in
	// one statement (its answer: sqlStoredColumns). The chat's row is read once (chat): it gives the status, and
	// the reopen of a RESOLVED or snoozed chat runs only when the row says so (its own condition is checked
	// again on the row it updates).
	sqlInsertInbound = `WITH ins AS (
			INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content_type, content, metadata, timestamp, status, media_id,
				reply_to_message_id)
			VALUES ($1, $2, $3, 'CUSTOMER', $4, $5, $6, $7, 'RECEIVED', $9, ` + sqlQuoted + `)
			ON CONFLICT (platform_message_id) DO NOTHING
			` + sqlStoredReturning + `),
		bump AS (UPDATE chat_activity SET unread_count = unread_count + 1, last_message = $8,
			last_message_at = greatest(last_message_at, ins.timestamp)
			FROM ins WHERE chat_activity.chat_id = $2 RETURNING chat_activity.unread_count),
		chat AS (SELECT status::text, status = 'RESOLVED' OR snoozed_until IS NOT NULL AS closed FROM chats WHERE chat_id = $2),
		reopened AS (UPDATE chats SET status = 'OPEN', snoozed_until = NULL
			FROM ins WHERE (SELECT closed FROM chat) AND chats.chat_id = $2 AND (chats.status = 'RESOLVED' OR chats.snoozed_until IS NOT NULL)
			RETURNING chats.status::text)
		SELECT false, (SELECT unread_count FROM bump), coalesce((SELECT status FROM reopened), (SELECT status FROM chat)),
			` + sqlStoredColumns + `
		` + sqlStoredDuplicate
	sqlMessageByPlatformID = `SELECT ` + messageColumns + ` FROM messages WHERE platform_message_id = $1`
)

// sqlQuoted finds the message an inbound message quotes ($10, its platform id) in the same chat ($2). The
// chat is checked on the row found, not in the WHERE clause: with "platform_message_id = … AND chat_id =
// $2" the generic plan that a connection makes while the tenant is young (and keeps until the statistics
// change) could take the (chat_id, seq) index and filter every message of the chat by platform id, a cost
// that grew with the chat on every inbound message, quote or not (87 of 109 buffers of the statement in the
// bench, TestInboundStatementCostDoesNotGrowWithTheChat). By platform id alone, only its unique index fits;
// with no quote ($10 empty) the lookup is of NULL, which the index answers without reading a page.
const sqlQuoted = `(SELECT CASE WHEN q.chat_id = $2 THEN q.message_id END FROM messages q WHERE q.platform_message_id = nullif($10, ''))`

// The statements that store a received message bump the chat's activity (tenant migration 024: a narrow
// row of its own, so that a message does not write a new version of the chats row and of its indexes).
// sqlBumpIfNewer moves the chat's last message to the stored one (ins) unless the chat has a newer one;
// sqlChatStatus is the chat's status, which a message does not change unless it reopens the chat.
const (
	sqlBumpIfNewer = `UPDATE chat_activity SET last_message = CASE WHEN last_message_at IS NULL OR ins.timestamp >= last_message_at THEN $8 ELSE last_message END,
		last_message_at = greatest(last_message_at, ins.timestamp)
		FROM ins WHERE chat_activity.chat_id = $2 RETURNING chat_activity.unread_count`
	sqlChatStatus = `(SELECT status::text FROM chats WHERE chat_id = $2)`
)

// QueueInbound adds the statement that stores an inbound message to b; out is filled when the batch runs.
func QueueInbound(b *pgx.Batch, in NewInbound, out *InboundResult) {
	queueStore(b, in, out, sqlInsertInbound, storedKind{sender: "CUSTOMER", status: "RECEIVED"}, in.ReplyToPlatformID)
}

// storedKind is what a store statement sets of the row that the engine does not pass as a parameter.
type storedKind struct {
	sender, status string
	read           bool
	origin         string // "" for none
}

// queueStore adds one of the statements that store a received message (its pending media row first) to b:
// they share their first nine parameters and their answer (sqlStoredColumns), from which, with in and kind, it
// fills out.
func queueStore(b *pgx.Batch, in NewInbound, out *InboundResult, sql string, kind storedKind, more ...any) {
	queuePendingMedia(b, in)
	args := append([]any{in.MessageID, in.ChatID, in.PlatformMessageID, in.ContentType, in.Content,
		jsonOrNil(in.Metadata), in.Timestamp, Preview(in.ContentType, in.Content), in.MediaID}, more...)
	b.Queue(sql, args...).QueryRow(func(row pgx.Row) error {
		m := Message{ChatID: in.ChatID}
		err := row.Scan(&out.Duplicate, &out.UnreadCount, &out.ChatStatus, &m.MessageID, &m.Seq, &m.Timestamp, &m.Metadata, &m.Media, &m.ReplyTo)
		if err != nil {
			return translate(err, "message")
		}
		if !out.Duplicate {
			fillStored(&m, in, kind)
		}
		out.Message = m
		return nil
	})
}

// fillStored completes a stored message from what the engine stored (in, kind); the statement answered the
// rest (sqlStoredColumns).
func fillStored(m *Message, in NewInbound, kind storedKind) {
	pmid := in.PlatformMessageID
	m.PlatformMessageID, m.SenderType, m.ContentType, m.Content = &pmid, kind.sender, in.ContentType, in.Content
	m.Status, m.IsRead = kind.status, kind.read
	if kind.origin != "" {
		origin := kind.origin
		m.Origin = &origin
	}
}

// sqlInsertPhoneSent stores a message the business sent from its phone (or another linked device): an AGENT
// message, SENT and read, origin PHONE, unless its platform id is known (the engine's own send of it, or a
// re-delivery), and moves the chat's last message; it neither counts as unread nor reopens the chat.
const sqlInsertPhoneSent = `WITH ins AS (
		INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content_type, content, metadata, timestamp,
			status, is_read, media_id, origin, reply_to_message_id)
		VALUES ($1, $2, $3, 'AGENT', $4, $5, $6, $7, 'SENT', true, $9, 'PHONE', ` + sqlQuoted + `)
		ON CONFLICT (platform_message_id) DO NOTHING
		` + sqlStoredReturning + `),
	bump AS (` + sqlBumpIfNewer + `)
	SELECT false, (SELECT unread_count FROM bump), ` + sqlChatStatus + `, ` + sqlStoredColumns + `
	` + sqlStoredDuplicate

// QueuePhoneSent adds the statement that stores a message the business sent from its phone to b (see
// sqlInsertPhoneSent); out is filled when the batch runs, Duplicate when the platform id was known.
func QueuePhoneSent(b *pgx.Batch, in NewInbound, out *InboundResult) {
	queueStore(b, in, out, sqlInsertPhoneSent, storedKind{sender: "AGENT", status: "SENT", read: true, origin: "PHONE"}, in.ReplyToPlatformID)
}

// sqlInsertHistory stores a message of a history import, a customer's (RECEIVED) or the business's (AGENT,
// SENT, origin PHONE), read, unless its platform id is known, and moves the chat's last message when it is
// newer; it neither counts as unread nor touches the chat's status.
const sqlInsertHistory = `WITH ins AS (
		INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content_type, content, metadata, timestamp,
			status, is_read, media_id, origin, seq) OVERRIDING SYSTEM VALUE
		VALUES ($1, $2, $3, CASE WHEN $10::boolean THEN 'AGENT' ELSE 'CUSTOMER' END::message_sender_type, $4, $5, $6, $7,
			CASE WHEN $10::boolean THEN 'SENT' ELSE 'RECEIVED' END::message_status, true, $9,
			CASE WHEN $10::boolean THEN 'PHONE'::message_origin END, $11)
		ON CONFLICT (platform_message_id) DO NOTHING
		` + sqlStoredReturning + `),
	bump AS (` + sqlBumpIfNewer + `)
	SELECT false, (SELECT unread_count FROM bump), ` + sqlChatStatus + `, ` + sqlStoredColumns + `
	` + sqlStoredDuplicate

// HistorySeq is the place in its chat of a message imported from history. A chat's messages are listed in
// seq order, and live messages take increasing positive seqs as they are stored; imported messages are
// older than every live one (WhatsApp sends the history of a newly linked device), so they take negative
// seqs ordered by their own time: the second, then 20 bits of a hash of the WhatsApp id to tell apart
// messages of the same second (WhatsApp's history times are whole seconds).
func HistorySeq(ts time.Time, platformMessageID string) int64 {
	h := fnv.New32a()
	_, _ = h.Write([]byte(platformMessageID))
	return ts.Unix()<<20 + int64(h.Sum32()&0xFFFFF) - 1<<62
}

// QueueHistory adds the statement that stores a message of a history import to b (see sqlInsertHistory).
func QueueHistory(b *pgx.Batch, in NewInbound, out *InboundResult) {
	kind := storedKind{sender: "CUSTOMER", status: "RECEIVED", read: true}
	if in.FromPhone {
		kind = storedKind{sender: "AGENT", status: "SENT", read: true, origin: "PHONE"}
	}
	queueStore(b, in, out, sqlInsertHistory, kind, in.FromPhone, HistorySeq(in.Timestamp, in.PlatformMessageID))
}

// NewOutbound is an agent's (or the system's) message to send, committed PENDING before any send.
type NewOutbound struct {
	MessageID         uuid.UUID
	ChatID            uuid.UUID
	PlatformMessageID string
	SenderType        string
	ContentType       string
	Content           string
	Metadata          json.RawMessage
	IdempotencyKey    *string
	// MediaID names the file of a media message; the caller has checked that it is the tenant's.
	MediaID *uuid.UUID
	// ReplyToMessageID is the message this one quotes; the caller has checked that it is of the same chat.
	ReplyToMessageID *uuid.UUID
}

// OutboundResult is the stored message; Created is false when the idempotency key was seen before.
type OutboundResult struct {
	Message Message
	Created bool
}

// sqlInsertOutbound stores the PENDING message, lists it in the outbox and bumps the chat, in one
// statement; when the idempotency key was used before it stores nothing and returns the message stored
// first under it. Its first column says which.
const sqlInsertOutbound = `WITH ins AS (
		INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content_type, content,
			metadata, status, is_read, idempotency_key, media_id, reply_to_message_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING', true, $8, $10, $11)
		ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING *),
	listed AS (INSERT INTO outbox (message_id, chat_id, seq) SELECT message_id, chat_id, seq FROM ins),
	bump AS (UPDATE chat_activity SET last_message = $9, last_message_at = now() WHERE chat_id = $2 AND EXISTS (SELECT 1 FROM ins))
	SELECT true, ` + messageColumns + ` FROM ins
	UNION ALL
	SELECT false, ` + messageColumns + ` FROM messages WHERE idempotency_key = $8 AND NOT EXISTS (SELECT 1 FROM ins)`

// QueueOutbound adds the statement that stores an outbound message to b; out is filled when the batch runs.
func QueueOutbound(b *pgx.Batch, in NewOutbound, out *OutboundResult) {
	b.Queue(sqlInsertOutbound, in.MessageID, in.ChatID, in.PlatformMessageID, in.SenderType, in.ContentType, in.Content,
		jsonOrNil(in.Metadata), in.IdempotencyKey, Preview(in.ContentType, in.Content), in.MediaID, in.ReplyToMessageID).QueryRow(func(row pgx.Row) error {
		var err error
		out.Message, err = scanMessageAfter(row, &out.Created)
		return err
	})
}

// StatusChange moves outbound messages of a chat forward: by message id or by platform message ids.
type StatusChange struct {
	MessageID          *uuid.UUID
	PlatformMessageIDs []string
	Status             domain.MessageStatus
	Error              *string
}

// The status update finds its rows through the primary key (a send result) or the platform id's unique index
// (a receipt); the chat is a check, not the way in. With "chat_id = $1 AND (message_id = $2 OR
// platform_message_id = ANY($5))" the generic plan scanned every message of the chat through
// messages_chat_seq_idx, so a status update cost more the longer the chat (250 buffers and 240 µs a row
// at a few hundred messages a chat).
// A message that moves has left PENDING (no status ranks below it), so it leaves the outbox too.
const (
	sqlStatusSet = `WITH moved AS (UPDATE messages SET status = $3, last_error = coalesce($4, last_error),
		send_attempts = send_attempts + CASE WHEN $3 IN ('SENT', 'FAILED') THEN 1 ELSE 0 END`
	sqlStatusGuard = ` AND chat_id = $1 AND sender_type <> 'CUSTOMER'
		AND message_status_rank(status) < message_status_rank($3::message_status) RETURNING *),
	unlisted AS (DELETE FROM outbox WHERE message_id IN (SELECT message_id FROM moved))
	SELECT ` + messageColumns + ` FROM moved`
	sqlUpdateStatusByID          = sqlStatusSet + ` WHERE message_id = $2` + sqlStatusGuard
	sqlUpdateStatusByPlatformIDs = sqlStatusSet + ` WHERE platform_message_id = ANY($2)` + sqlStatusGuard
)

// QueueStatus adds the status update to b; out receives the messages that actually moved.
func QueueStatus(b *pgx.Batch, chatID uuid.UUID, c StatusChange, out *[]Message) {
	collect := func(rows pgx.Rows) error {
		list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) { return scanMessage(r) })
		*out = append(*out, list...)
		return err
	}
	if c.MessageID != nil {
		b.Queue(sqlUpdateStatusByID, chatID, *c.MessageID, c.Status, c.Error).Query(collect)
	}
	if len(c.PlatformMessageIDs) > 0 {
		b.Queue(sqlUpdateStatusByPlatformIDs, chatID, c.PlatformMessageIDs, c.Status, c.Error).Query(collect)
	}
}

const sqlMarkRead = `WITH upd AS (
		UPDATE messages SET is_read = true
		WHERE chat_id = $1 AND sender_type = 'CUSTOMER' AND NOT is_read RETURNING platform_message_id)
	UPDATE chat_activity SET unread_count = 0 WHERE chat_id = $1
	RETURNING (SELECT coalesce(array_agg(platform_message_id) FILTER (WHERE platform_message_id IS NOT NULL), '{}') FROM upd)`

// QueueMarkRead marks the customer's messages of a chat read; out receives their platform ids, for read receipts.
func QueueMarkRead(b *pgx.Batch, chatID uuid.UUID, out *[]string) {
	b.Queue(sqlMarkRead, chatID).QueryRow(func(row pgx.Row) error { return row.Scan(out) })
}

const (
	sqlListMessages = `SELECT ` + messageColumns + ` FROM messages
		WHERE chat_id = $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $3`
	sqlGetMessage      = `SELECT ` + messageColumns + ` FROM messages WHERE message_id = $1`
	sqlPendingMessages = `SELECT ` + messageColumns + `, recipient FROM (
			SELECT m.*, coalesce(c.platform_chat_id, cu.platform_customer_id) AS recipient
			FROM outbox o JOIN messages m ON m.message_id = o.message_id JOIN chats c ON c.chat_id = o.chat_id
			JOIN customers cu ON cu.customer_id = c.customer_id
			WHERE c.channel_id = $1) pending
		ORDER BY seq LIMIT $2`
	sqlPendingIDs = `SELECT o.message_id, o.chat_id FROM outbox o JOIN chats c ON c.chat_id = o.chat_id
		WHERE c.channel_id = $1 ORDER BY o.seq LIMIT $2`
	sqlPendingMessage = `SELECT ` + messageColumns + `, recipient FROM (
			SELECT m.*, coalesce(c.platform_chat_id, cu.platform_customer_id) AS recipient
			FROM outbox o JOIN messages m ON m.message_id = o.message_id JOIN chats c ON c.chat_id = o.chat_id
			JOIN customers cu ON cu.customer_id = c.customer_id
			WHERE o.message_id = $1) pending`
)

// ListMessages returns a page of a chat's messages before the cursor, oldest to newest within the page, and
// the cursor of the page before it ("" when there is none).
func (s *TenantStore) ListMessages(ctx context.Context, chatID uuid.UUID, before string, limit int) ([]Message, string, error) {
	var beforeSeq *int64
	if before != "" {
		n, err := strconv.ParseInt(before, 10, 64)
		if err != nil || n == 0 { // imported history has negative seqs (HistorySeq)
			return nil, "", badCursor()
		}
		beforeSeq = &n
	}
	rows, err := s.Pool.Query(ctx, sqlListMessages, chatID, beforeSeq, limit+1)
	if err != nil {
		return nil, "", err
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) { return scanMessage(r) })
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		next = strconv.FormatInt(list[len(list)-1].Seq, 10)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	s.SignMessages(list)
	return list, next, nil
}

// GetMessage loads one message.
func (s *TenantStore) GetMessage(ctx context.Context, id uuid.UUID) (Message, error) {
	m, err := scanMessage(s.Pool.QueryRow(ctx, sqlGetMessage, id))
	s.SignMessage(&m)
	return m, err
}

// GetMessageByPlatformID loads a message by the platform's id for it.
func (s *TenantStore) GetMessageByPlatformID(ctx context.Context, platformID string) (Message, error) {
	return scanMessage(s.Pool.QueryRow(ctx, sqlMessageByPlatformID, platformID))
}

// PendingOutbound is an outbound message waiting to be sent, with the platform id of its recipient.
type PendingOutbound struct {
	Message
	To string
}

// PendingMessages lists a channel's outbound messages still waiting to be sent, oldest first.
func (s *TenantStore) PendingMessages(ctx context.Context, channelID uuid.UUID, limit int) ([]PendingOutbound, error) {
	rows, err := s.Pool.Query(ctx, sqlPendingMessages, channelID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PendingOutbound, error) {
		var p PendingOutbound
		m := &p.Message
		err := r.Scan(append(messageFields(m), &p.To)...)
		return p, err
	})
}

// PendingRef is an outbound message waiting to be sent, by id only.
type PendingRef struct {
	MessageID, ChatID uuid.UUID
}

// PendingIDs lists the ids of a channel's outbound messages still waiting to be sent, oldest first.
func (s *TenantStore) PendingIDs(ctx context.Context, channelID uuid.UUID, limit int) ([]PendingRef, error) {
	rows, err := s.Pool.Query(ctx, sqlPendingIDs, channelID, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PendingRef, error) {
		var p PendingRef
		return p, r.Scan(&p.MessageID, &p.ChatID)
	})
}

// PendingMessage loads one outbound message if it is still waiting to be sent (domain.ErrNotFound if not).
func (s *TenantStore) PendingMessage(ctx context.Context, messageID uuid.UUID) (PendingOutbound, error) {
	var p PendingOutbound
	m := &p.Message
	err := s.Pool.QueryRow(ctx, sqlPendingMessage, messageID).Scan(append(messageFields(m), &p.To)...)
	return p, translate(err, "pending message")
}

// Preview is the text an inbox shows as a chat's last message.
func Preview(contentType, content string) string {
	if contentType != "" && contentType != "TEXT" {
		return "[" + contentType + "] " + truncate(content, 200)
	}
	return truncate(content, 200)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
