package actors

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// Order operations.
const (
	OpOrderCreate = "order.create"
	OpOrderList   = "order.list"
	OpOrderGet    = "order.get"
	OpOrderUpdate = "order.update"
	OpOrderDelete = "order.delete"
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
	OrderStatus     *string          `json:"orderStatus" validate:"omitnil,oneof=PENDING PROCESSING SHIPPED DELIVERED CANCELLED REFUNDED"`
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
	persistence.Order
	Items    *[]persistence.OrderItem `json:"items,omitempty"`
	Customer *persistence.Customer    `json:"customer,omitempty"`
}

func init() {
	registerQuery(OpOrderCreate, createOrder)
	registerQuery(OpOrderList, listOrders)
	registerQuery(OpOrderGet, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in Ref
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		o, err := s.Store.GetOrder(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		views, err := orderViews(ctx, s, []persistence.Order{o}, in.Include)
		if err != nil {
			return nil, err
		}
		return views[0], nil
	})
	registerQuery(OpOrderUpdate, updateOrder)
	registerQuery(OpOrderDelete, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in Ref
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		return struct{}{}, s.Store.DeleteOrder(ctx, in.ID)
	})
}

func createOrder(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var w Write[OrderInput]
	if err := cmd.Decode(&w); err != nil {
		return nil, err
	}
	in := w.Input
	if err := ValidateCreate(in); err != nil {
		return nil, err
	}
	customer, err := s.Store.GetCustomer(ctx, parseID(in.CustomerID))
	if err != nil {
		return nil, mustExist(err, "customerId", "customer")
	}
	o := persistence.Order{OrderID: uuid.Must(uuid.NewV7()), CustomerID: customer.CustomerID, ChannelID: customer.ChannelID,
		UserID: callerID(cmd), OrderStatus: domain.OrderPending, Currency: *in.Currency, PlatformOrderID: text(in.PlatformOrderID),
		ShippingAddress: in.ShippingAddress, BillingAddress: in.BillingAddress}
	if in.ChannelID != nil {
		o.ChannelID = parseID(in.ChannelID)
	}
	if in.OrderStatus != nil {
		o.OrderStatus = *in.OrderStatus
	}
	if in.UserID != nil {
		o.UserID = parseID(in.UserID)
		if err := checkMember(ctx, s, "userId", o.UserID); err != nil {
			return nil, err
		}
	}
	ids := make([]uuid.UUID, len(in.Items))
	for i, line := range in.Items {
		ids[i] = parseID(&line.ProductID)
	}
	order, items, err := s.Store.CreateOrder(ctx, o, ids, func(products map[uuid.UUID]persistence.Product) ([]persistence.OrderItem, domain.Money, error) {
		return priceOrder(o.Currency, in.Items, products)
	})
	if err != nil {
		return nil, err
	}
	view := OrderView{Order: order, Items: nonNil(items)}
	s.node.publish(s.TenantID, EventOrderUpdated, view)
	return view, nil
}

// priceOrder snapshots each product's price and currency into the order's items and sums the total. An
// unknown or unavailable product, or one priced in another currency, is refused naming the item.
func priceOrder(currency string, lines []OrderLineInput, products map[uuid.UUID]persistence.Product) ([]persistence.OrderItem, domain.Money, error) {
	var total domain.Money
	var bad []domain.FieldError
	items := make([]persistence.OrderItem, 0, len(lines))
	for i, line := range lines {
		field := fmt.Sprintf("items[%d].productId", i)
		p, ok := products[parseID(&line.ProductID)]
		switch {
		case !ok:
			bad = append(bad, domain.FieldError{Field: field, Message: "does not name a product of this tenant"})
			continue
		case !p.IsAvailable:
			bad = append(bad, domain.FieldError{Field: field, Message: fmt.Sprintf("product %q is not available", p.Name)})
			continue
		case p.Currency != currency:
			bad = append(bad, domain.FieldError{Field: field,
				Message: fmt.Sprintf("product %q is priced in %s, not in the order's currency %s", p.Name, p.Currency, currency)})
			continue
		}
		total = total.Plus(p.Price.Times(line.Quantity))
		items = append(items, persistence.OrderItem{OrderItemID: uuid.Must(uuid.NewV7()), ProductID: p.ProductID,
			Quantity: line.Quantity, PriceAtPurchase: p.Price, CurrencyAtPurchase: p.Currency})
	}
	if len(bad) > 0 {
		return nil, domain.Money{}, domain.Invalid(bad...)
	}
	if total.Exceeds(domain.MaxMoney) {
		return nil, domain.Money{}, domain.InvalidField("items", "the order's total "+total.String()+" "+currency+
			" is more than the largest amount an order can hold ("+domain.MaxMoney.String()+")")
	}
	return items, total, nil
}

func listOrders(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var in OrderListInput
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	page := in.page()
	list, err := s.Store.ListOrders(ctx, persistence.OrderFilter{OrderStatus: in.OrderStatus, CustomerID: in.CustomerID,
		ChannelID: in.ChannelID, CreatedFrom: in.CreatedFrom, CreatedTo: in.CreatedTo, Page: page})
	if err != nil {
		return nil, err
	}
	p := pageOf(list, page)
	views, err := orderViews(ctx, s, p.Data, in.Include)
	if err != nil {
		return nil, err
	}
	return ListPage[OrderView]{Data: views, NextOffset: p.NextOffset}, nil
}

func updateOrder(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var w Write[OrderInput]
	if err := cmd.Decode(&w); err != nil {
		return nil, err
	}
	in := w.Input
	if err := ValidateUpdate(in); err != nil {
		return nil, err
	}
	if in.UserID != nil {
		if err := checkMember(ctx, s, "userId", parseID(in.UserID)); err != nil {
			return nil, err
		}
	}
	order, err := s.Store.UpdateOrder(ctx, w.ID, func(o persistence.Order) (persistence.Order, error) {
		if in.OrderStatus != nil && !domain.OrderTransitionAllowed(o.OrderStatus, *in.OrderStatus) {
			next := strings.Join(domain.NextOrderStatuses(o.OrderStatus), ", ")
			if next == "" {
				next = "none, it is final"
			}
			return o, domain.Conflict("an order cannot go from %s to %s (allowed next: %s)", o.OrderStatus, *in.OrderStatus, next)
		}
		if in.OrderStatus != nil {
			o.OrderStatus = *in.OrderStatus
		}
		if in.UserID != nil {
			o.UserID = parseID(in.UserID)
		}
		setText(&o.PlatformOrderID, in.PlatformOrderID)
		if in.ShippingAddress != nil {
			o.ShippingAddress = in.ShippingAddress
		}
		if in.BillingAddress != nil {
			o.BillingAddress = in.BillingAddress
		}
		return o, nil
	})
	if err != nil {
		return nil, err
	}
	views, err := orderViews(ctx, s, []persistence.Order{order}, []string{IncludeItems})
	if err != nil {
		return nil, err
	}
	s.node.publish(s.TenantID, EventOrderUpdated, views[0])
	return views[0], nil
}

// orderViews embeds the related records asked for, loading each relation for all orders at once.
func orderViews(ctx context.Context, s *Scope, list []persistence.Order, include []string) ([]OrderView, error) {
	ids := make([]uuid.UUID, len(list))
	customerIDs := make([]uuid.UUID, len(list))
	for i, o := range list {
		ids[i], customerIDs[i] = o.OrderID, o.CustomerID
	}
	var items map[uuid.UUID][]persistence.OrderItem
	var customers map[uuid.UUID]persistence.Customer
	var err error
	if wants(include, IncludeItems) {
		if items, err = s.Store.ItemsOfOrders(ctx, ids); err != nil {
			return nil, err
		}
	}
	if wants(include, IncludeCustomer) {
		if customers, err = s.Store.CustomersByID(ctx, customerIDs); err != nil {
			return nil, err
		}
	}
	views := make([]OrderView, len(list))
	for i, o := range list {
		views[i] = OrderView{Order: o}
		if items != nil {
			views[i].Items = nonNil(items[o.OrderID])
		}
		if c, ok := customers[o.CustomerID]; ok {
			views[i].Customer = &c
		}
	}
	return views, nil
}
