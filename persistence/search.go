package persistence

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Full-text search (tenant migration 010): messages (notes included) by their content, customers by name,
// email, phone digits and platform id, all through the aezen_search configuration ('simple' with unaccent).
// The two document expressions below are the ones the GIN indexes of 010_search.sql are built on; they
// must stay character for character the same, or the queries stop using the indexes.
const (
	// messageText is a message's text as it is indexed: Spanish and typographic punctuation as spaces
	// (see 010_search.sql).
	messageText       = `translate(m.content, '¿¡«»“”„‘’‚…–—', '             ')`
	messageSearchDoc  = `to_tsvector('aezen_search'::regconfig, ` + messageText + `)`
	customerSearchDoc = `to_tsvector('aezen_search'::regconfig,
    coalesce(cu.full_name, '') || ' ' || coalesce(cu.email, '') || ' ' || coalesce(regexp_replace(cu.phone, '[^0-9]', '', 'g'), '') || ' ' || cu.platform_customer_id)`
	// searchQuery is the caller's tsquery text ($1 in both statements), built from the user's words only.
	searchQuery = `to_tsquery('aezen_search', $1)`
)

// SearchFilter is one search: Query is a to_tsquery expression (see queries.Search, which builds it from
// the user's words alone), VisibleTo hides the conversations assigned to anyone else, and the page holds
// Limit conversations from Cursor with at most HitsPer hits each. StartSel and StopSel are put around each
// matched word of an excerpt; they are removed from the texts beforehand, so they mark matches only.
type SearchFilter struct {
	Query     string
	VisibleTo *uuid.UUID
	Limit     int
	Cursor    string
	HitsPer   int
	StartSel  string
	StopSel   string
}

// SearchGroup is one conversation with hits: the chat, its customer, how many hits it has and the first
// HitsPer of them (the customer first, then the newest messages and notes).
type SearchGroup struct {
	ChatID        uuid.UUID
	ChannelID     uuid.UUID
	Platform      string
	Status        string
	SnoozedUntil  *time.Time
	Assignee      *uuid.UUID
	LastMessageAt *time.Time
	StartedAt     time.Time
	Customer      SearchCustomer
	HitCount      int
	Hits          []SearchHit
}

// SearchCustomer is the customer of a conversation found by a search.
type SearchCustomer struct {
	CustomerID         uuid.UUID
	FullName           *string
	Email              *string
	Phone              *string
	PlatformCustomerID string
	AvatarURL          *string
}

// SearchHit is one match: Kind "message", "note" or "customer", the message (not for a customer), the
// excerpt with its matches between StartSel and StopSel, and when the message was written (for a
// customer, when they were first seen).
type SearchHit struct {
	Kind      string
	MessageID *uuid.UUID
	Headline  string
	At        time.Time
}

var (
	// sqlSearchGroups pages the conversations that have a hit, by latest activity like the inbox.
	sqlSearchGroups = `WITH matched AS (
			SELECT m.chat_id, count(*) AS n FROM messages m
			WHERE ` + messageSearchDoc + ` @@ ` + searchQuery + ` GROUP BY m.chat_id
			UNION ALL
			SELECT c.chat_id, 1 FROM customers cu JOIN chats c ON c.customer_id = cu.customer_id
			WHERE ` + customerSearchDoc + ` @@ ` + searchQuery + `),
		groups AS (SELECT chat_id, sum(n)::int AS n FROM matched GROUP BY chat_id)
		SELECT c.chat_id, c.channel_id, ch.platform_type::text, ` + effectiveStatus + `::text,
			CASE WHEN c.snoozed_until > now() THEN c.snoozed_until END, c.user_id, a.last_message_at, c.started_at,
			cu.customer_id, cu.full_name, cu.email, cu.phone, cu.platform_customer_id, cu.avatar_url, g.n
		FROM groups g JOIN chat_activity a ON a.chat_id = g.chat_id JOIN chats c ON c.chat_id = g.chat_id
			JOIN customers cu ON cu.customer_id = c.customer_id
			JOIN channels ch ON ch.channel_id = c.channel_id
		WHERE ($2::uuid IS NULL OR c.user_id IS NULL OR c.user_id = $2)
		  AND ` + activityBefore + `
		ORDER BY ` + activityOrder + `
		LIMIT $5`

	// sqlSearchHits is the first hits of each conversation of a page, with their excerpts ($3 the
	// ts_headline options of messages, $4 of customers, $5 the marker characters to remove, $6 hits each).
	sqlSearchHits = `SELECT kind, chat_id, message_id,
			ts_headline('aezen_search'::regconfig, translate(body, $5, ''), ` + searchQuery + `,
				CASE WHEN kind = 'customer' THEN $4 ELSE $3 END), at
		FROM (
			SELECT 'customer' AS kind, c.chat_id, NULL::uuid AS message_id,
				concat_ws(' · ', cu.full_name, cu.email, regexp_replace(cu.phone, '[^0-9]', '', 'g'), cu.platform_customer_id) AS body,
				cu.first_seen_at AS at, 0::bigint AS rank
			FROM chats c JOIN customers cu ON cu.customer_id = c.customer_id
			WHERE c.chat_id = ANY($2) AND ` + customerSearchDoc + ` @@ ` + searchQuery + `
			UNION ALL
			SELECT CASE WHEN sender_type = 'NOTE' THEN 'note' ELSE 'message' END, chat_id, message_id, content,
				timestamp, rn
			FROM (SELECT m.chat_id, m.message_id, m.sender_type, ` + messageText + ` AS content, m.timestamp,
					row_number() OVER (PARTITION BY m.chat_id ORDER BY m.seq DESC) AS rn
				FROM messages m
				WHERE m.chat_id = ANY($2) AND ` + messageSearchDoc + ` @@ ` + searchQuery + `) x
			WHERE rn <= $6
		) h
		ORDER BY chat_id, rank`
)

// Search finds the conversations with hits for f, a page of them, and the cursor of the next page or "".
func (s *TenantStore) Search(ctx context.Context, f SearchFilter) ([]SearchGroup, string, error) {
	var at *time.Time
	var after *uuid.UUID
	if f.Cursor != "" {
		t, id, err := decodeActivityCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		at, after = &t, &id
	}
	rows, err := s.Pool.Query(ctx, sqlSearchGroups, f.Query, f.VisibleTo, at, after, f.Limit+1)
	groups, err := collect(rows, err, func(r pgx.Row) (SearchGroup, error) {
		var g SearchGroup
		cu := &g.Customer
		err := r.Scan(&g.ChatID, &g.ChannelID, &g.Platform, &g.Status, &g.SnoozedUntil, &g.Assignee, &g.LastMessageAt,
			&g.StartedAt, &cu.CustomerID, &cu.FullName, &cu.Email, &cu.Phone, &cu.PlatformCustomerID, &cu.AvatarURL, &g.HitCount)
		return g, err
	})
	if err != nil || len(groups) == 0 {
		return groups, "", err
	}
	next := ""
	if len(groups) > f.Limit {
		groups = groups[:f.Limit]
		last := groups[len(groups)-1]
		activity := last.StartedAt
		if last.LastMessageAt != nil {
			activity = *last.LastMessageAt
		}
		next = encodeActivityCursor(activity, last.ChatID)
	}
	ids := make([]uuid.UUID, len(groups))
	index := make(map[uuid.UUID]int, len(groups))
	for i, g := range groups {
		ids[i] = g.ChatID
		index[g.ChatID] = i
	}
	messageOpts := `StartSel="` + f.StartSel + `", StopSel="` + f.StopSel + `", MaxWords=30, MinWords=15`
	customerOpts := `StartSel="` + f.StartSel + `", StopSel="` + f.StopSel + `", HighlightAll=true`
	rows, err = s.Pool.Query(ctx, sqlSearchHits, f.Query, ids, messageOpts, customerOpts, f.StartSel+f.StopSel, f.HitsPer)
	if err != nil {
		return nil, "", translate(err, "search")
	}
	defer rows.Close()
	for rows.Next() {
		var h SearchHit
		var chatID uuid.UUID
		if err := rows.Scan(&h.Kind, &chatID, &h.MessageID, &h.Headline, &h.At); err != nil {
			return nil, "", err
		}
		if i, ok := index[chatID]; ok && len(groups[i].Hits) < f.HitsPer {
			groups[i].Hits = append(groups[i].Hits, h)
		}
	}
	return groups, next, translate(rows.Err(), "search")
}
