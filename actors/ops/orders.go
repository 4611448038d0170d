package ops

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
)

// Order operations.
var (
	OpOrderCreate = Declare[Write[OrderInput], OrderView]("order.create")
	OpOrderList   = Declare[OrderListInput, ListPage[OrderView]]("order.list")
	OpOrderGet    = Declare[Ref, OrderView]("order.get")
	OpOrderUpdate = Declare[Write[OrderInput], OrderView]("order.update")
	OpOrderDelete = Declare[Ref, None]("order.delete")
)

// EventOrderUpdated tells the tenant's WebSocket clients that an order was created or changed; its data
// is the order with its items.
const EventOrderUpdated = "order_updated"

// Relations an order can embed with include=.
const (
	IncludeItems    = "items"
	IncludeCustomer = "customer"
)

// OrderInput is the body of an order create or update. A create names the customer, the currency and the
// items; the engine prices them. An update may change the status (along the lifecycle), the assignee,
// the platform id and the addresses; a null address clears it.
type OrderInput struct {
	CustomerID      *string          `json:"customerId" validate:"omitnil,uuid"`
	ChannelID       *string          `json:"channelId" validate:"omitnil,uuid"`
	UserID          *string          `json:"userId" validate:"omitnil,uuid"`
	PlatformOrderID *string          `json:"platformOrderId" validate:"omitzero,max=200"`
	OrderStatus     *string          `json:"orderStatus" validate:"omitnil,orderstatus"`
	Currency        *string          `json:"currency" validate:"omitnil,iso4217"`
	ShippingAddress json.RawMessage  `json:"shippingAddress"`
	BillingAddress  json.RawMessage  `json:"billingAddress"`
	Items           []OrderLineInput `json:"items" validate:"omitnil,min=1,max=100,dive"`
}

// OrderLineInput is one requested line of an order.
type OrderLineInput struct {
	ProductID string `json:"productId" validate:"required,uuid"`
	Quantity  int    `json:"quantity" validate:"required,min=1,max=100000"`
}

// Check validates the addresses (domain.Checker).
func (in OrderInput) Check() []domain.FieldError {
	return append(domain.CheckJSONObject("shippingAddress", in.ShippingAddress),
		domain.CheckJSONObject("billingAddress", in.BillingAddress)...)
}

// Missing lists the fields a create needs.
func (in OrderInput) Missing() []domain.FieldError {
	return required(map[string]bool{"customerId": in.CustomerID != nil, "currency": in.Currency != nil, "items": in.Items != nil})
}

// Immutable lists the fields an update may not send.
func (in OrderInput) Immutable() []domain.FieldError {
	return unchangeable(map[string]bool{"customerId": in.CustomerID != nil, "channelId": in.ChannelID != nil,
		"currency": in.Currency != nil, "items": in.Items != nil}, "; cancel the order and place a new one")
}

// OrderListInput filters OpOrderList; CreatedTo is exclusive.
type OrderListInput struct {
	OrderStatus *string    `json:"orderStatus"`
	CustomerID  *uuid.UUID `json:"customerId"`
	ChannelID   *uuid.UUID `json:"channelId"`
	CreatedFrom *time.Time `json:"createdFrom"`
	CreatedTo   *time.Time `json:"createdTo"`
	Include     []string   `json:"include,omitempty"`
	Paging
}

// OrderView is an order with the related records asked for with include= (create and update answers
// always carry the items).
type OrderView struct {
	Order
	Items    *[]OrderItem `json:"items,omitempty"`
	Customer *Customer    `json:"customer,omitempty"`
}
