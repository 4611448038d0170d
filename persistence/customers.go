package persistence

import (
	"context"
	"encoding/json"
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
}

// Contact identifies a customer on a channel as the platform knows them, with what the platform told us.
type Contact struct {
	ChannelID          uuid.UUID
	PlatformCustomerID string
	FullName           *string
	Phone              *string
}

const customerColumns = `customer_id, channel_id, platform_customer_id, full_name, email, phone, avatar_url,
	first_seen_at, last_seen_at, metadata`

const (
	// sqlUpsertContactCustomer finds or creates the customer of an inbound message, refreshing the name the
	// platform reports (a WhatsApp push name) without erasing one we already have.
	sqlUpsertContactCustomer = `INSERT INTO customers (customer_id, channel_id, platform_customer_id, full_name, phone)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (channel_id, platform_customer_id) DO UPDATE
		SET full_name = coalesce(EXCLUDED.full_name, customers.full_name),
		    phone = coalesce(customers.phone, EXCLUDED.phone), last_seen_at = now()
		RETURNING customer_id`
	// sqlUpsertContactChat finds or creates the chat of a customer on a channel, keyed by the platform's chat id.
	sqlUpsertContactChat = `INSERT INTO chats (chat_id, customer_id, channel_id, platform_chat_id)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (channel_id, platform_chat_id) DO UPDATE SET customer_id = chats.customer_id
		RETURNING chat_id`
)

func scanCustomer(row pgx.Row) (Customer, error) {
	var c Customer
	err := row.Scan(&c.CustomerID, &c.ChannelID, &c.PlatformCustomerID, &c.FullName, &c.Email, &c.Phone, &c.AvatarURL,
		&c.FirstSeenAt, &c.LastSeenAt, &c.Metadata)
	return c, translate(err, "customer")
}

// ResolveContact finds or creates the customer and the chat of a contact in one transaction and returns the chat id.
func (s *TenantStore) ResolveContact(ctx context.Context, c Contact) (chatID uuid.UUID, err error) {
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var customerID uuid.UUID
		if err := tx.QueryRow(ctx, sqlUpsertContactCustomer, uuid.Must(uuid.NewV7()), c.ChannelID, c.PlatformCustomerID,
			c.FullName, c.Phone).Scan(&customerID); err != nil {
			return translate(err, "channel")
		}
		return tx.QueryRow(ctx, sqlUpsertContactChat, uuid.Must(uuid.NewV7()), customerID, c.ChannelID,
			c.PlatformCustomerID).Scan(&chatID)
	})
	return chatID, err
}
