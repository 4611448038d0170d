package persistence

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Label is a tenant-defined tag for conversations and customers.
type Label struct {
	LabelID   uuid.UUID `json:"labelId"`
	Name      string    `json:"name"`
	Color     string    `json:"color"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// LabelRef is a label as a conversation or a customer shows it.
type LabelRef struct {
	LabelID uuid.UUID `json:"labelId"`
	Name    string    `json:"name"`
	Color   string    `json:"color"`
}

const labelColumns = `label_id, name, color, created_at, updated_at`

// labelRefsOf is the JSON array of the labels of one record, by name, for a SELECT list; link is the link
// table and key the record's key column in it, both constants of this package.
func labelRefsOf(link, key, record string) string {
	return `coalesce((SELECT json_agg(json_build_object('labelId', l.label_id, 'name', l.name, 'color', l.color) ORDER BY lower(l.name))
		FROM ` + link + ` x JOIN labels l ON l.label_id = x.label_id WHERE x.` + key + ` = ` + record + `), '[]')`
}

const (
	sqlInsertLabel = `INSERT INTO labels (label_id, name, color) VALUES ($1, $2, $3) RETURNING ` + labelColumns
	sqlGetLabel    = `SELECT ` + labelColumns + ` FROM labels WHERE label_id = $1`
	sqlLabelByName = `SELECT ` + labelColumns + ` FROM labels WHERE lower(name) = lower($1)`
	sqlListLabels  = `SELECT ` + labelColumns + ` FROM labels ORDER BY lower(name), label_id`
	sqlUpdateLabel = `UPDATE labels SET name = $2, color = $3, updated_at = now() WHERE label_id = $1 RETURNING ` + labelColumns
	sqlDeleteLabel = `DELETE FROM labels WHERE label_id = $1`
	sqlCountLabels = `SELECT count(*) FROM labels WHERE label_id = ANY($1)`
	sqlClearChat   = `DELETE FROM chat_labels WHERE chat_id = $1`
	sqlLinkChat    = `INSERT INTO chat_labels (chat_id, label_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`
	sqlClearCust   = `DELETE FROM customer_labels WHERE customer_id = $1`
	sqlLinkCust    = `INSERT INTO customer_labels (customer_id, label_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`
)

// sqlCustomerRefs loads the labels of each given customer.
var sqlCustomerRefs = `SELECT c.customer_id, ` + labelRefsOf("customer_labels", "customer_id", "c.customer_id") + `
	FROM unnest($1::uuid[]) AS c (customer_id)`

var labelRules = []constraintRule{unique("labels_name_key", "name", "is already the name of another label")}

func scanLabel(row pgx.Row) (Label, error) {
	var l Label
	err := row.Scan(&l.LabelID, &l.Name, &l.Color, &l.CreatedAt, &l.UpdatedAt)
	return l, translate(err, "label")
}

// CreateLabel inserts a label; a name already used (in any case) is a conflict.
func (s *TenantStore) CreateLabel(ctx context.Context, l Label) (Label, error) {
	return scanExplained(s.Pool.QueryRow(ctx, sqlInsertLabel, l.LabelID, l.Name, l.Color), scanLabel, "label", labelRules...)
}

// GetLabel loads one label.
func (s *TenantStore) GetLabel(ctx context.Context, id uuid.UUID) (Label, error) {
	return scanLabel(s.Pool.QueryRow(ctx, sqlGetLabel, id))
}

// LabelByName finds a label by its name, in any case.
func (s *TenantStore) LabelByName(ctx context.Context, name string) (Label, error) {
	return scanLabel(s.Pool.QueryRow(ctx, sqlLabelByName, name))
}

// ListLabels lists every label by name (a tenant has tens, not thousands).
func (s *TenantStore) ListLabels(ctx context.Context) ([]Label, error) {
	rows, err := s.Pool.Query(ctx, sqlListLabels)
	return collect(rows, err, scanLabel)
}

// UpdateLabel writes a label's name and color.
func (s *TenantStore) UpdateLabel(ctx context.Context, l Label) (Label, error) {
	return scanExplained(s.Pool.QueryRow(ctx, sqlUpdateLabel, l.LabelID, l.Name, l.Color), scanLabel, "label", labelRules...)
}

// DeleteLabel removes a label from everything it was on.
func (s *TenantStore) DeleteLabel(ctx context.Context, id uuid.UUID) error {
	return execOne(ctx, s.Pool, "label", sqlDeleteLabel, id)
}

// CountLabels counts how many of ids name labels of this tenant.
func (s *TenantStore) CountLabels(ctx context.Context, ids []uuid.UUID) (int, error) {
	var n int
	err := s.Pool.QueryRow(ctx, sqlCountLabels, ids).Scan(&n)
	return n, err
}

// SetChatLabels replaces the labels of a chat.
func (s *TenantStore) SetChatLabels(ctx context.Context, chatID uuid.UUID, ids []uuid.UUID) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlClearChat, chatID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sqlLinkChat, chatID, ids)
		return translate(err, "label")
	})
}

// SetCustomerLabels replaces the labels of a customer.
func (s *TenantStore) SetCustomerLabels(ctx context.Context, customerID uuid.UUID, ids []uuid.UUID) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sqlClearCust, customerID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sqlLinkCust, customerID, ids)
		return translate(err, "label")
	})
}

// LabelsOfCustomers loads the labels of each given customer.
func (s *TenantStore) LabelsOfCustomers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]LabelRef, error) {
	rows, err := s.Pool.Query(ctx, sqlCustomerRefs, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID][]LabelRef, len(ids))
	var id uuid.UUID
	var refs []LabelRef
	_, err = pgx.ForEachRow(rows, []any{&id, &refs}, func() error {
		out[id] = refs
		refs = nil
		return nil
	})
	return out, err
}
