package queries

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/persistence"
)

// GetCustomer answers ops.OpCustomerGet.
func GetCustomer(ctx context.Context, s *Scope, in ops.Ref) (ops.CustomerView, error) {
	c, err := s.Store.GetCustomer(ctx, in.ID)
	if err != nil {
		return ops.CustomerView{}, err
	}
	views, err := customerViews(ctx, s, []persistence.Customer{c}, in.Include)
	if err != nil {
		return ops.CustomerView{}, err
	}
	return views[0], nil
}

// DeleteCustomer answers ops.OpCustomerDelete.
func DeleteCustomer(ctx context.Context, s *Scope, in ops.Ref) (ops.None, error) {
	return ops.None{}, s.Store.DeleteCustomer(ctx, in.ID)
}

func CreateCustomer(ctx context.Context, s *Scope, w ops.Write[ops.CustomerInput]) (ops.Customer, error) {
	in := w.Input
	if err := ops.ValidateCreate(in); err != nil {
		return ops.Customer{}, err
	}
	c := persistence.Customer{CustomerID: uuid.Must(uuid.NewV7()), ChannelID: parseID(in.ChannelID)}
	applyCustomer(&c, in)
	created, err := s.Store.CreateCustomer(ctx, c)
	return CustomerView(created), err
}

func ListCustomers(ctx context.Context, s *Scope, in ops.CustomerListInput) (ops.ListPage[ops.CustomerView], error) {
	page := page(in.Paging)
	label, err := labelFilter(ctx, s, in.Label)
	if err != nil {
		return ops.ListPage[ops.CustomerView]{}, err
	}
	list, err := s.Store.ListCustomers(ctx, persistence.CustomerFilter{Label: label, ChannelID: in.ChannelID, Name: in.Name, Email: in.Email,
		Phone: in.Phone, Page: page})
	if err != nil {
		return ops.ListPage[ops.CustomerView]{}, err
	}
	p := pageOf(list, page)
	views, err := customerViews(ctx, s, p.Data, in.Include)
	if err != nil {
		return ops.ListPage[ops.CustomerView]{}, err
	}
	return ops.ListPage[ops.CustomerView]{Data: views, NextOffset: p.NextOffset}, nil
}

func UpdateCustomer(ctx context.Context, s *Scope, w ops.Write[ops.CustomerInput]) (ops.Customer, error) {
	if err := ops.ValidateUpdate(w.Input); err != nil {
		return ops.Customer{}, err
	}
	c, err := s.Store.GetCustomer(ctx, w.ID)
	if err != nil {
		return ops.Customer{}, err
	}
	applyCustomer(&c, w.Input)
	updated, err := s.Store.UpdateCustomer(ctx, c)
	return CustomerView(updated), err
}

// applyCustomer copies the fields an input sets onto a customer.
func applyCustomer(c *persistence.Customer, in ops.CustomerInput) {
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
// Embedded chats are those the caller may see.
func customerViews(ctx context.Context, s *Scope, list []persistence.Customer, include []string) ([]ops.CustomerView, error) {
	ids := make([]uuid.UUID, len(list))
	for i, c := range list {
		ids[i] = c.CustomerID
	}
	labels, err := s.Store.LabelsOfCustomers(ctx, ids)
	if err != nil {
		return nil, err
	}
	var orders map[uuid.UUID][]persistence.Order
	var chats map[uuid.UUID][]persistence.Chat
	if wants(include, ops.IncludeOrders) {
		if orders, err = s.Store.OrdersOfCustomers(ctx, ids); err != nil {
			return nil, err
		}
	}
	if wants(include, ops.IncludeChats) {
		if chats, err = s.Store.ChatsOfCustomers(ctx, ids); err != nil {
			return nil, err
		}
	}
	views := make([]ops.CustomerView, len(list))
	for i, c := range list {
		views[i] = ops.CustomerView{Customer: CustomerView(c), Labels: LabelRefViews(labels[c.CustomerID])}
		if views[i].Labels == nil {
			views[i].Labels = []ops.LabelRef{}
		}
		if orders != nil {
			views[i].Orders = nonNil(viewsOf(orders[c.CustomerID], OrderView))
		}
		if chats != nil {
			visible := slices.DeleteFunc(chats[c.CustomerID], func(ch persistence.Chat) bool { return !s.canSee(ch.UserID) })
			views[i].Chats = nonNil(viewsOf(visible, ChatView))
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
