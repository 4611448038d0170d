package persistence

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aezen/engine/domain"
)

// IsOutage tells a database that cannot be reached from a query that failed, and from other network errors.
func TestIsOutage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	_, refused := pgx.Connect(ctx, fmt.Sprintf("postgres://u@%s/db?sslmode=disable&connect_timeout=2", closed))
	if refused == nil || !IsOutage(refused) {
		t.Fatalf("refused connection: %v", refused)
	}
	if c := Classify(refused); domain.AsError(c) == nil || domain.AsError(c).Code != domain.CodeUnavailable || !errors.Is(c, refused) {
		t.Fatalf("Classify(refused) = %v", c)
	}
	for _, e := range []error{&pgconn.PgError{Code: "57P01"}, &pgconn.PgError{Code: "08006"}, &pgconn.PgError{Code: "53300"}} {
		if !IsOutage(e) {
			t.Errorf("%v is not an outage", e)
		}
	}
	_, dialErr := net.DialTimeout("tcp", closed, time.Second)
	for _, e := range []error{dialErr, &pgconn.PgError{Code: "23505"}, errors.New("boom"), domain.ErrNotFound} {
		if IsOutage(e) {
			t.Errorf("%v taken for an outage", e)
		}
	}
	if url := os.Getenv("AEZEN_TEST_DATABASE_URL"); url != "" {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, "SELECT nonsense FROM nowhere")
		if err == nil || IsOutage(err) {
			t.Fatalf("a failed query taken for an outage: %v", err)
		}
		_, err = conn.Exec(ctx, "SELECT $1::text", "a\x00b")
		if !IsNulInText(err) || domain.AsError(Classify(err)).Code != domain.CodeBadRequest {
			t.Fatalf("NUL in text: %v", err)
		}
	}
}
