package persistence

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/aezen/engine/domain"
)

// migrated returns a connection to a new database migrated with schema.
func migrated(t *testing.T, schema Schema, prefix string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	url, name := emptyDatabase(t, prefix)
	if err := MigrateDatabase(ctx, url, name, schema); err != nil {
		t.Fatal(err)
	}
	dbURL, _ := WithDatabase(url, name)
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func enumRange(t *testing.T, conn *pgx.Conn, typ string) []string {
	t.Helper()
	var values []string
	if err := conn.QueryRow(context.Background(), `SELECT enum_range(NULL::`+typ+`)::text[]`).Scan(&values); err != nil {
		t.Fatal(err)
	}
	return values
}

// TestSQLEnumsMatchTheDomain checks the database's enum types and checks against the enumerations of
// package domain, which validation and the OpenAPI document use: a value added on one side only fails here.
func TestSQLEnumsMatchTheDomain(t *testing.T) {
	tenant := migrated(t, TenantSchema, "aezen_test_enums_")
	for typ, want := range map[string][]string{
		"platform_type":        domain.PlatformTypes.Strings(),
		"order_status":         domain.OrderStatuses.Strings(),
		"chat_status":          domain.ChatStatuses.Strings(),
		"message_sender_type":  domain.SenderTypes.Strings(),
		"message_content_type": domain.ContentTypes.Strings(),
		"message_status":       domain.MessageStatuses.Strings(),
		"media_state":          domain.MediaStates.Strings(),
		"message_origin":       domain.MessageOrigins.Strings(),
	} {
		if got := enumRange(t, tenant, typ); !slices.Equal(got, want) {
			t.Errorf("tenant type %s is %v; domain says %v", typ, got, want)
		}
	}
	master := migrated(t, MasterSchema, "aezen_test_enums_master_")
	if got, want := enumRange(t, master, "user_role"), domain.Roles.Strings(); !slices.Equal(got, want) {
		t.Errorf("master type user_role is %v; domain says %v", got, want)
	}
	var check string
	if err := master.QueryRow(context.Background(), `SELECT pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = 'tenants'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%status%'`).Scan(&check); err != nil {
		t.Fatal(err)
	}
	var inCheck []string
	for _, m := range regexp.MustCompile(`'([A-Z_]+)'`).FindAllStringSubmatch(check, -1) {
		inCheck = append(inCheck, m[1])
	}
	if want := domain.TenantStatuses.Strings(); !slices.Equal(inCheck, want) {
		t.Errorf("tenants.status check allows %v; domain says %v", inCheck, want)
	}
}

// TestStatusGuardAgreesWithTheMachine checks the SQL guard of status updates (message_status_rank, used by
// QueueStatus) against domain's outbound status machine, for every status a message can be in and every
// status a session or a receipt can report.
func TestStatusGuardAgreesWithTheMachine(t *testing.T) {
	conn := migrated(t, TenantSchema, "aezen_test_status_")
	reports := []domain.MessageStatus{domain.StatusSent, domain.StatusFailed, domain.StatusDelivered, domain.StatusRead}
	for _, from := range domain.MessageStatuses.Values() {
		for _, to := range reports {
			var moves bool
			if err := conn.QueryRow(context.Background(),
				`SELECT message_status_rank($1::message_status) < message_status_rank($2::message_status)`,
				string(from), string(to)).Scan(&moves); err != nil {
				t.Fatal(err)
			}
			if want := from.CanMoveTo(to); moves != want {
				t.Errorf("%s → %s: the SQL guard says %v, the domain machine %v", from, to, moves, want)
			}
		}
	}
}
