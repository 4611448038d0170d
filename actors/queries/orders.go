package queries

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/aezen/engine/actors/ops"
	"github.com/aezen/engine/domain"
	"github.com/aezen/engine/persistence"
)

// GetOrder answers ops.OpOrderGet.
func GetOrder(ctx context.Context, s *Scope, in ops.Ref) (ops.OrderView, error) {
	o, err := s.Store.GetOrder(ctx, in.ID)
	if err != nil {
		return ops.OrderView{}, err
	}
	views, err := orderViews(ctx, s, []persistence.Order{o}, in.Include)
	if err != nil {
		return ops.OrderView{}, err
	}
	return views[0], nil
}

// DeleteOrder answers ops.OpOrderDelete.
func DeleteOrder(ctx context.Context, s *Scope, in ops.Ref) (ops.None, error) {
	return ops.None{}, s.Store.DeleteOrder(ctx, in.ID)
}

func CreateOrder(ctx context.Context, s *Scope, w ops.Write[ops.OrderInput]) (ops.OrderView, error) {
	in := w.Input
	if err := ops.ValidateCreate(in); err != nil {
		return ops.OrderView{}, err
	}
	customer, err := s.Store.GetCustomer(ctx, parseID(in.CustomerID))
	if err != nil {
		return ops.OrderView{}, mustExist(err, "customerId", "customer")
	}
	o := persistence.Order{OrderID: uuid.Must(uuid.NewV7()), CustomerID: customer.CustomerID, ChannelID: customer.ChannelID,
		UserID: callerID(s), OrderStatus: domain.OrderPending, Currency: *in.Currency, PlatformOrderID: text(in.PlatformOrderID),
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
			return ops.OrderView{}, err
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
		return ops.OrderView{}, err
	}
	view := ops.OrderView{Order: OrderView(order), Items: nonNil(viewsOf(items, OrderItemView))}
	s.Node.Publish(s.TenantID, ops.EventOrderUpdated, view)
	return view, nil
}

// priceOrder snapshots each product's price and currency into the order's items and sums the total. An
// unknown or unavailable product, or one priced in another currency, is refused naming the item.
func priceOrder(currency string, lines []ops.OrderLineInput, products map[uuid.UUID]persistence.Product) ([]persistence.OrderItem, domain.Money, error) {
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

func ListOrders(ctx context.Context, s *Scope, in ops.OrderListInput) (ops.ListPage[ops.OrderView], error) {
	page := page(in.Paging)
	list, err := s.Store.ListOrders(ctx, persistence.OrderFilter{OrderStatus: in.OrderStatus, CustomerID: in.CustomerID,
		ChannelID: in.ChannelID, CreatedFrom: in.CreatedFrom, CreatedTo: in.CreatedTo, Page: page})
	if err != nil {
		return ops.ListPage[ops.OrderView]{}, err
	}
	p := pageOf(list, page)
	views, err := orderViews(ctx, s, p.Data, in.Include)
	if err != nil {
		return ops.ListPage[ops.OrderView]{}, err
	}
	return ops.ListPage[ops.OrderView]{Data: views, NextOffset: p.NextOffset}, nil
}

func UpdateOrder(ctx context.Context, s *Scope, w ops.Write[ops.OrderInput]) (ops.OrderView, error) {
	in := w.Input
	if err := ops.ValidateUpdate(in); err != nil {
		return ops.OrderView{}, err
	}
	if in.UserID != nil {
		if err := checkMember(ctx, s, "userId", parseID(in.UserID)); err != nil {
			return ops.OrderView{}, err
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
		return ops.OrderView{}, err
	}
	views, err := orderViews(ctx, s, []persistence.Order{order}, []string{ops.IncludeItems})
	if err != nil {
		return ops.OrderView{}, err
	}
	s.Node.Publish(s.TenantID, ops.EventOrderUpdated, views[0])
	return views[0], nil
}

// orderViews embeds the related records asked for, loading each relation for all orders at once.
func orderViews(ctx context.Context, s *Scope, list []persistence.Order, include []string) ([]ops.OrderView, error) {
	ids := make([]uuid.UUID, len(list))
	customerIDs := make([]uuid.UUID, len(list))
	for i, o := range list {
		ids[i], customerIDs[i] = o.OrderID, o.CustomerID
	}
	var items map[uuid.UUID][]persistence.OrderItem
	var customers map[uuid.UUID]persistence.Customer
	var err error
	if wants(include, ops.IncludeItems) {
		if items, err = s.Store.ItemsOfOrders(ctx, ids); err != nil {
			return nil, err
		}
	}
	if wants(include, ops.IncludeCustomer) {
		if customers, err = s.Store.CustomersByID(ctx, customerIDs); err != nil {
			return nil, err
		}
	}
	views := make([]ops.OrderView, len(list))
	for i, o := range list {
		views[i] = ops.OrderView{Order: OrderView(o)}
		if items != nil {
			views[i].Items = nonNil(viewsOf(items[o.OrderID], OrderItemView))
		}
		if c, ok := customers[o.CustomerID]; ok {
			v := CustomerView(c)
			views[i].Customer = &v
		}
	}
	return views, nil
}
