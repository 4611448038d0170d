package persistence

import (
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// InboundGroup stores the customers' messages of one group commit with one statement instead of one each.
// PostgreSQL pays for every statement whatever its rows: the executor's start and end for the statement's
// plan (the CTEs, their projections, the tables and indexes they open), the locks of the cached plan, a
// call of the fence trigger for each table the statement writes, and the protocol's messages. In a CPU
// profile of PostgreSQL during the bench's ingest, with one statement per message, these took about as
// much as storing the rows. With one statement per group, a group of n messages pays them once; its chats'
// activity is bumped once per chat, however many of its messages a chat has.
//
// A message whose platform id or quote names another message of the group is not added (Add says so): the
// statement reads the messages as they were before it, so it could neither see the first copy of a
// re-delivery nor the quoted message in its own rows. The caller then queues the group and starts another,
// which sees them, so de-duplication and quotes are what they are with one statement per message.
type InboundGroup struct {
	items []inboundItem
	names map[string]bool // the group's platform ids
}

type inboundItem struct {
	in  NewInbound
	out *InboundResult
}

// Add adds a customer's message to the group, unless its platform id or its quote names a message already
// in it (then it returns false and adds nothing).
func (g *InboundGroup) Add(in NewInbound, out *InboundResult) bool {
	if g.names[in.PlatformMessageID] || (in.ReplyToPlatformID != "" && g.names[in.ReplyToPlatformID]) {
		return false
	}
	if g.names == nil {
		g.names = make(map[string]bool)
	}
	g.names[in.PlatformMessageID] = true
	g.items = append(g.items, inboundItem{in: in, out: out})
	return true
}

// Len is the number of messages in the group.
func (g *InboundGroup) Len() int { return len(g.items) }

// Queue adds the group's statements to b (the pending media rows, then the messages) and empties the group.
// The outs are filled when the batch runs. One message is stored with sqlInsertInbound, whose plan is
// smaller.
func (g *InboundGroup) Queue(b *pgx.Batch) {
	items := g.items
	g.items, g.names = nil, nil
	switch len(items) {
	case 0:
		return
	case 1:
		QueueInbound(b, items[0].in, items[0].out)
		return
	}
	n := len(items)
	ids, chats, media := make([]uuid.UUID, n), make([]uuid.UUID, n), make([]*uuid.UUID, n)
	pmids, types, contents, quotes, previews := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	metadata, times := make([]*string, n), make([]time.Time, n)
	for i, it := range items {
		in := it.in
		queuePendingMedia(b, in)
		ids[i], chats[i], media[i] = in.MessageID, in.ChatID, in.MediaID
		pmids[i], types[i], contents[i], quotes[i] = in.PlatformMessageID, in.ContentType, in.Content, in.ReplyToPlatformID
		previews[i], times[i] = Preview(in.ContentType, in.Content), in.Timestamp
		if j := jsonOrNil(in.Metadata); j != nil {
			s := string(j.([]byte))
			metadata[i] = &s
		}
	}
	b.Queue(sqlInsertInboundGroup, ids, chats, pmids, types, contents, metadata, times, previews, media, quotes).Query(func(rows pgx.Rows) error {
		i := 0
		for rows.Next() {
			if i >= n {
				break
			}
			it := items[i]
			m := Message{ChatID: it.in.ChatID}
			out := it.out
			err := rows.Scan(&out.Duplicate, &out.UnreadCount, &out.ChatStatus, &m.MessageID, &m.Seq, &m.Timestamp, &m.Metadata, &m.Media, &m.ReplyTo)
			if err != nil {
				return translate(err, "message")
			}
			if !out.Duplicate {
				fillStored(&m, it.in, storedKind{sender: "CUSTOMER", status: "RECEIVED"})
			}
			out.Message = m
			i++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if i != n {
			return errGroupAnswer
		}
		return nil
	})
}

// errGroupAnswer is a group's statement answering fewer rows than it has messages (it answers one each).
var errGroupAnswer = errors.New("storing inbound messages: fewer answers than messages")

// sqlInsertInboundGroup is sqlInsertInbound for several messages, given as arrays in arrival order (n): the
// rows are inserted in that order (so their seqs follow it), each chat's activity is bumped once by the
// number of its messages stored, to the last one's preview, and its status read (and a RESOLVED or snoozed
// chat reopened) once. It answers one row per message, in order, as sqlInsertInbound does: a message's
// unread count is the chat's after it (the count after the group less its chat's messages stored after
// it); a duplicate's row is the first copy's, which Add guarantees is not in the group.
const sqlInsertInboundGroup = `WITH input AS (
		SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::uuid[], $10::text[])
			WITH ORDINALITY AS i(message_id, chat_id, platform_message_id, content_type, content, metadata, ts, preview, media_id, quote, n)),
	ins AS (
		INSERT INTO messages (message_id, chat_id, platform_message_id, sender_type, content_type, content, metadata, timestamp, status, media_id,
			reply_to_message_id)
		SELECT i.message_id, i.chat_id, i.platform_message_id, 'CUSTOMER', i.content_type::message_content_type, i.content, i.metadata::jsonb, i.ts,
			'RECEIVED', i.media_id,
			(SELECT CASE WHEN q.chat_id = i.chat_id THEN q.message_id END FROM messages q WHERE q.platform_message_id = nullif(i.quote, ''))
		FROM input i ORDER BY i.n
		ON CONFLICT (platform_message_id) DO NOTHING
		RETURNING message_id, chat_id, seq, timestamp, metadata, media_id, reply_to_message_id),
	stored AS (
		SELECT ins.*, i.n, i.preview, row_number() OVER (PARTITION BY ins.chat_id ORDER BY i.n) AS r,
			count(*) OVER (PARTITION BY ins.chat_id) AS added
		FROM ins JOIN input i ON i.message_id = ins.message_id),
	per_chat AS (
		SELECT chat_id, max(added) AS added, max(timestamp) AS latest, (array_agg(preview ORDER BY n DESC))[1] AS preview
		FROM stored GROUP BY chat_id),
	bump AS (
		UPDATE chat_activity a SET unread_count = a.unread_count + p.added, last_message = p.preview,
			last_message_at = greatest(a.last_message_at, p.latest)
		FROM per_chat p WHERE a.chat_id = p.chat_id
		RETURNING a.chat_id, a.unread_count),
	chat AS (
		SELECT c.chat_id, c.status::text AS status, c.status = 'RESOLVED' OR c.snoozed_until IS NOT NULL AS closed
		FROM chats c WHERE c.chat_id IN (SELECT chat_id FROM per_chat)),
	reopened AS (
		UPDATE chats c SET status = 'OPEN', snoozed_until = NULL FROM chat
		WHERE chat.closed AND c.chat_id = chat.chat_id AND (c.status = 'RESOLVED' OR c.snoozed_until IS NOT NULL)
		RETURNING c.chat_id, c.status::text AS status),
	dup AS (
		SELECT i.n, m.message_id, m.seq, m.timestamp FROM input i JOIN messages m ON m.platform_message_id = i.platform_message_id
		WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.message_id = i.message_id))
	SELECT s.message_id IS NULL, coalesce(b.unread_count - (s.added - s.r), 0)::int, coalesce(ro.status, ch.status, ''),
		coalesce(s.message_id, d.message_id), coalesce(s.seq, d.seq), coalesce(s.timestamp, d.timestamp), s.metadata,
		CASE WHEN s.media_id IS NULL THEN NULL ELSE message_media(s.media_id) END,
		CASE WHEN s.reply_to_message_id IS NULL THEN NULL ELSE message_reply(s.reply_to_message_id) END
	FROM input i
	LEFT JOIN stored s ON s.message_id = i.message_id
	LEFT JOIN bump b ON b.chat_id = s.chat_id
	LEFT JOIN chat ch ON ch.chat_id = s.chat_id
	LEFT JOIN reopened ro ON ro.chat_id = s.chat_id
	LEFT JOIN dup d ON d.n = i.n
	ORDER BY i.n`
