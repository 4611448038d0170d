package persistence

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

func TestUUIDCodecRoundTrips(t *testing.T) {
	url := testDatabaseURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	RegisterTypes(conn.TypeMap())
	id := uuid.Must(uuid.NewV7())

	var got uuid.UUID
	var text string
	if err := conn.QueryRow(ctx, "SELECT $1::uuid, $1::uuid::text", id).Scan(&got, &text); err != nil {
		t.Fatal(err)
	}
	if got != id || text != id.String() {
		t.Fatalf("round trip: got %s (%s), want %s", got, text, id)
	}
	var null uuid.UUID = id
	var ptr *uuid.UUID = &id
	if err := conn.QueryRow(ctx, "SELECT NULL::uuid, NULL::uuid").Scan(&null, &ptr); err != nil {
		t.Fatal(err)
	}
	if null != uuid.Nil || ptr != nil {
		t.Fatalf("NULL scanned as %s and %v, want uuid.Nil and nil", null, ptr)
	}
	var arr []uuid.UUID
	var nilPtr *uuid.UUID
	var isNull bool
	var viaPtr uuid.UUID
	if err := conn.QueryRow(ctx, "SELECT $1::uuid[], $2::uuid IS NULL, $3::uuid", []uuid.UUID{id, uuid.Nil}, nilPtr, &id).Scan(&arr, &isNull, &viaPtr); err != nil {
		t.Fatal(err)
	}
	if len(arr) != 2 || arr[0] != id || arr[1] != uuid.Nil || !isNull || viaPtr != id {
		t.Fatalf("array %v, nil pointer is NULL: %v, pointer %s", arr, isNull, viaPtr)
	}
	// Text format, as the simple protocol uses it.
	if err := conn.QueryRow(ctx, "SELECT $1::uuid", pgx.QueryExecModeSimpleProtocol, id).Scan(&got); err != nil || got != id {
		t.Fatalf("simple protocol: %s, %v", got, err)
	}
}
