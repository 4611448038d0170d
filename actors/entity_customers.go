package actors

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// Customer operations.
const (
	OpCustomerCreate = "customer.create"
	OpCustomerList   = "customer.list"
	OpCustomerGet    = "customer.get"
	OpCustomerUpdate = "customer.update"
	OpCustomerDelete = "customer.delete"
)

// Relations a customer can embed with include=.
const (
	IncludeOrders = "orders"
	IncludeChats  = "chats"
)

// CustomerInput is the body of a customer create or update. On update, absent fields stay as they are,
// an empty string clears an optional text field and a null metadata clears it.
type CustomerInput struct {
	ChannelID          *string         `json:"channelId" validate:"omitnil,uuid"`
	PlatformCustomerID *string         `json:"platformCustomerId" validate:"omitnil,min=1,max=200"`
	FullName           *string         `json:"fullName" validate:"omitzero,max=200"`
	Email              *string         `json:"email" validate:"omitzero,email,max=254"`
	Phone              *string         `json:"phone" validate:"omitzero,e164"`
	AvatarURL          *string         `json:"avatarUrl" validate:"omitzero,http_url,max=2000"`
	Metadata           json.RawMessage `json:"metadata"`
}

// Check validates the metadata (domain.Checker).
func (in CustomerInput) Check() []domain.FieldError {
	return domain.CheckJSONObject("metadata", in.Metadata)
}

// Missing lists the fields a create needs.
func (in CustomerInput) Missing() []domain.FieldError {
	return required(map[string]bool{"channelId": in.ChannelID != nil, "platformCustomerId": in.PlatformCustomerID != nil})
}

// Immutable lists the fields an update may not send.
func (in CustomerInput) Immutable() []domain.FieldError {
	return unchangeable(map[string]bool{"channelId": in.ChannelID != nil}, "; a customer belongs to the channel it was met on")
}

// CustomerListInput filters OpCustomerList; Name, Email and Phone match substrings.
type CustomerListInput struct {
	ChannelID *uuid.UUID `json:"channelId"`
	Name      *string    `json:"name"`
	Email     *string    `json:"email"`
	Phone     *string    `json:"phone"`
	Include   []string   `json:"include,omitempty"`
	Paging
}

// CustomerView is a customer with the related records asked for with include=.
type CustomerView struct {
	persistence.Customer
	Orders *[]persistence.Order `json:"orders,omitempty"`
	Chats  *[]persistence.Chat  `json:"chats,omitempty"`
}

func init() {
	registerQuery(OpCustomerCreate, createCustomer)
	registerQuery(OpCustomerList, listCustomers)
	registerQuery(OpCustomerGet, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in Ref
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		c, err := s.Store.GetCustomer(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		views, err := customerViews(ctx, s, []persistence.Customer{c}, in.Include)
		if err != nil {
			return nil, err
		}
		return views[0], nil
	})
	registerQuery(OpCustomerUpdate, updateCustomer)
	registerQuery(OpCustomerDelete, func(ctx context.Context, s *Scope, cmd *Command) (any, error) {
		var in Ref
		if err := cmd.Decode(&in); err != nil {
			return nil, err
		}
		return struct{}{}, s.Store.DeleteCustomer(ctx, in.ID)
	})
}

func createCustomer(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var w Write[CustomerInput]
	if err := cmd.Decode(&w); err != nil {
		return nil, err
	}
	in := w.Input
	if err := ValidateCreate(in); err != nil {
		return nil, err
	}
	c := persistence.Customer{CustomerID: uuid.Must(uuid.NewV7()), ChannelID: parseID(in.ChannelID)}
	applyCustomer(&c, in)
	return s.Store.CreateCustomer(ctx, c)
}

func listCustomers(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var in CustomerListInput
	if err := cmd.Decode(&in); err != nil {
		return nil, err
	}
	page := in.page()
	list, err := s.Store.ListCustomers(ctx, persistence.CustomerFilter{ChannelID: in.ChannelID, Name: in.Name, Email: in.Email,
		Phone: in.Phone, Page: page})
	if err != nil {
		return nil, err
	}
	p := pageOf(list, page)
	views, err := customerViews(ctx, s, p.Data, in.Include)
	if err != nil {
		return nil, err
	}
	return ListPage[CustomerView]{Data: views, NextOffset: p.NextOffset}, nil
}

func updateCustomer(ctx context.Context, s *Scope, cmd *Command) (any, error) {
	var w Write[CustomerInput]
	if err := cmd.Decode(&w); err != nil {
		return nil, err
	}
	if err := ValidateUpdate(w.Input); err != nil {
		return nil, err
	}
	c, err := s.Store.GetCustomer(ctx, w.ID)
	if err != nil {
		return nil, err
	}
	applyCustomer(&c, w.Input)
	return s.Store.UpdateCustomer(ctx, c)
}

// applyCustomer copies the fields an input sets onto a customer.
func applyCustomer(c *persistence.Customer, in CustomerInput) {
	if in.PlatformCustomerID != nil {
		c.PlatformCustomerID = *in.PlatformCustomerID
	}
	setText(&c.FullName, in.FullName)
	setText(&c.Email, in.Email)
	setText(&c.Phone, in.Phone)
	setText(&c.AvatarURL, in.AvatarURL)
	if in.Metadata != nil {
		c.Metadata = in.Metadata
	}
}

// customerViews embeds the related records asked for, loading each relation for all customers at once.
func customerViews(ctx context.Context, s *Scope, list []persistence.Customer, include []string) ([]CustomerView, error) {
	ids := make([]uuid.UUID, len(list))
	for i, c := range list {
		ids[i] = c.CustomerID
	}
	var orders map[uuid.UUID][]persistence.Order
	var chats map[uuid.UUID][]persistence.Chat
	var err error
	if wants(include, IncludeOrders) {
		if orders, err = s.Store.OrdersOfCustomers(ctx, ids); err != nil {
			return nil, err
		}
	}
	if wants(include, IncludeChats) {
		if chats, err = s.Store.ChatsOfCustomers(ctx, ids); err != nil {
			return nil, err
		}
	}
	views := make([]CustomerView, len(list))
	for i, c := range list {
		views[i] = CustomerView{Customer: c}
		if orders != nil {
			views[i].Orders = nonNil(orders[c.CustomerID])
		}
		if chats != nil {
			views[i].Chats = nonNil(chats[c.CustomerID])
		}
	}
	return views, nil
}

// nonNil points at a list, empty rather than null, for a relation that was asked for.
func nonNil[T any](list []T) *[]T {
	if list == nil {
		list = []T{}
	}
	return &list
}
