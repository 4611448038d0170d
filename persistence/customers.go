package persistence

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Customer is an end customer met on one channel (seed customers).
type Customer struct {
	CustomerID         uuid.UUID       `json:"customerId"`
	ChannelID          uuid.UUID       `json:"channelId"`
	PlatformCustomerID string          `json:"platformCustomerId"`
	FullName           *string         `json:"fullName"`
	Email              *string         `json:"email"`
	Phone              *string         `json:"phone"`
	AvatarURL          *string         `json:"avatarUrl"`
	FirstSeenAt        time.Time       `json:"firstSeenAt"`
	LastSeenAt         time.Time       `json:"lastSeenAt"`
	Metadata           json.RawMessage `json:"metadata"`
	// NameEditedAt is when the team last set the name (null: the name follows what the platform reports,
	// such as a WhatsApp push name; a name the team set is never replaced by one).
	NameEditedAt *time.Time `json:"nameEditedAt"`
	// AvatarMediaID is the profile picture the channel fetched into the media store; when set, AvatarURL
	// shows its signed link (SignCustomer).
	AvatarMediaID *uuid.UUID `json:"-"`
}

// Contact identifies a customer on a channel as the platform knows them, with what the platform told us.
type Contact struct {
	ChannelID          uuid.UUID
	PlatformCustomerID string
	FullName           *string
	Phone              *string
	// AltPlatformCustomerID is another address of the same person (a WhatsApp LID beside the phone-number
	// JID): a customer filed under it becomes, or merges into, the one of PlatformCustomerID.
	AltPlatformCustomerID string
	// History says the contact comes from a history import: a chat it creates starts RESOLVED (the past is
	// not work to do), and its push name does not replace a name already known.
	History bool
}

const customerColumns = `customer_id, channel_id, platform_customer_id, full_name, email, phone, avatar_url,
	first_seen_at, last_seen_at, metadata, name_edited_at, avatar_media_id`

const (
	// sqlUpsertContactCustomer finds or creates the customer of an inbound message, refreshing the name the
	// platform reports (a WhatsApp push name) without erasing one we already have, and never over a name
	// the team set; a history import ($6) only fills a missing name.
	sqlUpsertContactCustomer = `INSERT INTO customers (customer_id, channel_id, platform_customer_id, full_name, phone)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (channel_id, platform_customer_id) DO UPDATE
		SET full_name = CASE WHEN customers.name_edited_at IS NOT NULL THEN customers.full_name
		                     WHEN $6::boolean THEN coalesce(customers.full_name, EXCLUDED.full_name)
		                     ELSE coalesce(EXCLUDED.full_name, customers.full_name) END,
		    phone = coalesce(customers.phone, EXCLUDED.phone), last_seen_at = now()
		RETURNING customer_id`
	// sqlUpsertContactChat finds or creates the chat of a customer on a channel, keyed by the platform's chat id.
	sqlUpsertContactChat = `INSERT INTO chats (chat_id, customer_id, channel_id, platform_chat_id, status)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (channel_id, platform_chat_id) DO UPDATE SET customer_id = chats.customer_id
		RETURNING chat_id`
)

func scanCustomer(row pgx.Row) (Customer, error) {
	var c Customer
	err := row.Scan(&c.CustomerID, &c.ChannelID, &c.PlatformCustomerID, &c.FullName, &c.Email, &c.Phone, &c.AvatarURL,
		&c.FirstSeenAt, &c.LastSeenAt, &c.Metadata, &c.NameEditedAt, &c.AvatarMediaID)
	return c, translate(err, "customer")
}

// ResolveContact finds or creates the customer and the chat of a contact in one transaction and returns the chat id.
func (s *TenantStore) ResolveContact(ctx context.Context, c Contact) (chatID uuid.UUID, err error) {
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if c.AltPlatformCustomerID != "" && c.AltPlatformCustomerID != c.PlatformCustomerID {
			if err := mergeIdentity(ctx, tx, c); err != nil {
				return err
			}
		}
		var customerID uuid.UUID
		if err := tx.QueryRow(ctx, sqlUpsertContactCustomer, uuid.Must(uuid.NewV7()), c.ChannelID, c.PlatformCustomerID,
			c.FullName, c.Phone, c.History).Scan(&customerID); err != nil {
			return translate(err, "channel")
		}
		status := "OPEN"
		if c.History {
			status = "RESOLVED"
		}
		return tx.QueryRow(ctx, sqlUpsertContactChat, uuid.Must(uuid.NewV7()), customerID, c.ChannelID,
			c.PlatformCustomerID, status).Scan(&chatID)
	})
	return chatID, err
}

// CustomerFilter narrows a customer list; nil fields do not filter. Name, Email and Phone match substrings.
type CustomerFilter struct {
	ChannelID *uuid.UUID
	Name      *string
	Email     *string
	Phone     *string
	// Label keeps only customers with this label.
	Label *uuid.UUID
	Page
}

const (
	sqlInsertCustomer = `INSERT INTO customers (customer_id, channel_id, platform_customer_id, full_name, email, phone,
		avatar_url, metadata, name_edited_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $4::text IS NOT NULL THEN now() END)
		RETURNING ` + customerColumns
	sqlGetCustomer   = `SELECT ` + customerColumns + ` FROM customers WHERE customer_id = $1`
	sqlListCustomers = `SELECT ` + customerColumns + ` FROM customers
		WHERE ($1::uuid IS NULL OR channel_id = $1) AND ($2::text IS NULL OR full_name ILIKE $2)
		  AND ($3::text IS NULL OR email ILIKE $3) AND ($4::text IS NULL OR phone ILIKE $4)
		  AND ($7::uuid IS NULL OR EXISTS (SELECT 1 FROM customer_labels cl WHERE cl.customer_id = customers.customer_id AND cl.label_id = $7))
		ORDER BY first_seen_at, customer_id LIMIT $5 OFFSET $6`
	// sqlUpdateCustomer marks a changed name as the team's (a cleared one follows the platform again), and
	// an avatar URL the team sets wins over the fetched profile picture.
	sqlUpdateCustomer = `UPDATE customers SET platform_customer_id = $2, full_name = $3, email = $4, phone = $5,
		avatar_url = $6, metadata = $7,
		name_edited_at = CASE WHEN $3::text IS NULL THEN NULL WHEN full_name IS DISTINCT FROM $3 THEN now() ELSE name_edited_at END,
		avatar_media_id = CASE WHEN avatar_url IS DISTINCT FROM $6 THEN NULL ELSE avatar_media_id END
		WHERE customer_id = $1 RETURNING ` + customerColumns
	sqlLockCustomer   = `SELECT customer_id FROM customers WHERE customer_id = $1 FOR UPDATE`
	sqlCustomerUsage  = `SELECT (SELECT count(*) FROM orders WHERE customer_id = $1), (SELECT count(*) FROM chats WHERE customer_id = $1)`
	sqlDeleteCustomer = `DELETE FROM customers WHERE customer_id = $1`
	sqlCustomersByID  = `SELECT ` + customerColumns + ` FROM customers WHERE customer_id = ANY($1)`
)

var customerRules = []constraintRule{
	unique("customers_channel_id_platform_customer_id_key", "platformCustomerId", "is already used by another customer of this channel"),
	reference("customers_channel_id_fkey", "channelId", "does not name a channel of this tenant"),
}

// SignCustomer shows the fetched profile picture's signed link as the customer's avatarUrl.
func (s *TenantStore) SignCustomer(c *Customer) {
	if s != nil && s.MediaURL != nil && c != nil && c.AvatarMediaID != nil {
		u := s.MediaURL(*c.AvatarMediaID)
		c.AvatarURL = &u
	}
}

// signed signs a customer read by one of the methods below.
func (s *TenantStore) signed(c Customer, err error) (Customer, error) {
	s.SignCustomer(&c)
	return c, err
}

// CreateCustomer inserts a customer; a platform id already known on the channel is a conflict.
func (s *TenantStore) CreateCustomer(ctx context.Context, c Customer) (Customer, error) {
	return s.signed(scanExplained(s.Pool.QueryRow(ctx, sqlInsertCustomer, c.CustomerID, c.ChannelID, c.PlatformCustomerID,
		c.FullName, c.Email, c.Phone, c.AvatarURL, jsonOrNil(c.Metadata)), scanCustomer, "customer", customerRules...))
}

// GetCustomer loads one customer.
func (s *TenantStore) GetCustomer(ctx context.Context, id uuid.UUID) (Customer, error) {
	return s.signed(scanCustomer(s.Pool.QueryRow(ctx, sqlGetCustomer, id)))
}

// ListCustomers lists customers in the order they were first seen.
func (s *TenantStore) ListCustomers(ctx context.Context, f CustomerFilter) ([]Customer, error) {
	rows, err := s.Pool.Query(ctx, sqlListCustomers, f.ChannelID, containsPattern(f.Name), containsPattern(f.Email),
		containsPattern(f.Phone), f.Limit, f.Offset, f.Label)
	list, err := collect(rows, err, scanCustomer)
	for i := range list {
		s.SignCustomer(&list[i])
	}
	return list, err
}

// UpdateCustomer writes the editable fields of c (not its channel, not when it was seen).
func (s *TenantStore) UpdateCustomer(ctx context.Context, c Customer) (Customer, error) {
	return s.signed(scanExplained(s.Pool.QueryRow(ctx, sqlUpdateCustomer, c.CustomerID, c.PlatformCustomerID, c.FullName, c.Email,
		c.Phone, c.AvatarURL, jsonOrNil(c.Metadata)), scanCustomer, "customer", customerRules...))
}

// DeleteCustomer removes a customer without orders or chats; otherwise it is a conflict saying what is left.
func (s *TenantStore) DeleteCustomer(ctx context.Context, id uuid.UUID) error {
	return guardedDelete{what: "customer", lockSQL: sqlLockCustomer, usageSQL: sqlCustomerUsage, deleteSQL: sqlDeleteCustomer,
		nouns: []string{"order", "chat"}, hint: "; delete them first"}.run(ctx, s.Pool, id)
}

// CustomersByID loads the given customers, keyed by id; unknown ids are absent.
func (s *TenantStore) CustomersByID(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]Customer, error) {
	rows, err := s.Pool.Query(ctx, sqlCustomersByID, ids)
	list, err := collect(rows, err, scanCustomer)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]Customer, len(list))
	for _, c := range list {
		s.SignCustomer(&c)
		out[c.CustomerID] = c
	}
	return out, nil
}

// Statements of mergeIdentity ($1 channel, $2 the other address, $3 the address that stays).
const (
	sqlCustomerAt         = `SELECT customer_id FROM customers WHERE channel_id = $1 AND platform_customer_id = $2 FOR UPDATE`
	sqlRenameCustomer     = `UPDATE customers SET platform_customer_id = $3, phone = coalesce(phone, $4) WHERE customer_id = $2 AND channel_id = $1`
	sqlRenameChat         = `UPDATE chats SET platform_chat_id = $3 WHERE channel_id = $1 AND platform_chat_id = $2`
	sqlMoveChats          = `UPDATE chats SET customer_id = $2 WHERE customer_id = $1`
	sqlMoveOrders         = `UPDATE orders SET customer_id = $2 WHERE customer_id = $1`
	sqlMoveCustomerLabels = `INSERT INTO customer_labels (customer_id, label_id) SELECT $2, label_id FROM customer_labels WHERE customer_id = $1 ON CONFLICT DO NOTHING`
	sqlFillMergedCustomer = `UPDATE customers b SET full_name = coalesce(b.full_name, a.full_name), email = coalesce(b.email, a.email),
		phone = coalesce(b.phone, a.phone), avatar_url = coalesce(b.avatar_url, a.avatar_url),
		avatar_media_id = coalesce(b.avatar_media_id, a.avatar_media_id), name_edited_at = coalesce(b.name_edited_at, a.name_edited_at),
		first_seen_at = least(b.first_seen_at, a.first_seen_at), last_seen_at = greatest(b.last_seen_at, a.last_seen_at)
		FROM customers a WHERE a.customer_id = $1 AND b.customer_id = $2`
	sqlDeleteMergedCustomer = `DELETE FROM customers WHERE customer_id = $1`
)

// mergeIdentity makes one customer of the person behind two addresses of a channel (a WhatsApp LID and
// the phone-number JID it maps to). A customer filed only under the other address is renamed to the one
// that stays, with its chat (unless a chat of that address exists). When both exist, the other one's
// chats, orders and labels move to the one that stays, which keeps its own fields and fills the empty ones
// from the other, and the other is deleted: every chat and order is kept, under one customer.
func mergeIdentity(ctx context.Context, tx pgx.Tx, c Contact) error {
	var other, keep uuid.UUID
	if err := tx.QueryRow(ctx, sqlCustomerAt, c.ChannelID, c.AltPlatformCustomerID).Scan(&other); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		return err
	}
	err := tx.QueryRow(ctx, sqlCustomerAt, c.ChannelID, c.PlatformCustomerID).Scan(&keep)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := tx.Exec(ctx, sqlRenameCustomer, c.ChannelID, other, c.PlatformCustomerID, c.Phone); err != nil {
			return err
		}
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM chats WHERE channel_id = $1 AND platform_chat_id = $2)`,
			c.ChannelID, c.PlatformCustomerID).Scan(&taken); err != nil || taken {
			return err
		}
		_, err = tx.Exec(ctx, sqlRenameChat, c.ChannelID, c.AltPlatformCustomerID, c.PlatformCustomerID)
		return err
	}
	if err != nil {
		return err
	}
	for _, q := range []string{sqlMoveChats, sqlMoveOrders, sqlMoveCustomerLabels, sqlFillMergedCustomer} {
		if _, err := tx.Exec(ctx, q, other, keep); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, sqlDeleteMergedCustomer, other)
	return err
}
