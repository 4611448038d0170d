package ops

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
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
	// NameEditedAt is when the team last set the name (null: it follows the platform, such as a WhatsApp
	// push name; a name the team set is never replaced by one).
	NameEditedAt *time.Time `json:"nameEditedAt"`
	// AvatarMediaID is internal: avatarUrl already shows the fetched picture's signed link.
	AvatarMediaID *uuid.UUID `json:"-"`
}

// Order is a customer's order (seed orders). Its total is the sum of its items, computed by the engine.
type Order struct {
	OrderID         uuid.UUID       `json:"orderId"`
	CustomerID      uuid.UUID       `json:"customerId"`
	ChannelID       uuid.UUID       `json:"channelId"`
	UserID          uuid.UUID       `json:"userId"`
	PlatformOrderID *string         `json:"platformOrderId"`
	OrderStatus     string          `json:"orderStatus"`
	TotalAmount     domain.Money    `json:"totalAmount"`
	Currency        string          `json:"currency"`
	ShippingAddress json.RawMessage `json:"shippingAddress"`
	BillingAddress  json.RawMessage `json:"billingAddress"`
	CreatedAt       time.Time       `json:"createdAt"`
	UpdatedAt       time.Time       `json:"updatedAt"`
}

// OrderItem is one line of an order (seed orderItems): the product's price and currency when it was bought.
type OrderItem struct {
	OrderItemID        uuid.UUID    `json:"orderItemId"`
	OrderID            uuid.UUID    `json:"orderId"`
	ProductID          uuid.UUID    `json:"productId"`
	Quantity           int          `json:"quantity"`
	PriceAtPurchase    domain.Money `json:"priceAtPurchase"`
	CurrencyAtPurchase string       `json:"currencyAtPurchase"`
}

// Product is an item of the tenant's catalogue (seed products).
type Product struct {
	ProductID   uuid.UUID    `json:"productId"`
	UserID      uuid.UUID    `json:"userId"`
	Name        string       `json:"name"`
	Description *string      `json:"description"`
	Price       domain.Money `json:"price"`
	Currency    string       `json:"currency"`
	SKU         *string      `json:"sku"`
	ImageURL    *string      `json:"imageUrl"`
	ImageID     *string      `json:"imageId"`
	// ImageMediaID is an image in the tenant's media store; ImageURL is then its signed link.
	ImageMediaID *uuid.UUID `json:"imageMediaId"`
	ShortID      *string    `json:"shortId"`
	IsAvailable  bool       `json:"isAvailable"`
	CreatedAt    time.Time  `json:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt"`
}
