package persistence

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// CannedReply is a saved answer: a shortcut the agent types and a text with {{variables}}.
type CannedReply struct {
	CannedReplyID uuid.UUID  `json:"cannedReplyId"`
	Shortcut      string     `json:"shortcut"`
	Content       string     `json:"content"`
	CreatedBy     *uuid.UUID `json:"createdBy"`
	CreatedAt     time.Time  `json:"createdAt"`
	UpdatedAt     time.Time  `json:"updatedAt"`
}

const cannedColumns = `canned_reply_id, shortcut, content, created_by, created_at, updated_at`

const (
	sqlInsertCanned = `INSERT INTO canned_replies (canned_reply_id, shortcut, content, created_by) VALUES ($1, $2, $3, $4)
		RETURNING ` + cannedColumns
	sqlGetCanned  = `SELECT ` + cannedColumns + ` FROM canned_replies WHERE canned_reply_id = $1`
	sqlListCanned = `SELECT ` + cannedColumns + ` FROM canned_replies
		WHERE ($1::text IS NULL OR shortcut ILIKE $1 OR content ILIKE $1) ORDER BY lower(shortcut), canned_reply_id LIMIT $2 OFFSET $3`
	sqlUpdateCanned = `UPDATE canned_replies SET shortcut = $2, content = $3, updated_at = now() WHERE canned_reply_id = $1
		RETURNING ` + cannedColumns
	sqlDeleteCanned = `DELETE FROM canned_replies WHERE canned_reply_id = $1`
)

var cannedRules = []constraintRule{unique("canned_replies_shortcut_key", "shortcut", "is already the shortcut of another canned reply")}

func scanCanned(row pgx.Row) (CannedReply, error) {
	var c CannedReply
	err := row.Scan(&c.CannedReplyID, &c.Shortcut, &c.Content, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	return c, translate(err, "canned reply")
}

// CreateCannedReply inserts a canned reply; a shortcut already used (in any case) is a conflict.
func (s *TenantStore) CreateCannedReply(ctx context.Context, c CannedReply) (CannedReply, error) {
	return scanExplained(s.Pool.QueryRow(ctx, sqlInsertCanned, c.CannedReplyID, c.Shortcut, c.Content, c.CreatedBy),
		scanCanned, "canned reply", cannedRules...)
}

// GetCannedReply loads one canned reply.
func (s *TenantStore) GetCannedReply(ctx context.Context, id uuid.UUID) (CannedReply, error) {
	return scanCanned(s.Pool.QueryRow(ctx, sqlGetCanned, id))
}

// ListCannedReplies lists canned replies by shortcut; search matches the shortcut or the text.
func (s *TenantStore) ListCannedReplies(ctx context.Context, search *string, p Page) ([]CannedReply, error) {
	rows, err := s.Pool.Query(ctx, sqlListCanned, containsPattern(search), p.Limit, p.Offset)
	return collect(rows, err, scanCanned)
}

// UpdateCannedReply writes a canned reply's shortcut and text.
func (s *TenantStore) UpdateCannedReply(ctx context.Context, c CannedReply) (CannedReply, error) {
	return scanExplained(s.Pool.QueryRow(ctx, sqlUpdateCanned, c.CannedReplyID, c.Shortcut, c.Content),
		scanCanned, "canned reply", cannedRules...)
}

// DeleteCannedReply removes a canned reply.
func (s *TenantStore) DeleteCannedReply(ctx context.Context, id uuid.UUID) error {
	return execOne(ctx, s.Pool, "canned reply", sqlDeleteCanned, id)
}
