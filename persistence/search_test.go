package persistence

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// TestSearchUsesItsIndexesAndIgnoresAccents: migration 010 made the aezen_search configuration with
// unaccent (the test server is Debian's postgresql-15, which ships it), and the search statements use the
// two GIN indexes, which they only do while their document expressions match the migration's exactly.
func TestSearchUsesItsIndexesAndIgnoresAccents(t *testing.T) {
	ctx := context.Background()
	url, name := emptyDatabase(t, "aezen_test_search_")
	if err := MigrateDatabase(ctx, url, name, TenantSchema); err != nil {
		t.Fatal(err)
	}
	dbURL, _ := WithDatabase(url, name)
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := NewTenantStore(pool, nil)

	var dicts string
	if err := pool.QueryRow(ctx, `SELECT string_agg(DISTINCT d::text, ',') FROM ts_debug('aezen_search', 'ação') t, unnest(t.dictionaries) d`).Scan(&dicts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dicts, "unaccent") {
		t.Fatalf("aezen_search does not use unaccent (dictionaries %q): is PostgreSQL's unaccent extension installed?", dicts)
	}

	channelID, customerID, chatID := uuid.New(), uuid.New(), uuid.New()
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO channels (channel_id, user_id, platform_type) VALUES ($1, gen_random_uuid(), 'API')`, channelID)
	b.Queue(`INSERT INTO customers (customer_id, channel_id, platform_customer_id, full_name, phone) VALUES ($1, $2, 'c-1', 'Joaquín Pérez', '+55 11 99999-8888')`, customerID, channelID)
	b.Queue(`INSERT INTO chats (chat_id, customer_id, channel_id) VALUES ($1, $2, $3)`, chatID, customerID, channelID)
	b.Queue(`INSERT INTO messages (message_id, chat_id, sender_type, content) SELECT gen_random_uuid(), $1, 'CUSTOMER', 'filler ' || i FROM generate_series(1, 200) i`, chatID)
	b.Queue(`INSERT INTO messages (message_id, chat_id, sender_type, content) VALUES (gen_random_uuid(), $1, 'CUSTOMER', 'Preciso de informação <b>já</b>'), (gen_random_uuid(), $1, 'CUSTOMER', '¿Dónde está?')`, chatID)
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	for q, kind := range map[string]string{"informacao": "message", "INFORMA:*": "message", "perez": "customer", "5511999:*": "customer", "donde": "message"} {
		groups, _, err := s.Search(ctx, SearchFilter{Query: q, Limit: 10, HitsPer: 3, StartSel: "[", StopSel: "]"})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if len(groups) != 1 || len(groups[0].Hits) == 0 || groups[0].Hits[0].Kind != kind {
			t.Fatalf("%s: groups %+v, want one with a %s hit", q, groups, kind)
		}
		if h := groups[0].Hits[0].Headline; !strings.Contains(h, "[") {
			t.Fatalf("%s: headline %q has no match marked", q, h)
		}
	}

	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	rows, err := tx.Query(ctx, `EXPLAIN `+sqlSearchGroups, "informacao", nil, nil, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	for _, idx := range []string{"messages_search_idx", "customers_search_idx"} {
		if !strings.Contains(plan.String(), idx) {
			t.Errorf("the search does not use %s:\n%s", idx, plan.String())
		}
	}
}
