package persistence

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aezen/engine/domain"
)

// EmbedLimit bounds how many related records an include= embeds per parent (the newest ones).
const EmbedLimit = 50

// Page asks for one page of a list: at most Limit rows after skipping Offset.
type Page struct {
	Limit  int
	Offset int
}

// containsPattern turns a search text into an ILIKE pattern matching it anywhere, or nil for no filter.
func containsPattern(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	p := "%" + escapeLike(*s) + "%"
	return &p
}

// collect scans every row with scan, closing the rows. A filter PostgreSQL cannot take as text (a NUL
// character) is the client's error.
func collect[T any](rows pgx.Rows, err error, scan func(pgx.Row) (T, error)) ([]T, error) {
	if err != nil {
		return nil, translate(err, "filter")
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	if err != nil {
		return nil, translate(err, "filter")
	}
	return list, nil
}

// constraintRule says what a violated constraint means to a client.
type constraintRule struct {
	constraint string
	field      string
	message    string
	// code is the domain code to answer: conflict for unique keys, validation for missing references.
	code string
}

// captured is a row that remembers the driver's error of its scan, before an entity's scan function
// translates it, so that explain can still see which constraint failed.
type captured struct {
	pgx.Row
	err error
}

func capture(row pgx.Row) *captured { return &captured{Row: row} }

// Scan scans the row and keeps its error.
func (c *captured) Scan(dest ...any) error {
	c.err = c.Row.Scan(dest...)
	return c.err
}

// scanExplained scans a row with an entity's scan function and explains a failure by the entity's
// constraints.
func scanExplained[T any](row pgx.Row, scan func(pgx.Row) (T, error), what string, rules ...constraintRule) (T, error) {
	c := capture(row)
	out, err := scan(c)
	if err != nil {
		return out, explain(c.err, what, rules...)
	}
	return out, nil
}

// explain maps violations of the named constraints to domain errors naming the field; other errors go
// through translate.
func explain(err error, what string, rules ...constraintRule) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		for _, r := range rules {
			if r.constraint == pgErr.ConstraintName {
				return &domain.Error{Code: r.code, Message: r.field + ": " + r.message,
					Fields: []domain.FieldError{{Field: r.field, Message: r.message}}}
			}
		}
	}
	return translate(err, what)
}

// unique is a rule for a unique key.
func unique(constraint, field, message string) constraintRule {
	return constraintRule{constraint: constraint, field: field, message: message, code: domain.CodeConflict}
}

// reference is a rule for a foreign key that the client's input names.
func reference(constraint, field, message string) constraintRule {
	return constraintRule{constraint: constraint, field: field, message: message, code: domain.CodeValidation}
}

// guardedDelete deletes a record that nothing references any more. Under a lock on the record
// (lockSQL), usageSQL counts its referencing rows, one column per noun; any use is a conflict saying
// what uses it ("product is used by 3 order items"), followed by hint.
type guardedDelete struct {
	what, lockSQL, usageSQL, deleteSQL string
	nouns                              []string
	hint                               string
}

func (g guardedDelete) run(ctx context.Context, db *pgxpool.Pool, id uuid.UUID) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var locked uuid.UUID
		if err := tx.QueryRow(ctx, g.lockSQL, id).Scan(&locked); err != nil {
			return translate(err, g.what)
		}
		counts := make([]int, len(g.nouns))
		dest := make([]any, len(counts))
		for i := range counts {
			dest[i] = &counts[i]
		}
		if err := tx.QueryRow(ctx, g.usageSQL, id).Scan(dest...); err != nil {
			return err
		}
		var uses []string
		for i, n := range counts {
			if n > 0 {
				uses = append(uses, plural(n, g.nouns[i]))
			}
		}
		if len(uses) > 0 {
			return domain.Conflict("%s is used by %s%s", g.what, strings.Join(uses, " and "), g.hint)
		}
		return execOne(ctx, tx, g.what, g.deleteSQL, id)
	})
}
