package persistence

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// TestInboxStatusFilter checks the inbox filtered by status on a tenant with 3,000 chats: each status
// returns exactly the chats whose effective status (a snooze whose time has passed counts as OPEN) is that
// status, and a page of OPEN chats, the web app's default tab, reads one page through the activity index
// rather than every chat (PostgreSQL had no statistics on the CASE expression and sorted them all).
func TestInboxStatusFilter(t *testing.T) {
	ctx := context.Background()
	s := tenantDatabaseAt(t, "aezen_test_inbox_status_", 0).upgrade(t)
	const chats = 3000
	// Every fiftieth chat is one of the edge cases; the rest are OPEN, as in a working inbox.
	edge := []struct{ status, snooze, want string }{
		{"PENDING", "now() + interval '1 day'", "PENDING"}, // snoozed
		{"PENDING", "now() - interval '1 hour'", "OPEN"},   // snooze over
		{"CLOSED", "NULL", "CLOSED"},
		{"RESOLVED", "NULL", "RESOLVED"},
		{"PENDING", "NULL", "PENDING"},
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO channels (channel_id, user_id, platform_type) VALUES ('00000000-0000-0000-0000-000000000001', gen_random_uuid(), 'API')`)
	b.Queue(`INSERT INTO customers (customer_id, channel_id, platform_customer_id)
		SELECT uuid_in(lpad(to_hex(i), 32, '0')::cstring), '00000000-0000-0000-0000-000000000001', 'c' || i FROM generate_series(1, $1) i`, chats)
	b.Queue(`INSERT INTO chats (chat_id, customer_id, channel_id, started_at)
		SELECT uuid_in(lpad(to_hex(i), 32, '0')::cstring), uuid_in(lpad(to_hex(i), 32, '0')::cstring),
			'00000000-0000-0000-0000-000000000001', now() - interval '30 days' + i * interval '1 minute'
		FROM generate_series(1, $1) i`, chats)
	for k, e := range edge {
		b.Queue(`UPDATE chats SET status = '`+e.status+`', snoozed_until = `+e.snooze+`
			WHERE chat_id IN (SELECT uuid_in(lpad(to_hex(i), 32, '0')::cstring) FROM generate_series($1::int, $2::int, 50) i)`, k+1, chats)
	}
	b.Queue(`ANALYZE`)
	if err := s.Pool.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"OPEN": chats - chats/50*len(edge)}
	for _, e := range edge {
		if e.want == "OPEN" {
			want["OPEN"] += chats / 50
		} else {
			want[e.want] += chats / 50
		}
	}

	total := 0
	for _, status := range []string{"OPEN", "PENDING", "RESOLVED", "CLOSED"} {
		seen := map[uuid.UUID]bool{}
		f := ConversationFilter{Status: &status, Limit: 500}
		for {
			page, next, err := s.ListConversations(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				if c.Status != status || seen[c.ChatID] {
					t.Fatalf("status %s: chat %s shown as %s (seen before: %v)", status, c.ChatID, c.Status, seen[c.ChatID])
				}
				seen[c.ChatID] = true
			}
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if len(seen) != want[status] {
			t.Errorf("status %s: %d chats, want %d", status, len(seen), want[status])
		}
		total += len(seen)
	}
	if total != chats {
		t.Errorf("the four statuses together: %d chats, want %d", total, chats)
	}

	// The first page of OPEN chats: no step of the plan may touch more than a fraction of the chats.
	var plan []struct {
		Plan json.RawMessage `json:"Plan"`
	}
	status := "OPEN"
	if err := s.Pool.QueryRow(ctx, `EXPLAIN (ANALYZE, FORMAT JSON) `+sqlListConversations, pgx.QueryExecModeDescribeExec,
		&status, nil, nil, nil, 51, false, nil, nil, nil).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	if most := mostRowsOfAStep(t, plan[0].Plan); most > chats/10 {
		t.Errorf("a step of the OPEN page's plan handled %.0f rows of %d chats, want a page's worth: %s", most, chats, plan[0].Plan)
	}
}

// mostRowsOfAStep is the largest number of rows one node of an EXPLAIN (ANALYZE, FORMAT JSON) plan handled.
func mostRowsOfAStep(t *testing.T, raw json.RawMessage) float64 {
	t.Helper()
	var node struct {
		Rows  float64           `json:"Actual Rows"`
		Loops float64           `json:"Actual Loops"`
		Plans []json.RawMessage `json:"Plans"`
	}
	if err := json.Unmarshal(raw, &node); err != nil {
		t.Fatal(err)
	}
	most := node.Rows * node.Loops
	for _, p := range node.Plans {
		most = max(most, mostRowsOfAStep(t, p))
	}
	return most
}
