package persistence

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// execer is what both a pool and a transaction offer.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// execOne runs a statement that must touch exactly one row; none is a not-found error.
func execOne(ctx context.Context, db execer, what, sql string, args ...any) error {
	tag, err := db.Exec(ctx, sql, args...)
	if err != nil {
		return translate(err, what)
	}
	if tag.RowsAffected() == 0 {
		return translate(pgx.ErrNoRows, what)
	}
	return nil
}

// jsonOrNil stores an absent JSON value as SQL NULL.
func jsonOrNil(b json.RawMessage) any {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return []byte(b)
}
