package persistence

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Webhook is one of a tenant's event webhook endpoints. Its secret is sealed at rest and shown only when
// the endpoint is created.
type Webhook struct {
	WebhookID           uuid.UUID `json:"webhookId"`
	URL                 string    `json:"url"`
	Events              []string  `json:"events"`
	IsActive            bool      `json:"isActive"`
	DisabledReason      *string   `json:"disabledReason"`
	ConsecutiveFailures int       `json:"consecutiveFailures"`
	CreatedAt           time.Time `json:"createdAt"`
	UpdatedAt           time.Time `json:"updatedAt"`
	// Secret is sealed as stored; OpenWebhookSecret decrypts it.
	Secret string `json:"-"`
}

// WebhookDelivery is one event for one endpoint, from the durable outbox.
type WebhookDelivery struct {
	DeliveryID    uuid.UUID       `json:"deliveryId"`
	WebhookID     uuid.UUID       `json:"webhookId"`
	Event         string          `json:"event"`
	EntityID      uuid.UUID       `json:"entityId"`
	State         string          `json:"state"`
	Attempts      int             `json:"attempts"`
	NextAttemptAt *time.Time      `json:"nextAttemptAt"`
	LastStatus    *int            `json:"lastStatus"`
	LastError     *string         `json:"lastError"`
	CreatedAt     time.Time       `json:"createdAt"`
	DeliveredAt   *time.Time      `json:"deliveredAt"`
	Payload       json.RawMessage `json:"payload"`
	Seq           int64           `json:"-"`
	OrderKey      uuid.UUID       `json:"-"`
	// Detail is the state the event reports, kept when it was enqueued (channel.status); nil for events
	// rendered from their entity as it is at the first attempt.
	Detail json.RawMessage `json:"-"`
}

// Delivery states.
const (
	DeliveryPending   = "PENDING"
	DeliveryDelivered = "DELIVERED"
	DeliveryFailed    = "FAILED"
)

const webhookColumns = `webhook_id, url, events, is_active, disabled_reason, consecutive_failures, created_at, updated_at, secret`

const deliveryColumns = `d.delivery_id, d.webhook_id, d.event, d.entity_id, d.state, d.attempts,
	CASE WHEN d.state = 'PENDING' THEN d.next_attempt_at END, d.last_status, d.last_error, d.created_at, d.delivered_at,
	d.payload, d.seq, d.order_key, d.detail`

const (
	sqlInsertWebhook = `INSERT INTO webhooks (webhook_id, url, events, secret, is_active) VALUES ($1, $2, $3, $4, $5) RETURNING ` + webhookColumns
	sqlListWebhooks  = `SELECT ` + webhookColumns + ` FROM webhooks ORDER BY created_at, webhook_id`
	sqlGetWebhook    = `SELECT ` + webhookColumns + ` FROM webhooks WHERE webhook_id = $1`
	sqlCountWebhooks = `SELECT count(*) FROM webhooks`
	// Turning an endpoint back on clears why it was turned off and its count of failures.
	sqlUpdateWebhook = `UPDATE webhooks SET url = $2, events = $3, is_active = $4,
			disabled_reason = CASE WHEN $4 THEN NULL ELSE disabled_reason END,
			consecutive_failures = CASE WHEN $4 AND NOT is_active THEN 0 ELSE consecutive_failures END,
			updated_at = now()
		WHERE webhook_id = $1 RETURNING ` + webhookColumns
	sqlDeleteWebhook = `DELETE FROM webhooks WHERE webhook_id = $1`
	// sqlDueDeliveries: the oldest pending delivery of each (endpoint, order key) of active endpoints: only a
	// head may be sent, so that one key's events arrive in order. Heads not yet due hold their key back.
	sqlDueDeliveries = `WITH heads AS (
			SELECT DISTINCT ON (d.webhook_id, d.order_key) d.seq, d.next_attempt_at
			FROM webhook_deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id
			WHERE d.state = 'PENDING' AND w.is_active
			ORDER BY d.webhook_id, d.order_key, d.seq)
		SELECT ` + deliveryColumns + `, (SELECT min(next_attempt_at) FROM heads WHERE next_attempt_at > now())
		FROM heads h JOIN webhook_deliveries d ON d.seq = h.seq WHERE h.next_attempt_at <= now() ORDER BY d.seq LIMIT $1`
	sqlNextDue = `SELECT min(h.next_attempt_at) FROM (
			SELECT DISTINCT ON (d.webhook_id, d.order_key) d.next_attempt_at
			FROM webhook_deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id
			WHERE d.state = 'PENDING' AND w.is_active ORDER BY d.webhook_id, d.order_key, d.seq) h`
	sqlHasActiveWebhooks = `SELECT EXISTS (SELECT 1 FROM webhooks WHERE is_active)`
	sqlDeliverySucceeded = `UPDATE webhook_deliveries SET state = 'DELIVERED', attempts = attempts + 1, last_status = $2,
			last_error = NULL, delivered_at = now(), payload = coalesce(payload, $3) WHERE seq = $1`
	sqlResetFailures  = `UPDATE webhooks SET consecutive_failures = 0 WHERE webhook_id = $1 AND consecutive_failures <> 0`
	sqlDeliveryFailed = `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $2, last_error = $3,
			payload = coalesce(payload, $4), next_attempt_at = $5, state = CASE WHEN attempts + 1 >= $6 THEN 'FAILED' ELSE 'PENDING' END
		WHERE seq = $1`
	// sqlCountFailure counts a failed attempt against its endpoint and turns the endpoint off, saying why,
	// once it has failed $2 times in a row.
	sqlCountFailure = `UPDATE webhooks SET consecutive_failures = consecutive_failures + 1,
			is_active = is_active AND consecutive_failures + 1 < $2,
			disabled_reason = CASE WHEN is_active AND consecutive_failures + 1 >= $2 THEN $3 ELSE disabled_reason END,
			updated_at = CASE WHEN is_active AND consecutive_failures + 1 >= $2 THEN now() ELSE updated_at END
		WHERE webhook_id = $1`
	sqlListDeliveries = `SELECT ` + deliveryColumns + ` FROM webhook_deliveries d WHERE d.webhook_id = $1
		ORDER BY d.seq DESC LIMIT $2 OFFSET $3`
	sqlRetryDelivery = `UPDATE webhook_deliveries d SET state = 'PENDING', attempts = 0, next_attempt_at = now(), delivered_at = NULL
		WHERE d.webhook_id = $1 AND d.delivery_id = $2 RETURNING ` + deliveryColumns
)

func scanWebhook(row pgx.Row) (Webhook, error) {
	var w Webhook
	err := row.Scan(&w.WebhookID, &w.URL, &w.Events, &w.IsActive, &w.DisabledReason, &w.ConsecutiveFailures, &w.CreatedAt,
		&w.UpdatedAt, &w.Secret)
	if w.Events == nil {
		w.Events = []string{}
	}
	return w, translate(err, "webhook")
}

func deliveryDest(d *WebhookDelivery) []any {
	return []any{&d.DeliveryID, &d.WebhookID, &d.Event, &d.EntityID, &d.State, &d.Attempts, &d.NextAttemptAt, &d.LastStatus,
		&d.LastError, &d.CreatedAt, &d.DeliveredAt, &d.Payload, &d.Seq, &d.OrderKey, &d.Detail}
}

// CreateWebhook stores a new endpoint; secret is the plaintext, sealed here.
func (s *TenantStore) CreateWebhook(ctx context.Context, w Webhook, secret string) (Webhook, error) {
	return scanWebhook(s.Pool.QueryRow(ctx, sqlInsertWebhook, w.WebhookID, w.URL, w.Events, s.Cipher.Seal(secret), w.IsActive))
}

// CountWebhooks counts the tenant's endpoints.
func (s *TenantStore) CountWebhooks(ctx context.Context) (int, error) {
	var n int
	err := s.Pool.QueryRow(ctx, sqlCountWebhooks).Scan(&n)
	return n, err
}

// ListWebhooks lists the endpoints, oldest first.
func (s *TenantStore) ListWebhooks(ctx context.Context) ([]Webhook, error) {
	rows, err := s.Pool.Query(ctx, sqlListWebhooks)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Webhook{}
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// GetWebhook loads one endpoint.
func (s *TenantStore) GetWebhook(ctx context.Context, id uuid.UUID) (Webhook, error) {
	return scanWebhook(s.Pool.QueryRow(ctx, sqlGetWebhook, id))
}

// OpenWebhookSecret decrypts an endpoint's signing secret.
func (s *TenantStore) OpenWebhookSecret(w Webhook) (string, error) { return s.Cipher.Open(w.Secret) }

// UpdateWebhook writes an endpoint's url, events and isActive.
func (s *TenantStore) UpdateWebhook(ctx context.Context, w Webhook) (Webhook, error) {
	return scanWebhook(s.Pool.QueryRow(ctx, sqlUpdateWebhook, w.WebhookID, w.URL, w.Events, w.IsActive))
}

// DeleteWebhook removes an endpoint and its deliveries.
func (s *TenantStore) DeleteWebhook(ctx context.Context, id uuid.UUID) error {
	tag, err := s.Pool.Exec(ctx, sqlDeleteWebhook, id)
	if err == nil && tag.RowsAffected() == 0 {
		return translate(pgx.ErrNoRows, "webhook")
	}
	return err
}

// HasActiveWebhooks reports whether any endpoint may get deliveries.
func (s *TenantStore) HasActiveWebhooks(ctx context.Context) (bool, error) {
	var ok bool
	err := s.Pool.QueryRow(ctx, sqlHasActiveWebhooks).Scan(&ok)
	return ok, err
}

// DueDeliveries returns up to limit deliveries that may be sent now (heads of their order key, due), and
// when the next head not yet due will be (nil when none waits).
func (s *TenantStore) DueDeliveries(ctx context.Context, limit int) ([]WebhookDelivery, *time.Time, error) {
	rows, err := s.Pool.Query(ctx, sqlDueDeliveries, limit)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []WebhookDelivery
	var next *time.Time
	for rows.Next() {
		var d WebhookDelivery
		if err := rows.Scan(append(deliveryDest(&d), &next)...); err != nil {
			return nil, nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(out) == 0 {
		err = s.Pool.QueryRow(ctx, sqlNextDue).Scan(&next)
	}
	return out, next, err
}

// DeliverySucceeded records a delivery the endpoint acknowledged, and the endpoint's recovery.
func (s *TenantStore) DeliverySucceeded(ctx context.Context, d WebhookDelivery, status int, payload []byte) error {
	b := &pgx.Batch{}
	b.Queue(sqlDeliverySucceeded, d.Seq, status, textOrNil(payload))
	b.Queue(sqlResetFailures, d.WebhookID)
	return s.Pool.SendBatch(ctx, b).Close()
}

// DeliveryFailed records a failed attempt: retried at next, FAILED after maxAttempts; the endpoint is turned
// off with reason once disableAfter attempts in a row have failed.
func (s *TenantStore) DeliveryFailed(ctx context.Context, d WebhookDelivery, status *int, errText string, payload []byte,
	next time.Time, maxAttempts, disableAfter int, reason string) error {
	b := &pgx.Batch{}
	b.Queue(sqlDeliveryFailed, d.Seq, status, errText, textOrNil(payload), next, maxAttempts)
	b.Queue(sqlCountFailure, d.WebhookID, disableAfter, reason)
	return s.Pool.SendBatch(ctx, b).Close()
}

// ListDeliveries is an endpoint's delivery log, newest first.
func (s *TenantStore) ListDeliveries(ctx context.Context, webhookID uuid.UUID, limit, offset int) ([]WebhookDelivery, error) {
	rows, err := s.Pool.Query(ctx, sqlListDeliveries, webhookID, limit, offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []WebhookDelivery{}
	for rows.Next() {
		var d WebhookDelivery
		if err := rows.Scan(deliveryDest(&d)...); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RetryDelivery puts a delivery back in the outbox, due now, with its attempts counted afresh. It keeps its
// place in its order key: it goes before the key's later events.
func (s *TenantStore) RetryDelivery(ctx context.Context, webhookID, deliveryID uuid.UUID) (WebhookDelivery, error) {
	var d WebhookDelivery
	err := s.Pool.QueryRow(ctx, sqlRetryDelivery, webhookID, deliveryID).Scan(deliveryDest(&d)...)
	return d, translate(err, "delivery")
}

// textOrNil is a payload as a text parameter (NULL when there is none).
func textOrNil(b []byte) *string {
	if len(b) == 0 {
		return nil
	}
	s := string(b)
	return &s
}
